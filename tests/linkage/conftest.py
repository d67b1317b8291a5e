"""Shared inputs for the linkage tests: small synthetic registries and FEBRL samples."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pytest


@pytest.fixture(scope="session")
def synthetic_small() -> tuple[pa.Table, dict[str, str]]:
    """About 500 records of 400 persons with transliterations, swaps and hard negatives."""
    from haven.synth import generate_registry, linkage_rows

    rows = linkage_rows(generate_registry(400, seed=11))
    truth = {r["record_id"]: r["person_id"] for r in rows}
    columns = [c for c in rows[0] if c != "person_id"]
    table = pa.table({c: pa.array([r.get(c) or None for r in rows], pa.string())
                      for c in columns})
    return table, truth


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "shared.key"
    path.write_bytes(os.urandom(32))
    return path
