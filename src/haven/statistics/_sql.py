"""SQL generation for table definitions: pure, one plan, two dialects (DuckDB and Spark SQL).

The plan, for a table of `unit`s (persons or registrations) by some dimensions:

1. `rec`   one row per registration in scope, with each dimension's value (a list for a
           multi-valued one) and the counting unit;
2. `one`   one row per unit with its single-valued dimensions. Counting persons, a person's
           registrations are resolved: the first known value in registration order wins;
3. `m_<d>` the distinct values of each multi-valued dimension per unit, optionally truncated
           to at most k values per unit (the contribution bound of differential privacy);
4. the join of these, counted per cell with `GROUP BY CUBE`, so that every margin counts each
   unit once (`count(DISTINCT unit)` where a unit can reach several cells).
"""

# ruff: noqa: S608 - every identifier comes from DIMENSIONS and every literal is a validated code
# (ISO country, year, code list) checked by `_literal`; no user text reaches the SQL.

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from haven.exceptions import ConfigurationError
from haven.standard import EU27
from haven.statistics._definitions import Counting, Dimension, Subject, TableSpec

__all__ = ["DUCKDB", "SPARK", "Dialect", "TablePlan", "table_plan", "table_sql"]


@dataclass(frozen=True, slots=True)
class Dialect:
    """The few spellings in which DuckDB and Spark SQL differ."""

    name: str
    string: str
    length: str
    contains: str
    overlaps: str
    explode: str
    min_by: str
    materialized: str

    def array(self, values: list[str]) -> str:
        quoted = ", ".join(_literal(v) for v in values)
        return f"[{quoted}]" if self.name == "duckdb" else f"array({quoted})"

    def collect(self, expr: str) -> str:
        return f"list({expr})" if self.name == "duckdb" else f"collect_list({expr})"

    def distinct(self, expr: str) -> str:
        return f"list_distinct({expr})" if self.name == "duckdb" else f"array_distinct({expr})"

    def drop(self, expr: str, literal: str) -> str:
        if self.name == "duckdb":
            return f"list_filter({expr}, lambda x: x <> {literal})"
        return f"filter({expr}, x -> x <> {literal})"

    def sort(self, expr: str) -> str:
        return f"list_sort({expr})" if self.name == "duckdb" else f"array_sort({expr})"

    def slice(self, expr: str, count: int) -> str:
        fn = "list_slice" if self.name == "duckdb" else "slice"
        return f"{fn}({expr}, 1, {int(count)})"

    def ordered(self, *parts: str) -> str:
        """A comparable tuple (struct) of sort keys."""
        inner = ", ".join(parts)
        return f"row({inner})" if self.name == "duckdb" else f"struct({inner})"

    def events(self, source: str) -> str:
        """(record_id, stage, on) for every criminal-justice event of a suspect."""
        if self.name == "duckdb":
            return (f"SELECT record_id, unnest(justice_stages) AS stage, "
                    f"unnest(justice_dates) AS happened FROM {source}")
        return (f"SELECT record_id, e.justice_stages AS stage, e.justice_dates AS happened "
                f"FROM {source} LATERAL VIEW explode(arrays_zip(justice_stages, "
                f"justice_dates)) t AS e")


# DuckDB evaluates a CTE once when told so; Spark plans each reference (cache for reuse).
DUCKDB = Dialect("duckdb", "VARCHAR", "len", "list_contains", "list_has_any", "unnest",
                 "arg_min", "MATERIALIZED ")
SPARK = Dialect("spark", "STRING", "size", "array_contains", "arrays_overlap", "explode",
                "min_by", "")

_EU = sorted(EU27)


def _citizenship_group(d: Dialect, cits: str, own: str) -> str:
    return (f"CASE WHEN {cits} IS NULL OR {d.length}({cits}) = 0 "
            f"OR {d.contains}({cits}, 'UNK') THEN 'unknown' "
            f"WHEN {d.contains}({cits}, {own}) THEN 'national' "
            f"WHEN {d.overlaps}({cits}, {d.array(_EU)}) THEN 'other_eu' ELSE 'non_eu' END")


def _eu_citizenship(d: Dialect, cits: str) -> str:
    return (f"CASE WHEN {cits} IS NULL OR {d.length}({cits}) = 0 "
            f"OR {d.contains}({cits}, 'UNK') THEN 'unknown' "
            f"WHEN {d.overlaps}({cits}, {d.array(_EU)}) THEN 'eu' ELSE 'non_eu' END")


