"""Importing files: every problem named, nothing written unless all is valid, idempotent."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from factories import VICTIM_FIELDS
from haven.exceptions import ImportFailed
from haven.registry import Registry, Scope, export_records, import_file
from haven.registry._tables import AuditEntryRow, IdentityRow, VictimRow
from haven.standard import COLUMNS


def _write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or COLUMNS["victim"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _row(i: int, **changes: str) -> dict[str, str]:
    base = {
        "external_id": f"NL-{i:04}", "identification_status": "presumed", "sex": "F",
        "age_at_registration": "", "citizenships": "RO", "country_of_exploitation": "NL",
        "exploitation": "sexual", "registered_on": "2018-05-01",
        "given_names": ["Ana", "Оксана", "Nguyễn Thị", "Chiamaka", "Réka"][i % 5],
        "family_name": ["Popa", "Шевченко", "Lan", "Okafor", "Kovács"][i % 5],
        "date_of_birth": "1996-02-11", "documents": f"passport:RO:05{i:07}",
    }
    return {**base, **changes}


def _counts(registry: Registry) -> tuple[int, int, int]:
    with registry.engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            connection.scalar(select(func.count()).select_from(t)) or 0
            for t in (VictimRow, IdentityRow, AuditEntryRow))


def test_valid_file_is_imported(registry: Registry, scope: Scope, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "victims.csv", [_row(i) for i in range(25)])
    report = import_file(registry, scope, path, "victim")
    assert (report.written, report.created, report.problems) == (True, 25, [])
    with registry.transaction(scope) as tx:
        found = tx.victims.find("NL-0001")
        assert found is not None
        assert tx.victims.get_detail(found.id).identifying.family_name == "Шевченко"  # type: ignore[union-attr]


def test_bad_rows_are_all_named_and_nothing_is_written(
    registry: Registry, scope: Scope, tmp_path: Path
) -> None:
    rows = [_row(i) for i in range(10)]
    rows[2] = _row(2, sex="yes")
    rows[5] = _row(5, citizenships="RO;XQ", registered_on="2018-13-01")
    rows[7] = _row(7, exploitation="sexual:A", date_of_birth="2019-01-01")
    rows[9] = _row(1)  # a repeated external id
    path = _write_csv(tmp_path / "victims.csv", rows)
    import_file(registry, scope, _write_csv(tmp_path / "first.csv", [_row(100)]), "victim")
    before = _counts(registry)
    report = import_file(registry, scope, path, "victim")
    assert not report.written
    assert _counts(registry) == before
    named = {(p.row, p.field) for p in report.problems}
    assert named == {
        (3, "sex"), (6, "citizenships[2]"), (6, "registered_on"), (8, "exploitation[1]"),
        (8, "record"), (10, "external_id"),
    }
    assert report.rejected_rows == [3, 6, 8, 10]
    repeat = next(p for p in report.problems if p.row == 10)
    assert repeat.reason == "repeats row 2"


def test_partial_import_writes_valid_rows_and_rejects(
    registry: Registry, scope: Scope, tmp_path: Path
) -> None:
    rows = [_row(i) for i in range(6)]
    rows[1] = _row(1, sex="??")
    rows[4] = _row(4, identification_status="")
    path = _write_csv(tmp_path / "victims.csv", rows)
    rejects = tmp_path / "out" / "rejects.csv"
    report = import_file(registry, scope, path, "victim", partial=True, rejects=rejects)
    assert (report.written, report.created, report.rejected_rows) == (True, 4, [2, 5])
    with rejects.open(encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert [r["external_id"] for r in rejected] == ["NL-0001", "NL-0004"]
    assert "sex" in rejected[0]["_errors"]
    # Fixing the rejects and importing them completes the file.
    for r in rejected:
        r.update(sex="F", identification_status="presumed")
    fixed = _write_csv(tmp_path / "fixed.csv", rejected, [*COLUMNS["victim"]])
    again = import_file(registry, scope, fixed, "victim")
    assert (again.created, again.problems) == (2, [])


def test_reimport_is_idempotent_and_updates_changed_rows(
    registry: Registry, scope: Scope, tmp_path: Path
) -> None:
    rows = [_row(i) for i in range(8)]
    path = _write_csv(tmp_path / "victims.csv", rows)
    assert import_file(registry, scope, path, "victim").created == 8
    again = import_file(registry, scope, path, "victim")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    rows[3] = _row(3, identification_status="identified")
    rows[4] = _row(4, family_name="Popescu")  # only identifying data changes
    changed = import_file(registry, scope, _write_csv(path, rows), "victim")
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 6)
    with registry.transaction(scope) as tx:
        assert tx.victims.page().total == 8
        record = tx.victims.find("NL-0004")
        assert record is not None and record.version == 2


def test_json_lines(registry: Registry, scope: Scope, tmp_path: Path) -> None:
    path = tmp_path / "intake.jsonl"
    good = {**VICTIM_FIELDS, "external_id": "J-1"}
    lines = [json.dumps(good, ensure_ascii=False), "{not json", json.dumps([1, 2]),
             json.dumps({**good, "external_id": "J-2", "sex": "maybe"}), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    report = import_file(registry, scope, path, "victim")
    assert not report.written
    assert [(p.row, p.field) for p in report.problems] == [
        (2, "record"), (3, "record"), (4, "sex")]
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_file(registry, scope, path, "victim").created == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no header"),
        (b"name,sex\nx,F\n", "no external_id column"),
        (b"external_id,favourite_colour\nX,blue\n", "unknown column"),
        ("external_id,sex\nX,F\n".encode("utf-16"), "not UTF-8"),
    ],
)
def test_unreadable_files_fail_clearly(
    registry: Registry, scope: Scope, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "victims.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFailed, match=message):
        import_file(registry, scope, path, "victim")


def test_cases_with_unknown_members_write_nothing(
    registry: Registry, scope: Scope, tmp_path: Path
) -> None:
    import_file(registry, scope, _write_csv(tmp_path / "victims.csv", [_row(1)]), "victim")
    cases = [
        {"external_id": "C-1", "opened_on": "2018-06-01", "victims": "NL-0001",
         "route": "recruitment:RO:Constanța:2018-01-05|exploitation:NL:Den Haag:2018-02-01"},
        {"external_id": "C-2", "opened_on": "2018-06-01", "victims": "NL-0001;NL-9999"},
    ]
    path = _write_csv(tmp_path / "cases.csv", cases, COLUMNS["case"])
    before = _counts(registry)
    report = import_file(registry, scope, path, "case")
    assert not report.written
    assert [(p.row, p.field, p.value) for p in report.problems] == [(2, "victims", "NL-9999")]
    assert _counts(registry) == before


def test_export_reimports_into_another_organisation(
    registry: Registry, scope: Scope, other_org: Any, tmp_path: Path
) -> None:
    rows = [_row(i) for i in range(5)]
    rows[0] = _row(0, given_names="=HYPERLINK(\"http://evil\")", family_name="+1-2")
    import_file(registry, scope, _write_csv(tmp_path / "victims.csv", rows), "victim")
    out = tmp_path / "export.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        assert export_records(registry, scope, "victim", handle, identifying=True) == 5
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'+1-2" in text  # formula cells neutralised
    receiving = Scope("user:other", other_org.id)
    report = import_file(registry, receiving, out, "victim")
    assert (report.created, report.problems) == (5, [])
