"""Re-identification attacks on Bloom-filter encodings, to measure how well they are hardened.

The attacker holds every encoding but not the key, and knows the plaintext population: the
list of names behind the encodings with their frequencies (a strong attacker; a public
telephone book or a census gives a weaker version of the same). Two attacks are run:

- *frequency alignment*: identical encodings are grouped; the groups are ranked by size and
  matched to names ranked by frequency. A record counts as re-identified when its group has a
  size no other group shares and the name of that rank is the record's true name.
- *pattern mining* (after Christen, Ranbaduge, Vatsalan and Schnell, 2018): bit positions set
  together in about as many encodings as a frequent q-gram occurs in records are taken to be
  that q-gram's positions; each encoding is then read back as a set of q-grams and matched
  against the names. A record counts as re-identified when exactly one name fits and it is
  the true one.

Both run twice: on the encodings as exported and after *unbalancing* them (`unbalance`). A
balanced encoding is the filter followed by its complement, permuted; the permutation hides
which position is which, but not that two positions always differ. A hub holding many
encodings pairs such positions, keeps the sparser one of each pair (the filter's own bit; its
complement is set more often) and has the plain filter back, only permuted, which pattern
mining does not need undone. Balancing hides lengths from a single encoding; against a hub it
only buys the record-level encoding's protection, which must hold on its own.

When the parties also export keyed blocking keys (`_blocking_keys.py`), a third attack runs
on them: *key frequency alignment* ranks the hashed key values by how many records hold them
and the population's plaintext key values likewise, takes ranks whose count is unique on both
sides as decoded, and counts a record as re-identified when the names of the population
records holding all its decoded keys are exactly its own name; *key profiles* match each
record's sorted key counts against the population's (`key_signature_attack`).

`reidentified_share` is the share of records re-identified by any attack.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from haven.linkage._bloom import ngrams

__all__ = ["AttackReport", "frequency_attack", "key_frequency_attack", "key_signature_attack",
           "pattern_mining_attack", "run_attacks", "unbalance"]

Bits = npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class AttackReport:
    """Outcome of the attacks on one set of encodings.

    Attributes:
        records: records attacked.
        frequency_hits: records re-identified by frequency alignment.
        pattern_hits: records re-identified by pattern mining.
        either_hits: records re-identified by at least one attack.
        qgrams_assigned: q-grams the pattern miner assigned to bit positions.
        key_hits: records re-identified from their blocking keys (0 when none were given).
        complement_pairs: position pairs that differ in every encoding, which `unbalance`
            removed (half the length for balanced encodings, 0 for plain ones).
    """

    records: int
    frequency_hits: int
    pattern_hits: int
    either_hits: int
    qgrams_assigned: int
    key_hits: int = 0
    complement_pairs: int = 0

    @property
    def reidentified_share(self) -> float:
        return self.either_hits / self.records if self.records else 0.0


def _dense(bits: Bits) -> npt.NDArray[np.bool_]:
    return np.unpackbits(bits.view(np.uint8), axis=1, bitorder="little").astype(bool)


def unbalance(bits: Bits) -> tuple[Bits, int]:
    """Strip complement positions, as a hub holding many encodings can.

    Two positions whose columns are each other's complement in every encoding are one
    filter bit and its complement; of each such pair the position set in fewer encodings is
    kept. Returns the remaining positions (packed, zero-padded to whole words) and the
    number of pairs removed. Plain encodings usually come back unchanged, with 0 pairs (a
    field always holding one of two values can make a pair there too).
    """
    dense = _dense(bits)
    if len(dense) == 0:
        return bits, 0
    columns = np.packbits(dense.T, axis=1)
    flipped = np.packbits(~dense.T, axis=1)
    by_pattern: dict[bytes, list[int]] = {}
    for index, column in enumerate(columns):
        by_pattern.setdefault(column.tobytes(), []).append(index)
    counts = dense.sum(axis=0)
    paired = np.zeros(dense.shape[1], dtype=bool)
    keep = np.ones(dense.shape[1], dtype=bool)
    pairs = 0
    for index in range(dense.shape[1]):
        if paired[index]:
            continue
        partners = [j for j in by_pattern.get(flipped[index].tobytes(), []) if not paired[j]]
        if not partners:
            continue
        partner = partners[0]
        paired[[index, partner]] = True
        keep[partner if counts[partner] > counts[index] else index] = False
        pairs += 1
    kept = dense[:, keep]
    width = -(-kept.shape[1] // 64) * 64
    padded = np.zeros((len(kept), width), dtype=np.uint8)
    padded[:, : kept.shape[1]] = kept
    packed = np.packbits(padded, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64), pairs


def frequency_attack(bits: Bits, names: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Which records frequency alignment re-identifies (names[i] is record i's truth)."""
    keys = [row.tobytes() for row in bits]
    group_size = Counter(keys)
    name_count = Counter(names)
    sizes = Counter(group_size.values())
    counts = Counter(name_count.values())
    # Rank r of groups and names: only unambiguous ranks (a size no other group has) are used.
    groups_by_rank = sorted(group_size, key=lambda k: -group_size[k])
    names_by_rank = sorted(name_count, key=lambda n: -name_count[n])
    guess: dict[bytes, str] = {}
    for rank, key in enumerate(groups_by_rank[:len(names_by_rank)]):
        size = group_size[key]
        name = names_by_rank[rank]
        if sizes[size] == 1 and counts.get(name_count[name], 0) == 1:
            guess[key] = name
    return np.array([guess.get(k) == n for k, n in zip(keys, names, strict=True)], dtype=bool)


