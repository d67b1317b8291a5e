"""SQL generation for table definitions: pure, one plan, two dialects (DuckDB and Spark SQL).

Victims. One query counts a *set* of tables over the same registrations (subject, years,
countries, counting unit) and resolves the units once for all of them (`base_plan`):

1. `rec`  one row per registration in scope: the unit, and every dimension any table of the
          set needs, encoded as an integer — a single-valued dimension as the position of
          its code (a country as its two letters, AA = 0 … ZZ = 675), a multi-valued one with
          a short code list (forms of exploitation; years, counting persons) as a bit mask
          of its codes; citizenships stay a list;
2. `one`  one row per unit. Counting persons, a person's registrations are ranked
          (registration date, then record id) and resolved in one hash aggregation whose
          states are single integers: the first known code of a single-valued dimension is
          `min(rank * 1024 + code) FILTER (WHERE code is known)`, the union of masks is
          `bit_or`; citizenship lists are concatenated;
3. the base: the units counted per combination of values, with `GROUPING SETS`, one set per
          table: a few thousand rows, whatever the number of units.

`_margins` then computes every margin of every table from its base in Python: a unit counts
once in each code it holds and once in each total, "unknown" is dropped from a code set that
holds a known code, and under differential privacy a unit keeps only its first `bound` codes.

Suspects (`suspect_plan`): one row per registration; the stages a suspect reached come as
(stage, year) pairs joined to the units, and each margin is a `GROUP BY` of its own.
"""

# ruff: noqa: S608 - every identifier comes from DIMENSIONS and every literal is a validated code
# (ISO country, year, code list) checked by `_literal`; no user text reaches the SQL.

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from haven.exceptions import ConfigurationError
from haven.standard import EU27
from haven.statistics._definitions import Counting, Dimension, Subject, TableSpec

__all__ = ["DUCKDB", "SPARK", "UNLISTED", "BasePlan", "Column", "Dialect", "SuspectPlan",
           "base_plan", "suspect_plan", "table_sql"]

# A code outside its public list comes out as UNLISTED (a mask's last code), which the
# engine refuses (see `_engine.table_of`) instead of dropping it silently.
UNLISTED = "unlisted"


@dataclass(frozen=True, slots=True)
class Dialect:
    """The few spellings in which DuckDB and Spark SQL differ."""

    name: str
    string: str
    length: str
    contains: str
    overlaps: str
    materialized: str

    @property
    def duckdb(self) -> bool:
        return self.name == "duckdb"

    def array(self, values: list[str]) -> str:
        quoted = ", ".join(_literal(v) for v in values)
        return f"[{quoted}]" if self.duckdb else f"array({quoted})"

    def bits(self, expr: str, case: str) -> str:
        """The bitwise or, over the list `expr`, of `case` (an expression of its element x)."""
        if self.duckdb:
            return f"list_bit_or(list_transform({expr}, lambda x: {case}))"
        return f"aggregate(transform({expr}, x -> {case}), CAST(0 AS BIGINT), (a, b) -> a | b)"

    def exploded(self, source: str, expr: str, alias: str) -> str:
        """`source`'s columns and each element of its list `expr` as `alias`, one row each."""
        if self.duckdb:
            return f"SELECT *, unnest({expr}) AS {alias} FROM {source}"
        return f"SELECT * FROM {source} LATERAL VIEW explode({expr}) x_{alias} AS {alias}"

    def ints(self, values: list[int]) -> str:
        listed = ", ".join(str(int(v)) for v in values)
        return f"[{listed}]" if self.duckdb else f"array({listed})"

    def at(self, array: str, index: str) -> str:
        """Element `index` (from 1) of `array`."""
        return f"list_extract({array}, {index})" if self.duckdb else f"element_at({array}, {index})"

    def shift(self, count: str) -> str:
        """2 to the power `count`, as a BIGINT."""
        if self.duckdb:
            return f"(CAST(1 AS BIGINT) << ({count}))"
        return f"shiftleft(CAST(1 AS BIGINT), {count})"

    def events(self, source: str) -> str:
        """(record_id, stage, on) for every criminal-justice event of a suspect."""
        if self.duckdb:
            return (f"SELECT record_id, unnest(justice_stages) AS stage, "
                    f"unnest(justice_dates) AS happened FROM {source}")
        return (f"SELECT record_id, e.justice_stages AS stage, e.justice_dates AS happened "
                f"FROM {source} LATERAL VIEW explode(arrays_zip(justice_stages, "
                f"justice_dates)) t AS e")


