"""The linkage hub: compare encodings from any number of parties and count persons.

The hub holds no key. It receives each party's encodings with their statistical attributes,
finds candidate pairs (all pairs while that is cheap; beyond, the records sharing a keyed
blocking key when the parties exported them, else Hamming-LSH blocking), scores them
with Sørensen–Dice and clusters them with the same constrained clustering as the cleartext
path, so that one strong link never chains two persons together.
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from haven.exceptions import ConfigurationError, Conflict
from haven.linkage._blocking_keys import BlockKeys
from haven.linkage._cluster import ClusterOptions, cluster_edges, person_id_for
from haven.linkage._kernels import dice_pairs, dice_threshold_dense

__all__ = [
    "EncodedParty",
    "HubOptions",
    "HubResult",
    "adjust_scores",
    "candidate_pairs",
    "key_candidate_pairs",
    "link_parties",
    "lsh_bands",
]

Bits = npt.NDArray[np.uint64]
Index = npt.NDArray[np.int64]
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class EncodedParty:
    """One data holder's export: encodings and statistical attributes, no identities.

    Attributes:
        source_org: the party (an organisation code).
        record_ids: the party's opaque record ids.
        bits: one encoding per record (packed uint64 rows).
        scheme: `EncodingSpec.scheme` the party used.
        key_check: `key_check(key)` of the party's key.
        attributes: statistical attributes per record (source_country, sex, ...).
        block_keys: keyed blocking keys (None when the spec exports none).
    """

    source_org: str
    record_ids: list[str]
    bits: Bits
    scheme: str
    key_check: str
    attributes: dict[str, list[str | None]] = field(default_factory=dict)
    block_keys: BlockKeys | None = None


@dataclass(frozen=True, slots=True)
class HubOptions:
    """Hub settings. Defaults suit the default `EncodingSpec` on victim records (chosen on
    synthetic seed 1); encodings with more fields (addresses) separate at lower Dice.

    Attributes:
        threshold: Dice coefficient from which two records may be one person.
        min_dice: pairs below this are not kept at all (they count as 0 support).
        min_support: mean Dice over all cross pairs needed to merge two clusters.
        one_per_source: at most one record per party in a person.
        exhaustive_limit: up to this many records every pair is compared; beyond, LSH.
        lsh_bands: number of Hamming-LSH bands; None chooses enough for 99.5 % recall of
            pairs at `threshold` (capped at 512).
        lsh_bits: sampled bit positions per band.
        seed: seed of the band positions (public: no secret is involved).
        max_block: keyed-blocking groups larger than this are not expanded into pairs
            (their records still meet through their other keys).
        close_days: registrations in one country within this many days ...
        close_bonus: ... add this to the pair's Dice (the next agency of a referral chain
            registers within weeks far more often than a namesake does);
        far_days: registrations further apart than this ...
        far_penalty: ... subtract this;
        citizenship_penalty: subtract this when both citizenships are known and differ.
            The four adjustments use statistical attributes the parties export anyway;
            they were chosen on synthetic seed 1, like the thresholds.
        scale_threshold: added to `threshold` and `min_support` per doubling of the
            records beyond `scale_from`: with more records there are more namesakes, and a
            pair needs more agreement to be as likely one person (chosen on seed 1 at
            3,750 and 10,000 records).
        scale_from: the number of records the thresholds were chosen at.
    """

    threshold: float = 0.85
    min_dice: float = 0.75
    min_support: float = 0.80
    one_per_source: bool = False
    exhaustive_limit: int = 20_000
    lsh_bands: int | None = None
    lsh_bits: int = 16
    seed: int = 7
    max_block: int = 2_000
    close_days: int = 60
    close_bonus: float = 0.05
    far_days: int = 365
    far_penalty: float = 0.05
    citizenship_penalty: float = 0.10
    scale_threshold: float = 0.014
    scale_from: int = 3_750

    def scaled(self, records: int) -> tuple[float, float]:
        """(threshold, min_support) for a linkage of `records` records."""
        rise = self.scale_threshold * math.log2(max(records, self.scale_from) / self.scale_from)
        return self.threshold + rise, self.min_support + rise


@dataclass(frozen=True)
class HubResult:
    """Person id per record over all parties, and the counts the statistics module needs."""

    record_ids: list[str]
    sources: list[str]
    person_ids: dict[str, str]
    comparisons: int
    candidate_pairs: int
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def persons(self) -> int:
        return len(set(self.person_ids.values()))

    def persons_by(self, attribute: Sequence[str | None]) -> dict[str | None, int]:
        """Distinct persons per value of a record attribute (e.g. source_country)."""
        seen: dict[str | None, set[str]] = {}
        for record_id, value in zip(self.record_ids, attribute, strict=True):
            seen.setdefault(value, set()).add(self.person_ids[record_id])
        return {k: len(v) for k, v in seen.items()}


def _check_parties(parties: Sequence[EncodedParty]) -> None:
    if not parties:
        raise ConfigurationError("the hub needs at least one party's encodings")
    schemes = {p.scheme for p in parties}
    if len(schemes) > 1:
        raise ConfigurationError("the parties used different encoding schemes")
    if len({p.key_check for p in parties}) > 1:
        raise ConfigurationError("the parties used different keys (key checks differ)")
    if len({p.bits.shape[1] for p in parties}) > 1:
        raise ConfigurationError("the parties' encodings differ in length")
    seen: set[str] = set()
    for party in parties:
        clash = seen.intersection(party.record_ids)
        if clash:
            raise Conflict(f"record id {sorted(clash)[0]} occurs in more than one party")
        seen.update(party.record_ids)


def _pairs_within(groups: Index, order: Index) -> tuple[Index, Index]:
    """All index pairs inside runs of equal `groups` values (groups sorted by `order`)."""
    keys = groups[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    # Most LSH buckets hold two records: those pairs are cut out without a Python loop.
    two = starts[sizes == 2]
    left: list[Index] = [order[two]]
    right: list[Index] = [order[two + 1]]
    for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist(), strict=True):
        members = order[start:start + size]
        i, j = np.triu_indices(size, k=1)
        left.append(members[i])
        right.append(members[j])
    return np.concatenate(left).astype(np.int64), np.concatenate(right).astype(np.int64)


def lsh_bands(options: HubOptions) -> int:
    """Bands needed so that a pair agreeing on a share `threshold` of bits is found with
    probability 0.995: on balanced encodings Dice equals that share."""
    if options.lsh_bands is not None:
        return options.lsh_bands
    hit = options.threshold ** options.lsh_bits
    return int(min(512, max(1, math.ceil(math.log(0.005) / math.log1p(-hit)))))


def candidate_pairs(bits: Bits, options: HubOptions) -> tuple[Index, Index]:
    """Hamming-LSH candidates: pairs that agree on all sampled bits of at least one band.

    Two encodings agreeing on a share s of their bits collide in one band with probability
    s ** lsh_bits; with 16 bits and 128 bands (the default threshold 0.85), pairs at s = 0.85
    are found with probability > 0.999 while random pairs (s ~ 0.55) collide in ~1 % of
    cases. Bands are processed in batches so that memory stays bounded.
    """
    n = len(bits)
    total_bits = bits.shape[1] * 64
    rng = np.random.default_rng(options.seed)
    dense = np.unpackbits(bits.view(np.uint8), axis=1, bitorder="little")
    weights = (1 << np.arange(options.lsh_bits, dtype=np.int64))
    found = np.zeros(0, np.int64)
    batch: list[Index] = []
    bands = lsh_bands(options)
    for band in range(bands):
        positions = rng.choice(total_bits, size=options.lsh_bits, replace=False)
        keys = dense[:, positions].astype(np.int64) @ weights
        i, j = _pairs_within(keys, np.argsort(keys, kind="stable"))
        batch.append(np.minimum(i, j) * n + np.maximum(i, j))
        if band % 16 == 15 or band == bands - 1:
            found = np.unique(np.concatenate([found, *batch]))
            batch = []
    return found // n, found % n


def key_candidate_pairs(parties: Sequence[EncodedParty], max_block: int
                        ) -> tuple[Index, Index, int]:
    """Pairs of records (global indices, i < j) sharing at least one keyed blocking key.

    Returns the pairs and the number of key groups skipped for exceeding `max_block`.
    """
    offsets = np.cumsum([0, *[len(p.record_ids) for p in parties]])
    rows = np.concatenate([p.block_keys.rows + offsets[k] for k, p in enumerate(parties)
                           if p.block_keys is not None])
    keys = np.concatenate([p.block_keys.keys for p in parties if p.block_keys is not None])
    n = int(offsets[-1])
    # One entry per (key, record), sorted by key: a record may repeat a key across kinds.
    unique = np.unique(np.stack([keys.view(np.int64), rows], axis=1), axis=0)
    keys, rows = unique[:, 0], unique[:, 1]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    skipped = int(np.sum(sizes > max_block))
    keep = np.repeat((sizes >= 2) & (sizes <= max_block), sizes)
    keys, rows = keys[keep], rows[keep]
    if len(keys) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), skipped
    left, right = _pairs_within(keys, np.arange(len(keys), dtype=np.int64))
    i, j = rows[left], rows[right]
    code = np.unique(np.minimum(i, j) * n + np.maximum(i, j))
    return code // n, code % n, skipped


def _across_parties(bits: Bits, sizes: Sequence[int], threshold: float
                    ) -> tuple[Index, Index, npt.NDArray[np.float64], int]:
    """Every pair between different parties (pairs inside a party cannot link)."""
    starts = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    parts: list[tuple[Index, Index, npt.NDArray[np.float64]]] = []
    comparisons = 0
    for p in range(len(sizes)):
        for q in range(p + 1, len(sizes)):
            a = bits[starts[p]:starts[p + 1]]
            b = bits[starts[q]:starts[q + 1]]
            i, j, dice = dice_threshold_dense(a, b, threshold)
            parts.append((i + starts[p], j + starts[q], dice))
            comparisons += len(a) * len(b)
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), 0
    return (np.concatenate([x[0] for x in parts]), np.concatenate([x[1] for x in parts]),
            np.concatenate([x[2] for x in parts]), comparisons)


def _score(bits: Bits, options: HubOptions, sizes: Sequence[int],
           parties: Sequence[EncodedParty] = ()
           ) -> tuple[Index, Index, npt.NDArray[np.float64], int, int]:
    n = len(bits)
    if n <= options.exhaustive_limit and options.one_per_source:
        i, j, dice, comparisons = _across_parties(bits, sizes, options.min_dice)
        return i, j, dice, comparisons, comparisons
    if n <= options.exhaustive_limit:
        i, j, dice = dice_threshold_dense(bits, bits, options.min_dice, same=True)
        return i, j, dice, n * (n - 1) // 2, n * (n - 1) // 2
    if parties and all(p.block_keys is not None for p in parties):
        left, right, _ = key_candidate_pairs(parties, options.max_block)
    else:
        left, right = candidate_pairs(bits, options)
    if options.one_per_source:
        source = np.repeat(np.arange(len(sizes)), sizes)
        across = source[left] != source[right]
        left, right = left[across], right[across]
    dice = dice_pairs(bits, left, right)
    keep = dice >= options.min_dice
    return left[keep], right[keep], dice[keep], len(left), len(left)


def _attribute(parties: Sequence[EncodedParty], name: str) -> npt.NDArray[np.object_] | None:
    if not all(name in p.attributes for p in parties):
        return None
    return np.array([v for p in parties for v in p.attributes[name]], dtype=object)


def _days(values: npt.NDArray[np.object_]) -> npt.NDArray[np.float64]:
    out = np.full(len(values), np.nan)
    for k, value in enumerate(values.tolist()):
        if value:
            with contextlib.suppress(ValueError):  # an unreadable date is a missing date
                out[k] = (date.fromisoformat(str(value)[:10]) - _EPOCH).days
    return out


def adjust_scores(parties: Sequence[EncodedParty], i: Index, j: Index,
                  dice: npt.NDArray[np.float64], options: HubOptions
                  ) -> npt.NDArray[np.float64]:
    """Dice adjusted by the statistical attributes: registration gap and country, and
    citizenship. Attributes a party did not export leave the pair's Dice as it is."""
    score = dice.copy()
    registered = _attribute(parties, "registered_on")
    country = _attribute(parties, "source_country")
    if registered is not None:
        days = _days(registered)
        gap = np.abs(days[i] - days[j])  # NaN when a date is missing: no adjustment
        if country is not None:
            same = (country[i] == country[j]) & (country[i] != None)  # noqa: E711
            score[same & (gap <= options.close_days)] += options.close_bonus
        score[gap > options.far_days] -= options.far_penalty
    citizenship = _attribute(parties, "citizenship")
    if citizenship is not None:
        known = (citizenship[i] != None) & (citizenship[j] != None)  # noqa: E711
        score[known & (citizenship[i] != citizenship[j])] -= options.citizenship_penalty
    return score


