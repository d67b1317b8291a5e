"""MinHash signatures and LSH banding on NumPy: near-duplicate candidates in sublinear time.

Shingles are word 3-grams of the matching key (see `_normalise.word_tokens`), hashed with a
fixed CRC so that every process and every engine computes the same values. The permutations
are multiply-shift hashes with fixed odd multipliers; the signature of a set is the minimum
of each hash over the set. Two sets agree on one signature position with probability equal
to their Jaccard similarity, so the share of agreeing positions estimates it.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

__all__ = [
    "BANDS",
    "NUM_PERM",
    "band_keys",
    "candidate_pairs",
    "estimated_jaccard",
    "shingle_hashes",
    "shingle_sets",
    "signatures",
    "signatures_flat",
]

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: pairs at Jaccard 0.5 collide in a band with p = 0.87
_ROWS = NUM_PERM // BANDS
_SHINGLE = 3
_rng = np.random.default_rng(20210419)  # fixed: signatures must be the same everywhere
_A = (_rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) * np.uint64(2)) + np.uint64(1)
_B = _rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64)
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)
_BAND_MIX = _rng.integers(1, 2**63, _ROWS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]


@lru_cache(maxsize=1 << 16)  # a worker's cache stays small
def _token_hash(token: str) -> int:
    return zlib.crc32(token.encode("utf-8"))


def shingle_hashes(tokens: list[str]) -> U64:
    """Sorted unique 64-bit hashes of the word 3-grams of `tokens` (fewer tokens: none)."""
    if len(tokens) < _SHINGLE:
        return np.empty(0, dtype=np.uint64)
    h = np.fromiter((_token_hash(t) for t in tokens), dtype=np.uint64, count=len(tokens))
    n = len(tokens) - _SHINGLE + 1
    mixed = h[:n] * _MIX[0] + h[1:n + 1] * _MIX[1] + h[2:n + 2] * _MIX[2]
    return np.unique(mixed)


def shingle_sets(seqs: Sequence[Sequence[str]]) -> tuple[U64, npt.NDArray[np.int64]]:
    """The shingle sets of many token lists at once, as `shingle_hashes` gives them one by one.

    Returns the sets one after the other (each sorted and unique) and the size of each set:
    a chunk of ads costs a few NumPy calls instead of a few per ad.
    """
    lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
    h = np.fromiter((_token_hash(t) for s in seqs for t in s), dtype=np.uint64,
                    count=int(lengths.sum()))
    counts = np.maximum(lengths - (_SHINGLE - 1), 0)
    # every position that starts a 3-gram inside its own list
    skip = np.repeat(np.cumsum(lengths) - np.cumsum(counts) - lengths + counts, counts)
    starts = np.arange(int(counts.sum()), dtype=np.int64) + skip
    mixed = h[starts] * _MIX[0] + h[starts + 1] * _MIX[1] + h[starts + 2] * _MIX[2]
    owner = np.repeat(np.arange(len(seqs), dtype=np.int64), counts)
    order = np.lexsort((mixed, owner))
    mixed, owner = mixed[order], owner[order]
    new = np.ones(len(mixed), dtype=bool)
    new[1:] = (mixed[1:] != mixed[:-1]) | (owner[1:] != owner[:-1])
    return mixed[new], np.bincount(owner[new], minlength=len(seqs)).astype(np.int64)


def signatures(shingles: list[U64], batch: int = 512) -> U32:
    """MinHash signatures, one row of `NUM_PERM` uint32 per shingle set.

    An empty set gets all-ones, which the caller excludes from banding.
    """
    sizes = np.fromiter((len(s) for s in shingles), dtype=np.int64, count=len(shingles))
    flat = np.concatenate(shingles) if shingles else np.empty(0, dtype=np.uint64)
    return signatures_flat(flat, sizes, batch)


def signatures_flat(flat_sets: U64, set_sizes: npt.NDArray[np.int64], batch: int = 512) -> U32:
    """`signatures` of sets given one after the other, with the size of each."""
    out = np.full((len(set_sizes), NUM_PERM), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    ends = np.cumsum(set_sizes)
    for lo in range(0, len(set_sizes), batch):
        sizes = set_sizes[lo:lo + batch]
        if not sizes.sum():
            continue
        first = int(ends[lo] - set_sizes[lo])
        flat = flat_sets[first:first + int(sizes.sum())]
        # multiply-shift: the top 32 bits of a*x+b (mod 2^64) are a good universal hash;
        # in place, because these temporaries are the largest arrays of the whole run
        wide = np.multiply(flat[:, None], _A[None, :])
        wide += _B[None, :]
        wide >>= np.uint64(32)
        hashed = wide.astype(np.uint32)
        del wide
        nonempty = np.flatnonzero(sizes)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))[nonempty]
        out[lo + nonempty] = np.minimum.reduceat(hashed, starts, axis=0)
    return out


def band_keys(sig: U32, chunk: int = 65_536) -> U64:
    """One 64-bit key per (ad, band): ads sharing a key share all rows of that band.

    Computed in chunks: the 64-bit temporaries of a million signatures would take 2 GB.
    """
    n = sig.shape[0]
    salt = np.arange(BANDS, dtype=np.uint64)[None, :] * np.uint64(0x2545F4914F6CDD1D)
    keys: U64 = np.empty((n, BANDS), dtype=np.uint64)
    for lo in range(0, n, chunk):
        rows = sig[lo:lo + chunk].reshape(-1, BANDS, _ROWS).astype(np.uint64)
        rows *= _BAND_MIX[None, None, :]
        keys[lo:lo + chunk] = rows.sum(axis=2, dtype=np.uint64) + salt
    return keys


def candidate_pairs(keys: U64, eligible: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Candidate pairs (i < j) from shared band keys; each bucket links to its first ad.

    Linking every ad in a bucket to the bucket's lowest index (a star, not a clique) keeps
    the number of pairs linear in the bucket size; the other bands supply the rest.
    """
    idx = np.flatnonzero(eligible)
    codes: list[npt.NDArray[np.int64]] = []
    n = np.int64(keys.shape[0])
    for b in range(keys.shape[1]):
        if len(codes) >= 8:  # the same pairs recur across bands: keep the codes deduplicated
            codes = [np.unique(np.concatenate(codes))]
        k = keys[idx, b]
        order = np.lexsort((idx, k))
        ks, rows = k[order], idx[order]
        new = np.ones(len(ks), dtype=bool)
        new[1:] = ks[1:] != ks[:-1]
        first = np.maximum.accumulate(np.where(new, np.arange(len(ks)), 0))
        member = ~new
        codes.append(rows[first[member]].astype(np.int64) * n + rows[member])
    if not codes:
        return np.empty((0, 2), dtype=np.int64)
    uniq = np.unique(np.concatenate(codes))
    return np.stack((uniq // n, uniq % n), axis=1)


def estimated_jaccard(
    sig: U32, pairs: npt.NDArray[np.int64], chunk: int = 200_000
) -> npt.NDArray[np.float64]:
    """Share of agreeing signature positions per pair: an unbiased Jaccard estimate."""
    out = np.empty(len(pairs), dtype=np.float64)
    for lo in range(0, len(pairs), chunk):
        p = pairs[lo:lo + chunk]
        out[lo:lo + chunk] = (sig[p[:, 0]] == sig[p[:, 1]]).mean(axis=1)
    return out
