"""A similarity-graph matching attack: what a hub learns from Dice scores alone.

The attacker is the hub (it holds every encoding, never the key) and knows the plaintext of
the encoded records — names, aliases, dates of birth and sex, as a population register or a
leaked database of the same agencies would give them — but not which encoding is whose. It
also knows the encoding scheme (every export names it). The attack, after the graph
matching attacks of Vidanage, Ranbaduge, Christen and Schnell (2019, 2020):

1. *Simulate*: encode the plaintext records under the same scheme with a key of its own.
   Dice between two encodings depends on what the two records share (q-grams, date digits,
   sex), hardly on the key, so the attacker's Dice graph is a noisy copy of the hub's.
2. *Seed*: describe each node by the distribution of its Dice scores (quantiles and the
   highest three) and pair each encoding with the plaintext node of the nearest profile;
   the few mutual pairs with the widest margin are the seeds.
3. *Propagate*: describe each node by its Dice to the seeds (centred, so that an offset of
   the key's collisions cancels) and pair nearest vectors again; the most confident mutual
   pairs become the next, twice as many, seeds, until every node is a seed. Against
   salted encodings (`EncodingSpec.salt`) the attacker, knowing the scheme, compares a
   plaintext candidate only on the seeds that share its salt.

A record counts as re-identified when its final match is mutual, strictly nearer than the
second-nearest plaintext and the plaintext of that match is the record's own. Identical
plaintexts are merged first: their encodings are identical too, and telling them apart is
not re-identification.

Parameters (profile length, first seeds, rounds) were chosen on synthetic seed 1.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from haven.linkage._bloom import EncodingSpec, _field_values, encode_prepared

__all__ = ["GraphAttackReport", "graph_matching_attack", "grouped_graph_attack",
           "plaintext_identities"]

Bits = npt.NDArray[np.uint64]
Matrix = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class GraphAttackReport:
    """Outcome of one graph matching attack.

    Attributes:
        records: records attacked.
        hits: records re-identified (unique, mutual and correct final match).
        seed_precision: share of the first seeds that were correct (how well step 2 did).
        rounds: propagation rounds run.
    """

    records: int
    hits: int
    seed_precision: float
    rounds: int

    @property
    def reidentified_share(self) -> float:
        return self.hits / self.records if self.records else 0.0


def plaintext_identities(prepared: pa.Table, spec: EncodingSpec) -> list[str]:
    """What the attacker knows of each record: the encoded fields' values, joined."""
    values = _field_values(prepared, spec)
    names = [f.name for f in (*spec.fields, *spec.extra_fields)]
    return ["\x1f".join(values[n][i] for n in names) for i in range(prepared.num_rows)]


def _dice_matrix(bits: Bits) -> Matrix:
    dense = np.unpackbits(bits.view(np.uint8), axis=1, bitorder="little").astype(np.float32)
    pop = dense.sum(axis=1)
    inter = dense @ dense.T
    total = pop[:, None] + pop[None, :]
    out: Matrix = np.divide(2 * inter, total, out=np.zeros_like(inter), where=total > 0)
    return out


