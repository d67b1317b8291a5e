from __future__ import annotations

import numpy as np
import pytest

from haven.linkage._kernels import dice_pairs, dice_threshold_dense, intersections


@pytest.mark.parametrize("words", [8, 16, 24, 5, 32])
def test_intersections_match_a_plain_popcount(words: int) -> None:
    rng = np.random.default_rng(words)
    a = rng.integers(0, 2**63, size=(37, words), dtype=np.uint64)
    b = rng.integers(0, 2**63, size=(23, words), dtype=np.uint64)
    plain = np.bitwise_count(a[:, None, :] & b[None, :, :]).sum(axis=2)
    assert np.array_equal(intersections(a, b), plain)


def test_dense_threshold_finds_exactly_the_pairs_above() -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(0, 2**63, size=(101, 16), dtype=np.uint64)
    pops = np.bitwise_count(a).sum(axis=1)
    full = 2 * np.bitwise_count(a[:, None] & a[None]).sum(axis=2) / (pops[:, None] + pops)
    i, j, d = dice_threshold_dense(a, a, 0.51, same=True, threads=2)
    want = {(x, y) for x, y in zip(*np.nonzero(full >= 0.51), strict=True) if x < y}
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == want
    assert np.allclose(d, full[i, j])
    left, right = np.array(sorted(want)).T
    assert np.allclose(dice_pairs(a, left, right, threads=2), full[left, right])
