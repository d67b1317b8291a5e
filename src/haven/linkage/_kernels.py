"""Sørensen–Dice kernels on packed bit arrays, in NumPy.

Two all-pairs kernels give the same pairs and coefficients; which is faster depends on the
machine, so the first large call times both on a small sample and keeps the faster one for
the process (`kernel_choice`; HAVEN_LINKAGE_KERNEL=bits|gemm fixes it):

- *gemm*: the intersection count of two 0/1 vectors is their dot product, so a float32 matrix
  product (NumPy's BLAS, both cores) counts a whole tile of pairs at once; sums of 0/1
  products stay exact in float32 up to 2**24 bits. Measured here 1.1-1.3x the *bits* kernel
  where OpenBLAS reaches 190 GFLOPS, and 0.4x where it reached 40 (docs/BENCHMARKS.md).
- *bits*, described below.

Encodings are rows of uint64 words. The intersection count of two rows is the popcount of
their AND (`np.bitwise_count`, NumPy >= 2). The all-pairs kernel works on tiles of 8 rows x
1,024 columns with the columns stored word-major, so that each ufunc runs over 1,024
contiguous words instead of NumPy's slow 16-word inner loops; the per-word popcounts are
written as 16-bit values, read as uint64 (four pairs per word) and summed over the words in
one reduction, and the threshold is tested in those 16-bit lanes too, so only the few groups
holding a possible match are summed again exactly. Rows are spread over threads: NumPy
releases the GIL inside ufuncs.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import numpy.typing as npt

__all__ = ["Kernel", "dice_pairs", "dice_threshold_dense", "intersections", "kernel_choice",
           "worker_count"]

Bits = npt.NDArray[np.uint64]
_LOW_BYTES = np.uint64(0x00FF00FF00FF00FF)
_SUM_LANES = np.uint64(0x0001000100010001)
_EIGHT = np.uint64(8)
_FORTY_EIGHT = np.uint64(48)
_ROWS_PER_TASK = 16
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

# The dense kernel keeps counts in 16-bit lanes of uint64 words (SWAR): four pairs per word.
_HIGH_LANE_BITS = np.uint64(0x8000800080008000)
_MAX_LANE_COUNT = 0x7FFF  # lane sums and thresholds stay below the lane's top bit
_TILE_ROWS = 8
_TILE_COLUMNS = 1024  # 8 x 16 words x 1,024 x 8 bytes = 1 MB of AND results per tile


@dataclass(frozen=True)
class _Layout:
    """`b` transposed to word-major (words x columns, zero-padded to whole tiles) and
    floor(t/2 |b_j|) packed four columns per uint64 (16-bit lanes), for the lane test.

    With word-major columns, every ufunc below runs over long contiguous rows instead of
    16-word snippets (NumPy's per-inner-loop overhead dominated the row-major kernel).
    """

    columns: npt.NDArray[np.uint64]     # (words, padded m)
    need_b: npt.NDArray[np.uint64]      # (padded m / 4,): lane L of word k is column 4k + L
    words: int


def _layout(b: Bits, threshold: float, words: int, tile: int) -> _Layout:
    m = len(b)
    padded = max(tile, -(-m // tile) * tile)
    columns = np.zeros((words, padded), np.uint64)
    columns[: b.shape[1], :m] = b.T
    half = np.zeros(padded, np.int64)
    half[:m] = np.floor(min(threshold, 1.0) / 2 * np.bitwise_count(b).sum(axis=1, dtype=np.int64))
    lanes = np.clip(half, 0, _MAX_LANE_COUNT).astype("<u2")
    return _Layout(columns, lanes.view("<u8").astype(np.uint64), words)


class _Tile:
    """Buffers of one worker, reused for every tile (allocation costs as much as the AND)."""

    def __init__(self, rows: int, words: int, columns: int) -> None:
        self.anded = np.empty((rows, words, columns), np.uint64)
        # Popcounts straight into 16-bit lanes: read as uint64, a word holds four columns'
        # counts, and summing over the words cannot overflow (at most 64 x words < 2**15).
        self.counts = np.empty((rows, words, columns), "<u2")
        self.lanes = self.counts.view("<u8")
        self.sums = np.empty((rows, columns // 4), np.uint64)
        self.offset = np.empty((rows, columns // 4), np.uint64)

    def candidates(self, a_rows: Bits, columns: Bits, offset_a: npt.NDArray[np.uint64],
                   need_b: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
        """Count every pair of the tile and return the (row, 4-column group) cells where
        some pair may reach the threshold (a conservative test)."""
        np.bitwise_and(a_rows[:, :, None], columns[None, :, :], out=self.anded)
        np.bitwise_count(self.anded, out=self.counts)
        np.add.reduce(self.lanes, axis=1, out=self.sums)
        # count + (0x8000 - need) has its lane's top bit set iff count >= need; lanes
        # cannot borrow or carry because counts and needs stay below 0x8000.
        np.subtract(offset_a[:, None], need_b[None, :], out=self.offset)
        np.add(self.sums, self.offset, out=self.sums)
        np.bitwise_and(self.sums, _HIGH_LANE_BITS, out=self.sums)
        if not self.sums.any():
            return np.zeros((2, 0), np.intp)
        return np.array(np.nonzero(self.sums), dtype=np.intp)


def _dense_worker(a: Bits, b: Bits, layout: _Layout, rows: slice, threshold: float,
                  same: bool, pop_a: npt.NDArray[np.int64], pop_b: npt.NDArray[np.int64]
                  ) -> Found:
    """Pairs of rows `rows` of `a` with every row of `b` reaching `threshold`.

    A cheap lane test (count >= floor(t/2 |a|) - 1 + floor(t/2 |b|), never above the exact
    bound) marks groups of 4 columns; after all tiles, only the pairs of marked groups are
    counted again exactly (a gather) and checked in float64.
    """
    tile_rows, tile_columns = _TILE_ROWS, _TILE_COLUMNS
    padded_m = layout.columns.shape[1]
    tile = _Tile(tile_rows, layout.words, tile_columns)
    a_rows = np.zeros((tile_rows, layout.words), np.uint64)
    half_a = np.floor(min(threshold, 1.0) / 2 * pop_a).astype(np.int64) - 1
    lane_a = np.clip(half_a, 0, _MAX_LANE_COUNT).astype(np.uint64)
    offset_rows = np.empty(tile_rows, np.uint64)
    marked_rows: list[npt.NDArray[np.intp]] = []
    marked_columns: list[npt.NDArray[np.intp]] = []
    for start in range(rows.start, rows.stop, tile_rows):
        stop = min(start + tile_rows, rows.stop)
        a_rows[: stop - start, : a.shape[1]] = a[start:stop]
        a_rows[stop - start:] = 0
        offset_rows[:] = _HIGH_LANE_BITS
        offset_rows[: stop - start] -= lane_a[start:stop] * _SUM_LANES
        first = start + 1 if same else 0  # with `same`, only pairs i < j
        for left in range(first - first % tile_columns, padded_m, tile_columns):
            groups = slice(left // 4, (left + tile_columns) // 4)
            cells = tile.candidates(a_rows, layout.columns[:, left:left + tile_columns],
                                    offset_rows, layout.need_b[groups])
            if cells.shape[1]:
                marked_rows.append(cells[0] + start)
                marked_columns.append(cells[1] * 4 + left)
    if not marked_rows:
        return _concat([])
    i = np.repeat(np.concatenate(marked_rows), 4).astype(np.int64)
    j = (np.concatenate(marked_columns)[:, None] + np.arange(4)).ravel().astype(np.int64)
    keep = (i < rows.stop) & (j < len(b))
    return _confirm(a, b, i[keep], j[keep], threshold, same, pop_a, pop_b)


def _confirm(a: Bits, b: Bits, i: npt.NDArray[np.int64], j: npt.NDArray[np.int64],
             threshold: float, same: bool, pop_a: npt.NDArray[np.int64],
             pop_b: npt.NDArray[np.int64]) -> Found:
    """Count candidate pairs again exactly and keep those reaching the threshold; both
    kernels end here, so they agree to the last bit."""
    if same:
        keep = i < j
        i, j = i[keep], j[keep]
    common = _lane_sum(np.bitwise_count(a[i] & b[j])).astype(np.float64)
    denominator = pop_a[i] + pop_b[j]
    hit = (2.0 * common >= threshold * denominator) & (denominator > 0)
    return i[hit], j[hit], 2.0 * common[hit] / denominator[hit]


_GEMM_ROWS = 1024
_GEMM_COLUMNS = 4096  # a 1,024 x 4,096 float32 tile of counts: 16 MB
_GEMM_MAX_BITS = 1 << 24  # float32 counts are exact integers below 2**24


def _floats(bits: Bits) -> npt.NDArray[np.float32]:
    """0/1 float32 matrix of the bits (little-endian inside each byte, as `pack` writes)."""
    dense = np.unpackbits(bits.view(np.uint8), axis=1, bitorder="little")
    return dense.astype(np.float32)


def _gemm(a: Bits, b: Bits, threshold: float, same: bool, pop_a: npt.NDArray[np.int64],
          pop_b: npt.NDArray[np.int64]) -> Found:
    """All pairs counted by float32 matrix products, tile by tile.

    A pair is a candidate when 2 |a & b| >= t (|a| + |b|) - 1: counts are exact, the
    half-count margin only absorbs rounding in the float32 thresholds; `_confirm` decides.
    """
    t = min(threshold, 1.0)
    need_a = (t / 2 * pop_a - 0.5).astype(np.float32)
    need_b = (t / 2 * pop_b).astype(np.float32)
    found_i: list[npt.NDArray[np.int64]] = []
    found_j: list[npt.NDArray[np.int64]] = []
    buffer = np.empty(_GEMM_ROWS * min(_GEMM_COLUMNS, len(b)), np.float32)
    for left in range(0, len(b), _GEMM_COLUMNS):
        right = min(left + _GEMM_COLUMNS, len(b))
        columns = _floats(b[left:right])
        # With `same`, rows from `right` on pair only with columns before them (i > j).
        for top in range(0, min(len(a), right) if same else len(a), _GEMM_ROWS):
            bottom = min(top + _GEMM_ROWS, len(a))
            # A contiguous view of the buffer also for partial tiles: BLAS writes it directly.
            tile = buffer[: (bottom - top) * (right - left)].reshape(bottom - top, right - left)
            np.matmul(_floats(a[top:bottom]), columns.T, out=tile)
            tile -= need_a[top:bottom, None]
            mask = tile >= need_b[None, left:right]
            rows_, cols_ = _marked(mask)
            found_i.append(rows_ + top)
            found_j.append(cols_ + left)
    if not found_i:
        return _concat([])
    return _confirm(a, b, np.concatenate(found_i), np.concatenate(found_j), threshold, same,
                    pop_a, pop_b)


def _marked(mask: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(row, column) of the True cells of a mostly False matrix.

    `np.nonzero` on a 2-D mask costs 30x the comparison that made it; scanning the mask as
    uint64 words (eight cells each) and expanding only the non-zero words is about as cheap.
    """
    flat = mask.reshape(-1)
    whole = flat.size - flat.size % 8
    words = np.flatnonzero(flat[:whole].view(np.uint64))
    cells = (words[:, None] * 8 + np.arange(8)).ravel()
    cells = np.concatenate([cells[flat[cells]], whole + np.flatnonzero(flat[whole:])])
    width = mask.shape[1]
    return (cells // width).astype(np.int64), (cells % width).astype(np.int64)


def _dense_fallback(a: Bits, b: Bits, rows: slice, threshold: float, same: bool,
                    pop_a: npt.NDArray[np.int64], pop_b: npt.NDArray[np.int64]) -> Found:
    """Row-major kernel for encodings too long for 16-bit lanes (over 32,704 bits)."""
    found: list[Found] = []
    for start in range(rows.start, rows.stop, _ROWS_PER_TASK):
        stop = min(start + _ROWS_PER_TASK, rows.stop)
        common = intersections(a[start:stop], b).astype(np.float64)
        denominator = pop_a[start:stop, None] + pop_b[None, :]
        hit = (2.0 * common >= threshold * denominator) & (denominator > 0)
        if same:
            hit &= np.arange(start, stop)[:, None] < np.arange(len(b))[None, :]
        i, j = np.nonzero(hit)
        found.append((i.astype(np.int64) + start, j.astype(np.int64),
                      2.0 * common[i, j] / denominator[i, j]))
    return _concat(found)


Kernel = Literal["bits", "gemm"]
_CALIBRATE_FROM = 1 << 22  # pairs; smaller jobs take milliseconds with either kernel
_chosen: dict[int, Kernel] = {}
_choice_lock = threading.Lock()


def kernel_choice(words: int = 16) -> Kernel:
    """The faster all-pairs kernel on this machine for encodings of `words` uint64 words.

    HAVEN_LINKAGE_KERNEL=bits|gemm decides; otherwise both kernels count the same 512 x
    4,096 random pairs, alternately, three times each (about 0.2 s once per process and
    length), and the lower best time wins. BLAS speed differs several-fold between machines
    (190 against 40 GFLOPS seen on two machines of the same kind), the bit kernel's less.
    """
    configured = os.environ.get("HAVEN_LINKAGE_KERNEL", "").strip().lower()
    if configured in ("bits", "gemm"):
        return cast(Kernel, configured)
    with _choice_lock:
        if words not in _chosen:
            _chosen[words] = _measure(words)
        return _chosen[words]


def _measure(words: int) -> Kernel:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2**63, size=(512, words), dtype=np.uint64)
    b = rng.integers(0, 2**63, size=(4096, words), dtype=np.uint64)
    best: dict[Kernel, float] = {"bits": np.inf, "gemm": np.inf}
    for _ in range(3):
        for kernel in best:
            start = time.perf_counter()
            dice_threshold_dense(a, b, 0.9, kernel=kernel)
            best[kernel] = min(best[kernel], time.perf_counter() - start)
    return "gemm" if best["gemm"] < best["bits"] else "bits"


def dice_threshold_dense(a: Bits, b: Bits, threshold: float, *, same: bool = False,
                         threads: int | None = None, kernel: Kernel | None = None) -> Found:
    """All pairs (i, j) of rows of `a` x `b` with Dice >= threshold.

    Every one of the len(a) x len(b) pairs is counted in full, by the kernel `kernel_choice`
    picks (below 4 million pairs always *bits*): *bits* ANDs and popcounts all words and
    tests the threshold four pairs per uint64 word; *gemm* counts by float32 matrix
    products and uses NumPy's BLAS threads instead of `threads`. Candidates of both are
    counted again exactly, so both return the same pairs and coefficients.

    Args:
        a: encodings, one row each.
        b: encodings to compare with.
        threshold: minimum Dice coefficient kept.
        same: `a` and `b` are the same array; only pairs i < j are returned.
        threads: worker threads of the *bits* kernel (default: `worker_count()`).
        kernel: "bits" or "gemm" instead of the measured choice.

    Returns:
        (i, j, dice) arrays.
    """
    pop_a = np.bitwise_count(a).sum(axis=1, dtype=np.int64)
    pop_b = np.bitwise_count(b).sum(axis=1, dtype=np.int64)
    words = a.shape[1]
    chosen = kernel or (kernel_choice(words) if len(a) * len(b) >= _CALIBRATE_FROM else "bits")
    if chosen == "gemm" and len(a) and len(b) and words * 64 < _GEMM_MAX_BITS:
        return _gemm(a, b, threshold, same, pop_a, pop_b)
    spans = _spans(len(a), threads or worker_count())
    if words * 64 > _MAX_LANE_COUNT:
        def task(rows: slice) -> Found:
            return _dense_fallback(a, b, rows, threshold, same, pop_a, pop_b)
    else:
        layout = _layout(b, threshold, words, _TILE_COLUMNS)

        def task(rows: slice) -> Found:
            return _dense_worker(a, b, layout, rows, threshold, same, pop_a, pop_b)
    with ThreadPoolExecutor(len(spans) or 1) as pool:
        parts = list(pool.map(task, spans))
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
