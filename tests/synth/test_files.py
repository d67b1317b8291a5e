"""The linkage file interface and the importable flat CSV files."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from haven.standard import COLUMNS, RecordKind, schema_for, to_nested, validate_record
from haven.synth import (
    LINKAGE_COLUMNS,
    SyntheticRegistry,
    linkage_rows,
    write_linkage_csv,
    write_registry_files,
)

_DOB = re.compile(r"^(\d{4}(-\d{2}-\d{2})?)?$")


def test_linkage_rows_follow_the_interface(small_registry: SyntheticRegistry) -> None:
    rows = linkage_rows(small_registry)
    assert len(rows) == len(small_registry.victims)
    assert all(tuple(r) == LINKAGE_COLUMNS for r in rows)
    assert len({r["record_id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["record_id"] and r["source_org"]
        assert r["sex"] in {"F", "M", "U"}
        assert _DOB.match(r["date_of_birth"])
        assert re.match(r"^([A-Z]{2})?$", r["citizenship"])
        assert re.match(r"^[A-Z]{2}$", r["source_country"])
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", r["registered_on"])
        assert r["person_id"]


def test_linkage_rows_for_suspects(small_registry: SyntheticRegistry) -> None:
    rows = linkage_rows(small_registry, kind="suspect")
    assert rows
    assert {r["person_id"] for r in rows} <= {s.person_id for s in small_registry.suspects}


@pytest.mark.parametrize("with_truth", [True, False])
def test_write_linkage_csv(
    small_registry: SyntheticRegistry, tmp_path: Path, with_truth: bool
) -> None:
    path = write_linkage_csv(small_registry, tmp_path / "link.csv", with_truth=with_truth)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    expected = LINKAGE_COLUMNS if with_truth else LINKAGE_COLUMNS[:-1]
    assert tuple(reader.fieldnames or ()) == expected
    assert len(rows) == len(small_registry.victims)
    originals = linkage_rows(small_registry)
    assert all(r[c] == o[c] for r, o in zip(rows, originals, strict=True) for c in expected)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_registry_files_round_trip(small_registry: SyntheticRegistry, tmp_path: Path) -> None:
    paths = write_registry_files(small_registry, tmp_path)
    names = {p.name for p in paths}
    assert "organisations.csv" in names
    assert {"nl-police.victims.csv", "nl-police.suspects.csv", "nl-police.cases.csv"} <= names
    plural: dict[str, RecordKind] = {"victims": "victim", "suspects": "suspect", "cases": "case"}
    originals = {
        "victim": {(v.organisation_code, v.record.external_id): v.record
                   for v in small_registry.victims},
        "suspect": {(s.organisation_code, s.record.external_id): s.record
                    for s in small_registry.suspects},
        "case": {(c.organisation_code, c.record.external_id): c.record
                 for c in small_registry.cases},
    }
    seen = 0
    for path in paths:
        if path.name == "organisations.csv":
            continue
        org, kind_name, _ = path.name.split(".")
        kind = plural[kind_name]
        header, rows = _read(path)
        assert header == COLUMNS[kind]
        for row in rows:
            record = validate_record(schema_for(kind), to_nested(kind, row))
            assert record == originals[kind][(org, row["external_id"])]
            seen += 1
    assert seen == sum(len(v) for v in originals.values())


def test_organisations_file(small_registry: SyntheticRegistry, tmp_path: Path) -> None:
    write_registry_files(small_registry, tmp_path)
    header, rows = _read(tmp_path / "organisations.csv")
    assert header == ["code", "name", "country", "type"]
    assert [r["code"] for r in rows] == [o.code for o in small_registry.organisations]
