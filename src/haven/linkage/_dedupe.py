"""Cleartext deduplication with Splink 5: train unsupervised, score pairs, cluster persons.

The job is written once; `engine` picks DuckDB (embedded, the default) or Spark. Training is
unsupervised (random sampling for u, expectation maximisation for m); a labelled path takes
m probabilities from a ground-truth column instead, for evaluation and for installations that
have reviewed pairs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from haven.exceptions import ConfigurationError
from haven.linkage._cluster import ClusterOptions, cluster_edges, person_id_for
from haven.linkage._splink_settings import Dialect, ModelConfig, settings

__all__ = [
    "DedupeResult",
    "Evidence",
    "ScoredPairs",
    "blocked_pairs",
    "dedupe",
    "fit_config",
    "for_engine",
    "load_model",
    "score_pairs",
    "train_model",
]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a record belongs to its person: its strongest link inside the person.

    `weights` maps each compared field to its match weight (log2 Bayes factor): positive
    for evidence of one person, negative against. It holds no values, so it is safe to show
    and to log.
    """

    other_record_id: str
    match_probability: float
    weights: dict[str, float]


@dataclass(frozen=True, slots=True)
class ScoredPairs:
    """Candidate pairs with Splink's match probabilities, as record indices, and each
    comparison's match weight (log2 Bayes factor) per pair."""

    left: np.ndarray[Any, np.dtype[np.int64]]
    right: np.ndarray[Any, np.dtype[np.int64]]
    probability: np.ndarray[Any, np.dtype[np.float64]]
    weights: dict[str, np.ndarray[Any, np.dtype[np.float64]]]


@dataclass(frozen=True)
class DedupeResult:
    """Person id and evidence per record."""

    record_ids: list[str]
    labels: np.ndarray[Any, np.dtype[np.int64]]
    person_ids: dict[str, str]
    evidence: dict[str, Evidence] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)

    @property
    def persons(self) -> int:
        return len(set(self.person_ids.values()))


def _db_api(engine: Dialect, spark: Any | None) -> Any:
    if engine == "duckdb":
        from splink import DuckDBAPI
        return DuckDBAPI()
    try:
        from splink import SparkAPI
    except ImportError:
        raise ConfigurationError("the Spark engine needs haven[spark] (pyspark)") from None
    if spark is None:
        raise ConfigurationError("the Spark engine needs a SparkSession")
    # Persisting in memory instead of checkpointing to disk: a small job is 2-3x faster.
    return SparkAPI(spark_session=spark,  # type: ignore[no-untyped-call]
                    break_lineage_method="persist", num_partitions_on_repartition=2)


def _register(db_api: Any, table: pa.Table, engine: Dialect, spark: Any | None) -> Any:
    if engine == "spark":
        assert spark is not None
        frame = spark.createDataFrame(table.to_pylist(), schema=_spark_schema(table))
        return db_api.register(frame)
    return db_api.register(table)


def _spark_schema(table: pa.Table) -> Any:
    from pyspark.sql import types as T

    def kind(arrow: pa.DataType) -> Any:
        if pa.types.is_list(arrow):
            return T.ArrayType(T.StringType())
        if pa.types.is_integer(arrow):
            return T.IntegerType()
        return T.StringType()
    return T.StructType([T.StructField(f.name, kind(f.type), True) for f in table.schema])


_OPTIONAL = {"alias": "alias_first", "date_of_birth": "dob_year", "sex": "sex",
             "citizenship": "citizenship", "registered_on": "registered_day",
             "source_country": "source_country"}


def fit_config(prepared: pa.Table, config: ModelConfig | None = None) -> ModelConfig:
    """Leave out comparisons of fields no record fills (they cannot be trained)."""
    cfg = config or ModelConfig()
    empty = [name for name, column in _OPTIONAL.items()
             if prepared.column(column).null_count == prepared.num_rows]
    empty += [f"x_{c}" for c in cfg.extra_columns
              if prepared.column(f"x_{c}").null_count == prepared.num_rows]
    return replace(cfg, omit=tuple(sorted({*cfg.omit, *empty})))


