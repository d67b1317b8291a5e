"""Erasure: everything of a record goes, in its organisation only, audited without values."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from factories import victim
from haven.exceptions import NotFound
from haven.referral import (
    AssistanceKind,
    ServiceCreate,
    accept_referral,
    add_service,
    open_pathway,
    request_referral,
    services,
)
from haven.referral._tables import ConsentRow, PathwayRow, ReferralRow, TransitionRow
from haven.registry import Registry, Scope
from haven.registry._tables import AuditEntryRow, GrantRow, IdentityRow, VictimRow, case_victims
from haven.retention import ErasureReason, erase_record, erase_records
from haven.standard import CaseCreate, OrganisationPublic, VictimPublic
from referral.support import DETECTED_ON, consent_to

MARK = "ERASE-ME-7f3a9c"  # an external id no other row holds


def _count(registry: Registry, table: object) -> int:
    with registry.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def _victim_with_everything(registry: Registry, scope: Scope, shelter: Scope) -> VictimPublic:
    """A victim with identity, pathway, consents, an accepted referral holding a shelter
    place (and its grant), and a case link."""
    with registry.transaction(shelter) as tx:
        place = add_service(tx, ServiceCreate(AssistanceKind.SHELTER, "Safe house", "NL",
                                              places_total=2))
    with registry.transaction(scope) as tx:
        record = tx.victims.create(victim(external_id=MARK, registered_on="2026-03-02"))
        pathway = open_pathway(tx, record.id, on=DETECTED_ON, reason="screened")
        consent_to(tx, pathway.id, organisation=shelter.organisation_id)
        referral = request_referral(tx, pathway.id, shelter.organisation_id, reason="bed",
                                    service_id=place.id)
        tx.cases.create(CaseCreate.model_validate({
            "external_id": "C-ERASE", "opened_on": "2026-03-03", "victims": [MARK]}))
    with registry.transaction(shelter) as tx:
        accept_referral(tx, referral.id, on=DETECTED_ON)
        assert services(tx)[0].places_free == 1
    return record


@pytest.fixture
def shelter(other_org: OrganisationPublic) -> Scope:
    return Scope("user:shelter", other_org.id, identifying=True)


def test_erasing_a_victim_removes_every_row_about_it_and_frees_its_place(
        registry: Registry, scope: Scope, shelter: Scope) -> None:
    record = _victim_with_everything(registry, scope, shelter)
    with registry.transaction(scope) as tx:
        tx.victims.create(victim(external_id="V-KEEP"))
    before = {t: _count(registry, t) for t in (VictimRow, IdentityRow, GrantRow, PathwayRow,
                                                ConsentRow, ReferralRow, TransitionRow)}

    with registry.transaction(scope) as tx:
        erased = erase_record(tx, "victim", record.id, reason=ErasureReason.REQUEST)
    registry.compact()

    assert erased.rows["victims"] == 1
    assert erased.rows["identities"] == 1
    assert erased.rows["grants"] == 1
    assert erased.rows["case_links"] == 1
    assert erased.rows["referral_pathways"] == 1
    assert erased.rows["referral_consents"] == 2
    assert erased.rows["referral_referrals"] == 1
    after = {t: _count(registry, t) for t in before}
    assert after[VictimRow] == before[VictimRow] - 1          # V-KEEP stays
    assert after[IdentityRow] == before[IdentityRow] - 1
    assert after[GrantRow] == before[GrantRow] - 1
    assert after[PathwayRow] == after[ConsentRow] == after[ReferralRow] == 0
    assert after[TransitionRow] == 0
    assert _count(registry, case_victims) == 0
    with registry.transaction(shelter) as tx:
        assert services(tx)[0].places_free == 2  # the referral's place is free again
        with pytest.raises(NotFound):
            tx.victims.get_granted(record.id)
    with registry.transaction(scope) as tx:
        with pytest.raises(NotFound):
            tx.victims.get(record.id)
        assert tx.victims.find(MARK) is None
        assert tx.cases.find("C-ERASE").victims == []  # type: ignore[union-attr]
    with registry.session() as session:
        entry = session.scalars(select(AuditEntryRow).where(
            AuditEntryRow.action == "erase")).one()
    detail = json.loads(entry.detail)
    assert (entry.entity_id, entry.actor) == (str(record.id), scope.actor)
    assert detail["part"] == "record" and detail["reason"] == "request"
    assert detail["rows"]["victims"] == 1
    assert MARK not in entry.detail  # counts, never values
    assert registry.verify_audit().entries > 0  # the chain still verifies


def test_identity_only_keeps_the_statistical_record(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        record = tx.victims.create(victim(external_id=MARK))
    with registry.transaction(scope) as tx:
        erased = erase_record(tx, "victim", record.id, part="identity",
                              reason=ErasureReason.RETENTION)
    assert erased.rows["identities"] == 1 and erased.rows["identity_tokens"] > 0
    assert set(erased.rows) == {"identities", "identity_tokens"}
    with registry.transaction(scope) as tx:
        detail = tx.victims.get_detail(record.id)
        assert detail.identifying is None
        assert tx.victims.get(record.id).sex.value == "female"


def test_another_organisations_record_cannot_be_erased(
        registry: Registry, scope: Scope, other_org: OrganisationPublic) -> None:
    with registry.transaction(scope) as tx:
        record = tx.victims.create(victim(external_id=MARK))
    outsider = Scope("user:outsider", other_org.id)
    with pytest.raises(NotFound), registry.transaction(outsider) as tx:
        erase_record(tx, "victim", record.id)
    with registry.transaction(scope) as tx:
        assert tx.victims.get(record.id).external_id == MARK
    assert _count(registry, IdentityRow) == 1


def test_a_batch_with_a_foreign_record_erases_nothing(
        registry: Registry, scope: Scope, other_org: OrganisationPublic) -> None:
    outsider = Scope("user:outsider", other_org.id)
    with registry.transaction(scope) as tx:
        own = [tx.victims.create(victim(external_id=f"V-{n}")).id for n in range(3)]
    with registry.transaction(outsider) as tx:
        foreign = tx.victims.create(victim(external_id="V-X")).id
    with pytest.raises(NotFound), registry.transaction(scope) as tx:
        erase_records(tx, "victim", [*own, foreign])
    assert _count(registry, VictimRow) == 4 and _count(registry, IdentityRow) == 4
    with registry.transaction(scope) as tx:
        erased = erase_records(tx, "victim", [own[0], own[1], own[0]])  # duplicates once
    assert [e.record_id for e in erased] == own[:2]
    assert _count(registry, VictimRow) == 2


def test_suspects_are_erased_with_their_case_links(registry: Registry, scope: Scope) -> None:
    from haven.standard import SuspectCreate, validate_record

    with registry.transaction(scope) as tx:
        suspect = tx.suspects.create(validate_record(SuspectCreate, {
            "external_id": MARK, "sex": "M", "registered_on": "2018-01-02",
            "identifying": {"family_name": "Petrenko"}}))
        tx.cases.create(CaseCreate.model_validate({
            "external_id": "C-1", "opened_on": "2018-02-01", "suspects": [MARK]}))
    with registry.transaction(scope) as tx:
        erased = erase_record(tx, "suspect", suspect.id, reason=ErasureReason.ORDER)
    assert erased.rows == {"identities": 1, "identity_tokens": 1, "grants": 0,
                           "case_links": 1, "suspects": 1}
    with registry.transaction(scope) as tx:
        assert tx.cases.find("C-1").suspects == []  # type: ignore[union-attr]


def _file_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(home.glob("haven.sqlite*")))


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_erased_values_are_gone_from_the_sqlite_files(registry: Registry, scope: Scope,
                                                      settings: object) -> None:
    """Neither the external id nor the identity's ciphertext survives in the database file or
    its WAL; the control shows that a plain delete (secure_delete off) would leave both."""
    home = settings.home  # type: ignore[attr-defined]
    with registry.transaction(scope) as tx:
        record = tx.victims.create(victim(external_id=MARK))
        for n in range(50):  # other rows on the same pages
            tx.victims.create(victim(external_id=f"V-{n:04d}"))
    with registry.session() as session:
        ciphertext = session.get(IdentityRow, record.id).ciphertext  # type: ignore[union-attr]
    registry.compact()  # everything in the main file, as after days of use
    assert MARK.encode() in _file_bytes(home) and ciphertext[:24] in _file_bytes(home)

    with registry.transaction(scope) as tx:
        erase_record(tx, "victim", record.id)
    registry.compact()

    data = _file_bytes(home)
    assert MARK.encode() not in data
    assert ciphertext[:24] not in data
    wal = home / "haven.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # the checkpoint emptied the WAL

    # Control: the same delete without secure_delete leaves the bytes in a free page.
    control = home / "control.sqlite"
    with sqlite3.connect(control) as db:
        db.execute("PRAGMA secure_delete=OFF")
        db.execute("CREATE TABLE t (v TEXT)")
        db.executemany("INSERT INTO t VALUES (?)", [(MARK,)] + [(f"V-{n}",) for n in range(50)])
        db.commit()
        db.execute("DELETE FROM t WHERE v = ?", (MARK,))
        db.commit()
    assert MARK.encode() in control.read_bytes()


@pytest.mark.postgres
@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
def test_postgres_holds_no_row_with_the_erased_values(registry: Registry, scope: Scope,
                                                      shelter: Scope, settings: object) -> None:
    """Every table's rows, as text, are searched for the record's id and external id; only
    the audit log may name the id (that an erasure happened), never the external id."""
    record = _victim_with_everything(registry, scope, shelter)
    with registry.transaction(scope) as tx:
        erase_record(tx, "victim", record.id)
    registry.compact()
    with registry.engine.connect() as conn:
        tables = conn.execute(text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).scalars()
        for table in tables:
            rows = conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars().all()  # noqa: S608
            joined = "\n".join(rows)
            assert MARK not in joined, table
            if table != "audit_log":
                assert str(record.id) not in joined, table
