"""Synthetic multi-agency, multi-country victim records with ground truth, from `haven.synth`.

Seeds are split: seed 1 is used to choose thresholds and weights (tuning), seeds 2 and 3 only
to measure (evaluation). A benchmark that reports seed 1 says so.
"""

from __future__ import annotations

import pyarrow as pa

TUNING_SEED = 1
EVALUATION_SEEDS = (2, 3)


def synthetic(persons: int, seed: int) -> tuple[pa.Table, dict[str, str]]:
    """Linkage table (the file interface) and true person id per record id."""
    from haven.synth import generate_registry, linkage_rows

    rows = linkage_rows(generate_registry(persons, seed=seed))
    truth = {r["record_id"]: r["person_id"] for r in rows}
    columns = [c for c in rows[0] if c != "person_id"] if rows else []
    table = pa.table({c: pa.array([r.get(c) or None for r in rows], pa.string())
                      for c in columns})
    return table, truth