# DuckDB evaluates a CTE once when told so; Spark plans each reference (cache for reuse).
DUCKDB = Dialect("duckdb", "VARCHAR", "len", "list_contains", "list_has_any", "MATERIALIZED ")
SPARK = Dialect("spark", "STRING", "size", "array_contains", "arrays_overlap", "")

_EU = sorted(EU27)
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


def _bigint(value: int) -> str:
    return f"CAST({int(value)} AS BIGINT)"


# -- dimensions per registration ----------------------------------------------------------------
def _citizenship_group(d: Dialect, cits: str, own: str) -> str:
    return (f"CASE WHEN {cits} IS NULL OR {d.length}({cits}) = 0 "
            f"OR {d.contains}({cits}, 'UNK') THEN 'unknown' "
            f"WHEN {d.contains}({cits}, {own}) THEN 'national' "
            f"WHEN {d.overlaps}({cits}, {d.array(_EU)}) THEN 'other_eu' ELSE 'non_eu' END")


def _eu_citizenship(d: Dialect, cits: str) -> str:
    return (f"CASE WHEN {cits} IS NULL OR {d.length}({cits}) = 0 "
            f"OR {d.contains}({cits}, 'UNK') THEN 'unknown' "
            f"WHEN {d.overlaps}({cits}, {d.array(_EU)}) THEN 'eu' ELSE 'non_eu' END")


_CITIZENSHIPS = "citizenships"


def _victim_single(d: Dialect) -> dict[str, str]:
    return {
        "year": f"CAST(year AS {d.string})",
        "status": "CASE WHEN identification_status = 'identified' THEN 'identified' "
                  "ELSE 'presumed' END",
        "sex": "coalesce(sex, 'unknown')",
        "age_group": "coalesce(age_group, 'unknown')",
        "age_band": "coalesce(age_band, 'unknown')",
        "citizenship_group": _citizenship_group(d, _CITIZENSHIPS, "organisation_country"),
        "eu_citizenship": _eu_citizenship(d, _CITIZENSHIPS),
        "country_of_exploitation": "coalesce(country_of_exploitation, 'unknown')",
        "reporting_country": "organisation_country",
    }


def _suspect_single(d: Dialect) -> dict[str, str]:
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


def _scope(spec: TableSpec) -> tuple[object, ...]:
    """What tables must share to be counted over one resolution of their units."""
    return (spec.subject, spec.years, spec.countries, spec.counting)


def _unknown(dim: Dimension) -> str:
    return "'UNK'" if dim.name in ("suspect_citizenship", "citizenship") else "'unknown'"


# -- victims: codes as integers, code sets as bit masks -----------------------------------------
_COUNTRY_DIMS = ("country_of_exploitation", "reporting_country")
_PACK = 1024  # a resolved value is packed as order * _PACK + code
_LETTERS = 26
COUNTRY_UNKNOWN = _LETTERS * _LETTERS  # codes 0..675 are the letter pairs AA..ZZ
COUNTRY_UNLISTED = COUNTRY_UNKNOWN + 1


def _letter(expr: str, i: int) -> str:
    return f"substr({expr}, {i}, 1)"


_WORD = 62  # bits of a mask word used (a BIGINT, kept non-negative)


