"""Engines that run a table definition: DuckDB in-process by default, Spark when outgrown.

Both run the SQL of `_sql.base_plan` (victims) and `_sql.suspect_plan` over the registry's
Arrow table and return the same `CountTable`s; the tests run every definition on both and
compare. `count_many` counts a set of tables over one resolution of their units (persons),
as the figure set does. A `CountTable` holds exact counts and never leaves Haven: only
`_release` turns it into something publishable.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from haven.exceptions import ConfigurationError
from haven.statistics._definitions import TOTAL, Dimension, Subject, TableSpec
from haven.statistics._margins import margins
from haven.statistics._sql import DUCKDB, SPARK, BasePlan, base_plan, suspect_plan

__all__ = ["CountTable", "DuckDBEngine", "Engine", "SparkEngine", "cell_keys"]

Key = tuple[str, ...]


@dataclass(frozen=True)
class CountTable:
    """Exact counts of one table, every margin included (`_T` marks a total).

    Attributes:
        spec: the definition counted.
        keys: per dimension, the category keys shown (without the total).
        cells: count per cell key; every combination of keys and totals is present.
        multi: per dimension, whether one unit can fall into several categories.
    """

    spec: TableSpec
    keys: tuple[tuple[str, ...], ...]
    cells: Mapping[Key, int]
    multi: tuple[bool, ...]

    @property
    def total(self) -> int:
        return self.cells[tuple(TOTAL for _ in self.keys)]

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        return self.spec.dimensions


def cell_keys(keys: Sequence[Sequence[str]]) -> Iterator[Key]:
    """Every cell of a table with these category keys, totals included, in display order."""
    yield from itertools.product(*[(*k, TOTAL) for k in keys])


def build_table(spec: TableSpec, rows: Iterable[Sequence[Any]], *,
                keys: Sequence[tuple[str, ...]] | None = None) -> CountTable:
    """A `CountTable` from result rows (dims..., grouping flags..., n), zeros filled in."""
    n_dims = len(spec.by)
    found: dict[Key, int] = {}
    for row in rows:
        key = tuple(TOTAL if row[n_dims + i] else str(row[i]) for i in range(n_dims))
        found[key] = int(row[-1])
    return table_of(spec, found, keys=keys)


def table_of(spec: TableSpec, found: Mapping[Key, int], *,
             keys: Sequence[tuple[str, ...]] | None = None) -> CountTable:
    """A `CountTable` from the counts found per cell, zeros filled in.

    Raises:
        ConfigurationError: a code outside the public code lists was counted.
    """
    n_dims = len(spec.by)
    table_keys = tuple(keys) if keys is not None else tuple(spec.keys(d) for d in spec.dimensions)
    extra = [sorted({k[i] for k in found if k[i] != TOTAL} - set(table_keys[i]))
             for i in range(n_dims)]
    if any(extra):
        # A code outside the public list would be silently dropped: refuse instead.
        raise ConfigurationError(f"codes outside the public code lists: {extra}")
    cells = {key: found.get(key, 0) for key in cell_keys(table_keys)}
    multi = tuple(spec.is_multi(d) for d in spec.dimensions)
    return CountTable(spec, table_keys, cells, multi)


class Engine(Protocol):
    """Runs table definitions over the registry's victim or suspect Arrow table."""

    name: str

    def count(self, spec: TableSpec, data: pa.Table, *, bounds: Mapping[str, int] | None = None,
              max_records: int | None = None) -> CountTable: ...

    def count_many(self, specs: Sequence[TableSpec], data: pa.Table, *,
                   bounds: Mapping[str, int] | None = None, max_records: int | None = None
                   ) -> list[CountTable]: ...