def _victim_columns(d: Dialect) -> dict[str, str]:
    return {
        "year": f"CAST(year AS {d.string})",
        "status": "CASE WHEN identification_status = 'identified' THEN 'identified' "
                  "ELSE 'presumed' END",
        "sex": "coalesce(sex, 'unknown')",
        "age_group": "coalesce(age_group, 'unknown')",
        "age_band": "coalesce(age_band, 'unknown')",
        "citizenship_group": _citizenship_group(d, "citizenships", "organisation_country"),
        "eu_citizenship": _eu_citizenship(d, "citizenships"),
        "citizenship": f"CASE WHEN citizenships IS NULL OR {d.length}(citizenships) = 0 "
                       f"THEN {d.array(['UNK'])} ELSE citizenships END",
        "exploitation": f"CASE WHEN exploitation_forms IS NULL OR "
                        f"{d.length}(exploitation_forms) = 0 THEN {d.array(['unknown'])} "
                        f"ELSE exploitation_forms END",
        "country_of_exploitation": "coalesce(country_of_exploitation, 'unknown')",
        "reporting_country": "organisation_country",
    }


def _suspect_columns(d: Dialect) -> dict[str, str]:
    single = "CASE WHEN citizenship IS NULL THEN 'UNK' ELSE citizenship END"
    own = (f"CASE WHEN {single} = 'UNK' THEN 'unknown' WHEN {single} = organisation_country "
           f"THEN 'national' WHEN {single} IN ({_in_list(tuple(_EU))}) "
           f"THEN 'other_eu' ELSE 'non_eu' END")
    eu = (f"CASE WHEN {single} = 'UNK' THEN 'unknown' WHEN {single} IN "
          f"({_in_list(tuple(_EU))}) THEN 'eu' ELSE 'non_eu' END")
    return {
        "sex": "coalesce(sex, 'unknown')",
        "suspect_citizenship": single,
        "citizenship_group": own,
        "eu_citizenship": eu,
        "reporting_country": "organisation_country",
    }


_SAFE = re.compile(r"^[A-Za-z0-9_+\-]{1,40}$")


def _literal(value: str | int) -> str:
    """A SQL literal for a code or year; anything but a plain code is refused."""
    if isinstance(value, int):
        return str(int(value))
    if not _SAFE.match(value):
        raise ConfigurationError("refusing a code that is not a plain identifier in SQL")
    return f"'{value}'"


def _in_list(values: tuple[int, ...] | tuple[str, ...]) -> str:
    return ", ".join(_literal(v) for v in values)


def _rec(spec: TableSpec, d: Dialect, source: str, max_records: int | None) -> str:
    """Registrations in scope with their dimension values and counting unit."""
    if spec.subject is Subject.VICTIMS:
        columns = _victim_columns(d)
        person = "coalesce(person_id, record_id)"
        where = ["identification_status <> 'declined'"]
        if spec.years:
            where.append(f"year IN ({_in_list(spec.years)})")
    else:
        columns = _suspect_columns(d)
        person = "record_id"
        where = ["person_kind = 'natural'"]
    if spec.countries is not None:
        where.append(f"organisation_country IN ({_in_list(tuple(sorted(spec.countries)))})")
    wanted = [n for n in spec.by if n in columns]
    select = ", ".join(f"{columns[n]} AS {n}" for n in wanted)
    unit = person if spec.counting is Counting.PERSONS else "record_id"
    body = (f"SELECT {unit} AS unit, {person} AS person, record_id, registered_on"
            f"{', ' + select if select else ''} FROM {source} WHERE {' AND '.join(where)}")
    if max_records is None:
        return body
    # Each person contributes at most `max_records` registrations (differential privacy).
    return (f"SELECT * FROM (SELECT r.*, row_number() OVER (PARTITION BY person ORDER BY "
            f"registered_on, record_id) AS rn FROM ({body}) r) ranked WHERE rn <= {max_records}")


def _unknown(dim: Dimension) -> str:
    return "'UNK'" if dim.name in ("suspect_citizenship", "citizenship") else "'unknown'"


def _resolved(spec: TableSpec, d: Dialect, dim: Dimension) -> str:
    """A person's value of a single-valued dimension: the first known one, in order."""
    order = d.ordered(f"{dim.name} = {_unknown(dim)}", "registered_on", "record_id")
    return f"{d.min_by}({dim.name}, {order}) AS {dim.name}"


