"""Fixtures for the screening tests: small synthetic corpora and one Spark session."""

from __future__ import annotations

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


@pytest.fixture
def spark(spark_session: Any) -> Any:
    """The test process's one SparkSession (tests/conftest.py)."""
    return spark_session