def link_parties(parties: Sequence[EncodedParty], options: HubOptions | None = None
                 ) -> HubResult:
    """Link all parties' encodings into persons.

    Raises:
        ConfigurationError: the parties used different schemes or keys.
        Conflict: a record id occurs in two parties.
    """
    opts = options or HubOptions()
    _check_parties(parties)
    bits = np.concatenate([p.bits for p in parties])
    record_ids = [r for p in parties for r in p.record_ids]
    sources = [p.source_org for p in parties for _ in p.record_ids]
    i, j, dice, comparisons, candidates = _score(bits, opts, [len(p.record_ids) for p in parties],
                                                 parties)
    dice = adjust_scores(parties, i, j, dice, opts)
    threshold, min_support = opts.scaled(len(record_ids))
    cluster = ClusterOptions(threshold=threshold, min_support=min_support,
                             one_per_source=opts.one_per_source)
    labels = cluster_edges(len(record_ids), zip(i.tolist(), j.tolist(), dice.tolist(),
                                                strict=True), cluster, sources=sources)
    groups: dict[int, list[str]] = {}
    for record_id, label in zip(record_ids, labels.tolist(), strict=True):
        groups.setdefault(label, []).append(record_id)
    ids = {label: person_id_for(members, namespace="hub") for label, members in groups.items()}
    person_ids = {r: ids[label] for r, label in zip(record_ids, labels.tolist(), strict=True)}
    per_source = Counter(sources)
    return HubResult(record_ids, sources, person_ids, comparisons, candidates,
                     {"records": len(record_ids), "parties": len(parties),
                      "threshold": round(threshold, 4),
                      "records_per_party": dict(per_source), "scored_pairs": len(dice)})
