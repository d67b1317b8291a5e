"""The flat (CSV) form of records: one row a record, lists in one cell.

Spreadsheets are how most agencies hold these data, so the CSV layout is part of the standard:

- a list is written with `;` between items: `citizenships = RO;MD`;
- an exploitation item may carry its ISIC section after `:`: `exploitation = labour:A;sexual`;
- a document is `kind:issuing_country:number`: `documents = passport:RO:051234567`;
- a justice event is `stage:date`: `justice = suspected:2018-03-01;prosecuted:2018-09-12`;
- a route event is `kind:country:place:date`, events separated by `|` (places may hold `;`);
- a reference is `system:reference[:country]`.

Identifying fields (`given_names`, `family_name`, ...) are columns of their own and go into the
record's separate identifying part. `to_nested` and `to_flat` are inverse on valid records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from haven.standard._types import blank_to_none
from haven.standard._validation import RecordKind

__all__ = ["COLUMNS", "to_flat", "to_nested"]

_IDENTITY_COLUMNS = [
    "given_names", "family_name", "aliases", "date_of_birth", "place_of_birth", "documents",
    "phones", "organisation_name", "registration_number",
]
_LIST_IDENTITY = {"aliases", "phones"}
_RECRUITMENT_COLUMNS = {
    "recruitment_method": "method",
    "recruitment_platform": "platform",
    "recruiter_relation": "relation",
}

COLUMNS: dict[str, list[str]] = {
    "victim": [
        "external_id", "identification_status", "sex", "age_at_registration", "citizenships",
        "country_of_exploitation", "exploitation", "means_of_control", "recruitment_method",
        "recruitment_platform", "recruiter_relation", "vulnerabilities", "registered_on",
        *_IDENTITY_COLUMNS[:7],
    ],
    "suspect": [
        "external_id", "person_kind", "sex", "age", "citizenship", "roles", "justice",
        "registered_on", *_IDENTITY_COLUMNS,
    ],
    "case": ["external_id", "opened_on", "victims", "suspects", "route", "references"],
}


def _items(cell: Any, sep: str = ";") -> list[str]:
    if cell is None:
        return []
    if isinstance(cell, list):
        return [str(v) for v in cell]
    return [part.strip() for part in str(cell).split(sep) if part.strip()]


def _parts(item: str, names: list[str]) -> dict[str, str | None]:
    """Split `a:b:c` into named parts; the last name takes any remaining colons."""
    pieces = item.split(":", len(names) - 1)
    pieces += [""] * (len(names) - len(pieces))
    return {name: (piece.strip() or None) for name, piece in zip(names, pieces, strict=True)}


def _exploitation(item: str) -> dict[str, str | None]:
    return _parts(item, ["form", "sector"])


def _document(item: str) -> dict[str, str | None]:
    parts = _parts(item, ["kind", "issuing_country", "number"])
    if parts["number"] is None and parts["issuing_country"] is None:
        # A bare number is allowed: "051234567".
        return {"kind": "other", "issuing_country": None, "number": parts["kind"]}
    return parts


def _justice(item: str) -> dict[str, str | None]:
    return _parts(item, ["stage", "on"])


def _route(item: str) -> dict[str, str | None]:
    return _parts(item, ["kind", "country", "place", "on"])


def _reference(item: str) -> dict[str, str | None]:
    return _parts(item, ["system", "reference", "country"])


_NESTED_LISTS: dict[str, tuple[Callable[[str], dict[str, str | None]], str]] = {
    "exploitation": (_exploitation, ";"),
    "justice": (_justice, ";"),
    "route": (_route, "|"),
    "references": (_reference, ";"),
}
_PLAIN_LISTS = {"citizenships", "means_of_control", "vulnerabilities", "roles", "victims",
                "suspects"}


def to_nested(kind: RecordKind, row: Mapping[str, Any]) -> dict[str, Any]:
    """Turn one CSV row (column -> cell text) into the nested form the schemas validate.

    Unknown columns are kept, so that validation reports them instead of dropping them.
    """
    record: dict[str, Any] = {}
    identity: dict[str, Any] = {}
    recruitment: dict[str, Any] = {}
    for column, raw in row.items():
        cell = blank_to_none(raw)
        if column in _IDENTITY_COLUMNS and kind != "case":
            if column in _LIST_IDENTITY:
                identity[column] = _items(cell)
            elif column == "documents":
                identity[column] = [_document(i) for i in _items(cell)]
            elif cell is not None:
                identity[column] = cell
        elif column in _RECRUITMENT_COLUMNS:
            if cell is not None:
                recruitment[_RECRUITMENT_COLUMNS[column]] = cell
        elif column in _NESTED_LISTS:
            parse, sep = _NESTED_LISTS[column]
            record[column] = [parse(i) for i in _items(cell, sep)]
        elif column in _PLAIN_LISTS:
            record[column] = _items(cell)
        elif cell is not None:
            record[column] = cell
    if any(identity.values()):
        record["identifying"] = identity
    if recruitment:
        record["recruitment"] = recruitment
    return record


def _join_parts(values: list[Any]) -> str:
    text = ":".join("" if v is None else str(v) for v in values)
    return text.rstrip(":")


def to_flat(kind: RecordKind, record: BaseModel, *, identifying: bool) -> dict[str, str]:
    """Turn a validated record into one CSV row; identifying columns only when asked for."""
    data = record.model_dump(mode="json")
    row: dict[str, str] = {}
    columns = [c for c in COLUMNS[kind] if identifying or c not in _IDENTITY_COLUMNS]
    ident = data.get("identifying") or {}
    recruitment = data.get("recruitment") or {}
    for column in columns:
        if column in _IDENTITY_COLUMNS:
            value = ident.get(column)
            if column == "documents":
                row[column] = ";".join(
                    _join_parts([d["kind"], d["issuing_country"], d["number"]]) for d in value or []
                )
            elif column in _LIST_IDENTITY:
                row[column] = ";".join(value or [])
            else:
                row[column] = "" if value is None else str(value)
        elif column in _RECRUITMENT_COLUMNS:
            value = recruitment.get(_RECRUITMENT_COLUMNS[column])
            row[column] = "" if value is None else str(value)
        elif column == "exploitation":
            row[column] = ";".join(_join_parts([e["form"], e["sector"]]) for e in data[column])
        elif column == "justice":
            row[column] = ";".join(_join_parts([e["stage"], e["on"]]) for e in data[column])
        elif column == "route":
            row[column] = "|".join(
                _join_parts([e["kind"], e["country"], e["place"], e["on"]]) for e in data[column]
            )
        elif column == "references":
            row[column] = ";".join(
                _join_parts([r["system"], r["reference"], r["country"]]) for r in data[column]
            )
        elif column in _PLAIN_LISTS:
            row[column] = ";".join(data[column])
        else:
            value = data.get(column)
            row[column] = "" if value is None else str(value)
    return row

