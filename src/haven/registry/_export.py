"""Exporting an organisation's records as CSV or JSON Lines.

Identifying columns are exported only for a scope with that permission, and every export is
audited with what it contained (kind, count, whether identifying). CSV cells that a spreadsheet
would run as a formula (starting with = + - @, tab or carriage return) are neutralised with a
leading apostrophe. An export re-imports as it is (`haven import`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Literal

from pydantic import BaseModel

from haven.exceptions import PermissionDenied
from haven.registry._audit import AuditEvent
from haven.registry._registry import Registry, Transaction
from haven.registry._scope import Scope
from haven.standard import COLUMNS, IDENTIFYING_FIELDS, RecordKind, to_flat

__all__ = ["ExportFormat", "export_records", "export_xlsx", "neutralise_cell", "write_xlsx"]

ExportFormat = Literal["csv", "jsonl", "xlsx"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """Make a cell inert for spreadsheets (CWE-1236): '=1+1' becomes "'=1+1"."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_xlsx(rows: Iterable[dict[str, str]], columns: list[str], out: IO[bytes],
               *, password: str | None = None) -> None:
    """An XLSX workbook of the rows, cells neutralised; encrypted (ECMA-376 agile, AES-256)
    with `password` when one is given."""
    import openpyxl
    from msoffcrypto.format.ooxml import OOXMLFile

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("records")
    sheet.append(columns)
    for row in rows:
        sheet.append([neutralise_cell(row.get(c, "")) for c in columns])
    plain = io.BytesIO()
    workbook.save(plain)
    if password is None:
        out.write(plain.getvalue())
        return
    plain.seek(0)
    OOXMLFile(plain).encrypt(password, out)


def _records(tx: Transaction, kind: RecordKind, identifying: bool) -> Iterator[BaseModel]:
    if kind == "case":
        yield from tx.cases.records()
    elif kind == "victim":
        yield from tx.victims.records(identifying=identifying)
    else:
        yield from tx.suspects.records(identifying=identifying)


def export_records(
    registry: Registry,
    scope: Scope,
    kind: RecordKind,
    out: IO[str],
    *,
    fmt: ExportFormat = "csv",
    identifying: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every `kind` record of the scope's organisation to `out`; return the count."""
    if identifying and not scope.identifying:
        raise PermissionDenied("exporting identifying data needs that permission")
    count = 0
    with registry.transaction(scope) as tx:
        columns = [c for c in COLUMNS[kind] if identifying or c not in IDENTIFYING_FIELDS]
        writer = csv.DictWriter(out, columns) if fmt == "csv" else None
        if writer is not None:
            writer.writeheader()
        for record in _records(tx, kind, identifying):
            if writer is not None:
                row = to_flat(kind, record, identifying=identifying)
                writer.writerow({k: neutralise_cell(v) for k, v in row.items()})
            else:
                computed = set(type(record).model_computed_fields)
                data = record.model_dump(mode="json", exclude_none=True, exclude=computed)
                out.write(json.dumps(data, ensure_ascii=False) + "\n")
            count += 1
            if progress:
                progress(1)
        tx.record(AuditEvent(
            actor=scope.actor, organisation_id=str(scope.organisation_id), action="export",
            entity_kind=kind, entity_id=None,
            detail={"records": count, "identifying": identifying, "format": fmt},
        ))
    return count


MIN_EXPORT_PASSWORD = 12


def export_xlsx(
    registry: Registry,
    scope: Scope,
    kind: RecordKind,
    out: IO[bytes],
    *,
    identifying: bool = False,
    password: str | None = None,
) -> int:
    """Like `export_records`, as an XLSX workbook, optionally password-protected."""
    if identifying and not scope.identifying:
        raise PermissionDenied("exporting identifying data needs that permission")
    if password is not None and len(password) < MIN_EXPORT_PASSWORD:
        raise PermissionDenied(f"an export password needs {MIN_EXPORT_PASSWORD} characters")
    with registry.transaction(scope) as tx:
        columns = [c for c in COLUMNS[kind] if identifying or c not in IDENTIFYING_FIELDS]
        rows = [to_flat(kind, r, identifying=identifying)
                for r in _records(tx, kind, identifying)]
        write_xlsx(rows, columns, out, password=password)
        tx.record(AuditEvent(
            actor=scope.actor, organisation_id=str(scope.organisation_id), action="export",
            entity_kind=kind, entity_id=None,
            detail={"records": len(rows), "identifying": identifying, "format": "xlsx",
                    "password_protected": password is not None},
        ))
    return len(rows)