def _sets(specs: Sequence[TableSpec]) -> list[list[int]]:
    """Indexes of victim `specs` grouped by scope (each group's units are resolved once);
    each suspect table alone."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for i, spec in enumerate(specs):
        scope = (spec.subject, spec.years, spec.countries, spec.counting,
                 i if spec.subject is Subject.SUSPECTS else None)
        groups.setdefault(scope, []).append(i)
    return list(groups.values())


def _from_base(specs: Sequence[TableSpec], plan: BasePlan, rows: Iterable[Sequence[Any]],
               bounds: Mapping[str, int] | None) -> list[CountTable]:
    """The tables of a base plan from its result rows (see `_margins`)."""
    at, i = {}, 0
    for column in plan.columns:
        at[column.name] = range(i, i + len(column.fields))
        i += len(column.fields)
    per_set: dict[frozenset[str], list[tuple[dict[str, tuple[object, ...]], int]]] = {
        frozenset(x): [] for x in plan.sets}
    for row in rows:
        # A row belongs to the grouping set of its non-NULL columns: no unit's value is NULL.
        values = {name: tuple(row[j] for j in span) for name, span in at.items()
                  if row[span[0]] is not None}
        per_set[frozenset(values)].append((values, int(row[-1])))
    columns = {c.name: c for c in plan.columns}
    return [table_of(spec, margins(spec, columns, per_set[frozenset(spec.by)], bounds))
            for spec in specs]


class DuckDBEngine:
    """DuckDB in-process, reading the Arrow table without copying it."""

    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        """Args:
            threads: worker threads (default: DuckDB's, one per core).
            memory_limit: e.g. "2GB"; beyond it DuckDB spills to disk instead of growing.
        """
        if memory_limit is not None and not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", memory_limit):
            raise ConfigurationError("memory_limit must look like 512MB or 2GB")
        self._threads = threads
        self._memory_limit = memory_limit

    def count(self, spec: TableSpec, data: pa.Table, *, bounds: Mapping[str, int] | None = None,
              max_records: int | None = None) -> CountTable:
        return self.count_many([spec], data, bounds=bounds, max_records=max_records)[0]

    def count_many(self, specs: Sequence[TableSpec], data: pa.Table, *,
                   bounds: Mapping[str, int] | None = None, max_records: int | None = None
                   ) -> list[CountTable]:
        """Count several tables, resolving the units once per shared scope (see `base_plan`)."""
        tables: dict[int, CountTable] = {}
        with duckdb.connect() as connection:
            if self._threads:
                connection.execute(f"SET threads = {int(self._threads)}")
            if self._memory_limit:
                connection.execute(f"SET memory_limit = '{self._memory_limit}'")
            connection.register("src", data)
            for group in _sets(specs):
                chosen = [specs[i] for i in group]
                if chosen[0].subject is Subject.VICTIMS:
                    plan = base_plan(chosen, DUCKDB, "src", max_records=max_records)
                    rows = connection.execute(plan.sql).fetchall()
                    tables.update(zip(group, _from_base(chosen, plan, rows, bounds),
                                      strict=True))
                    continue
                suspects = suspect_plan(chosen[0], DUCKDB, "src", bounds=bounds,
                                        max_records=max_records)
                connection.execute(f"CREATE OR REPLACE TEMP TABLE one AS {suspects.units}")
                rows = connection.execute(suspects.margins).fetchall()
                tables[group[0]] = _with_total(chosen[0], rows)
                connection.execute("DROP TABLE one")
        return [tables[i] for i in range(len(specs))]


class SparkEngine:
    """Spark SQL over a DataFrame made from the Arrow table (the `haven[spark]` extra).

    Args:
        session: a SparkSession; the caller owns (and stops) it.
    """

    name = "spark"

    def __init__(self, session: Any) -> None:
        self._spark = session

    @classmethod
    def local(cls, cores: int = 2) -> SparkEngine:
        """A local Spark session, for tests and single machines."""
        try:
            from pyspark.sql import SparkSession
        except ImportError:  # pragma: no cover - depends on the installation
            raise ConfigurationError(
                "Spark needs the spark extra: pip install 'haven[spark]'") from None
        session = (SparkSession.builder.master(f"local[{cores}]").appName("haven-statistics")
                   .config("spark.sql.shuffle.partitions", str(cores))
                   .config("spark.ui.enabled", "false")
                   .config("spark.sql.session.timeZone", "UTC").getOrCreate())
        return cls(session)

    def count(self, spec: TableSpec, data: pa.Table, *, bounds: Mapping[str, int] | None = None,
              max_records: int | None = None) -> CountTable:
        return self.count_many([spec], data, bounds=bounds, max_records=max_records)[0]

    def count_many(self, specs: Sequence[TableSpec], data: pa.Table, *,
                   bounds: Mapping[str, int] | None = None, max_records: int | None = None
                   ) -> list[CountTable]:
        """Count several tables, resolving the units once per shared scope (see `base_plan`)."""
        frame = self._spark.createDataFrame(data)
        view = "haven_src"
        frame.createOrReplaceTempView(view)
        tables: dict[int, CountTable] = {}
        for group in _sets(specs):
            chosen = [specs[i] for i in group]
            if chosen[0].subject is Subject.VICTIMS:
                plan = base_plan(chosen, SPARK, view, max_records=max_records)
                rows = [tuple(r) for r in self._spark.sql(plan.sql).collect()]
                tables.update(zip(group, _from_base(chosen, plan, rows, bounds), strict=True))
                continue
            suspects = suspect_plan(chosen[0], SPARK, view, bounds=bounds,
                                    max_records=max_records)
            units = self._spark.sql(suspects.units).cache()
            units.createOrReplaceTempView("one")
            try:
                rows = [tuple(r) for r in self._spark.sql(suspects.margins).collect()]
                tables[group[0]] = _with_total(chosen[0], rows)
            finally:
                units.unpersist()
        return [tables[i] for i in range(len(specs))]

    def stop(self) -> None:
        self._spark.stop()


def _with_total(spec: TableSpec, rows: list[Any]) -> CountTable:
    if not spec.by:
        return build_table(spec, [(rows[0][0] if rows else 0,)])
    return build_table(spec, rows)
