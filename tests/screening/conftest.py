"""Fixtures for the screening tests: small synthetic corpora and one Spark session."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from haven.screening import AdTable, table_from_records
from haven.synth.ads import AdCorpus, generate_ads


@pytest.fixture(scope="session")
def corpus() -> AdCorpus:
    """A 3,000-ad corpus: large enough for quality figures, small enough for a test run."""
    return generate_ads(3000, seed=101)


@pytest.fixture(scope="session")
def corpus_table(corpus: AdCorpus) -> AdTable:
    return table_from_records(corpus.ads)


@pytest.fixture(scope="session")
def small_corpus() -> AdCorpus:
    return generate_ads(400, seed=7)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local[2] SparkSession for the whole test session."""
    from pyspark.sql import SparkSession  # a hard import: the Spark tests must run, not skip

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]").appName("haven-screening-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
