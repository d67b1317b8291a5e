"""Importing victims, suspects and cases from CSV or JSON Lines.

The whole file is read and validated before anything is written, and every problem of every
row is reported at once. Unless `partial` is asked for, a file with any problem writes nothing;
a valid file is written in one transaction, so a failure half-way leaves the registry as it
was. Re-importing a file is idempotent: a row whose external id exists updates that record,
or leaves it alone when nothing changed.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from haven._text import N_
from haven.exceptions import FieldProblem, ImportFailed, ValidationFailed
from haven.registry._audit import AuditEvent
from haven.registry._registry import Registry, Transaction
from haven.registry._scope import Scope
from haven.standard import COLUMNS, RecordKind, schema_for, to_nested, validate_record

__all__ = ["ImportReport", "detect_kind", "import_file", "read_rows"]

Progress = Callable[[int], None]
_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_ERRORS_COLUMN = "_errors"
# Spreadsheet programs cap a cell near 32k characters; longer is not a record but an accident.
csv.field_size_limit(1_000_000)


@dataclass
class ImportReport:
    kind: RecordKind
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[FieldProblem] = field(default_factory=list)
    rejected_rows: list[int] = field(default_factory=list)
    written: bool = False
    rejects_file: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class _Row:
    number: int
    raw: dict[str, Any]


def detect_kind(path: Path) -> RecordKind | None:
    """The kind a file name announces: `victims.csv`, `nl-police.suspects.jsonl`, ..."""
    name = path.name.lower()
    for kind in ("victim", "suspect", "case"):
        if f"{kind}s." in name or name.startswith(f"{kind}s"):
            return kind
    return None


def _format_of(path: Path) -> str:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImportFailed(f"{path.name}: unknown format; use .csv or .jsonl")
    return fmt


def read_rows(path: Path, kind: RecordKind) -> Iterator[_Row]:
    """Rows numbered from 1 (the CSV header is row 0), as raw mappings."""
    fmt = _format_of(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            if fmt == "csv":
                yield from _csv_rows(handle, kind)
            else:
                yield from _jsonl_rows(handle)
    except UnicodeDecodeError as error:
        raise ImportFailed(f"{path.name}: not UTF-8 text (byte {error.start})") from None
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such file") from None


def _csv_rows(handle: Any, kind: RecordKind) -> Iterator[_Row]:
    reader = csv.DictReader(handle)
    header = reader.fieldnames
    if not header:
        raise ImportFailed("the CSV file has no header row")
    if "external_id" not in header:
        raise ImportFailed("the CSV header has no external_id column")
    unknown = [c for c in header if c not in COLUMNS[kind] and c != _ERRORS_COLUMN]
    if unknown:
        raise ImportFailed(
            f"unknown column(s) for {kind}s: {', '.join(unknown[:10])}; "
            f"expected some of: {', '.join(COLUMNS[kind])}"
        )
    for number, raw in enumerate(reader, start=1):
        raw.pop(_ERRORS_COLUMN, None)
        if None in raw:  # more cells than header columns
            raw.pop(None)
            raw["__extra_cells__"] = "row has more cells than the header"
        yield _Row(number, dict(raw))


def _jsonl_rows(handle: Any) -> Iterator[_Row]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield _Row(number, {"__json_error__": f"not valid JSON (column {error.colno})"})
            continue
        if not isinstance(value, dict):
            yield _Row(number, {"__json_error__": "each line must be a JSON object"})
            continue
        yield _Row(number, value)


def _validate_row(kind: RecordKind, fmt: str, row: _Row) -> BaseModel | list[FieldProblem]:
    for marker in ("__json_error__", "__extra_cells__"):
        if marker in row.raw:
            return [FieldProblem(row.number, "record", str(row.raw[marker]))]
    data = to_nested(kind, row.raw) if fmt == "csv" else row.raw
    try:
        return validate_record(schema_for(kind), data, row=row.number)
    except ValidationFailed as failure:
        return list(failure.problems)


def _write(tx: Transaction, kind: RecordKind, record: BaseModel) -> str:
    store = {"victim": tx.victims, "suspect": tx.suspects, "case": tx.cases}[kind]
    _public, outcome = store.upsert(record)  # type: ignore[attr-defined]
    return str(outcome)


def _write_rejects(path: Path, rows: list[_Row], problems: Mapping[int, list[FieldProblem]],
                   kind: RecordKind, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        if fmt == "csv":
            columns = [c for c in COLUMNS[kind] if any(c in r.raw for r in rows)]
            writer = csv.DictWriter(handle, [*columns, _ERRORS_COLUMN], extrasaction="ignore")
            writer.writeheader()
            for r in rows:
                reasons = "; ".join(f"{p.field}: {p.reason}" for p in problems[r.number])
                writer.writerow({**r.raw, _ERRORS_COLUMN: reasons})
        else:
            for r in rows:
                listed = [f"{p.field}: {p.reason}" for p in problems[r.number]]
                handle.write(json.dumps({**r.raw, _ERRORS_COLUMN: listed},
                                        ensure_ascii=False) + "\n")


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def import_file(
    registry: Registry,
    scope: Scope,
    path: Path,
    kind: RecordKind,
    *,
    partial: bool = False,
    rejects: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate all of `path`, then write it (or, with `partial`, its valid rows) atomically.

    Returns a report listing every problem. Without `partial`, a file with problems writes
    nothing and the report's `written` is False.
    """
    fmt = _format_of(path)
    report = ImportReport(kind=kind)
    valid: list[tuple[int, BaseModel]] = []
    bad_rows: list[_Row] = []
    by_row: dict[int, list[FieldProblem]] = {}
    first_seen: dict[str, int] = {}
    for row in read_rows(path, kind):
        report.rows += 1
        result = _validate_row(kind, fmt, row)
        problems = result if isinstance(result, list) else []
        if not isinstance(result, list):
            external_id = str(getattr(result, "external_id", ""))
            if external_id in first_seen:
                repeated = FieldProblem.templated(row.number, "external_id", "repeats_row",
                                                  N_("repeats row {row}"),
                                                  row=first_seen[external_id])
                problems = [replace(repeated, value=external_id)]
            else:
                first_seen[external_id] = row.number
                valid.append((row.number, result))
        if problems:
            by_row[row.number] = problems
            report.problems.extend(problems)
            bad_rows.append(row)
        if progress:
            progress(1)
    report.rejected_rows = [r.number for r in bad_rows]
    if report.problems and not partial:
        return report
    if rejects is not None and bad_rows:
        _write_rejects(rejects, bad_rows, by_row, kind, fmt)
        report.rejects_file = rejects
    try:
        _write_all(registry, scope, kind, valid, report, _digest(path))
    except ValidationFailed as failure:
        # A reference to a record that does not exist (cases): the transaction rolled back.
        report.problems.extend(failure.problems)
        report.created = report.updated = report.unchanged = 0
        return report
    report.written = True
    return report


def _write_all(registry: Registry, scope: Scope, kind: RecordKind,
               valid: list[tuple[int, BaseModel]], report: ImportReport, source: str) -> None:
    with registry.transaction(scope) as tx:
        if kind != "case":
            store = tx.victims if kind == "victim" else tx.suspects
            store.prefetch([str(getattr(r, "external_id", "")) for _, r in valid])
        for number, record in valid:
            try:
                outcome = _write(tx, kind, record)
            except ValidationFailed as failure:
                raise ValidationFailed(
                    [replace(p, row=number) for p in failure.problems]
                ) from None
            setattr(report, outcome, getattr(report, outcome) + 1)
        tx.record(AuditEvent(
            actor=scope.actor, organisation_id=str(scope.organisation_id), action="import",
            entity_kind=kind, entity_id=None,
            # The file's digest, not its name: a name may be a person's.
            detail={"sha256": source, "created": report.created, "updated": report.updated,
                    "unchanged": report.unchanged, "rejected": len(report.rejected_rows)},
        ))