@dataclass(frozen=True, slots=True)
class Column:
    """How one dimension travels through the victims plan, and how to read it back.

    Attributes:
        name: the dimension.
        kind: "code" (an integer per unit) or "mask" (a bit per code the unit holds, in
            `words` BIGINT columns of 62 bits: citizenships need five).
        codes: "code": the code of each integer (countries: computed from the letters);
            "mask": the code of each bit, UNLISTED last.
        unknown: the integer (or bit) of the unknown code, if the dimension has one.
        words: the number of mask words.
    """

    name: str
    kind: str
    codes: tuple[str, ...]
    unknown: int | None
    words: int = 1

    @property
    def fields(self) -> tuple[str, ...]:
        """The plan's column names for this dimension."""
        if self.words == 1:
            return (self.name,)
        return tuple(f"{self.name}_{w}" for w in range(self.words))

    def decode(self, values: Sequence[object]) -> tuple[str, ...]:
        """The codes a unit holds, from the values of `fields` the plan returns for it."""
        number = 0
        for w, value in enumerate(values):
            assert isinstance(value, int)
            number |= value << (_WORD * w)
        if self.kind == "mask":
            return tuple(c for i, c in enumerate(self.codes) if number >> i & 1)
        if self.name in _COUNTRY_DIMS:
            if number == COUNTRY_UNKNOWN:
                return ("unknown",)
            if not 0 <= number < COUNTRY_UNKNOWN:
                return (UNLISTED,)
            return (chr(65 + number // _LETTERS) + chr(65 + number % _LETTERS),)
        return (self.codes[number] if 0 <= number < len(self.codes) else UNLISTED,)


def _column(spec: TableSpec, dim: Dimension) -> Column:
    unknown_code = _unknown(dim)[1:-1]
    if spec.is_multi(dim):
        codes = (*spec.keys(dim), UNLISTED)
        words = -(-len(codes) // _WORD)
        if dim.name != "citizenship" and words > 1:
            raise ConfigurationError(f"at most {_WORD - 1} categories of {dim.name} per table")
        unknown = 1 << codes.index(unknown_code) if unknown_code in codes else None
        return Column(dim.name, "mask", codes, unknown, words)
    if dim.name in _COUNTRY_DIMS:
        return Column(dim.name, "code", (), COUNTRY_UNKNOWN)
    codes = spec.keys(dim)
    return Column(dim.name, "code", codes,
                  codes.index(unknown_code) if unknown_code in codes else None)


def _two_letters(expr: str) -> str:
    first, second = f"ascii({expr})", f"ascii({_letter(expr, 2)})"
    return f"length({expr}) = 2 AND {first} BETWEEN 65 AND 90 AND {second} BETWEEN 65 AND 90"


def _letters_number(expr: str) -> str:
    return f"(ascii({expr}) - 65) * {_LETTERS} + ascii({_letter(expr, 2)}) - 65"


def _country_code(expr: str) -> str:
    """A two-letter code as an integer (AA = 0 … ZZ = 675), unknown 676, anything else 677."""
    return (f"CASE WHEN {_two_letters(expr)} THEN {_letters_number(expr)} "
            f"WHEN {expr} = 'unknown' THEN {COUNTRY_UNKNOWN} ELSE {COUNTRY_UNLISTED} END")


def _position(d: Dialect, column: Column, x: str) -> str:
    """The bit of code `x` in a mask; two-letter codes through a table of all 676 pairs."""
    index = {c: i for i, c in enumerate(column.codes)}
    unlisted = index[UNLISTED]
    others = [c for c in column.codes if not (len(c) == 2 and c.isupper())]
    if len(others) == len(column.codes):
        whens = " ".join(f"WHEN {_literal(c)} THEN {i}" for c, i in index.items())
        return f"CASE {x} {whens} ELSE {unlisted} END"
    pairs = [index.get(chr(65 + i // _LETTERS) + chr(65 + i % _LETTERS), unlisted)
             for i in range(COUNTRY_UNKNOWN)]
    table = d.ints(pairs)
    whens = " ".join(f"WHEN {x} = {_literal(c)} THEN {index[c]}" for c in others)
    return (f"CASE {whens} WHEN {_two_letters(x)} THEN {d.at(table, _letters_number(x) + ' + 1')}"
            f" ELSE {unlisted} END")


def _word(d: Dialect, position: str, w: int) -> str:
    low = _WORD * w
    return (f"CASE WHEN {position} >= {low} AND {position} < {low + _WORD} "
            f"THEN {d.shift(position + f' - {low}')} ELSE {_bigint(0)} END")


def _encoded(d: Dialect, column: Column) -> list[str]:
    """The registration's value of `column` as the plan carries it, one per field."""
    value = _victim_single(d).get(column.name, "")
    if column.name == "year":
        value = f"CAST(year AS {d.string})"
    if column.kind == "code":
        if column.name in _COUNTRY_DIMS:
            return [_country_code(value)]
        whens = " ".join(f"WHEN {_literal(c)} THEN {i}" for i, c in enumerate(column.codes))
        return [f"CASE {value} {whens} ELSE {len(column.codes)} END"]
    if column.name == "citizenship":
        # One row per country of citizenship (see `_rec_rows`): its bit, in its word.
        return [_word(d, "c_pos", w) for w in range(column.words)]
    whens = " ".join(f"WHEN {_literal(c)} THEN {_bigint(1 << i)}"
                     for i, c in enumerate(column.codes) if c != UNLISTED)
    bit = f"CASE {{x}} {whens} ELSE {_bigint(1 << column.codes.index(UNLISTED))} END"
    if column.name == "year":
        return [bit.format(x=value)]
    forms = "exploitation_forms"
    assert column.unknown is not None
    return [f"CASE WHEN {forms} IS NULL OR {d.length}({forms}) = 0 "
            f"THEN {_bigint(column.unknown)} ELSE {d.bits(forms, bit.format(x='x'))} END"]


def _resolved_code(column: Column) -> str:
    """Aggregate: a person's first known code in registration order (`ord`, 1, 2, …)."""
    packed = f"min(ord * {_PACK} + {column.name})"
    if column.unknown is None:
        return f"{packed} % {_PACK} AS {column.name}"
    return (f"coalesce(({packed} FILTER (WHERE {column.name} <> {column.unknown})) % {_PACK}, "
            f"{column.unknown}) AS {column.name}")


def _union(column: Column) -> list[str]:
    return [f"bit_or({f}) AS {f}" for f in column.fields]


@dataclass(frozen=True, slots=True)
class BasePlan:
    """One query giving every table of a set its base: units per combination of values.

    The query groups the units by `GROUPING SETS`, one per distinct `sets[i]`; a row's set
    is the set of its non-NULL columns (no value of a unit is NULL). `columns` says how to
    read each column back (`Column.decode`); `_margins` turns the base into every margin.
    """

    sql: str
    columns: tuple[Column, ...]
    sets: tuple[tuple[str, ...], ...]


def base_plan(specs: Sequence[TableSpec], dialect: Dialect, source: str = "src", *,
              max_records: int | None = None) -> BasePlan:
    """The query resolving the units of victim tables once and grouping them per table.

    Counting persons, each person's registrations are ranked (registration date, then
    record id) and resolved in one hash aggregation: the first known code of each
    single-valued dimension as `min(rank * 1024 + code)`, the union of the masks (`bit_or`)
    and of the citizenship lists.

    Raises:
        ConfigurationError: the tables do not share their scope, or are not of victims.
    """
    if not specs:
        raise ConfigurationError("a plan needs at least one table")
    first = specs[0]
    if any(_scope(x) != _scope(first) for x in specs):
        raise ConfigurationError("the tables of one plan must share subject, years, "
                                 "countries and counting unit")
    if first.subject is not Subject.VICTIMS:
        raise ConfigurationError("base plans count victims; suspects use suspect_plan")
    dims: dict[str, Dimension] = {}
    for spec in specs:
        for dim in spec.dimensions:
            dims.setdefault(dim.name, dim)
    columns = tuple(_column(first, dim) for dim in dims.values())
    encoded = {c.name: [f"{e} AS {f}" for e, f in zip(_encoded(dialect, c), c.fields,
                                                       strict=True)] for c in columns}
    citizenship = next((c for c in columns if c.name == "citizenship"), None)
    rec = _rec_rows(first, dialect, source, [e for c in columns if c is not citizenship
                                             for e in encoded[c.name]], max_records,
                    citizenship=(citizenship, encoded["citizenship"]) if citizenship else None)
    names = [f for c in columns for f in c.fields]
    if first.counting is Counting.PERSONS:
        parts = [p for c in columns
                 for p in ([_resolved_code(c)] if c.kind == "code" else _union(c))]
        ranked = ("SELECT *, row_number() OVER (PARTITION BY unit ORDER BY registered_on, "
                  "record_id) AS ord FROM rec")
        one = f"SELECT {', '.join(parts) or 'unit'} FROM ({ranked}) r GROUP BY unit"
    elif citizenship is not None:
        # A registration comes as one row per country: fold them back into one.
        parts = [p for c in columns for p in
                 ([f"min({c.name}) AS {c.name}"] if c.kind == "code" else _union(c))]
        one = f"SELECT {', '.join(parts)} FROM rec GROUP BY unit"
    else:
        one = f"SELECT {', '.join(names) or 'unit'} FROM rec"
    fields = {c.name: c.fields for c in columns}
    sets = tuple(dict.fromkeys(tuple(spec.by) for spec in specs))
    grouping = ", ".join(f"({', '.join(f for n in x for f in fields[n])})" for x in sets)
    select = "".join(f"{n}, " for n in names)
    sql = (f"WITH rec AS ({rec}) SELECT {select}count(*) AS n FROM ({one}) one "
           f"GROUP BY GROUPING SETS ({grouping})")
    return BasePlan(sql, columns, sets)


def _rec_rows(spec: TableSpec, d: Dialect, source: str, columns: list[str],
              max_records: int | None, *,
              citizenship: tuple[Column, list[str]] | None = None) -> str:
    """Victim registrations in scope: unit, person, order and the encoded dimensions.

    With `citizenship`, a registration comes as one row per country of citizenship
    ("UNK" when none is known) carrying that country's bit: the aggregation per unit
    folds them together again (`bit_or`; `min` of equal codes).
    """
    where = ["identification_status <> 'declined'"]
    if spec.years:
        where.append(f"year IN ({_in_list(spec.years)})")
    if spec.countries is not None:
        where.append(f"organisation_country IN ({_in_list(tuple(sorted(spec.countries)))})")
    person = "coalesce(person_id, record_id)"
    unit = person if spec.counting is Counting.PERSONS else "record_id"
    if citizenship is not None:
        columns = [*columns, f"CASE WHEN {_CITIZENSHIPS} IS NULL OR {d.length}({_CITIZENSHIPS}) "
                             f"= 0 THEN {d.array(['UNK'])} ELSE {_CITIZENSHIPS} END "
                             f"AS citizenship_list"]
    body = (f"SELECT {unit} AS unit, {person} AS person, record_id, registered_on"
            f"{''.join(', ' + c for c in columns)} FROM {source} WHERE {' AND '.join(where)}")
    if max_records is not None:
        # Each person contributes at most `max_records` registrations (differential privacy).
        body = (f"SELECT * FROM (SELECT r.*, row_number() OVER (PARTITION BY person ORDER BY "
                f"registered_on, record_id) AS rn FROM ({body}) r) ranked "
                f"WHERE rn <= {max_records}")
    if citizenship is None:
        return body
    column, words = citizenship
    exploded = d.exploded(f"({body}) b", "citizenship_list", "c")
    positioned = f"SELECT *, {_position(d, column, 'c')} AS c_pos FROM ({exploded}) e"
    return f"SELECT *, {', '.join(words)} FROM ({positioned}) p"


# -- suspects: one row per registration, (stage, year) pairs --------------------------------------
def _suspect_rec(spec: TableSpec, d: Dialect, source: str, max_records: int | None) -> str:
    single = _suspect_single(d)
    columns = "".join(f", {single[n]} AS {n}" for n in spec.by if n in single)
    where = ["person_kind = 'natural'"]
    if spec.countries is not None:
        where.append(f"organisation_country IN ({_in_list(tuple(sorted(spec.countries)))})")
    body = (f"SELECT record_id AS unit, record_id AS person, record_id, registered_on{columns} "
            f"FROM {source} WHERE {' AND '.join(where)}")
    if max_records is None:
        return body
    return (f"SELECT * FROM (SELECT r.*, row_number() OVER (PARTITION BY person ORDER BY "
            f"registered_on, record_id) AS rn FROM ({body}) r) ranked WHERE rn <= {max_records}")


def _events(spec: TableSpec, d: Dialect, source: str) -> str:
    years = f" WHERE year IN ({_in_list(tuple(str(y) for y in spec.years))})" if spec.years else ""
    return (
        f"SELECT * FROM (SELECT rec.unit, e.stage, CAST(year(e.happened) AS {d.string}) AS year "
        f"FROM rec JOIN (SELECT record_id, 'suspected' AS stage, registered_on AS happened "
        f"FROM {source} UNION ALL SELECT record_id, stage, happened FROM ({d.events(source)}) j "
        f"WHERE stage IN ('prosecuted', 'convicted')) e ON rec.record_id = e.record_id) s{years}"
    )


def _suspect_margins(spec: TableSpec, d: Dialect, source: str, bounds: Mapping[str, int],
                     max_records: int | None) -> str:
    """Every margin of a suspect table: `one` joined to the (stage, year) pairs."""
    ctes = [f"rec AS ({_suspect_rec(spec, d, source, max_records)})",
            f"ev_flat AS {d.materialized}({_events(spec, d, source)})"]
    # Stage and year travel together: the year each stage was reached.
    pairs = tuple(n for n in ("stage", "year") if n in spec.by)
    listed = ", ".join(pairs)
    k = bounds.get("stage")
    ranked = (f"SELECT unit, {listed} FROM (SELECT unit, {listed}, row_number() OVER "
              f"(PARTITION BY unit ORDER BY {listed}) AS rn FROM "
              f"(SELECT DISTINCT unit, {listed} FROM ev_flat) p) q"
              + (f" WHERE rn <= {k}" if k is not None else ""))
    ctes.append(f"m_stage AS {d.materialized}({ranked})")
    parts = []
    for hidden in itertools.product((False, True), repeat=len(spec.by)):
        present = [n for n, h in zip(spec.by, hidden, strict=True) if not h]
        shown = [c for c in pairs if c in present]
        if shown == list(pairs):
            source_rel = "one JOIN m_stage USING (unit)"
        else:
            cols = "".join(f", {c}" for c in shown)
            source_rel = f"one JOIN (SELECT DISTINCT unit{cols} FROM m_stage) j USING (unit)"
        select = [n if n in present else f"CAST(NULL AS {d.string}) AS {n}" for n in spec.by]
        flags = [f"{0 if n in present else 1} AS g_{n}" for n in spec.by]
        group = f" GROUP BY {', '.join(present)}" if present else ""
        parts.append(f"SELECT {', '.join([*select, *flags, 'count(*) AS n'])} "
                     f"FROM {source_rel}{group}")
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(parts)}"


@dataclass(frozen=True, slots=True)
class SuspectPlan:
    """Two statements: `units` builds the per-suspect table, `margins` counts every margin.

    The engine stores the result of `units` as a temporary table named `one` (DuckDB) or a
    cached view (Spark), so that each margin reads it instead of recomputing it.
    """

    units: str
    margins: str


def suspect_plan(spec: TableSpec, dialect: Dialect, source: str = "src", *,
                 bounds: Mapping[str, int] | None = None, max_records: int | None = None
                 ) -> SuspectPlan:
    """The statements counting a suspect table (one row per natural person registered)."""
    if spec.subject is not Subject.SUSPECTS:
        raise ConfigurationError("suspect plans count suspects; victims use base_plan")
    single = [n for n in spec.by if n not in ("stage", "year")]
    units = (f"WITH rec AS ({_suspect_rec(spec, dialect, source, max_records)}) "
             f"SELECT {', '.join(['unit', *single])} FROM rec")
    return SuspectPlan(units, _suspect_margins(spec, dialect, source, bounds or {}, max_records))


def table_sql(spec: TableSpec, dialect: Dialect, source: str = "src", *,
              max_records: int | None = None) -> str:
    """The SQL of one table, as one statement (for reading; the engines run the plans).

    Victims: the base query of `base_plan`; suspects: the margins over `one`.
    """
    if spec.subject is Subject.VICTIMS:
        return base_plan([spec], dialect, source, max_records=max_records).sql
    plan = suspect_plan(spec, dialect, source, max_records=max_records)
    margins = plan.margins.removeprefix("WITH ")
    return f"WITH one AS {dialect.materialized}({plan.units}), {margins}"