def train_model(prepared: pa.Table, config: ModelConfig | None = None, *,
                engine: Dialect = "duckdb", spark: Any | None = None,
                label_column: str | None = None) -> dict[str, Any]:
    """Train the Splink model on prepared records and return it as a settings dictionary.

    Unsupervised unless `label_column` names a ground-truth person column of `prepared`, in
    which case m probabilities are counted from labelled pairs (the evaluation path).
    """
    from splink import Linker, block_on

    cfg = config or ModelConfig()
    db_api = _db_api(engine, spark)
    linker = Linker(_register(db_api, prepared, engine, spark), settings(cfg, engine),
                    log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_key", "dob")], recall=cfg.prior_recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=cfg.max_u_pairs, seed=cfg.seed)
    if label_column is not None:
        linker.training.estimate_m_from_label_column(label_column)
    else:
        # Each session fixes some fields by blocking and learns the others' m probabilities.
        # Pairs with the same full date of birth train names, aliases and extra fields; the
        # date's own m probabilities are fixed (see _splink_settings), so no session needs
        # to block on names, where namesakes would teach EM the wrong lesson.
        for rule in (block_on("dob"),):
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, fix_probability_two_random_records_match=True)
    model: dict[str, Any] = linker.misc.save_model_to_json()
    return model


def for_engine(model: dict[str, Any], config: ModelConfig, engine: Dialect) -> dict[str, Any]:
    """The trained model with its SQL rewritten for `engine` (parameters kept).

    A saved model holds SQL in the dialect it was trained on; the comparisons are rebuilt
    from the configuration for the other engine and the trained m/u values copied over.
    """
    trained_names = {c["output_column_name"] for c in model["comparisons"]}
    everything = settings(replace(config, omit=()), engine)["comparisons"]
    omit = tuple(c["output_column_name"] for c in everything
                 if c["output_column_name"] not in trained_names)
    target = settings(replace(config, omit=omit), engine)
    for key in ("probability_two_random_records_match",):
        if key in model:
            target[key] = model[key]
    trained = {c["output_column_name"]: c["comparison_levels"] for c in model["comparisons"]}
    for comparison in target["comparisons"]:
        levels = trained.get(comparison["output_column_name"], [])
        if len(levels) != len(comparison["comparison_levels"]):
            raise ConfigurationError("the model was trained with another configuration")
        for fresh, old in zip(comparison["comparison_levels"], levels, strict=True):
            for key in ("m_probability", "u_probability"):
                if key in old:
                    fresh[key] = old[key]
    return target


def score_pairs(prepared: pa.Table, model: dict[str, Any], config: ModelConfig | None = None,
                *, engine: Dialect = "duckdb", spark: Any | None = None) -> ScoredPairs:
    """Score every candidate pair of `prepared` with a trained model (from any engine)."""
    from splink import Linker

    cfg = config or ModelConfig()
    model = for_engine(model, cfg, engine)
    db_api = _db_api(engine, spark)
    linker = Linker(_register(db_api, prepared, engine, spark), model,
                    log_level=logging.WARNING)
    frame = linker.inference.predict(threshold_match_probability=cfg.min_probability)
    result = (frame.as_pyarrow_table()  # type: ignore[no-untyped-call]
              if engine == "duckdb" else _spark_to_arrow(frame))
    index = {r: i for i, r in enumerate(prepared.column("record_id").to_pylist())}
    left = np.array([index[r] for r in result.column("record_id_l").to_pylist()], np.int64)
    right = np.array([index[r] for r in result.column("record_id_r").to_pylist()], np.int64)
    weights = {c[len("mw_"):]: np.asarray(result.column(c).to_numpy(zero_copy_only=False),
                                          np.float64)
               for c in result.column_names if c.startswith("mw_") and "_tf_adj_" not in c}
    probability = np.asarray(result.column("match_probability").to_numpy(zero_copy_only=False),
                             np.float64)
    return ScoredPairs(left, right, probability, weights)


def _spark_to_arrow(frame: Any) -> pa.Table:
    rows = [r.asDict() for r in frame.as_spark_dataframe().collect()]
    if not rows:
        return pa.table({"record_id_l": pa.array([], pa.string()),
                         "record_id_r": pa.array([], pa.string()),
                         "match_probability": pa.array([], pa.float64())})
    return pa.Table.from_pylist(rows)


