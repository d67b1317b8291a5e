"""The audit chain detects every changed, inserted or deleted entry, and names it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update

from factories import victim
from haven.exceptions import AuditIntegrityError
from haven.registry import Registry, Scope
from haven.registry._tables import AuditEntryRow, AuditHeadRow


@pytest.fixture
def audited(registry: Registry, scope: Scope) -> Registry:
    with registry.transaction(scope) as tx:
        created = [tx.victims.create(victim(external_id=f"V-{i}")) for i in range(5)]
    for record in created:
        with registry.transaction(scope) as tx:
            tx.victims.get(record.id)
    report = registry.verify_audit()
    assert report.entries == 11  # organisation, 5 creates, 5 reads
    return registry


def _execute(registry: Registry, statement: object) -> None:
    with registry.engine.begin() as connection:
        connection.execute(statement)  # type: ignore[call-overload]


def test_intact_chain_verifies(audited: Registry) -> None:
    assert audited.verify_audit().head_seq == 11


def test_changed_entry_is_named(audited: Registry) -> None:
    _execute(audited, update(AuditEntryRow).where(AuditEntryRow.seq == 4)
             .values(actor="user:someone-else"))
    with pytest.raises(AuditIntegrityError, match="entry 4 was changed") as caught:
        audited.verify_audit()
    assert caught.value.entries == (4,)


def test_changed_detail_is_named(audited: Registry) -> None:
    _execute(audited, update(AuditEntryRow).where(AuditEntryRow.seq == 3)
             .values(detail='{"fields":[]}'))
    with pytest.raises(AuditIntegrityError) as caught:
        audited.verify_audit()
    assert caught.value.entries == (3,)


def test_deleted_entry_is_named(audited: Registry) -> None:
    _execute(audited, delete(AuditEntryRow).where(AuditEntryRow.seq == 6))
    with pytest.raises(AuditIntegrityError, match="entries 6 are missing") as caught:
        audited.verify_audit()
    assert 6 in caught.value.entries


def test_deleted_tail_is_detected(audited: Registry) -> None:
    _execute(audited, delete(AuditEntryRow).where(AuditEntryRow.seq >= 10))
    with pytest.raises(AuditIntegrityError, match="entries at the end were deleted") as caught:
        audited.verify_audit()
    assert caught.value.entries == (10, 11)


def test_rewound_head_is_detected(audited: Registry) -> None:
    with audited.engine.connect() as connection:
        entry = connection.execute(select(AuditEntryRow).where(AuditEntryRow.seq == 10)).one()
    _execute(audited, delete(AuditEntryRow).where(AuditEntryRow.seq == 11))
    _execute(audited, update(AuditHeadRow).values(seq=10, mac=entry.mac))
    with pytest.raises(AuditIntegrityError, match="head record was changed"):
        audited.verify_audit()


def test_inserted_entry_is_detected(audited: Registry) -> None:
    with audited.engine.connect() as connection:
        last = connection.execute(select(AuditEntryRow).where(AuditEntryRow.seq == 11)).one()
    forged = {c: getattr(last, c) for c in last._fields}
    _execute(audited, delete(AuditEntryRow).where(AuditEntryRow.seq == 11))
    _execute(audited, insert(AuditEntryRow).values({**forged, "seq": 12}))
    _execute(audited, insert(AuditEntryRow).values({**forged, "actor": "user:forger"}))
    with pytest.raises(AuditIntegrityError) as caught:
        audited.verify_audit()
    assert 11 in caught.value.entries


def test_anchor_detects_a_restored_copy(audited: Registry, scope: Scope, tmp_path: Path) -> None:
    anchor = tmp_path / "anchor"
    audited.anchor_audit(anchor)
    audited.audit_anchor = anchor
    with audited.engine.connect() as connection:
        entry = connection.execute(select(AuditEntryRow).where(AuditEntryRow.seq == 11)).one()
        head = connection.execute(select(AuditHeadRow)).one()
    assert anchor.read_text().split() == ["11", entry.mac]
    with audited.transaction(scope) as tx:  # more work after the anchor is fine
        tx.victims.page()
    assert audited.verify_audit().head_seq == 12
    # Restore the state before the anchor: entries 11 and 12 gone, head rewound consistently.
    before = {c: getattr(head, c) for c in head._fields}
    _execute(audited, delete(AuditEntryRow).where(AuditEntryRow.seq >= 11))
    _execute(audited, update(AuditHeadRow).values(before))
    with pytest.raises(AuditIntegrityError, match="past the end"):
        audited.verify_audit()
