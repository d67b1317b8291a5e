"""Sørensen–Dice kernels on packed bit arrays, in NumPy.

Encodings are rows of uint64 words. The intersection count of two rows is the popcount of
their AND (`np.bitwise_count`, NumPy >= 2). Summing 16 per-word counts along a short axis is
slow in NumPy, so the per-word byte counts are viewed as uint64 and added lane-wise with a
multiply trick. The work is cut into blocks of rows that fit in cache and spread over threads:
NumPy releases the GIL inside ufuncs, so threads use every core.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

__all__ = ["dice_pairs", "dice_threshold_dense", "intersections", "worker_count"]

Bits = npt.NDArray[np.uint64]
_LOW_BYTES = np.uint64(0x00FF00FF00FF00FF)
_SUM_LANES = np.uint64(0x0001000100010001)
_EIGHT = np.uint64(8)
_FORTY_EIGHT = np.uint64(48)
_ROWS_PER_TASK = 16
_COLUMNS_PER_TILE = 512
_PAIRS_PER_TASK = 65_536


def worker_count() -> int:
    """Threads to use: HAVEN_LINKAGE_THREADS, else the CPUs this process may run on."""
    configured = os.environ.get("HAVEN_LINKAGE_THREADS")
    if configured and configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def _lane_sum(counts: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint64]:
    """Sum per-word popcounts (uint8, last axis = words) into one integer per row.

    NumPy reduces a 16-long axis slowly; instead the byte counts are read 8 at a time as
    uint64, added with strided adds, and the bytes of the sum added in 16-bit lanes.
    """
    words = counts.shape[-1]
    if words % 8 or words > 24:  # the lane trick needs 8-word groups and no byte overflow
        return np.asarray(counts.sum(axis=-1, dtype=np.uint64), dtype=np.uint64)
    grouped = counts.view(np.uint64)
    summed = grouped[..., 0].copy()
    for k in range(1, grouped.shape[-1]):
        summed += grouped[..., k]  # each byte <= 64 * 3 = 192: no carry between bytes
    lanes = (summed & _LOW_BYTES) + ((summed >> _EIGHT) & _LOW_BYTES)
    return (lanes * _SUM_LANES) >> _FORTY_EIGHT


def intersections(a: Bits, b: Bits) -> npt.NDArray[np.uint64]:
    """|a_i AND b_j| for every row i of `a` and j of `b` (an len(a) x len(b) matrix)."""
    return _lane_sum(np.bitwise_count(a[:, None, :] & b[None, :, :]))


def _spans(n: int, parts: int) -> list[slice]:
    step = -(-n // max(parts, 1)) if n else 1
    return [slice(s, min(s + step, n)) for s in range(0, n, step)]


Found = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]


def _dense_worker(a: Bits, b: Bits, rows: slice, threshold: float, same: bool,
                  pop_a: npt.NDArray[np.int64], pop_b: npt.NDArray[np.int64]) -> Found:
    # Tiles of _ROWS_PER_TASK x _COLUMNS_PER_TILE keep the AND buffer in cache (~1 MB), and
    # the buffers are reused: allocating them each time costs as much as the AND itself.
    block, tile = _ROWS_PER_TASK, _COLUMNS_PER_TILE
    words = a.shape[1]
    anded = np.empty((block, tile, words), np.uint64)
    counts = np.empty((block, tile, words), np.uint8)
    found: list[Found] = []
    for start in range(rows.start, rows.stop, block):
        stop = min(start + block, rows.stop)
        r = stop - start
        first = start + 1 if same else 0  # with `same`, only pairs i < j
        for left in range(first - first % tile, len(b), tile):
            right = min(left + tile, len(b))
            c = right - left
            np.bitwise_and(a[start:stop, None, :], b[None, left:right, :], out=anded[:r, :c])
            np.bitwise_count(anded[:r, :c], out=counts[:r, :c])
            common = _lane_sum(counts[:r, :c]).astype(np.float64)
            denominator = pop_a[start:stop, None] + pop_b[None, left:right]
            hit = 2.0 * common >= threshold * denominator
            hit &= denominator > 0
            if same:
                hit &= np.arange(start, stop)[:, None] < np.arange(left, right)[None, :]
            i, j = np.nonzero(hit)
            found.append((i.astype(np.int64) + start, j.astype(np.int64) + left,
                          2.0 * common[i, j] / denominator[i, j]))
    return _concat(found)


def dice_threshold_dense(a: Bits, b: Bits, threshold: float, *, same: bool = False,
                         threads: int | None = None) -> Found:
    """All pairs (i, j) of rows of `a` x `b` with Dice >= threshold.

    Args:
        a: encodings, one row each.
        b: encodings to compare with.
        threshold: minimum Dice coefficient kept.
        same: `a` and `b` are the same array; only pairs i < j are returned.
        threads: worker threads (default: `worker_count()`).

    Returns:
        (i, j, dice) arrays.
    """
    pop_a = np.bitwise_count(a).sum(axis=1, dtype=np.int64)
    pop_b = np.bitwise_count(b).sum(axis=1, dtype=np.int64)
    spans = _spans(len(a), threads or worker_count())
    with ThreadPoolExecutor(len(spans) or 1) as pool:
        parts = list(pool.map(
            lambda rows: _dense_worker(a, b, rows, threshold, same, pop_a, pop_b), spans))
    return _concat(parts)


def dice_pairs(bits: Bits, left: npt.NDArray[np.int64], right: npt.NDArray[np.int64], *,
               threads: int | None = None) -> npt.NDArray[np.float64]:
    """Dice coefficient of each given pair of rows (candidate pairs from blocking)."""
    pops = np.bitwise_count(bits).sum(axis=1, dtype=np.int64)

    def task(span: slice) -> npt.NDArray[np.float64]:
        li, ri = left[span], right[span]
        common = _lane_sum(np.bitwise_count(bits[li] & bits[ri])).astype(np.int64)
        denominator = pops[li] + pops[ri]
        dice: npt.NDArray[np.float64] = np.divide(
            2.0 * common, denominator, out=np.zeros(len(li)), where=denominator > 0)
        return dice

    if len(left) == 0:
        return np.zeros(0)
    with ThreadPoolExecutor(threads or worker_count()) as pool:
        spans = [slice(s, s + _PAIRS_PER_TASK) for s in range(0, len(left), _PAIRS_PER_TASK)]
        return np.concatenate(list(pool.map(task, spans)))


def _concat(parts: list[Found]) -> Found:
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]))