def _collected(spec: TableSpec, d: Dialect, dim: Dimension) -> str:
    """Aggregate: a unit's distinct values of a multi-valued dimension (counting persons)."""
    if dim.name == "year":
        return f"{d.distinct(d.collect(dim.name))} AS {dim.name}"
    return f"{d.distinct(f'flatten({d.collect(dim.name)})')} AS {dim.name}"


def _finished(spec: TableSpec, d: Dialect, dim: Dimension, bound: int | None) -> str:
    """A unit's list, sorted, without "unknown" when a value is known, and bounded.

    With a bound only the first `bound` codes are kept: the contribution bound of
    differential privacy.
    """
    values = dim.name
    if spec.counting is Counting.PERSONS and dim.name != "year":
        unknown = _unknown(dim)
        known = d.drop(dim.name, unknown)
        # Most units have one value: the filter runs only for the others.
        values = (f"CASE WHEN {d.length}({dim.name}) = 1 THEN {dim.name} "
                  f"WHEN {d.length}({known}) = 0 THEN {d.array([unknown[1:-1]])} "
                  f"ELSE {known} END")
    values = d.sort(values)
    if bound is not None:
        values = d.slice(values, bound)
    return f"{values} AS {dim.name}"


def _one(spec: TableSpec, d: Dialect, bounds: Mapping[str, int]) -> str:
    """One row per unit: single-valued dimensions resolved, multi-valued ones as lists.

    Registrations are units already (the standard keeps a record's codes unique and
    "unknown" alone); persons are aggregated first, then their lists finished.
    """
    dims = [x for x in spec.dimensions
            if not (spec.subject is Subject.SUSPECTS and x.name in ("stage", "year"))]
    multi = [x for x in dims if spec.is_multi(x)]
    if spec.counting is Counting.REGISTRATIONS:
        inner = "rec"
    else:
        parts = [_collected(spec, d, x) if x in multi else _resolved(spec, d, x) for x in dims]
        inner = f"(SELECT unit{''.join(', ' + p for p in parts)} FROM rec GROUP BY unit) g"
    outer = [_finished(spec, d, x, bounds.get(x.name)) if x in multi else x.name for x in dims]
    # Margins count rows, not ids: only suspects (joined to their events) keep the unit, which
    # spares materialising millions of id strings.
    if spec.subject is Subject.SUSPECTS or not outer:
        outer.insert(0, "unit")
    return f"SELECT {', '.join(outer)} FROM {inner}"


def _events(spec: TableSpec, d: Dialect, source: str) -> str:
    years = f" WHERE year IN ({_in_list(tuple(str(y) for y in spec.years))})" if spec.years else ""
    return (
        f"SELECT * FROM (SELECT rec.unit, e.stage, CAST(year(e.happened) AS {d.string}) AS year "
        f"FROM rec JOIN (SELECT record_id, 'suspected' AS stage, registered_on AS happened "
        f"FROM {source} UNION ALL SELECT record_id, stage, happened FROM ({d.events(source)}) j "
        f"WHERE stage IN ('prosecuted', 'convicted')) e ON rec.record_id = e.record_id) s{years}"
    )


def _pairs(spec: TableSpec, d: Dialect, source: str, bounds: Mapping[str, int],
           ctes: list[str]) -> tuple[str, ...]:
    """Suspects: the CTE of (unit, stage[, year]) pairs; returns the columns it carries."""
    ctes.append(f"ev_flat AS {d.materialized}({_events(spec, d, source)})")
    # Stage and year travel together: the year each stage was reached.
    cols = tuple(n for n in ("stage", "year") if n in spec.by)
    listed = ", ".join(cols)
    k = bounds.get("stage")
    ranked = (f"SELECT unit, {listed} FROM (SELECT unit, {listed}, row_number() OVER "
              f"(PARTITION BY unit ORDER BY {listed}) AS rn FROM "
              f"(SELECT DISTINCT unit, {listed} FROM ev_flat) p) q"
              + (f" WHERE rn <= {k}" if k is not None else ""))
    ctes.append(f"m_stage AS {d.materialized}({ranked})")
    return cols


def _unnested(d: Dialect, source: str, alias: str, name: str, level: int) -> str:
    """`source` (called `alias`) with one row per value of its list column `name`.

    Spark names the value `name_v`, since a LATERAL VIEW cannot replace a column.
    """
    if d.name == "duckdb":
        return f"(SELECT * REPLACE (unnest({name}) AS {name}) FROM {source}) u{level}"
    return (f"(SELECT {alias}.*, x{level} AS {name}_v FROM {source} LATERAL VIEW "
            f"explode({alias}.{name}) t{level} AS x{level}) u{level}")