def _evidence(record_ids: Sequence[str], labels: np.ndarray[Any, np.dtype[np.int64]],
              pairs: ScoredPairs) -> dict[str, Evidence]:
    best: dict[int, tuple[float, int, int]] = {}
    for k in range(len(pairs.probability)):
        i, j, p = int(pairs.left[k]), int(pairs.right[k]), float(pairs.probability[k])
        if labels[i] != labels[j]:
            continue
        for a, b in ((i, j), (j, i)):
            if a not in best or p > best[a][0]:
                best[a] = (p, b, k)
    out = {}
    for i, (p, j, k) in best.items():
        weights = {name: round(float(values[k]), 2) for name, values in pairs.weights.items()}
        out[record_ids[i]] = Evidence(record_ids[j], round(p, 6), weights)
    return out


def dedupe(prepared: pa.Table, config: ModelConfig | None = None,
           options: ClusterOptions | None = None, *, engine: Dialect = "duckdb",
           spark: Any | None = None, model: dict[str, Any] | None = None,
           label_column: str | None = None, frozen: Sequence[int] | None = None,
           ) -> DedupeResult:
    """Deduplicate prepared records into persons.

    Args:
        prepared: output of `prepare` (one row per record).
        config: comparisons and training settings.
        options: clustering thresholds and constraints.
        engine: "duckdb" (default) or "spark".
        spark: the SparkSession for the Spark engine.
        model: a model trained earlier (then no training happens).
        label_column: train m probabilities from this ground-truth column.
        frozen: existing person label per record (-1 for new), kept stable.
    """
    cfg = fit_config(prepared, config)
    if model is None:
        model = train_model(prepared, cfg, engine=engine, spark=spark,
                            label_column=label_column)
    pairs = score_pairs(prepared, model, cfg, engine=engine, spark=spark)
    record_ids = [str(r) for r in prepared.column("record_id").to_pylist()]
    sources = [str(s) for s in prepared.column("source_org").to_pylist()]
    labels = cluster_edges(
        len(record_ids),
        zip(pairs.left.tolist(), pairs.right.tolist(), pairs.probability.tolist(), strict=True),
        options, sources=sources, frozen=frozen)
    person_ids = _person_ids(record_ids, labels)
    _log.info("dedupe: %d records, %d scored pairs, %d persons", len(record_ids),
              len(pairs.probability), len(set(person_ids.values())))
    return DedupeResult(record_ids, labels, person_ids,
                        _evidence(record_ids, labels, pairs), model)


def _person_ids(record_ids: Sequence[str], labels: np.ndarray[Any, np.dtype[np.int64]]
                ) -> dict[str, str]:
    groups: dict[int, list[str]] = {}
    for record_id, label in zip(record_ids, labels.tolist(), strict=True):
        groups.setdefault(label, []).append(record_id)
    ids = {label: person_id_for(members) for label, members in groups.items()}
    return {r: ids[label] for r, label in zip(record_ids, labels.tolist(), strict=True)}


def load_model(path: Path) -> dict[str, Any]:
    """Read a model saved by `save_model`."""
    import json
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def blocked_pairs(prepared: pa.Table, config: ModelConfig | None = None
                  ) -> tuple[np.ndarray[Any, np.dtype[np.int64]],
                             np.ndarray[Any, np.dtype[np.int64]]]:
    """Candidate pairs the blocking rules produce (before scoring), as record indices.

    Runs the same rules Splink uses, in DuckDB, so that blocking recall can be measured.
    """
    import duckdb

    from haven.linkage._splink_settings import blocking_rules

    con = duckdb.connect()
    try:
        con.register("records", prepared.append_column(
            "idx", pa.array(np.arange(prepared.num_rows, dtype=np.int64))))
        union = " UNION ".join(
            # The rules are our own constants (no user input reaches this SQL).
            f"SELECT l.idx AS i, r.idx AS j FROM records l JOIN records r ON ({rule}) "  # noqa: S608
            "AND l.idx < r.idx" for rule in blocking_rules(config or ModelConfig()))
        found = con.sql(f"SELECT DISTINCT i, j FROM ({union})").to_arrow_table()  # noqa: S608
    finally:
        con.close()
    return (np.asarray(found.column("i").to_numpy(), np.int64),
            np.asarray(found.column("j").to_numpy(), np.int64))
