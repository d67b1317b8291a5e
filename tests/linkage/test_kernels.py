from __future__ import annotations

import numpy as np
import pytest

from haven.linkage import _kernels
from haven.linkage._kernels import dice_pairs, dice_threshold_dense, intersections, kernel_choice

KERNELS = ["bits", "gemm"]


@pytest.mark.parametrize("words", [8, 16, 24, 5, 32])
def test_intersections_match_a_plain_popcount(words: int) -> None:
    rng = np.random.default_rng(words)
    a = rng.integers(0, 2**63, size=(37, words), dtype=np.uint64)
    b = rng.integers(0, 2**63, size=(23, words), dtype=np.uint64)
    plain = np.bitwise_count(a[:, None, :] & b[None, :, :]).sum(axis=2)
    assert np.array_equal(intersections(a, b), plain)


@pytest.mark.parametrize("kernel", KERNELS)
def test_dense_threshold_finds_exactly_the_pairs_above(kernel: str) -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(0, 2**63, size=(101, 16), dtype=np.uint64)
    pops = np.bitwise_count(a).sum(axis=1)
    full = 2 * np.bitwise_count(a[:, None] & a[None]).sum(axis=2) / (pops[:, None] + pops)
    i, j, d = dice_threshold_dense(a, a, 0.51, same=True, threads=2, kernel=kernel)
    want = {(x, y) for x, y in zip(*np.nonzero(full >= 0.51), strict=True) if x < y}
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == want
    assert np.allclose(d, full[i, j])
    left, right = np.array(sorted(want)).T
    assert np.allclose(dice_pairs(a, left, right, threads=2), full[left, right])


def _brute(a: np.ndarray, b: np.ndarray, threshold: float, same: bool
           ) -> dict[tuple[int, int], float]:
    pa, pb = np.bitwise_count(a).sum(axis=1), np.bitwise_count(b).sum(axis=1)
    common = np.bitwise_count(a[:, None, :] & b[None, :, :]).sum(axis=2)
    den = pa[:, None] + pb[None, :]
    out = {}
    for i, j in zip(*np.nonzero((2.0 * common >= threshold * den) & (den > 0)), strict=True):
        if not same or i < j:
            out[(int(i), int(j))] = 2.0 * common[i, j] / den[i, j]
    return out


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize(("rows", "cols", "words", "threshold", "same"), [
    (9, 1030, 16, 0.55, False),     # partial row tile and partial column tile
    (1100, 1100, 16, 0.6, True),    # `same` across column tiles
    (20, 300, 5, 0.5, False),       # odd word count (padded with a zero word)
    (17, 40, 8, 0.0, False),        # threshold 0: every pair with a bit set
    (17, 40, 8, 1.0, True),         # threshold 1: identical rows only
    (3, 2, 1, 0.3, False),
    (1500, 4200, 8, 0.52, False),   # the matrix product's row and column tiles, partial
    (4500, 4500, 2, 0.8, True),     # `same` past the product's first column tile
])
def test_dense_kernel_equals_brute_force(rows: int, cols: int, words: int,
                                         threshold: float, same: bool, kernel: str) -> None:
    rng = np.random.default_rng(rows * cols + words)
    density = rng.uniform(0.05, 0.6, size=(max(rows, cols), 1))
    bits = rng.random((max(rows, cols), words * 64)) < density
    bits[::7] = bits[::7][::-1]     # some exact duplicates
    bits[len(bits) // 2] = False    # an empty encoding never matches
    packed = np.packbits(bits, axis=1, bitorder="little").view("<u8").astype(np.uint64)
    b = packed[:rows] if same else packed[:cols]
    a = b if same else np.ascontiguousarray(packed[::-1][:rows])
    i, j, d = dice_threshold_dense(a, b, threshold, same=same, threads=2, kernel=kernel)
    got = dict(zip(zip(i.tolist(), j.tolist(), strict=True), d.tolist(), strict=True))
    want = _brute(a, b, threshold, same)
    assert got.keys() == want.keys()
    assert all(abs(got[k] - want[k]) < 1e-12 for k in want)
    assert len(got) == len(i)  # no pair reported twice


@pytest.mark.parametrize("kernel", KERNELS)
def test_dense_kernel_handles_long_encodings_and_empty_inputs(kernel: str) -> None:
    rng = np.random.default_rng(11)
    a = rng.integers(0, 2**63, size=(6, 520), dtype=np.uint64)  # 33,280 bits: no lanes
    b = np.vstack([a[:2], rng.integers(0, 2**63, size=(4, 520), dtype=np.uint64)])
    i, j, _ = dice_threshold_dense(a, b, 0.9, kernel=kernel)
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == {(0, 0), (1, 1)}
    none = dice_threshold_dense(a[:0], b, 0.5, kernel=kernel)
    assert all(len(x) == 0 for x in none)
    assert len(dice_threshold_dense(a, b[:0], 0.5, kernel=kernel)[0]) == 0


def test_the_kernel_is_measured_once_and_can_be_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HAVEN_LINKAGE_KERNEL", raising=False)
    monkeypatch.setattr(_kernels, "_chosen", {})
    measured: list[int] = []
    real = _kernels._measure

    def counting(words: int) -> str:
        measured.append(words)
        return real(words)

    monkeypatch.setattr(_kernels, "_measure", counting)
    first = kernel_choice(16)
    assert first in KERNELS
    assert kernel_choice(16) == first
    assert measured == [16]
    for fixed in KERNELS:
        monkeypatch.setenv("HAVEN_LINKAGE_KERNEL", fixed)
        assert kernel_choice(16) == fixed
    assert measured == [16]


def test_large_calls_use_the_chosen_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below the calibration size the bit kernel runs; above it, the measured choice."""
    calls: list[str] = []
    real = _kernels._gemm

    def spy(*args: object) -> object:
        calls.append("gemm")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(_kernels, "_gemm", spy)
    monkeypatch.setenv("HAVEN_LINKAGE_KERNEL", "gemm")
    rng = np.random.default_rng(2)
    small = rng.integers(0, 2**63, size=(50, 8), dtype=np.uint64)
    dice_threshold_dense(small, small, 0.9)
    assert calls == []
    big = rng.integers(0, 2**63, size=(2100, 8), dtype=np.uint64)
    found = dice_threshold_dense(big, big, 0.99, same=False)
    assert calls == ["gemm"]
    assert sorted(zip(*found[:2], strict=True)) == [(k, k) for k in range(2100)]
