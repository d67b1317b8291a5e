"""The linkage file interface: reading, checking and preparing records for comparison.

A linkage input is a table (CSV or Arrow) with at least `record_id` and `source_org`; the other
standard columns may be absent or empty. Extra columns (an address, a place of birth) can be
compared too when named in the model configuration.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

import pyarrow as pa

from haven.exceptions import FieldProblem, ImportFailed, ValidationFailed
from haven.linkage._normalise import (
    clean_name,
    date_parts,
    name_tokens,
    skeleton,
    token_key,
)

__all__ = [
    "REQUIRED_COLUMNS",
    "STANDARD_COLUMNS",
    "prepare",
    "read_table",
    "split_aliases",
    "write_person_ids",
]

STANDARD_COLUMNS = (
    "record_id", "source_org", "source_country", "given_name", "family_name", "alias",
    "date_of_birth", "sex", "citizenship", "registered_on",
)
REQUIRED_COLUMNS = ("record_id", "source_org")
_ALIAS_SEPARATORS = re.compile(r"[|;]")
_SEXES = {"F", "M", "U", ""}
_MAX_PROBLEMS = 200
_EPOCH = date(1970, 1, 1)
_WINDOW = 122  # days
_MIN_CONSONANTS = 3
_VOWELS = re.compile(r"(?<=.)[aeiou ]+")


def split_aliases(value: str | None) -> list[str]:
    """Aliases are written `A|B` or `A; B` in one cell."""
    if not value:
        return []
    return [a.strip() for a in _ALIAS_SEPARATORS.split(value) if a.strip()]


def _check_rows(rows: Sequence[Mapping[str, str]]) -> None:
    """Report every problem at once; values are never echoed (they may be names)."""
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        record_id = (row.get("record_id") or "").strip()
        if not record_id:
            problems.append(FieldProblem(number, "record_id", "is empty"))
        elif record_id in seen:
            problems.append(FieldProblem(number, "record_id", "repeats an earlier row",
                                         record_id[:40]))
        seen.add(record_id)
        if not (row.get("source_org") or "").strip():
            problems.append(FieldProblem(number, "source_org", "is empty"))
        if (row.get("sex") or "").strip().upper() not in _SEXES:
            problems.append(FieldProblem(number, "sex", "must be F, M, U or empty"))
        dob = (row.get("date_of_birth") or "").strip()
        if dob and date_parts(dob)[0] is None:
            problems.append(FieldProblem(number, "date_of_birth",
                                         "must be YYYY-MM-DD, YYYY-MM, YYYY or empty"))
        if len(problems) >= _MAX_PROBLEMS:
            break
    if problems:
        raise ValidationFailed(problems)


def read_table(path: Path, *, extra_columns: Iterable[str] = ()) -> pa.Table:
    """Read a linkage CSV into an Arrow table of strings (empty cells become null).

    Raises:
        ImportFailed: the file cannot be read or lacks a required column.
        ValidationFailed: rows break the interface; every problem is listed.
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ImportFailed(f"cannot read {path.name}: {type(error).__name__}") from None
    missing = [c for c in (*REQUIRED_COLUMNS, *extra_columns) if c not in header]
    if missing:
        raise ImportFailed(f"{path.name}: missing column(s) {', '.join(missing)}")
    _check_rows(rows)
    columns = list(dict.fromkeys([*STANDARD_COLUMNS, *extra_columns, *header]))
    data = {c: [(r.get(c) or "").strip() or None for r in rows] for c in columns}
    return pa.table({c: pa.array(v, pa.string()) for c, v in data.items()})


def _column(table: pa.Table, name: str) -> list[str | None]:
    if name not in table.column_names:
        return [None] * table.num_rows
    return [None if v is None else str(v) for v in table.column(name).to_pylist()]


def _none_if_empty(value: str) -> str | None:
    return value or None


