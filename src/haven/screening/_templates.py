"""Templates: near-duplicate clusters refined by minimum description length, with slots.

Candidates come from MinHash LSH (`_minhash`); a candidate pair is kept when its estimated
Jaccard similarity reaches `threshold`, and kept pairs are joined into clusters. Each
cluster is then refined the way InfoShield-Fine does it: a template is the consensus token
sequence of the cluster, every ad is encoded as "template plus edits", and an ad stays in
the template only if that encoding is shorter than writing the ad out in full. The ads a
template does not compress are tried again as a template of their own, so a cluster chained
together from two templates splits instead of swallowing both.

Two rules keep a large chained cluster from collapsing into one stock sentence. The
consensus is built from the representative ad and its nearest members (by shared words),
not from a spread sample: a hundred ads of thirty templates agree only on "Open from 10:00
to 22:00", which every one of them would then "compress". And a member must not only keep
most of the template (`MIN_COVERAGE`), the template must also make up most of the member
(`MIN_OWN`): an ad that shares one sentence and a contact line with a template is not
written from it.

The positions where the ads of a template differ are its slots; each slot is named after
what fills it most often (phone, number, name, city, e-mail or handle, or text).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from haven.screening._normalise import fold, translit

__all__ = ["Template", "TemplateJob", "components", "refine_cluster", "token_key"]

PLACEHOLDERS = {"__phone__": "phone", "__email__": "e-mail", "__handle__": "handle"}
_MAX_SAMPLE = 40  # members used to build the consensus; every member is still encoded
MIN_COVERAGE = 0.7  # share of the template's tokens a member must keep
MIN_OWN = 0.5  # share of a member's tokens that must come from the template
MAX_ROUNDS = 200  # templates tried per cluster at most
MAX_MISSES = 3  # a cluster is given up after this many rounds in a row found no template


@dataclass(frozen=True, slots=True)
class TemplateJob:
    """One cluster to refine: member rows, their display tokens (space-joined), names, cities.

    Tokens stay joined until the worker splits them: a million ads' tokens as separate
    strings would take gigabytes in the process that plans the jobs.
    """

    rows: tuple[int, ...]
    texts: tuple[str, ...]
    names: tuple[frozenset[str], ...]
    cities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Template:
    """A refined template: its member rows and its text with `[slot]` markers."""

    rows: tuple[int, ...]
    text: str
    slots: tuple[str, ...]
    bits_saved: float


def components(n: int, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Connected-component label (the smallest member index) of each of `n` nodes."""
    parent = np.arange(n, dtype=np.int64)
    if len(pairs) == 0:
        return parent
    a, b = pairs[:, 0].copy(), pairs[:, 1].copy()
    while True:
        # hook: every edge pulls the larger root under the smaller one; then compress paths
        ra, rb = parent[a], parent[b]
        lo, hi = np.minimum(ra, rb), np.maximum(ra, rb)
        changed = lo != hi
        if not changed.any():
            break
        np.minimum.at(parent, hi[changed], lo[changed])
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    return parent


@lru_cache(maxsize=1 << 16)  # a worker's cache stays small
def token_key(token: str) -> str:
    if token in PLACEHOLDERS:
        return token
    return "0" if token.isdigit() else translit(fold(token))


def _log_star(x: int) -> float:
    return 2.0 * math.ceil(math.log2(x)) + 1.0 if x > 1 else 1.0


def _consensus(seqs: list[list[str]], rep: int) -> tuple[list[str], list[int]]:
    """Tokens of the representative kept by at least half of the sample, and their counts."""
    base = seqs[rep]
    votes = [0] * len(base)
    for seq in seqs:
        sm = SequenceMatcher(None, base, seq, autojunk=False)
        for block in sm.get_matching_blocks():
            for p in range(block.a, block.a + block.size):
                votes[p] += 1
    keep = [p for p, v in enumerate(votes) if 2 * v >= len(seqs)]
    return [base[p] for p in keep], keep


def _encode(
    template: list[str], seq: list[str], word_bits: float
) -> tuple[float, float, list[tuple[int, list[str]]]]:
    """Bits to write `seq` as the template plus edits, the share of the template it keeps,
    and the inserted runs by template position (the share of `seq` that is template is
    `coverage * len(template) / len(seq)`)."""
    sm = SequenceMatcher(None, template, seq, autojunk=False)
    bits = float(len(template))  # one bit per template token: kept or dropped
    pos_bits = math.log2(len(template) + 1)
    inserts: list[tuple[int, list[str]]] = []
    kept = 0
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            kept += i2 - i1
        elif op in ("replace", "insert"):
            run = seq[j1:j2]
            bits += pos_bits + _log_star(len(run)) + len(run) * word_bits
            inserts.append((i1, run))
        elif op == "delete":
            bits += pos_bits
    return bits, kept / len(template), inserts


def _slot_name(fills: Counter[str]) -> str:
    name, _ = fills.most_common(1)[0]
    return name


def _fill_kind(run: list[str], names: frozenset[str], city: str) -> str:
    for token in run:
        if token in PLACEHOLDERS:
            return PLACEHOLDERS[token]
    joined = " ".join(run)
    if city and city in joined:
        return "city"
    if any(t in names for t in run):
        return "name"
    if all(t == "0" for t in run):
        return "number"
    return "text"


