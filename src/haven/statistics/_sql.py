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

import re
from collections.abc import Mapping
from dataclasses import dataclass

from haven.exceptions import ConfigurationError
from haven.standard import EU27
from haven.statistics._definitions import Counting, Dimension, Subject, TableSpec

__all__ = ["DUCKDB", "SPARK", "Dialect", "table_sql"]


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

    def array(self, values: list[str]) -> str:
        quoted = ", ".join(_literal(v) for v in values)
        return f"[{quoted}]" if self.name == "duckdb" else f"array({quoted})"

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


DUCKDB = Dialect("duckdb", "VARCHAR", "len", "list_contains", "list_has_any", "unnest",
                 "arg_min")
SPARK = Dialect("spark", "STRING", "size", "array_contains", "arrays_overlap", "explode",
                "min_by")

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


def _single(spec: TableSpec, d: Dialect, singles: list[Dimension]) -> str:
    if not singles or spec.counting is Counting.REGISTRATIONS:
        cols = "".join(f", {s.name}" for s in singles)
        return f"SELECT DISTINCT unit{cols} FROM rec"
    # A person's value is the first known one, in registration order.
    parts = []
    for s in singles:
        order = d.ordered(f"{s.name} = {_unknown(s)}", "registered_on", "record_id")
        parts.append(f"{d.min_by}({s.name}, {order}) AS {s.name}")
    return f"SELECT unit, {', '.join(parts)} FROM rec GROUP BY unit"


def _unknown(dim: Dimension) -> str:
    return "'UNK'" if dim.name == "suspect_citizenship" else "'unknown'"


def _multi(spec: TableSpec, d: Dialect, dim: Dimension, bound: int | None) -> str:
    if dim.name == "year":
        values = "SELECT DISTINCT unit, year AS v FROM rec"
    else:
        exploded = (f"SELECT DISTINCT unit, v FROM (SELECT unit, {d.explode}({dim.name}) AS v "
                    f"FROM rec) x")
        # A person known to have some value is not also counted as unknown.
        values = (f"SELECT unit, v FROM (SELECT unit, v, max(CASE WHEN v IN ('unknown', 'UNK') "
                  f"THEN 0 ELSE 1 END) OVER (PARTITION BY unit) AS known FROM ({exploded}) w) "
                  f"u WHERE known = 0 OR v NOT IN ('unknown', 'UNK')")
    if bound is None:
        return f"SELECT unit, v AS {dim.name} FROM ({values}) y"
    # Keep at most `bound` values per unit, in code order: a person's contribution bound.
    return (f"SELECT unit, v AS {dim.name} FROM (SELECT unit, v, row_number() OVER "
            f"(PARTITION BY unit ORDER BY v) AS rn FROM ({values}) y) z WHERE rn <= {bound}")


def _events(spec: TableSpec, d: Dialect, source: str) -> str:
    years = f" WHERE year IN ({_in_list(tuple(str(y) for y in spec.years))})" if spec.years else ""
    return (
        f"SELECT * FROM (SELECT rec.unit, e.stage, CAST(year(e.happened) AS {d.string}) AS year "
        f"FROM rec JOIN (SELECT record_id, 'suspected' AS stage, registered_on AS happened "
        f"FROM {source} UNION ALL SELECT record_id, stage, happened FROM ({d.events(source)}) j "
        f"WHERE stage IN ('prosecuted', 'convicted')) e ON rec.record_id = e.record_id) s{years}"
    )


def table_sql(spec: TableSpec, dialect: Dialect, source: str = "src", *,
              bounds: Mapping[str, int] | None = None, max_records: int | None = None) -> str:
    """The SQL counting `spec` over the registry table `source`.

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
    dims = spec.dimensions
    multi = [x for x in dims if spec.is_multi(x)]
    singles = [x for x in dims if x not in multi]
    ctes = [f"rec AS ({_rec(spec, dialect, source, max_records)})",
            f"one AS ({_single(spec, dialect, singles)})"]
    suspect_pairs = spec.subject is Subject.SUSPECTS
    if suspect_pairs:
        ctes.append(f"ev_flat AS ({_events(spec, dialect, source)})")
    joins = ""
    pair_done = False
    for dim in multi:
        if suspect_pairs and dim.name in ("stage", "year"):
            if pair_done:
                continue
            pair_done = True
            # Stage and year travel together: the year each stage was reached.
            cols = ", ".join(n for n in ("stage", "year") if n in spec.by)
            k = bounds.get("stage")
            ranked = (f"SELECT unit, {cols} FROM (SELECT unit, {cols}, row_number() OVER "
                      f"(PARTITION BY unit ORDER BY {cols}) AS rn FROM "
                      f"(SELECT DISTINCT unit, {cols} FROM ev_flat) p) q"
                      + (f" WHERE rn <= {k}" if k is not None else ""))
            ctes.append(f"m_stage AS ({ranked})")
            joins += " JOIN m_stage USING (unit)"
            continue
        ctes.append(f"m_{dim.name} AS ({_multi(spec, dialect, dim, bounds.get(dim.name))})")
        joins += f" JOIN m_{dim.name} USING (unit)"
    flat = f"flat AS (SELECT * FROM one{joins})"
    names = list(spec.by)
    count = "count(DISTINCT unit)" if multi else "count(*)"
    if not names:
        final = f"SELECT {count} AS n FROM flat"
    else:
        cols = ", ".join(names)
        flags = ", ".join(f"GROUPING({n}) AS g_{n}" for n in names)
        final = f"SELECT {cols}, {flags}, {count} AS n FROM flat GROUP BY CUBE ({cols})"
    return f"WITH {', '.join([*ctes, flat])} {final}"