def _mine_positions(dense: npt.NDArray[np.bool_], counts: npt.NDArray[np.int64],
                    expected: int, free: npt.NDArray[np.bool_], tolerance: float,
                    seeds: int = 30) -> npt.NDArray[np.int64]:
    """Positions that look like one q-gram occurring in `expected` records.

    Every record holding the q-gram sets all its positions, so its positions are set at
    least `expected` times and co-occur almost always. Seeds are the free positions whose
    counts are closest to `expected`; each seed's group is the positions set in nearly all
    of the seed's records, and the group whose joint count is nearest `expected` wins.
    """
    candidates = np.flatnonzero(free & (counts >= expected * (1 - tolerance)))
    if len(candidates) == 0:
        return candidates
    best: tuple[float, npt.NDArray[np.int64]] = (np.inf, candidates[:0])
    order = candidates[np.argsort(np.abs(counts[candidates] - expected))][:seeds]
    for seed in order.tolist():
        rows = dense[:, seed]
        together = dense[rows][:, candidates].mean(axis=0)
        group = candidates[together >= 1 - tolerance]
        if len(group) < 3:
            continue
        joint = int(dense[:, group].all(axis=1).sum())
        score = abs(joint - expected) / expected
        if score < best[0]:
            best = (score, group)
    return best[1] if best[0] <= tolerance * 2 else candidates[:0]


