"""Constrained clustering of scored pairs into persons, without chaining.

Connected components over match edges chain: A~B and B~C make A, B and C one person even when
A and C disagree on everything (two sisters who share a mother's address). Here clusters grow
by greedy average linkage: the strongest remaining edge merges two clusters only if

- the mean match probability over *all* cross pairs (unscored pairs count as 0) reaches
  `min_support`, so one strong link cannot pull in a whole cluster;
- no reviewed "different persons" decision separates them;
- with `one_per_source`, the two clusters share no source (one record per agency and person,
  as in a clean register);
- not both are frozen (persons already confirmed in an earlier run keep their identity).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["ClusterOptions", "cluster_edges", "person_id_for"]


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """How scored pairs become persons.

    The defaults were chosen on synthetic registry seed 1 (tuning only; see docs/linkage.md).

    Attributes:
        threshold: edges below this match probability are never followed.
        min_support: mean probability over all cross pairs needed to merge two clusters.
        one_per_source: at most one record per `source_org` in a person.
        must_link: record index pairs a reviewer merged; applied before anything else.
        cannot_link: record index pairs a reviewer split; never in one cluster.
    """

    threshold: float = 0.3
    min_support: float = 0.3
    one_per_source: bool = False
    must_link: Sequence[tuple[int, int]] = field(default_factory=tuple)
    cannot_link: Sequence[tuple[int, int]] = field(default_factory=tuple)


class _Clusters:
    def __init__(self, n: int, sources: Sequence[str] | None,
                 frozen: Sequence[int] | None) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}
        self.sources: dict[int, set[str]] = {
            i: {sources[i]} for i in range(n)} if sources is not None else {}
        self.frozen: set[int] = set()
        if frozen is not None:
            groups: dict[int, list[int]] = {}
            for i, label in enumerate(frozen):
                if label >= 0:
                    groups.setdefault(label, []).append(i)
            for group in groups.values():
                for other in group[1:]:
                    self.union(group[0], other)
                self.frozen.add(self.find(group[0]))

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:  # path compression keeps later finds O(1)
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        if self.sources:
            self.sources[ra] |= self.sources.pop(rb)
        if rb in self.frozen or ra in self.frozen:
            self.frozen.discard(rb)
            self.frozen.add(ra)
        return ra


def _support(clusters: _Clusters, ra: int, rb: int,
             adjacency: dict[int, dict[int, float]]) -> float:
    small, large = sorted((ra, rb), key=lambda r: len(clusters.members[r]))
    total = 0.0
    for i in clusters.members[small]:
        for j, p in adjacency.get(i, {}).items():
            if clusters.find(j) == large:
                total += p
    return total / (len(clusters.members[ra]) * len(clusters.members[rb]))


def _blocked(clusters: _Clusters, ra: int, rb: int, cannot: dict[int, set[int]],
             options: ClusterOptions) -> bool:
    if ra in clusters.frozen and rb in clusters.frozen:
        return True
    if options.one_per_source and clusters.sources[ra] & clusters.sources[rb]:
        return True
    small, large = sorted((ra, rb), key=lambda r: len(clusters.members[r]))
    return any(clusters.find(j) == large
               for i in clusters.members[small] for j in cannot.get(i, ()))


def cluster_edges(n: int, edges: Iterable[tuple[int, int, float]],
                  options: ClusterOptions | None = None, *,
                  sources: Sequence[str] | None = None,
                  frozen: Sequence[int] | None = None) -> npt.NDArray[np.int64]:
    """Cluster `n` records from scored pairs; returns a cluster label per record.

    Args:
        n: number of records (indices 0..n-1).
        edges: (i, j, match probability) triples, in any order, each pair once.
        options: thresholds and constraints.
        sources: source of each record; required with `one_per_source`.
        frozen: an existing cluster label per record (-1 for new records); records with the
            same label stay together and two existing clusters are never merged.

    Returns:
        Labels: equal labels mean one person; a label is the index of one member.
    """
    opts = options or ClusterOptions()
    if opts.one_per_source and sources is None:
        raise ValueError("one_per_source needs the source of every record")
    clusters = _Clusters(n, sources, frozen)
    for a, b in opts.must_link:
        clusters.union(a, b)
    cannot: dict[int, set[int]] = {}
    for a, b in opts.cannot_link:
        cannot.setdefault(a, set()).add(b)
        cannot.setdefault(b, set()).add(a)
    adjacency: dict[int, dict[int, float]] = {}
    kept = [(float(p), int(i), int(j)) for i, j, p in edges if p >= opts.threshold and i != j]
    for p, i, j in kept:
        adjacency.setdefault(i, {})[j] = p
        adjacency.setdefault(j, {})[i] = p
    kept.sort(key=lambda e: (-e[0], e[1], e[2]))  # ties broken by index: deterministic
    for _, i, j in kept:
        ra, rb = clusters.find(i), clusters.find(j)
        if ra == rb or _blocked(clusters, ra, rb, cannot, opts):
            continue
        if _support(clusters, ra, rb, adjacency) >= opts.min_support:
            clusters.union(ra, rb)
    return np.fromiter((clusters.find(i) for i in range(n)), dtype=np.int64, count=n)


def person_id_for(record_ids: Iterable[str], *, namespace: str = "") -> str:
    """An opaque, stable person id: a hash of the cluster's smallest record id.

    Record ids are already opaque; hashing keeps person ids from revealing which agency's
    record anchored the person.
    """
    anchor = min(record_ids)
    digest = hashlib.blake2b(f"{namespace}\x00{anchor}".encode(), digest_size=8).hexdigest()
    return f"P-{digest}"