def _squared(a: Matrix, b: Matrix, mask: Matrix | None = None) -> Matrix:
    """Squared Euclidean distances between rows of a and rows of b; with a mask (one row
    per row of b), only the masked coordinates count, averaged."""
    if mask is None:
        out: Matrix = (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2 * a @ b.T
        return out
    used = mask.sum(axis=1)[None, :]
    total = (a * a) @ mask.T - 2 * a @ (mask * b).T + (mask * b * b).sum(axis=1)[None, :]
    # A candidate without a seed of its salt cannot be compared: infinitely far.
    masked: Matrix = np.where(used > 0, total / np.maximum(used, 1), np.inf).astype(np.float32)
    return masked


def _nearest(d2: Matrix, a_groups: Ints, b_groups: Ints
             ) -> tuple[Ints, npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Nearest column for each row of d2 (rows: the hub's, columns: the attacker's), whether
    the match is mutual and its margin over the nearest column from another group (0 or
    less: not unique).

    Rows in one group are indistinguishable (identical encodings on the hub's side,
    identical plaintexts on the attacker's), so mutual and unique are judged by group.
    """
    a_len = len(d2)
    best = d2.argmin(axis=1)
    same = b_groups[None, :] == b_groups[best][:, None]
    nearest = np.sqrt(np.maximum(d2[np.arange(a_len), best], 0)).astype(np.float64)
    other = np.sqrt(np.maximum(np.where(same, np.inf, d2).min(axis=1), 0)).astype(np.float64)
    back = d2.argmin(axis=0)
    mutual = a_groups[back[best]] == a_groups
    margin = (other - nearest) / np.maximum(nearest, 1e-9)
    return best, mutual, margin


_QUANTILES = (0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998)


def _profile(dice: Matrix, top: int) -> Matrix:
    """Each node's Dice distribution: quantiles of its scores to the other nodes and its
    `top` highest. Quantiles barely move when nodes are missing or the key changes; the
    highest scores alone (tried first) seeded well on some keys and not at all on others."""
    others = np.sort(dice - 2 * np.eye(len(dice), dtype=np.float32), axis=1)[:, 1:]
    count = others.shape[1]
    at = np.minimum((np.asarray(_QUANTILES) * count).astype(np.int64), count - 1)
    out: Matrix = np.concatenate([others[:, at], others[:, count - top:][:, ::-1]],
                                 axis=1).astype(np.float32)
    return out


def _centred(matrix: Matrix, columns: Ints) -> Matrix:
    part = matrix[:, columns]
    out: Matrix = part - part.mean(axis=1, keepdims=True)
    return out


def graph_matching_attack(bits: Bits, prepared: pa.Table, spec: EncodingSpec | None = None,
                          *, profile: int = 3, first_seeds: int = 20, rounds: int = 12,
                          known: float = 1.0, attacker_key: bytes | None = None) -> tuple[
                              npt.NDArray[np.bool_], GraphAttackReport]:
    """Which records the graph matching attack re-identifies.

    Args:
        bits: the encodings as the hub holds them, record i in row i.
        prepared: the plaintext of the same records (`prepare`); row i is record i's truth.
            The attacker sees it only as a set: it is shuffled and deduplicated first.
        spec: the encoding scheme (public: every export names it).
        profile: highest Dice scores per node in the seeding profile (beside quantiles).
        first_seeds: seeds of the first propagation round; doubled every round.
        rounds: propagation rounds at most.
        known: share of the records whose plaintext the attacker holds (a random part;
            the rest it can only mistake for someone it knows).
        attacker_key: the attacker's own key (random when not given).
    """
    spec = spec or EncodingSpec()
    truth = plaintext_identities(prepared, spec)
    n = len(bits)
    if n < 3 or len(set(truth)) < 3:
        return np.zeros(n, dtype=bool), GraphAttackReport(n, 0, 0.0, 0)
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(
        attacker_key or b"attacker").digest()[:8], "little"))
    plain_rows = rng.permutation(n)[:max(3, round(known * n))]
    plain_ids = [truth[int(r)] for r in plain_rows]
    simulated = encode_prepared(prepared.take(pa.array(plain_rows)),
                                attacker_key or rng.bytes(32), spec)
    hub_groups = np.unique(bits, axis=0, return_inverse=True)[1].reshape(-1).astype(np.int64)
    plain_groups = np.unique(np.asarray(plain_ids, dtype=object),
                             return_inverse=True)[1].reshape(-1).astype(np.int64)

    # Against salted encodings the attacker compares a candidate only on the seeds of its
    # own salt: Dice to the others is chance, and would drown the signal.
    salts = None if spec.salt is None else np.unique(np.asarray(
        _field_values(prepared.take(pa.array(plain_rows)), spec)[spec.salt], dtype=object),
        return_inverse=True)[1].reshape(-1)
    hub = _dice_matrix(bits)
    sim = _dice_matrix(simulated)
    top = min(profile, len(plain_rows) - 1)
    guess, mutual, margin = _nearest(_squared(_profile(hub, top), _profile(sim, top)),
                                     hub_groups, plain_groups)
    seeds = _confident(mutual, margin, first_seeds)
    precision = float(np.mean([truth[int(s)] == plain_ids[int(guess[s])] for s in seeds]))
    size = first_seeds
    done = 0
    while done < rounds:
        done += 1
        mask = None if salts is None else (
            salts[:, None] == salts[guess[seeds]][None, :]).astype(np.float32)
        guess, mutual, margin = _nearest(
            _squared(_centred(hub, seeds), _centred(sim, guess[seeds]), mask),
            hub_groups, plain_groups)
        if len(seeds) >= min(n, len(plain_rows)):
            break
        size = min(2 * size, n)
        seeds = _confident(mutual, margin, size)
    hits = np.array([m and g > 0 and plain_ids[int(j)] == t for m, g, j, t in zip(
        mutual, margin, guess, truth, strict=True)], dtype=bool)
    return hits, GraphAttackReport(n, int(hits.sum()), precision, done)


def _confident(mutual: npt.NDArray[np.bool_], margin: npt.NDArray[np.float64], size: int
               ) -> Ints:
    """The `size` mutual pairs (hub rows) with the widest margin; any if none is mutual."""
    pool = np.flatnonzero(mutual) if mutual.any() else np.arange(len(mutual))
    chosen: Ints = pool[np.argsort(-margin[pool], kind="stable")][:size]
    return chosen


def grouped_graph_attack(bits: Bits, prepared: pa.Table, spec: EncodingSpec,
                         attacker_key: bytes | None = None) -> tuple[
                             npt.NDArray[np.bool_], GraphAttackReport]:
    """The graph matching attack run inside each salt group, told the groups (an upper
    bound of what a hub sorting salted encodings by their Dice can do; same-salt pairs
    score visibly higher, docs/linkage.md)."""
    if spec.salt is None:
        return graph_matching_attack(bits, prepared, spec, attacker_key=attacker_key)
    salts = np.asarray(_field_values(prepared, spec)[spec.salt], dtype=object)
    hits = np.zeros(len(bits), dtype=bool)
    for value in sorted(set(salts.tolist())):
        rows = np.flatnonzero(salts == value)
        found, _ = graph_matching_attack(bits[rows], prepared.take(pa.array(rows)), spec,
                                         attacker_key=attacker_key)
        hits[rows] = found
    return hits, GraphAttackReport(len(bits), int(hits.sum()), float("nan"), 0)