def _representative(members: list[int], keys: list[list[str]]) -> int:
    """The median-length ad of a spread sample: the most typical skeleton."""
    spread = members[:: max(1, len(members) // _MAX_SAMPLE)][:_MAX_SAMPLE]
    lengths = sorted((len(keys[m]), m) for m in spread)
    return lengths[len(lengths) // 2][1]


def _nearest(members: list[int], rep: int, word_sets: list[frozenset[str]]) -> list[int]:
    """`rep` and the members sharing most words with it, `_MAX_SAMPLE` in all, in row order."""
    if len(members) <= _MAX_SAMPLE:
        return members
    base = word_sets[rep]
    scored = sorted(members, key=lambda m: (
        m != rep, -len(base & word_sets[m]) / len(base | word_sets[m]), m))
    return sorted(scored[:_MAX_SAMPLE])


def _one_template(job: TemplateJob, members: list[int], keys: list[list[str]],
                  word_sets: list[frozenset[str]], counts: list[Counter[str]], word_bits: float
                  ) -> tuple[Template | None, list[int]]:
    rep = _representative(members, keys)
    sample = _nearest(members, rep, word_sets)
    sample_seqs = [keys[m] for m in sample]
    template, kept_pos = _consensus(sample_seqs, sample.index(rep))
    if len(template) < 4:
        return None, members
    kept: list[int] = []
    rejected: list[int] = []
    saved = -(_log_star(len(template)) + len(template) * word_bits)  # the template's own cost
    slot_fills: dict[int, Counter[str]] = {}
    in_template = Counter(template)
    for m in members:
        seq = keys[m]
        # the tokens an alignment can match are at most the tokens both have: an ad that
        # cannot reach the coverage rules is rejected without aligning it (most ads of a
        # large chained cluster, in every round)
        bound = sum(min(c, in_template[t]) for t, c in counts[m].items() if t in in_template)
        if bound / len(template) < MIN_COVERAGE or bound / max(len(seq), 1) < MIN_OWN:
            rejected.append(m)
            continue
        alone = _log_star(max(len(seq), 1)) + len(seq) * word_bits
        bits, coverage, inserts = _encode(template, seq, word_bits)
        # an ad that shares a few stock sentences with a template compresses too, but it is
        # not written from it: a member keeps most of the template, and is mostly template
        own = coverage * len(template) / max(len(seq), 1)
        if bits < alone and coverage >= MIN_COVERAGE and own >= MIN_OWN:
            kept.append(m)
            saved += alone - bits
            for pos, run in inserts:
                slot_fills.setdefault(pos, Counter())[
                    _fill_kind(run, job.names[m], job.cities[m])] += 1
        else:
            rejected.append(m)
    if len(kept) < 2 or saved <= 0:
        return None, members
    # a slot is a position that at least a fifth of the ads fill; one-off edits are noise
    slots = {p: _slot_name(c) for p, c in slot_fills.items() if sum(c.values()) * 5 >= len(kept)}
    display = job.texts[rep].split(" ")
    words: list[str] = []
    names: list[str] = []
    for i, p in enumerate(kept_pos):
        if i in slots:
            words.append(f"[{slots[i]}]")
            names.append(slots[i])
        tok = display[p]
        words.append(f"[{PLACEHOLDERS[tok]}]" if tok in PLACEHOLDERS else tok)
        if tok in PLACEHOLDERS:
            names.append(PLACEHOLDERS[tok])
    if len(kept_pos) in slots:
        words.append(f"[{slots[len(kept_pos)]}]")
        names.append(slots[len(kept_pos)])
    rows = tuple(sorted(job.rows[m] for m in kept))
    return Template(rows, " ".join(words), tuple(names), round(saved, 3)), rejected


def refine_cluster(job: TemplateJob, rounds: int = MAX_ROUNDS) -> list[Template]:
    """Split one candidate cluster into MDL templates; ads no template compresses are left out.

    Rounds go on while ads remain; a round that finds no template sets its representative
    aside (it may belong to no template), and `MAX_MISSES` such rounds in a row end it.

    Example:
        >>> ads = ["hi i am anna 22 years call __phone__ kisses",
        ...        "hi i am mia 23 years call __phone__ kisses",
        ...        "hi i am eva 25 years call __phone__ kisses"]
        >>> job = TemplateJob((0, 1, 2), tuple(ads),
        ...                   (frozenset({"anna"}), frozenset({"mia"}), frozenset({"eva"})),
        ...                   ("", "", ""))
        >>> refine_cluster(job)[0].text
        'hi i am [name] 23 years call [phone] kisses'
    """
    keys = [[token_key(t) for t in text.split(" ")] for text in job.texts]
    vocab = {t for seq in keys for t in seq}
    word_bits = max(math.log2(max(len(vocab), 2)), 8.0)  # as InfoShield: at least 8 bits a word
    word_sets = [frozenset(seq) for seq in keys]
    counts = [Counter(seq) for seq in keys]
    remaining = list(range(len(job.rows)))
    out: list[Template] = []
    misses = 0
    for _ in range(rounds):
        if len(remaining) < 2 or misses >= MAX_MISSES:
            break
        template, rejected = _one_template(job, remaining, keys, word_sets, counts, word_bits)
        if template is None:
            misses += 1
            rep = _representative(remaining, keys)
            remaining = [m for m in remaining if m != rep]
            continue
        misses = 0
        out.append(template)
        remaining = rejected
    return out
