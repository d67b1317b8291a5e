"""The append-only, hash-chained audit log.

Every create, update and read of a person record appends one entry in the same transaction as
the access itself, so an access without its entry cannot be committed. Entries say who, for
which organisation, when, what action on which record, and which fields: never the values.

Integrity: entry n's MAC covers its own content and entry n-1's MAC; sequence numbers are
contiguous from 1; the head row holds the last (seq, mac) under a MAC of its own. `verify`
therefore detects a changed entry (its MAC fails), an inserted or deleted one (the sequence or
the chain breaks) and a truncated tail (the head disagrees). Restoring an old copy of the whole
database cannot be seen from inside it; `anchor` writes the head to a file outside the database
(or to write-once storage) for `verify` to compare against.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.exceptions import AuditIntegrityError, DataKeyError
from haven.registry._crypto import KeyRing
from haven.registry._tables import AuditEntryRow, AuditHeadRow

__all__ = ["AuditAction", "AuditEvent", "AuditLog", "VerifyReport"]

AuditAction = Literal["create", "update", "read", "read_identifying", "list", "export", "delete",
                      "erase", "key_rotate",
                      "import", "import_refused", "aggregate", "link", "grant", "revoke",
                      "read_granted", "login", "login_failed", "login_refused", "logout_all",
                      "token_create", "token_revoke"]

_GENESIS = "0" * 64
_HEAD_KEY = "haven.audit_head"
_BATCH = 5000


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """A typed record of one access: what the domain emits and the log stores."""

    actor: str
    organisation_id: str | None
    action: AuditAction
    entity_kind: str
    entity_id: str | None
    detail: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class VerifyReport:
    entries: int
    head_seq: int
    head_mac: str


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _message(row: AuditEntryRow) -> bytes:
    body = [row.seq, row.at, row.actor, row.organisation_id, row.action, row.entity_kind,
            row.entity_id, row.detail, row.key_id, row.prev_mac]
    return _canonical(body).encode("utf-8")


def _head_message(seq: int, mac: str) -> bytes:
    return f"head:{seq}:{mac}".encode("ascii")


class AuditLog:
    def __init__(self, keys: KeyRing) -> None:
        self._keys = keys

    def append(self, session: Session, event: AuditEvent) -> AuditEntryRow:
        """Append one entry, inside the caller's transaction."""
        head = self._head(session)
        row = AuditEntryRow(
            seq=head.seq + 1,
            at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            actor=event.actor,
            organisation_id=event.organisation_id,
            action=event.action,
            entity_kind=event.entity_kind,
            entity_id=event.entity_id,
            detail=_canonical(dict(event.detail)),
            key_id=self._keys.key_id,
            prev_mac=head.mac,
        )
        row.mac = self._keys.audit_mac(_message(row))
        session.add(row)
        head.seq, head.mac = row.seq, row.mac
        head.head_mac = self._keys.audit_mac(_head_message(row.seq, row.mac))
        # No flush: entries go to the database with the transaction's other writes, batched.
        return row

    def _head(self, session: Session) -> AuditHeadRow:
        """The chain's head, locked once per transaction and then kept in the session."""
        head: AuditHeadRow | None = session.info.get(_HEAD_KEY)
        if head is not None:
            return head
        # FOR UPDATE serialises appenders on PostgreSQL; SQLite's write lock already does.
        head = session.execute(
            select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()
        ).scalar_one_or_none()
        if head is None:  # a database migrated before the genesis row existed
            head = AuditHeadRow(id=1, seq=0, mac=_GENESIS, head_mac="")
            session.add(head)
        elif head.seq:
            self._check_key_is_current(session, head.seq)
        session.info[_HEAD_KEY] = head
        return head

    def _check_key_is_current(self, session: Session, seq: int) -> None:
        """Refuse to write with a key ring older than the one that wrote the last entry.

        After `haven key rotate`, a process still holding the old ring would encrypt new
        identities under the retired key, which nothing could read after its restart. Every
        write appends an audit entry, so checking the last entry's key here stops it first.
        """
        last = session.scalar(select(AuditEntryRow.key_id).where(AuditEntryRow.seq == seq))
        if last is not None and not self._keys.knows(last):
            raise DataKeyError("the audit log's last entry was written with a key this process "
                               "does not hold: the data key was rotated since it started "
                               "(restart Haven to load the new key file), or this is the "
                               "wrong key file; nothing was written")

    def _rows(self, session: Session) -> Iterator[AuditEntryRow]:
        last = 0
        while True:
            batch = session.scalars(
                select(AuditEntryRow).where(AuditEntryRow.seq > last)
                .order_by(AuditEntryRow.seq).limit(_BATCH)
            ).all()
            if not batch:
                return
            yield from batch
            last = batch[-1].seq

    def verify(self, session: Session, *, anchor: Path | None = None) -> VerifyReport:
        """Check the whole chain; raise `AuditIntegrityError` naming every bad entry."""
        bad: list[int] = []
        reasons: list[str] = []
        expected_seq, prev_mac, count = 1, _GENESIS, 0
        for row in self._rows(session):
            count += 1
            if row.seq != expected_seq:
                missing = f"{expected_seq}" if row.seq == expected_seq + 1 else (
                    f"{expected_seq}-{row.seq - 1}")
                reasons.append(f"entries {missing} are missing before entry {row.seq}")
                bad.extend(range(expected_seq, row.seq))
            elif row.prev_mac != prev_mac:
                reasons.append(f"entry {row.seq} does not follow the entry before it")
                bad.append(row.seq)
            if row.mac != self._keys.audit_mac(_message(row), row.key_id):
                reasons.append(f"entry {row.seq} was changed")
                bad.append(row.seq)
            expected_seq, prev_mac = row.seq + 1, row.mac
        last_seq = expected_seq - 1
        head = session.get(AuditHeadRow, 1)
        genesis = head is not None and (head.seq, head.mac, head.head_mac) == (0, _GENESIS, "")
        if (head is not None or last_seq) and not (genesis and not last_seq):
            if head is None or head.head_mac != self._keys.audit_mac(
                _head_message(head.seq, head.mac)
            ):
                reasons.append("the chain's head record was changed or removed")
            elif (head.seq, head.mac) != (last_seq, prev_mac):
                reasons.append(
                    f"the log ends at entry {last_seq} but its head says {head.seq}: "
                    "entries at the end were deleted"
                )
                bad.extend(range(last_seq + 1, head.seq + 1))
        if anchor is not None and anchor.exists():
            anchored_seq, anchored_mac = _read_anchor(anchor)
            entry = session.get(AuditEntryRow, anchored_seq) if anchored_seq else None
            if anchored_seq > last_seq:
                reasons.append(f"the anchor names entry {anchored_seq}, past the end of the log")
            elif anchored_seq and (entry is None or entry.mac != anchored_mac):
                reasons.append(f"entry {anchored_seq} differs from the anchor")
                bad.append(anchored_seq)
        if reasons:
            raise AuditIntegrityError("; ".join(reasons), sorted(set(bad)))
        return VerifyReport(entries=count, head_seq=last_seq, head_mac=prev_mac)

    def write_anchor(self, session: Session, anchor: Path) -> VerifyReport:
        """Verify, then record the head outside the database."""
        report = self.verify(session, anchor=anchor)
        anchor.parent.mkdir(parents=True, exist_ok=True)
        anchor.write_text(f"{report.head_seq} {report.head_mac}\n", encoding="ascii")
        return report


def _read_anchor(path: Path) -> tuple[int, str]:
    try:
        seq_text, mac = path.read_text(encoding="ascii").split()
        return int(seq_text), mac
    except (ValueError, OSError):
        raise AuditIntegrityError(f"the audit anchor {path} cannot be read") from None