def _read_back(present: npt.NDArray[np.bool_], grams: Sequence[str],
               grams_of: dict[str, set[str]], names: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Match each encoding's recovered q-grams to the best-fitting name; a hit is a unique
    best fit that is the true name."""
    candidates = sorted(grams_of)
    signature = np.array([[g in grams_of[n] for g in grams] for n in candidates], dtype=bool)
    p = present.astype(np.int32)
    agree = p @ signature.T.astype(np.int32) + (1 - p) @ (~signature).T.astype(np.int32)
    best = agree.max(axis=1)
    unique = (agree == best[:, None]).sum(axis=1) == 1
    winner = np.asarray(candidates, dtype=object)[agree.argmax(axis=1)]
    hits: npt.NDArray[np.bool_] = unique & (winner == np.asarray(names, dtype=object))
    return hits


def pattern_mining_attack(bits: Bits, names: Sequence[str], *, q: int = 2,
                          top_qgrams: int = 100, tolerance: float = 0.05
                          ) -> tuple[npt.NDArray[np.bool_], int]:
    """Which records pattern mining re-identifies, and how many q-grams it assigned."""
    dense = _dense(bits)
    grams_of = {n: set(ngrams(n, q)) for n in set(names)}
    frequency = Counter(g for n in names for g in grams_of[n])
    counts = dense.sum(axis=0).astype(np.int64)
    everywhere = np.ones(dense.shape[1], dtype=bool)
    assigned: dict[str, npt.NDArray[np.int64]] = {}
    taken: set[int] = set()
    for gram, count in frequency.most_common(top_qgrams):
        positions = _mine_positions(dense, counts, count, everywhere, tolerance)
        # Positions may be shared between q-grams, but a group found before is not new.
        if 0 < len(positions) <= 64 and len(taken.intersection(positions.tolist())) < len(
                positions) / 2:
            assigned[gram] = positions
            taken.update(positions.tolist())
    if not assigned:
        return np.zeros(len(names), dtype=bool), 0
    present = np.stack([dense[:, p].all(axis=1) for p in assigned.values()], axis=1)
    return _read_back(present, list(assigned), grams_of, names), len(assigned)


def key_frequency_attack(hashed: Sequence[Sequence[int]],
                         plain: Sequence[Sequence[tuple[str, str]]],
                         names: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Which records frequency alignment of blocking keys re-identifies.

    `hashed[i]` are record i's keyed blocking keys as the hub sees them, `plain[i]` the
    plaintext keys the attacker computes from the population (record i's, in the same
    order as the population list) and `names[i]` its true name.
    """
    hashed_count = Counter(k for keys in hashed for k in set(keys))
    plain_count = Counter(k for keys in plain for k in set(keys))
    unique_h = Counter(hashed_count.values())
    unique_p = Counter(plain_count.values())
    by_rank_h = sorted(hashed_count, key=lambda k: -hashed_count[k])
    by_rank_p = sorted(plain_count, key=lambda k: (-plain_count[k], k))
    guess: dict[int, tuple[str, str]] = {}
    for hashed_key, plain_key in zip(by_rank_h, by_rank_p, strict=False):
        if unique_h[hashed_count[hashed_key]] == 1 and unique_p[plain_count[plain_key]] == 1:
            guess[hashed_key] = plain_key
    holders: dict[tuple[str, str], set[int]] = {}
    for index, plain_keys in enumerate(plain):
        for k in plain_keys:
            holders.setdefault(k, set()).add(index)
    hits = np.zeros(len(hashed), dtype=bool)
    for index, hashed_keys in enumerate(hashed):
        decoded = [guess[k] for k in hashed_keys if k in guess]
        if not decoded:
            continue
        fitting = set.intersection(*(holders.get(k, set()) for k in decoded))
        hits[index] = {names[f] for f in fitting} == {names[index]}
    return hits


def key_signature_attack(hashed: Sequence[Sequence[int]],
                         plain: Sequence[Sequence[tuple[str, str]]],
                         names: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Which records the frequency profile of their blocking keys re-identifies.

    The hub sees how many records hold each of a record's keys; the attacker computes the
    same profile (sorted counts) for every population record from the plaintext keys. A
    record whose profile fits population records of one name only, its own, is
    re-identified. Untruncated keys give this away for about a quarter of synthetic
    records; truncating keys so that a bucket mixes several values defeats it.
    """
    hashed_count = Counter(k for keys in hashed for k in set(keys))
    plain_count = Counter(k for keys in plain for k in set(keys))
    fitting: dict[tuple[int, ...], set[str]] = {}
    for index, plain_keys in enumerate(plain):
        profile = tuple(sorted(plain_count[k] for k in set(plain_keys)))
        fitting.setdefault(profile, set()).add(names[index])
    hits = np.zeros(len(hashed), dtype=bool)
    for index, hashed_keys in enumerate(hashed):
        if hashed_keys:
            seen = tuple(sorted(hashed_count[k] for k in set(hashed_keys)))
            hits[index] = fitting.get(seen) == {names[index]}
    return hits


def run_attacks(bits: Bits, names: Sequence[str], *, q: int = 2,
                block_keys: tuple[Sequence[Sequence[int]], Sequence[Sequence[tuple[str, str]]]]
                | None = None) -> AttackReport:
    """Run the attacks; `names[i]` is the plaintext (as encoded) behind encoding i.

    `block_keys`, if given, is (hashed keys per record, plaintext keys per record).
    """
    frequency = frequency_attack(bits, names)
    pattern, assigned = pattern_mining_attack(bits, names, q=q)
    plain, pairs = unbalance(bits)
    if pairs:
        unbalanced, assigned_plain = pattern_mining_attack(plain, names, q=q)
        pattern |= unbalanced
        assigned = max(assigned, assigned_plain)
    keys = np.zeros(len(names), dtype=bool)
    if block_keys is not None:
        keys = (key_frequency_attack(block_keys[0], block_keys[1], names)
                | key_signature_attack(block_keys[0], block_keys[1], names))
    return AttackReport(len(names), int(frequency.sum()), int(pattern.sum()),
                        int((frequency | pattern | keys).sum()), assigned, int(keys.sum()),
                        pairs)
