"""Rotation of the data key: new identities under a new key, old ones re-encrypted, the old
key retired to an audit-only line.

1. A new key is made and the key file rewritten with it first and the old key whole below
   (`old:`), atomically: from here on both read, the new one writes.
2. Every identity not under the new key is decrypted and encrypted again, in batches.
3. In one last transaction, holding the database's write lock, stragglers (written meanwhile
   by a process with the old ring) are re-encrypted and a `key_rotate` entry is appended,
   MAC'd with the new key: a process still holding the old ring refuses to write from then
   on (`AuditLog` checks the last entry's key), so nothing new lands under the old key.
4. The key file is rewritten with the old key reduced to its audit subkey (`audit:`), which
   verifies the entries made under it and decrypts nothing.

Interrupted anywhere, `rotate_key` run again finishes the same rotation (a ring holding a
whole older key is a rotation under way).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from haven.registry._audit import AuditEvent, AuditLog
from haven.registry._crypto import KeyRing, write_key_file
from haven.registry._stores import identity_associated, reindex
from haven.registry._tables import IdentityRow

__all__ = ["RotationReport", "rebuild_index", "rotate_key"]

_BATCH = 1000


@dataclass(frozen=True, slots=True)
class RotationReport:
    old_key_ids: list[str]
    new_key_id: str
    reencrypted: int
    resumed: bool


class _Rotatable(Protocol):
    """What rotation needs of the registry (kept small so that this module stays apart)."""

    keys: KeyRing
    audit_log: AuditLog

    def session(self) -> AbstractContextManager[Session]: ...
    def use_keys(self, ring: KeyRing) -> None: ...


def _reencrypt(session: Session, ring: KeyRing, after: uuid.UUID | None, limit: int
               ) -> tuple[int, uuid.UUID | None, int]:
    """Re-encrypt one page of identities (by record id) and rebuild their blind index
    under the new key; (changed, last id, seen)."""
    statement = select(IdentityRow).order_by(IdentityRow.record_id).limit(limit)
    if after is not None:
        statement = statement.where(IdentityRow.record_id > after)
    rows = session.scalars(statement).all()
    changed: list[IdentityRow] = []
    plaintexts: list[bytes] = []
    for row in rows:
        if ring.key_id_of(row.ciphertext) != ring.key_id:
            associated = identity_associated(row.record_kind, row.record_id)
            plaintext = ring.decrypt(row.ciphertext, associated)
            row.ciphertext = ring.encrypt(plaintext, associated)
            changed.append(row)
            plaintexts.append(plaintext)
    reindex(session, ring, changed, plaintexts)
    return len(changed), (rows[-1].record_id if rows else None), len(rows)


def rebuild_index(registry: _Rotatable, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the blind index of every identity under the current key; the count."""
    ring, last, total = registry.keys, None, 0
    while True:
        with registry.session() as session:
            statement = select(IdentityRow).order_by(IdentityRow.record_id).limit(_BATCH)
            if last is not None:
                statement = statement.where(IdentityRow.record_id > last)
            rows = session.scalars(statement).all()
            reindex(session, ring, rows, [
                ring.decrypt(r.ciphertext, identity_associated(r.record_kind, r.record_id))
                for r in rows])
        total += len(rows)
        if progress is not None:
            progress(len(rows))
        if len(rows) < _BATCH:
            return total
        last = rows[-1].record_id


def rotate_key(registry: _Rotatable, key_file: Path, *, actor: str,
               progress: Callable[[int], None] | None = None) -> RotationReport:
    """Rotate the data key in `key_file` (see the module's description)."""
    ring = registry.keys
    resumed = bool(ring.older_key_ids)
    if not resumed:
        ring = ring.rotated()
        write_key_file(key_file, ring)
        registry.use_keys(ring)
    old_ids = ring.older_key_ids
    changed, last = 0, None
    while True:
        with registry.session() as session:
            done, last, seen = _reencrypt(session, ring, last, _BATCH)
        changed += done
        if progress is not None:
            progress(seen)
        if seen < _BATCH:
            break
    with registry.session() as session:
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            session.execute(text("LOCK TABLE identities IN EXCLUSIVE MODE"))
        last = None
        while True:  # stragglers, under the lock
            done, last, seen = _reencrypt(session, ring, last, _BATCH)
            changed += done
            if seen < _BATCH:
                break
        identities = session.scalar(select(func.count()).select_from(IdentityRow)) or 0
        registry.audit_log.append(session, AuditEvent(
            actor=actor, organisation_id=None, action="key_rotate", entity_kind="data_key",
            entity_id=ring.key_id, detail={"retired": old_ids, "reencrypted": changed,
                                           "identities": int(identities), "resumed": resumed}))
    retired = ring.retire_older()
    write_key_file(key_file, retired)
    registry.use_keys(retired)
    return RotationReport(old_ids, ring.key_id, changed, resumed)