def _subset(spec: TableSpec, d: Dialect, pairs: tuple[str, ...], present: list[str]) -> str:
    """Counts for one margin: the dimensions in `present` broken down, the others totalled.

    `one` holds one row per unit and each multi-valued list distinct values, so unnesting
    only the lists of the dimensions shown gives distinct (unit, cell) rows: count(*) is
    exact, with no DISTINCT aggregate.
    """
    source, alias = "one", "one"
    for i, dim in enumerate(spec.dimensions):
        if dim.name in present and spec.is_multi(dim) and dim.name not in pairs:
            source, alias = _unnested(d, source, alias, dim.name, i), f"u{i}"
    shown_pairs = [c for c in pairs if c in present]
    if pairs:
        if shown_pairs == list(pairs):
            source += " JOIN m_stage USING (unit)"
        else:
            cols = "".join(f", {c}" for c in shown_pairs)
            source += f" JOIN (SELECT DISTINCT unit{cols} FROM m_stage) j USING (unit)"
    def col(name: str) -> str:
        dim = next(x for x in spec.dimensions if x.name == name)
        if d.name == "spark" and spec.is_multi(dim) and name not in pairs:
            return f"{name}_v"
        return name
    select = [f"{col(n)} AS {n}" if n in present else f"CAST(NULL AS {d.string}) AS {n}"
              for n in spec.by]
    flags = [f"{0 if n in present else 1} AS g_{n}" for n in spec.by]
    group_by = f" GROUP BY {', '.join(col(n) for n in present)}" if present else ""
    return f"SELECT {', '.join([*select, *flags, 'count(*) AS n'])} FROM {source}{group_by}"


@dataclass(frozen=True, slots=True)
class TablePlan:
    """Two statements: `units` builds the per-unit table, `margins` counts every margin of it.

    The engine stores the result of `units` as a temporary table named `one` (DuckDB) or a
    cached view (Spark), so that each margin reads it instead of recomputing it.
    """

    units: str
    margins: str


def table_plan(spec: TableSpec, dialect: Dialect, source: str = "src", *,
               bounds: Mapping[str, int] | None = None, max_records: int | None = None
               ) -> TablePlan:
    """The statements counting `spec` over the registry table `source` (see `table_sql`)."""
    bounds = bounds or {}
    rec = f"rec AS ({_rec(spec, dialect, source, max_records)})"
    units = f"WITH {rec} {_one(spec, dialect, bounds)}"
    ctes: list[str] = [rec]
    pairs = _pairs(spec, dialect, source, bounds, ctes) if spec.subject is Subject.SUSPECTS \
        else ()
    names = list(spec.by)
    parts = [_subset(spec, dialect, pairs, [n for n, t in zip(names, mask, strict=True)
                                            if not t])
             for mask in itertools.product((False, True), repeat=len(names))]
    union = " UNION ALL ".join(parts)
    margins = f"WITH {', '.join(ctes)} {union}" if pairs else union
    return TablePlan(units, margins)


def table_sql(spec: TableSpec, dialect: Dialect, source: str = "src", *,
              bounds: Mapping[str, int] | None = None, max_records: int | None = None) -> str:
    """The SQL counting `spec` over the registry table `source`, as one statement.

    Args:
        spec: the table definition.
        dialect: DUCKDB or SPARK.
        source: name of the registry's victim or suspect table (VICTIM_SCHEMA/SUSPECT_SCHEMA).
        bounds: per multi-valued dimension, the most categories one unit may count in.
        max_records: the most registrations one person may contribute (counting them).

    Returns:
        One query with a column per dimension, `g_<dim>` (1 where the row is the dimension's
        total) and `n`, the number of distinct units.
    """
    bounds = bounds or {}
    ctes = [f"rec AS ({_rec(spec, dialect, source, max_records)})",
            f"one AS {dialect.materialized}({_one(spec, dialect, bounds)})"]
    pairs = _pairs(spec, dialect, source, bounds, ctes) if spec.subject is Subject.SUSPECTS \
        else ()
    names = list(spec.by)
    parts = [_subset(spec, dialect, pairs, [n for n, t in zip(names, mask, strict=True)
                                            if not t])
             for mask in itertools.product((False, True), repeat=len(names))]
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(parts)}"
