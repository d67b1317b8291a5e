"""Spark and local engines return the same clusters and scores on the same corpus."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from haven.exceptions import ConfigurationError
from haven.screening import LocalEngine, SparkEngine, make_engine, screen, table_from_records
from haven.screening._minhash import band_keys, shingle_hashes, signatures
from haven.synth.ads import AdCorpus

pytestmark = [
    pytest.mark.spark,
    # py4j leaves its gateway sockets to the garbage collector
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]


def test_spark_and_local_give_identical_results(spark: Any, small_corpus: AdCorpus) -> None:
    table = table_from_records(small_corpus.ads)
    local = screen(table, LocalEngine(1))
    distributed = screen(table, SparkEngine(spark))
    assert local.counts["templates"] > 5 and local.counts["networks"] > 5
    assert distributed.template == local.template
    assert distributed.network == local.network
    assert distributed.risk == local.risk
    assert distributed.phones == local.phones
    assert [distributed.reasons(r) for r in range(len(table))] == [
        local.reasons(r) for r in range(len(table))]
    assert {k: t.text for k, t in distributed.templates.items()} == {
        k: t.text for k, t in local.templates.items()}


def test_spark_bucket_join_equals_numpy(spark: Any) -> None:
    texts = ["a b c d e f", "a b c d e f", "a b c d e g", "x y z w v u", "x y z w v u"]
    keys = band_keys(signatures([shingle_hashes(t.split()) for t in texts]))
    eligible = np.ones(len(texts), dtype=bool)
    assert SparkEngine(spark).candidate_pairs(keys, eligible).tolist() == (
        LocalEngine(1).candidate_pairs(keys, eligible).tolist())


def test_unknown_engine_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="unknown engine"):
        make_engine("dask")
