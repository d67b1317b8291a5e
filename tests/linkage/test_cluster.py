from __future__ import annotations

import pytest

from haven.linkage._cluster import ClusterOptions, cluster_edges, person_id_for


def _groups(labels: list[int]) -> set[frozenset[int]]:
    out: dict[int, set[int]] = {}
    for i, label in enumerate(labels):
        out.setdefault(label, set()).add(i)
    return {frozenset(g) for g in out.values()}


def test_average_linkage_does_not_chain() -> None:
    # 0-1 and 1-2 are strong, 0-2 was not even scored: connected components would chain.
    edges = [(0, 1, 0.95), (1, 2, 0.9)]
    labels = cluster_edges(3, edges, ClusterOptions(threshold=0.5, min_support=0.7))
    assert _groups(labels.tolist()) == {frozenset({0, 1}), frozenset({2})}


def test_supported_triangle_merges() -> None:
    edges = [(0, 1, 0.95), (1, 2, 0.9), (0, 2, 0.85)]
    labels = cluster_edges(3, edges, ClusterOptions(threshold=0.5, min_support=0.7))
    assert len(set(labels.tolist())) == 1


def test_one_record_per_source() -> None:
    edges = [(0, 1, 0.99), (0, 2, 0.98), (1, 2, 0.97)]
    labels = cluster_edges(3, edges, ClusterOptions(one_per_source=True),
                           sources=["police", "ngo", "ngo"])
    groups = _groups(labels.tolist())
    assert frozenset({0, 1}) in groups and frozenset({2}) in groups


def test_review_decisions_are_hard_constraints() -> None:
    edges = [(0, 1, 0.99), (2, 3, 0.01)]
    options = ClusterOptions(must_link=[(2, 3)], cannot_link=[(0, 1)])
    groups = _groups(cluster_edges(4, edges, options).tolist())
    assert frozenset({2, 3}) in groups and frozenset({0}) in groups


def test_frozen_persons_are_never_merged_but_new_records_join() -> None:
    edges = [(0, 1, 0.99), (1, 2, 0.99), (0, 2, 0.99)]
    labels = cluster_edges(3, edges, frozen=[0, 1, -1])
    groups = _groups(labels.tolist())
    assert frozenset({0}) in groups or frozenset({1}) in groups
    assert len(groups) == 2


def test_one_per_source_needs_sources() -> None:
    with pytest.raises(ValueError, match="source"):
        cluster_edges(2, [], ClusterOptions(one_per_source=True))


def test_person_ids_are_opaque_and_stable() -> None:
    a = person_id_for(["nl-police:V-2", "nl-ngo:V-1"])
    assert a == person_id_for(["nl-ngo:V-1", "nl-police:V-2"])
    assert "nl-" not in a and a.startswith("P-")
