from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from haven.exceptions import ConfigurationError, Conflict
from haven.linkage import HubOptions, encode_table, evaluate, link_parties
from haven.linkage._exchange import read_encodings, write_encodings
from haven.linkage._hub import candidate_pairs


def _split(table: pa.Table) -> tuple[pa.Table, pa.Table]:
    orgs = sorted(set(table.column("source_org").to_pylist()))
    first = set(orgs[: len(orgs) // 2])
    mask = pa.array([o in first for o in table.column("source_org").to_pylist()])
    return table.filter(mask), table.filter(pa.compute.invert(mask))


@pytest.mark.slow
def test_pprl_across_parties_through_files(
        synthetic_small: tuple[pa.Table, dict[str, str]], tmp_path: Path) -> None:
    table, truth = synthetic_small
    key = os.urandom(32)
    files = []
    for index, part in enumerate(_split(table)):
        path = tmp_path / f"party{index}.enc.csv"
        write_encodings(path, encode_table(part, key))
        text = path.read_text(encoding="utf-8")
        assert "given_name" not in text and "date_of_birth" not in text
        files.append(path)
    parties = [p for f in files for p in read_encodings(f)]
    result = link_parties(parties)
    quality = evaluate(result.person_ids, truth)
    assert quality.records == table.num_rows
    assert quality.f1 >= 0.70, quality.as_dict()
    assert abs(quality.person_count_error) <= 0.06, quality.as_dict()


def test_lsh_blocking_keeps_near_duplicates() -> None:
    rng = np.random.default_rng(5)
    dense = rng.random((400, 1024)) < 0.5
    noisy = dense ^ (rng.random(dense.shape) < 0.04)  # 4 % of bits flipped: Dice ~ 0.96
    bits = np.packbits(np.vstack([dense, noisy]), axis=1, bitorder="little").view("<u8")
    left, right = candidate_pairs(bits.astype(np.uint64), HubOptions())
    found = set(zip(left.tolist(), right.tolist(), strict=True))
    recall = sum((i, i + 400) in found for i in range(400)) / 400
    assert recall >= 0.99
    assert len(found) < 800 * 799 / 2 * 0.05  # and prunes almost all other pairs


def test_lsh_path_gives_the_exhaustive_answer(
        synthetic_small: tuple[pa.Table, dict[str, str]]) -> None:
    table, _ = synthetic_small
    parties = encode_table(table, b"s" * 32)
    exhaustive = link_parties(parties)
    blocked = link_parties(parties, dataclasses.replace(HubOptions(), exhaustive_limit=0))
    assert blocked.comparisons < exhaustive.comparisons
    agree = evaluate(blocked.person_ids, exhaustive.person_ids)
    assert agree.f1 >= 0.98


def test_mixed_keys_and_duplicate_ids_are_refused() -> None:
    table = pa.table({"record_id": ["1"], "source_org": ["a"], "given_name": ["Ana"]})
    a = encode_table(table, b"a" * 32)
    b = encode_table(table.set_column(1, "source_org", pa.array(["b"])), b"b" * 32)
    with pytest.raises(ConfigurationError, match="keys"):
        link_parties([*a, *b])
    c = encode_table(table.set_column(1, "source_org", pa.array(["c"])), b"a" * 32)
    with pytest.raises(Conflict, match="record id 1"):
        link_parties([*a, *c])
