"""The encodings file a party sends to the hub: no names, no dates of birth in clear.

A CSV with one row per record: `record_id, source_org, source_country, sex, citizenship,
registered_on` (statistical attributes), `scheme` and `key_check` (so that the hub refuses
encodings made with another spec or key) and `encoding` (the bits, base64); with a spec that
exports them, `blocking_keys` (the record's keyed blocking keys, 16 hex digits each,
space-separated).
"""

from __future__ import annotations

import base64
import binascii
import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from haven.exceptions import ImportFailed
from haven.linkage._blocking_keys import BlockKeys
from haven.linkage._hub import EncodedParty

__all__ = ["ATTRIBUTES", "BLOCKING_COLUMN", "ENCODING_COLUMNS", "read_encodings",
           "write_encodings"]

ATTRIBUTES = ("source_country", "sex", "citizenship", "registered_on")
ENCODING_COLUMNS = ("record_id", "source_org", *ATTRIBUTES, "scheme", "key_check", "encoding")
BLOCKING_COLUMN = "blocking_keys"


def write_encodings(path: Path, parties: Sequence[EncodedParty]) -> int:
    """Write the parties' encodings to one file; returns the number of rows."""
    rows = 0
    with_keys = any(p.block_keys is not None for p in parties)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*ENCODING_COLUMNS, *([BLOCKING_COLUMN] if with_keys else [])])
        for party in parties:
            keys = _keys_by_record(party)
            for index, record_id in enumerate(party.record_ids):
                attributes = [party.attributes.get(a, [None] * len(party.record_ids))[index]
                              for a in ATTRIBUTES]
                bits = party.bits[index].astype("<u8").tobytes()
                row = [record_id, party.source_org, *[a or "" for a in attributes],
                       party.scheme, party.key_check, base64.b64encode(bits).decode("ascii")]
                if with_keys:
                    row.append(" ".join(f"{k:016x}" for k in keys.get(index, [])))
                writer.writerow(row)
                rows += 1
    return rows


def _keys_by_record(party: EncodedParty) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    if party.block_keys is not None:
        for row, key in zip(party.block_keys.rows.tolist(), party.block_keys.keys.tolist(),
                            strict=True):
            out.setdefault(row, []).append(key)
    return out


def _read_keys(members: list[tuple[int, dict[str, str]]], path: Path) -> BlockKeys | None:
    if not members or BLOCKING_COLUMN not in members[0][1]:
        return None
    rows: list[int] = []
    keys: list[int] = []
    for index, (number, row) in enumerate(members):
        try:
            values = [int(v, 16) for v in (row[BLOCKING_COLUMN] or "").split()]
        except ValueError:
            raise ImportFailed(f"{path.name}: row {number}: blocking keys are not hex") from None
        if any(v >= 1 << 64 for v in values):
            raise ImportFailed(f"{path.name}: row {number}: a blocking key exceeds 64 bits")
        rows += [index] * len(values)
        keys += values
    return BlockKeys(np.asarray(rows, np.int64), np.asarray(keys, np.uint64))


def _decode(value: str, row: int, path: Path) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ImportFailed(f"{path.name}: row {row}: encoding is not base64") from None


def read_encodings(path: Path) -> list[EncodedParty]:
    """Read an encodings file, one `EncodedParty` per source_org in it.

    Raises:
        ImportFailed: unreadable file, missing columns, or encodings of unequal length.
    """
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in ENCODING_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportFailed(f"{path.name}: missing column(s) {', '.join(missing)}")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ImportFailed(f"cannot read {path.name}: {type(error).__name__}") from None
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, row in enumerate(rows, start=1):
        groups.setdefault(row["source_org"], []).append((number, row))
    parties = []
    for source, members in groups.items():
        raw = [_decode(r["encoding"], n, path) for n, r in members]
        if len({len(b) for b in raw}) > 1 or (raw and len(raw[0]) % 8):
            raise ImportFailed(f"{path.name}: encodings of source {source} differ in length")
        bits = np.frombuffer(b"".join(raw), dtype="<u8").reshape(len(raw), -1).astype(np.uint64)
        schemes = {r["scheme"] for _, r in members}
        checks = {r["key_check"] for _, r in members}
        if len(schemes) > 1 or len(checks) > 1:
            raise ImportFailed(f"{path.name}: source {source} mixes schemes or keys")
        parties.append(EncodedParty(
            source, [r["record_id"] for _, r in members], bits, schemes.pop(), checks.pop(),
            {a: [r.get(a) or None for _, r in members] for a in ATTRIBUTES},
            _read_keys(members, path)))
    return parties
