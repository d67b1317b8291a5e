"""Every margin of a victims table from its base, in pure Python.

The base (`_sql.base_plan`) holds, per combination of a table's values, the number of units
with exactly those values; a multi-valued dimension's value is the unit's whole code set.
A unit then counts once in every cell its values reach: each code it holds, or the total,
along every dimension. Summed over the base, every margin counts each unit once, with no
distinct count over millions of ids.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from functools import cache

from haven.statistics._definitions import TOTAL, TableSpec
from haven.statistics._sql import Column

__all__ = ["margins"]

Key = tuple[str, ...]
_UNKNOWNS = frozenset({"unknown", "UNK"})


def _codes(column: Column, multi: bool, bound: int | None, value: tuple[object, ...]
           ) -> tuple[str, ...]:
    """The codes a unit counts in: its known codes (or "unknown"), sorted, at most `bound`."""
    found = column.decode(value)
    if not multi:
        return found
    codes = sorted(set(found))
    known = [c for c in codes if c not in _UNKNOWNS]
    codes = known or codes
    return tuple(codes[:bound] if bound is not None else codes)


def margins(spec: TableSpec, columns: Mapping[str, Column],
            base: Iterable[tuple[Mapping[str, tuple[object, ...]], int]],
            bounds: Mapping[str, int] | None = None) -> dict[Key, int]:
    """Counts per cell (every margin; `_T` for a total) of `spec` from its base rows.

    Args:
        spec: the table.
        columns: how each of its dimensions is encoded in the base.
        base: (values of each dimension's fields, number of units) per row of the base.
        bounds: per multi-valued dimension, the most codes one unit counts in (DP).
    """
    bounds = bounds or {}
    multi = [spec.is_multi(d) for d in spec.dimensions]

    @cache
    def choices(i: int, value: tuple[object, ...]) -> tuple[str, ...]:
        name = spec.by[i]
        codes = _codes(columns[name], multi[i], bounds.get(name) if multi[i] else None, value)
        return (*codes, TOTAL)

    cells: dict[Key, int] = {}
    for values, n in base:
        options = [choices(i, values[name]) for i, name in enumerate(spec.by)]
        for key in itertools.product(*options):
            cells[key] = cells.get(key, 0) + n
    if not spec.by:
        cells.setdefault((), 0)
    return cells
