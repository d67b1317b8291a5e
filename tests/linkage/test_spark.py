"""The Spark engine scores and clusters exactly as DuckDB does (local[2], small input).

Training runs on DuckDB: Splink's EM on Spark takes minutes even for 200 records, which the
suite cannot afford; the trained model is rewritten for Spark SQL (`for_engine`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from haven.linkage import dedupe_table

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.fail("the Spark test needs Java (always available in CI)")
    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    session = (SparkSession.builder.master("local[2]").appName("haven-linkage-test")
               .config("spark.jars", similarity_jar_location())
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.default.parallelism", "2")
               .config("spark.ui.enabled", "false").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(Path(tmp_path_factory.mktemp("ckpt"))))
    yield session
    session.stop()


@pytest.mark.slow
def test_spark_gives_the_duckdb_result(spark: Any,
                                       synthetic_small: tuple[pa.Table, dict[str, str]]) -> None:
    table, _ = synthetic_small
    small = table.slice(0, 80)
    duck = dedupe_table(small)
    on_spark = dedupe_table(small, engine="spark", spark=spark, model=duck.model)
    assert on_spark.person_ids == duck.person_ids
