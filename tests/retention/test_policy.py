"""Retention periods: what is due when, what holds a record, and enforcement."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from factories import victim
from haven.config import Settings
from haven.exceptions import ConfigurationError
from haven.referral import Closed, CloseReason, open_pathway, record
from haven.referral._tables import PathwayRow, TransitionRow
from haven.registry import Registry, Scope
from haven.registry._tables import AuditEntryRow, CaseRow, SuspectRow, VictimRow
from haven.retention import RetentionPolicy, due_for_erasure, enforce
from haven.retention._policy import _years_before
from haven.standard import CaseCreate, OrganisationPublic, SuspectCreate, validate_record

POLICY = RetentionPolicy(identifying_years=5, record_years=10)


def _age(registry: Registry, table: type[VictimRow] | type[SuspectRow], external_id: str,
         last: date) -> None:
    """Pretend a record was last touched on `last` (registration and last change)."""
    with registry.session() as session:
        session.execute(update(table).where(table.external_id == external_id).values(
            registered_on=last, updated_at=last))


def _due(registry: Registry, as_of: date) -> dict[str, str]:
    with registry.session() as session:
        ids = dict(session.execute(select(VictimRow.id, VictimRow.external_id)).all())
        ids |= dict(session.execute(select(SuspectRow.id, SuspectRow.external_id)).all())
    return {ids[d.record_id]: d.part for d in due_for_erasure(registry, POLICY,
                                                               as_of=as_of).due}


def test_identity_then_record_fall_due_after_their_periods(registry: Registry,
                                                           scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        for name in ("V-OLD", "V-MID", "V-NEW"):
            tx.victims.create(victim(external_id=name))
    today = date(2030, 6, 1)
    _age(registry, VictimRow, "V-OLD", date(2019, 5, 31))   # 11 years: whole record
    _age(registry, VictimRow, "V-MID", date(2024, 5, 31))   # 6 years: identity only
    _age(registry, VictimRow, "V-NEW", date(2025, 6, 2))    # under 5 years: nothing
    assert _due(registry, today) == {"V-OLD": "record", "V-MID": "identity"}
    # The limits are exact to the day.
    assert _due(registry, date(2029, 5, 31)) == {"V-OLD": "identity"}
    assert "V-MID" in _due(registry, date(2029, 6, 1))


def test_open_pathways_and_proceedings_hold_records(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        held = tx.victims.create(victim(external_id="V-PATH"))
        open_pathway(tx, held.id, on=date(2018, 1, 2), reason="screened")
        tx.victims.create(victim(external_id="V-CASE"))
        tx.suspects.create(validate_record(SuspectCreate, {
            "external_id": "S-OPEN", "sex": "M", "registered_on": "2018-01-02"}))
        tx.cases.create(CaseCreate.model_validate({
            "external_id": "C-1", "opened_on": "2018-02-01", "victims": ["V-CASE"],
            "suspects": ["S-OPEN"]}))
        tx.victims.create(victim(external_id="V-FREE"))
    for name in ("V-PATH", "V-CASE", "V-FREE"):
        _age(registry, VictimRow, name, date(2018, 3, 1))
    _age(registry, SuspectRow, "S-OPEN", date(2018, 3, 1))
    # Cases and pathways count as activity too: make them old as well.
    with registry.session() as session:
        old = date(2018, 3, 1)
        session.execute(update(CaseRow).values(updated_at=old))
        session.execute(update(PathwayRow).values(updated_at=old))
        session.execute(update(TransitionRow).values(at=old))
    run = due_for_erasure(registry, POLICY, as_of=date(2031, 1, 1))
    assert _due(registry, date(2031, 1, 1)) == {"V-FREE": "record"}
    assert run.held == {"open_pathway": 1, "proceedings": 2}  # S-OPEN and V-CASE

    # Closing the pathway is activity: the period starts again from the closing day.
    with registry.session() as session:
        pid = session.scalars(select(PathwayRow.id)).one()
    with registry.transaction(scope) as tx:
        record(tx, pid, Closed(on=date(2026, 12, 1), reason="ended the support",
                               close_reason=CloseReason.WITHDREW))
    assert "V-PATH" not in _due(registry, date(2031, 1, 1))
    assert _due(registry, date(2032, 1, 1))["V-PATH"] == "identity"


def test_enforcing_erases_what_is_due_in_each_organisation(
        registry: Registry, scope: Scope, other_org: OrganisationPublic) -> None:
    outsider = Scope("user:outsider", other_org.id)
    with registry.transaction(scope) as tx:
        tx.victims.create(victim(external_id="V-1"))
        tx.victims.create(victim(external_id="V-2"))
    with registry.transaction(outsider) as tx:
        tx.victims.create(victim(external_id="V-3"))
    _age(registry, VictimRow, "V-1", date(2015, 1, 1))
    _age(registry, VictimRow, "V-3", date(2015, 1, 1))
    _age(registry, VictimRow, "V-2", date(2021, 1, 1))
    only_other = due_for_erasure(registry, POLICY, as_of=date(2027, 1, 1),
                                 organisation_id=other_org.id)
    assert [d.organisation_id for d in only_other.due] == [other_org.id]

    run = due_for_erasure(registry, POLICY, as_of=date(2027, 1, 1))
    seen: list[int] = []
    enforce(registry, run, seen.append)
    assert sum(seen) == len(run.erased) == 3
    with registry.transaction(scope) as tx:
        assert tx.victims.find("V-1") is None
        kept = tx.victims.find("V-2")
        assert kept is not None and tx.victims.get_detail(kept.id).identifying is None
    with registry.transaction(outsider) as tx:
        assert tx.victims.find("V-3") is None
    assert due_for_erasure(registry, POLICY, as_of=date(2027, 1, 1)).due == []


def test_a_leap_day_counts_back_to_the_28th() -> None:
    assert _years_before(date(2028, 2, 29), 5) == date(2023, 2, 28)
    assert _years_before(date(2028, 3, 1), 10) == date(2018, 3, 1)


@pytest.mark.parametrize(("identifying", "record_years"), [(0, 10), (6, 5), (5, 101)])
def test_impossible_periods_are_refused(identifying: int, record_years: int) -> None:
    with pytest.raises(ConfigurationError):
        Settings.from_env({"HAVEN_RETENTION_IDENTIFYING_YEARS": str(identifying),
                           "HAVEN_RETENTION_RECORD_YEARS": str(record_years)})
    with pytest.raises(ConfigurationError):
        Settings.from_env({"HAVEN_RETENTION_RECORD_YEARS": "ten"})


def test_the_default_periods_come_from_settings() -> None:
    assert RetentionPolicy.from_settings(Settings.from_env({})) == RetentionPolicy(5, 10)
    assert RetentionPolicy.from_settings(Settings.from_env({
        "HAVEN_RETENTION_IDENTIFYING_YEARS": "2", "HAVEN_RETENTION_RECORD_YEARS": "3"})) == \
        RetentionPolicy(2, 3)


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_enforcement_crosses_batch_boundaries(registry: Registry, scope: Scope,
                                              settings: object) -> None:
    """More than one batch (500) of one organisation; every audit entry is its own."""
    with registry.transaction(scope) as tx:
        for n in range(520):
            tx.victims.create(victim(external_id=f"V-{n:04d}"))
    with registry.session() as session:
        session.execute(update(VictimRow).values(registered_on=date(2010, 1, 1),
                                                 updated_at=date(2010, 1, 1)))
    run = enforce(registry, due_for_erasure(registry, POLICY, as_of=date(2026, 12, 1)))
    assert len(run.erased) == 520
    with registry.session() as session:
        assert session.scalar(select(func.count()).select_from(VictimRow)) == 0
        erasures = session.scalar(select(func.count()).select_from(AuditEntryRow).where(
            AuditEntryRow.action == "erase"))
    assert erasures == 520
    assert registry.verify_audit().entries >= 1040
