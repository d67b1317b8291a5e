"""Quality of a linkage against ground truth: pairwise precision, recall, F1, person counts.

Pairwise figures count record pairs placed in one person: a true positive is a pair that
shares a person in both the result and the truth. This is the measure the FEBRL literature and
Splink report, and it punishes one wrong merge of two large clusters as hard as it should.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["LinkageQuality", "blocking_recall", "evaluate"]


@dataclass(frozen=True, slots=True)
class LinkageQuality:
    """Pairwise quality and person counts of one result.

    Attributes:
        records: records evaluated (those present in both result and truth).
        true_pairs: pairs that share a person in the truth.
        predicted_pairs: pairs that share a person in the result.
        true_positives: pairs in both.
        persons: distinct persons in the result.
        true_persons: distinct persons in the truth.
    """

    records: int
    true_pairs: int
    predicted_pairs: int
    true_positives: int
    persons: int
    true_persons: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def person_count_error(self) -> float:
        """Relative error of the person count: +0.014 means 1.4 % too many persons."""
        return (self.persons - self.true_persons) / self.true_persons if self.true_persons else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "records": self.records, "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs, "true_positives": self.true_positives,
            "precision": round(self.precision, 6), "recall": round(self.recall, 6),
            "f1": round(self.f1, 6), "persons": self.persons, "true_persons": self.true_persons,
            "person_count_error": round(self.person_count_error, 6),
        }


def _pairs(sizes: Iterable[int]) -> int:
    return sum(s * (s - 1) // 2 for s in sizes)


def evaluate(predicted: Mapping[str, str], truth: Mapping[str, str]) -> LinkageQuality:
    """Compare person ids per record with true person ids per record.

    Records missing from either side are left out, so that a partial result is judged on
    what it covers; `records` says how many were judged.
    """
    common = [r for r in predicted if r in truth]
    pred = Counter(predicted[r] for r in common)
    true = Counter(truth[r] for r in common)
    both = Counter((predicted[r], truth[r]) for r in common)
    return LinkageQuality(
        records=len(common), true_pairs=_pairs(true.values()),
        predicted_pairs=_pairs(pred.values()), true_positives=_pairs(both.values()),
        persons=len(pred), true_persons=len(true))


def blocking_recall(candidates: Iterable[tuple[int, int]], truth: Sequence[str]) -> float:
    """Share of true pairs (same truth label) among candidate index pairs.

    Args:
        candidates: index pairs the blocking produced (order within a pair is irrelevant).
        truth: true person label per record index.
    """
    found = {(min(i, j), max(i, j)) for i, j in candidates if truth[i] == truth[j] and i != j}
    total = _pairs(Counter(truth).values())
    return len(found) / total if total else 1.0
