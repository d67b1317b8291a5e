"""The anchors the linkage benchmark runs side by side with Haven.

- cleartext: a carefully configured off-the-shelf Splink 5 model (its comparison library:
  name, Jaro-Winkler, Levenshtein and exact comparisons on the raw columns; u by random
  sampling, m by EM; connected components at 0.5), as a team without Haven would set it up;
- PPRL: anonlink 0.15 on the same encodings (its C++ Dice kernel and greedy solver).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pyarrow as pa


def splink_baseline(table: pa.Table, extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Person id per record from off-the-shelf Splink 5 (DuckDB)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    columns = {c: [v.lower() if isinstance(v, str) and v else None
                   for v in table.column(c).to_pylist()]
               for c in ("given_name", "family_name", "date_of_birth", "sex",
                         "citizenship", *extra) if c in table.column_names}
    columns = {"record_id": table.column("record_id").to_pylist()} | columns
    data = pa.table(columns)
    comparisons: list[Any] = [cl.NameComparison("given_name"), cl.NameComparison("family_name"),
                   cl.LevenshteinAtThresholds("date_of_birth", [1, 2])]
    comparisons += [cl.ExactMatch(c) for c in ("sex", "citizenship") if c in columns]
    comparisons += [cl.JaroWinklerAtThresholds(c, [0.9, 0.7]) for c in extra]
    settings = SettingsCreator(
        link_type="dedupe_only", unique_id_column_name="record_id", comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("given_name"), block_on("family_name"), block_on("date_of_birth")])
    linker = Linker(DuckDBAPI().register(data), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in (block_on("date_of_birth"), block_on("family_name")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.5
    ).as_pyarrow_table()  # type: ignore[no-untyped-call]
    return dict(zip(clusters.column("record_id").to_pylist(),
                    [str(c) for c in clusters.column("cluster_id").to_pylist()], strict=True))


def anonlink_link(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any], threshold: float
                  ) -> tuple[list[tuple[int, int]], float, int]:
    """anonlink on two parties' encodings: matched index pairs, seconds, comparisons."""
    from anonlink.candidate_generation import find_candidate_pairs  # type: ignore[import-untyped,unused-ignore]
    from anonlink.similarities import dice_coefficient_accelerated  # type: ignore[import-untyped,unused-ignore]
    from anonlink.solving import greedy_solve  # type: ignore[import-untyped,unused-ignore]
    from bitarray import bitarray

    def as_bitarrays(bits: np.ndarray[Any, Any]) -> list[Any]:
        out = []
        for row in bits:
            ba = bitarray(endian="little")
            ba.frombytes(row.astype("<u8").tobytes())
            out.append(ba)
        return out

    left, right = as_bitarrays(a), as_bitarrays(b)
    start = time.perf_counter()
    candidates = find_candidate_pairs([left, right], dice_coefficient_accelerated, threshold)
    groups = greedy_solve(candidates)
    seconds = time.perf_counter() - start
    pairs = []
    for group in groups:
        members = dict(group)
        if 0 in members and 1 in members:
            pairs.append((members[0], members[1]))
    return pairs, seconds, len(a) * len(b)


def anonlink_kernel(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any], threshold: float
                    ) -> float:
    """Seconds anonlink's Dice kernel takes for all pairs of `a` x `b`."""
    from anonlink.similarities import dice_coefficient_accelerated  # type: ignore[import-untyped,unused-ignore]
    from bitarray import bitarray

    def as_bitarrays(bits: np.ndarray[Any, Any]) -> list[Any]:
        out = []
        for row in bits:
            ba = bitarray(endian="little")
            ba.frombytes(row.astype("<u8").tobytes())
            out.append(ba)
        return out

    left, right = as_bitarrays(a), as_bitarrays(b)
    start = time.perf_counter()
    dice_coefficient_accelerated([left, right], threshold)
    return time.perf_counter() - start
