"""MinHash signatures, LSH candidates and connected components."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.screening._minhash import (
    BANDS,
    NUM_PERM,
    band_keys,
    candidate_pairs,
    estimated_jaccard,
    shingle_hashes,
    signatures,
)
from haven.screening._templates import components


def test_signatures_are_deterministic_and_fixed_size() -> None:
    a = shingle_hashes(["hi", "i", "am", "anna", "and", "i", "am", "new", "in", "town"])
    sig1, sig2 = signatures([a]), signatures([a.copy()])
    assert sig1.shape == (1, NUM_PERM)
    assert np.array_equal(sig1, sig2)


def test_too_few_tokens_give_no_shingles() -> None:
    assert len(shingle_hashes(["hi", "there"])) == 0
    assert (signatures([shingle_hashes([])]) == np.uint32(0xFFFFFFFF)).all()


@settings(max_examples=30, deadline=None)
@given(overlap=st.integers(0, 200), only_a=st.integers(1, 200), only_b=st.integers(1, 200))
def test_estimate_is_close_to_true_jaccard(overlap: int, only_a: int, only_b: int) -> None:
    rng = np.random.default_rng(overlap * 7919 + only_a * 31 + only_b)
    universe = rng.choice(2**62, overlap + only_a + only_b, replace=False).astype(np.uint64)
    a = np.unique(universe[: overlap + only_a])
    b = np.unique(np.concatenate((universe[:overlap], universe[overlap + only_a:])))
    true = overlap / (overlap + only_a + only_b)
    est = estimated_jaccard(signatures([a, b]), np.array([[0, 1]]))[0]
    # 128 permutations: standard error <= 0.045; allow four of them
    assert abs(est - true) < 0.18


def test_candidates_link_near_duplicates_and_not_strangers() -> None:
    base = ["hello", "gentlemen", "i", "am", "a", "sweet", "girl", "new", "in", "town", "call",
            "me", "now", "kisses"]
    near = [*base[:-1], "xoxo"]
    other = ["selling", "a", "red", "bicycle", "in", "good", "condition", "with", "two", "new",
             "tyres", "cheap"]
    sig = signatures([shingle_hashes(t) for t in (base, near, other, base)])
    pairs = candidate_pairs(band_keys(sig), np.ones(4, dtype=bool))
    found = {tuple(p) for p in pairs.tolist()}
    assert (0, 3) in found and (0, 1) in found
    assert not any(2 in p for p in found)
    assert band_keys(sig).shape == (4, BANDS)


def test_ineligible_ads_are_never_candidates() -> None:
    t = ["one", "two", "three", "four", "five", "six"]
    sig = signatures([shingle_hashes(t)] * 3)
    pairs = candidate_pairs(band_keys(sig), np.array([True, False, True]))
    assert pairs.tolist() == [[0, 2]]


def test_components_label_each_node_with_its_smallest_member() -> None:
    pairs = np.array([[3, 4], [0, 2], [2, 4], [5, 6]], dtype=np.int64)
    assert components(8, pairs).tolist() == [0, 1, 0, 0, 0, 5, 5, 7]
    assert components(3, np.empty((0, 2), np.int64)).tolist() == [0, 1, 2]
