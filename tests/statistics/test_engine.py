"""DuckDB and Spark counts equal the pure-Python reference exactly, margins included."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest
from tests.statistics.reference import reference_counts

from haven.exceptions import ConfigurationError
from haven.statistics._definitions import TOTAL, TableSpec
from haven.statistics._engine import CountTable, DuckDBEngine, SparkEngine
from haven.statistics._sql import DUCKDB, SPARK, base_plan, table_sql

VICTIM_SPECS = [
    ((), "persons"),
    (("sex",), "persons"),
    (("sex", "exploitation"), "persons"),
    (("sex", "exploitation"), "registrations"),
    (("year", "status"), "persons"),
    (("year", "status"), "registrations"),
    (("age_group", "citizenship_group", "sex"), "persons"),
    (("age_band",), "registrations"),
    (("citizenship", "country_of_exploitation"), "persons"),
    (("eu_citizenship", "reporting_country"), "persons"),
    (("year", "exploitation", "citizenship"), "persons"),
]
SUSPECT_SPECS = [(("stage",), None), (("stage", "year"), None), (("stage", "sex"), (2018,)),
                 (("year", "stage", "citizenship"), (2017, 2018, 2019))]


def _spec(by: tuple[str, ...], counting: str) -> TableSpec:
    return TableSpec.parse("victims", by, years=[2017, 2018, 2019], counting=counting)


def _assert_equal(table: CountTable, data: pa.Table) -> None:
    expected = reference_counts(table.spec, data)
    nonzero = {k: v for k, v in table.cells.items() if v}
    assert nonzero == expected
    assert table.total > 0


@pytest.mark.parametrize(("by", "counting"), VICTIM_SPECS)
def test_duckdb_victim_tables_equal_the_reference(victims: pa.Table, by: tuple[str, ...],
                                                  counting: str) -> None:
    _assert_equal(DuckDBEngine().count(_spec(by, counting), victims), victims)


@pytest.mark.parametrize(("by", "years"), SUSPECT_SPECS)
def test_duckdb_suspect_tables_equal_the_reference(suspects: pa.Table, by: tuple[str, ...],
                                                   years: tuple[int, ...] | None) -> None:
    spec = TableSpec.parse("suspects", by, years=years or [2017, 2018, 2019])
    _assert_equal(DuckDBEngine().count(spec, suspects), suspects)


def test_counting_persons_counts_each_person_once(victims: pa.Table) -> None:
    persons = DuckDBEngine().count(_spec((), "persons"), victims).total
    registrations = DuckDBEngine().count(_spec((), "registrations"), victims).total
    assert persons < registrations
    by_form = DuckDBEngine().count(_spec(("exploitation",), "persons"), victims)
    # A multi-valued dimension: categories add up to more than the persons in the total.
    assert sum(v for k, v in by_form.cells.items() if k[0] != TOTAL) > by_form.total


def test_the_country_filter_is_the_scope(victims: pa.Table) -> None:
    spec = TableSpec.parse("victims", ["reporting_country"], years=[2018], countries=["NL"])
    table = DuckDBEngine().count(spec, victims)
    assert {k[0] for k, v in table.cells.items() if v} == {"NL", TOTAL}
    _assert_equal(table, victims)


def test_contribution_bounds_truncate_each_unit(victims: pa.Table) -> None:
    spec = _spec(("exploitation",), "persons")
    bounded = DuckDBEngine().count(spec, victims, bounds={"exploitation": 1})
    assert sum(v for k, v in bounded.cells.items() if k[0] != TOTAL) == bounded.total


def test_sql_generation_is_pure_and_dialect_specific() -> None:
    spec = _spec(("sex", "exploitation"), "persons")
    duck, spark = table_sql(spec, DUCKDB), table_sql(spec, SPARK)
    assert "list_bit_or(list_transform(" in duck and "lambda x:" in duck
    assert "aggregate(transform(" in spark and "x ->" in spark and "lambda" not in spark
    # Persons resolved in one aggregation with integer states, then one grouping per table.
    for sql in (duck, spark):
        assert "GROUP BY unit" in sql and "bit_or(exploitation)" in sql
        assert "GROUPING SETS ((sex, exploitation))" in sql and "count(DISTINCT" not in sql
    citizenship = table_sql(_spec(("citizenship",), "persons"), SPARK)
    assert "LATERAL VIEW explode(" in citizenship and "shiftleft(" in citizenship


def test_a_set_of_tables_shares_one_resolution(victims: pa.Table) -> None:
    specs = [_spec(by, counting) for by, counting in VICTIM_SPECS]
    plan = base_plan([s for s in specs if s.counting == "persons"], DUCKDB)
    assert plan.sql.count("GROUP BY unit") == 1
    assert plan.sql.count("GROUPING SETS") == 1
    together = DuckDBEngine().count_many(specs, victims)
    for spec, table in zip(specs, together, strict=True):
        assert table.spec == spec
        assert table.cells == DuckDBEngine().count(spec, victims).cells
        _assert_equal(table, victims)
    with pytest.raises(ConfigurationError):
        base_plan([specs[1], _spec(("sex",), "registrations")], DUCKDB)


def test_a_code_outside_the_public_lists_is_refused(victims: pa.Table) -> None:
    for column, value in (("exploitation_forms", ["not_a_form"]), ("citizenships", ["Q1"]),
                          ("country_of_exploitation", "ZZ"), ("sex", "neither")):
        rows = victims.slice(0, 20).to_pylist()
        rows[3][column] = value
        broken = pa.Table.from_pylist(rows, schema=victims.schema)
        by = {"exploitation_forms": "exploitation", "citizenships": "citizenship"}.get(
            column, column)
        with pytest.raises(ConfigurationError, match="outside the public code lists"):
            DuckDBEngine().count(_spec((by,), "persons"), broken)


@pytest.fixture
def spark(spark_session: Any) -> SparkEngine:
    return SparkEngine(spark_session)  # the test process's one session (tests/conftest.py)


@pytest.mark.spark
@pytest.mark.parametrize(("by", "counting"), [VICTIM_SPECS[2], VICTIM_SPECS[5],
                                              VICTIM_SPECS[10]])
def test_spark_gives_the_same_victim_tables(spark: SparkEngine, victims: pa.Table,
                                            by: tuple[str, ...], counting: str) -> None:
    spec = _spec(by, counting)
    assert spark.count(spec, victims).cells == DuckDBEngine().count(spec, victims).cells
    bounds = {"exploitation": 1, "citizenship": 1, "year": 2}
    assert (spark.count(spec, victims, bounds=bounds, max_records=2).cells
            == DuckDBEngine().count(spec, victims, bounds=bounds, max_records=2).cells)


@pytest.mark.spark
def test_spark_counts_a_set_of_tables_like_duckdb(spark: SparkEngine, victims: pa.Table) -> None:
    specs = [_spec(by, counting) for by, counting in VICTIM_SPECS]
    assert ([t.cells for t in spark.count_many(specs, victims)]
            == [t.cells for t in DuckDBEngine().count_many(specs, victims)])


@pytest.mark.spark
def test_spark_gives_the_same_suspect_tables(spark: SparkEngine, suspects: pa.Table) -> None:
    spec = TableSpec.parse("suspects", ["year", "stage", "sex"], years=[2017, 2018, 2019])
    assert spark.count(spec, suspects).cells == DuckDBEngine().count(spec, suspects).cells
    bounded = {"stage": 2}
    assert (spark.count(spec, suspects, bounds=bounded).cells
            == DuckDBEngine().count(spec, suspects, bounds=bounded).cells)


def test_a_memory_limit_changes_nothing_but_memory(victims: pa.Table) -> None:
    spec = _spec(("sex", "exploitation"), "persons")
    limited = DuckDBEngine(threads=1, memory_limit="256MB").count(spec, victims)
    assert limited.cells == DuckDBEngine().count(spec, victims).cells
    with pytest.raises(ConfigurationError):
        DuckDBEngine(memory_limit="1GB; DROP TABLE x")
