"""Quality measures for screening against labelled ads: B-cubed, pairwise and set F1.

Used by the benchmarks and tests on synthetic corpora, and usable on an analyst's own
hand-labelled sample. An ad without a label is a cluster of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

__all__ = ["bcubed", "pairwise", "set_f1"]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _singletons(labels: Sequence[Hashable | None]) -> list[Hashable]:
    return [("__alone__", i) if lab in (None, "") else lab for i, lab in enumerate(labels)]


def bcubed(truth: Sequence[Hashable | None], pred: Sequence[Hashable | None]
           ) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering (Amigó et al., 2009).

    Example:
        >>> bcubed(["a", "a", None], ["x", "x", None])
        (1.0, 1.0, 1.0)
    """
    t, p = _singletons(truth), _singletons(pred)
    both = Counter(zip(t, p, strict=True))
    tc, pc = Counter(t), Counter(p)
    prec = sum(both[(a, b)] / pc[b] for a, b in zip(t, p, strict=True)) / len(t)
    rec = sum(both[(a, b)] / tc[a] for a, b in zip(t, p, strict=True)) / len(t)
    return prec, rec, _f1(prec, rec)


def pairwise(truth: Sequence[Hashable | None], pred: Sequence[Hashable | None]
             ) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 over all pairs of ads put together."""
    t, p = _singletons(truth), _singletons(pred)

    def pairs(counts: Iterable[int]) -> int:
        return sum(c * (c - 1) // 2 for c in counts)

    same_both = pairs(Counter(zip(t, p, strict=True)).values())
    same_t, same_p = pairs(Counter(t).values()), pairs(Counter(p).values())
    prec = same_both / same_p if same_p else 1.0
    rec = same_both / same_t if same_t else 1.0
    return prec, rec, _f1(prec, rec)


def set_f1(truth: Iterable[Hashable], found: Iterable[Hashable]) -> tuple[float, float, float]:
    """Precision, recall and F1 of a found set of items (e.g. (ad, phone) pairs)."""
    t, f = set(truth), set(found)
    tp = len(t & f)
    prec = tp / len(f) if f else 1.0
    rec = tp / len(t) if t else 1.0
    return prec, rec, _f1(prec, rec)