def prepare(table: pa.Table, extra_columns: Sequence[str] = ()) -> pa.Table:
    """Derive the comparison columns Splink and the encoders use.

    Args:
        table: records with the standard columns (missing ones count as empty).
        extra_columns: further string columns to compare, cleaned like names.

    Returns:
        One row per record: ids, name keys (clean, skeleton, order-free), alias keys, date parts,
        sex, citizenship and the cleaned extra columns.
    """
    given = _column(table, "given_name")
    family = _column(table, "family_name")
    aliases = [split_aliases(a) for a in _column(table, "alias")]
    years, months, days, full = [], [], [], []
    for value in _column(table, "date_of_birth"):
        y, m, d = date_parts(value)
        if (m, d) == (1, 1):
            # 1 January is the registries' placeholder for an unknown day and month.
            m = d = None
        years.append(y)
        months.append(m)
        days.append(d)
        full.append(f"{y:04d}-{m:02d}-{d:02d}" if y and m and d else None)
    tokens = [name_tokens(g, f) for g, f in zip(given, family, strict=True)]
    name_keys = [_none_if_empty(token_key(t)) for t in tokens]
    alias_keys = [sorted({token_key(name_tokens(a)) for a in al} - {""}) for al in aliases]
    all_keys = [sorted({k for k in [n, *a] if k}) for n, a in zip(name_keys, alias_keys,
                                                                   strict=True)]
    sexes = [(s or "").upper() for s in _column(table, "sex")]
    registered = [_day(v) for v in _column(table, "registered_on")]
    out: dict[str, pa.Array] = {
        "record_id": pa.array(_column(table, "record_id"), pa.string()),
        "source_org": pa.array(_column(table, "source_org"), pa.string()),
        "source_country": pa.array(_column(table, "source_country"), pa.string()),
        "given_clean": pa.array([_none_if_empty(clean_name(g)) for g in given], pa.string()),
        "family_clean": pa.array([_none_if_empty(clean_name(f)) for f in family], pa.string()),
        "given_sk": pa.array([_none_if_empty(skeleton(g)) for g in given], pa.string()),
        "family_sk": pa.array([_none_if_empty(skeleton(f)) for f in family], pa.string()),
        "given_first": pa.array([_none_if_empty((skeleton(g).split() or [""])[0])
                                 for g in given], pa.string()),
        "name_key": pa.array(name_keys, pa.string()),
        "name_tokens": pa.array(tokens, pa.list_(pa.string())),
        "name_grams": pa.array([_grams(t) for t in tokens], pa.list_(pa.string())),
        "token_long": pa.array([max(t, key=lambda x: (len(x), x)) if t else None
                                for t in tokens], pa.string()),
        "alias_keys": pa.array(alias_keys, pa.list_(pa.string())),
        "alias_first": pa.array([a[0] if a else None for a in alias_keys], pa.string()),
        "all_keys": pa.array(all_keys, pa.list_(pa.string())),
        "dob": pa.array(full, pa.string()),
        "dob_year": pa.array(years, pa.int32()),
        "dob_month": pa.array(months, pa.int32()),
        "dob_day": pa.array(days, pa.int32()),
        "sex": pa.array([s if s in {"F", "M"} else None for s in sexes], pa.string()),
        "citizenship": pa.array([(c or "").upper() or None
                                 for c in _column(table, "citizenship")], pa.string()),
        "registered_day": pa.array(registered, pa.int32()),
        "family_cons": pa.array([_consonants(skeleton(f)) for f in family], pa.string()),
        # Overlapping 122-day windows: two registrations within 61 days share one of them.
        "registered_window": pa.array([None if d is None else d // _WINDOW for d in registered],
                                      pa.int32()),
        "registered_window_shift": pa.array(
            [None if d is None else (d + _WINDOW // 2) // _WINDOW for d in registered],
            pa.int32()),
    }
    for name in extra_columns:
        out[f"x_{name}"] = pa.array([_none_if_empty(clean_name(v)) for v in _column(table, name)],
                                    pa.string())
    return pa.table(out)


def _consonants(skeleton_name: str) -> str | None:
    """First letter and the consonants of a skeleton name: one dropped, doubled or swapped
    vowel (Okonkwo / Oknkwo, Tewelde / Tewolde) leaves it unchanged. None when shorter than
    three letters (Li, Wu), which would make blocks of thousands."""
    key = _VOWELS.sub("", skeleton_name)
    return key if len(key) >= _MIN_CONSONANTS else None


def _day(value: str | None) -> int | None:
    """Days since 1970-01-01 of an ISO date; None when absent or unreadable."""
    if not value:
        return None
    try:
        return (date.fromisoformat(value.strip()[:10]) - _EPOCH).days
    except ValueError:
        return None


def _grams(tokens: Sequence[str]) -> list[str]:
    """Distinct padded bigrams of all name tokens: an order-free fingerprint of the name."""
    return sorted({f"_{t}_"[i:i + 2] for t in tokens for i in range(len(t) + 1)})


def write_person_ids(path: Path, person_ids: Mapping[str, str]) -> None:
    """Write the `record_id,person_id` file the dedupe and hub commands produce."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "person_id"])
        for record_id, person_id in person_ids.items():
            writer.writerow([record_id, person_id])
