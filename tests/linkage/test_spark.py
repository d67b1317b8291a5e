"""The Spark engine scores and clusters exactly as DuckDB does (local[2], small input).

Training runs on DuckDB: Splink's EM on Spark takes minutes even for 200 records, which the
suite cannot afford; the trained model is rewritten for Spark SQL (`for_engine`).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from haven.linkage import dedupe_table

pytestmark = pytest.mark.spark


@pytest.fixture
def spark(spark_session: Any) -> Any:
    return spark_session


@pytest.mark.slow
def test_spark_gives_the_duckdb_result(spark: Any,
                                       synthetic_small: tuple[pa.Table, dict[str, str]]) -> None:
    table, _ = synthetic_small
    small = table.slice(0, 80)
    duck = dedupe_table(small)
    on_spark = dedupe_table(small, engine="spark", spark=spark, model=duck.model)
    assert on_spark.person_ids == duck.person_ids
