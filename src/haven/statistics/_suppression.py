"""Rule-based disclosure control: primary and secondary cell suppression with an audit.

Primary suppression hides every cell with 0 < count < threshold (default 5), margins
included. Secondary suppression then hides further cells until the audit proves that no
suppressed cell can be recomputed from what is published. The audit is the attacker's
calculation: for every suppressed cell, the least and greatest value it can take given the
published cells, the table's relations and non-negativity (a linear programme per cell).
A cell counts as protected when that interval is at least `protection` wide (default 2: an
attacker cannot even tell "1" from "3").

The table's relations: along an additive dimension a total is the sum of its categories;
along a multi-valued one (forms of exploitation, citizenships, years of a person) each
category is at most the total and the categories together at least the total.

Zeros are published: a true zero discloses no one, and hiding zeros would not protect the
small cells next to them (they cannot be moved down in an attacker's solution).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from haven.exceptions import HavenError
from haven.statistics._definitions import TOTAL
from haven.statistics._engine import CountTable
from haven.statistics._lp import bounds_of_variables

__all__ = ["Relation", "Suppression", "audit", "relations", "suppress"]

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Relation:
    """A total and its parts along one dimension; `additive`: the total is their sum."""

    total: Key
    parts: tuple[Key, ...]
    additive: bool

    @property
    def members(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Suppression:
    """The outcome of suppression: which cells are hidden, why, and the audit's intervals.

    Attributes:
        primary: cells below the threshold.
        secondary: cells hidden so that the primary ones cannot be recomputed.
        intervals: for every hidden cell, the (min, max) an attacker can derive.
        threshold: the threshold applied.
        protection: the least interval width required.
    """

    primary: frozenset[Key]
    secondary: frozenset[Key]
    intervals: Mapping[Key, tuple[float, float]]
    threshold: int
    protection: int

    @property
    def hidden(self) -> frozenset[Key]:
        return self.primary | self.secondary


def relations(table: CountTable) -> list[Relation]:
    """Every total-and-parts relation of the table, one per dimension and margin cell."""
    found = []
    for key in table.cells:
        for d, value in enumerate(key):
            if value != TOTAL:
                continue
            parts = tuple((*key[:d], k, *key[d + 1:]) for k in table.keys[d])
            found.append(Relation(key, parts, additive=not table.multi[d]))
    return found


def audit(cells: Mapping[Key, int], hidden: Iterable[Key], rels: Iterable[Relation]
          ) -> dict[Key, tuple[float, float]]:
    """The interval each hidden cell can take given the published cells and the relations.

    Args:
        cells: the true counts of every cell.
        hidden: the suppressed cells (the unknowns).
        rels: the table's relations.

    Returns:
        {cell: (least, greatest)}; greatest is `inf` when nothing bounds the cell.
    """
    index = {key: i for i, key in enumerate(sorted(hidden))}
    n = len(index)
    if n == 0:
        return {}
    eq_rows: list[np.ndarray] = []
    eq_rhs: list[float] = []
    ub_rows: list[np.ndarray] = []
    ub_rhs: list[float] = []

    def row(terms: Iterable[tuple[Key, float]]) -> tuple[np.ndarray, float]:
        coef, rhs = np.zeros(n), 0.0
        for key, sign in terms:
            if key in index:
                coef[index[key]] += sign
            else:
                rhs -= sign * cells[key]
        return coef, rhs

    for rel in rels:
        if not any(m in index for m in rel.members):
            continue
        if rel.additive:
            coef, rhs = row([(rel.total, -1.0), *((p, 1.0) for p in rel.parts)])
            eq_rows.append(coef)
            eq_rhs.append(rhs)
            continue
        for part in rel.parts:
            if part in index or rel.total in index:
                coef, rhs = row([(part, 1.0), (rel.total, -1.0)])
                ub_rows.append(coef)
                ub_rhs.append(rhs)
        coef, rhs = row([(rel.total, 1.0), *((p, -1.0) for p in rel.parts)])
        ub_rows.append(coef)
        ub_rhs.append(rhs)
    bounds = bounds_of_variables(
        np.array(eq_rows).reshape(-1, n), np.array(eq_rhs), np.array(ub_rows).reshape(-1, n),
        np.array(ub_rhs), n)
    return {key: bounds[i] for key, i in index.items()}


def suppress(table: CountTable, *, threshold: int = 5, protection: int = 2) -> Suppression:
    """Primary and secondary suppression of `table`, audited until every hidden cell is safe.

    Raises:
        HavenError: the table cannot be protected (cannot happen with non-negative counts;
            raised rather than publishing an unprotected table).
    """
    cells = table.cells
    rels = relations(table)
    primary = {k for k, v in cells.items() if 0 < v < threshold}
    hidden = set(primary)
    by_cell: dict[Key, list[Relation]] = {}
    for rel in rels:
        for member in rel.members:
            by_cell.setdefault(member, []).append(rel)
    while True:
        _close_singletons(cells, rels, hidden)
        intervals = audit(cells, hidden, rels)
        weak = sorted(k for k, (lo, hi) in intervals.items() if hi - lo < protection - 1e-9)
        if not weak:
            return Suppression(frozenset(primary), frozenset(hidden - primary), intervals,
                               threshold, protection)
        added = _widen(cells, by_cell, hidden, weak)
        if not added:
            raise HavenError(f"{len(weak)} cell(s) cannot be protected; table not released")


def _candidate(cells: Mapping[Key, int], rel: Relation, hidden: set[Key]) -> Key | None:
    """The smallest positive published cell of a relation, parts before the total."""
    parts = [p for p in rel.parts if p not in hidden and cells[p] > 0]
    if parts:
        return min(parts, key=lambda p: (cells[p], p))
    if rel.total not in hidden and cells[rel.total] > 0:
        return rel.total
    return None


def _close_singletons(cells: Mapping[Key, int], rels: list[Relation], hidden: set[Key]) -> None:
    """A sum with one hidden member gives it away: hide a second one, until none is left."""
    changed = True
    while changed:
        changed = False
        for rel in rels:
            if not rel.additive:
                continue
            if sum(m in hidden for m in rel.members) == 1:
                pick = _candidate(cells, rel, hidden)
                if pick is not None:
                    hidden.add(pick)
                    changed = True


def _widen(cells: Mapping[Key, int], by_cell: Mapping[Key, list[Relation]], hidden: set[Key],
           weak: list[Key]) -> bool:
    """Hide one more cell next to each weak cell; False when there is nothing left to hide."""
    added = False
    for key in weak:
        options = [c for rel in by_cell.get(key, []) if (c := _candidate(cells, rel, hidden))]
        if not options:
            # Everything around it is hidden: reach one relation further out.
            options = [c for k in hidden for rel in by_cell.get(k, [])
                       if (c := _candidate(cells, rel, hidden))]
        if options:
            hidden.add(min(options, key=lambda c: (cells[c], c)))
            added = True
    return added
