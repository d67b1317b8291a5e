"""Victim, suspect and case stores on SQLite and PostgreSQL: scope, versions, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factories import victim
from haven.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.registry import Registry, Scope, VictimFilter
from haven.registry._tables import AuditEntryRow
from haven.standard import (
    CaseCreate,
    CaseUpdate,
    OrganisationPublic,
    SuspectCreate,
    VictimUpdate,
    validate_record,
)


def _audit_actions(registry: Registry) -> list[tuple[str, str]]:
    with registry.engine.connect() as connection:
        rows = connection.execute(
            select(AuditEntryRow.action, AuditEntryRow.entity_kind).order_by(AuditEntryRow.seq))
        return [(a, k) for a, k in rows]


def test_create_read_update_round_trip(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        created = tx.victims.create(victim())
    assert created.version == 1
    assert created.age_at_registration == 16
    with registry.transaction(scope) as tx:
        updated = tx.victims.update(created.id, VictimUpdate(version=1, sex="male",
                                                             country_of_exploitation=None))
    assert (updated.version, updated.sex, updated.country_of_exploitation) == (2, "male", None)
    with registry.transaction(scope) as tx:
        detail = tx.victims.get_detail(created.id)
    assert detail.identifying is not None
    assert detail.identifying.family_name == "Zăvoianu"
    assert detail.citizenships == ["RO"]


def test_every_access_is_audited(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        created = tx.victims.create(victim())
    with registry.transaction(scope) as tx:
        tx.victims.get(created.id)
        tx.victims.get_detail(created.id)
        tx.victims.page()
        tx.victims.update(created.id, VictimUpdate(version=1, sex="male"))
    actions = [a for a, kind in _audit_actions(registry) if kind == "victim"]
    assert actions == ["create", "read", "read_identifying", "list", "update"]
    registry.verify_audit()


def test_update_without_change_writes_nothing(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        created = tx.victims.create(victim())
        same = tx.victims.update(created.id, VictimUpdate(version=1, sex="female"))
    assert same.version == 1


def test_stale_version_is_refused_and_nothing_is_lost(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        created = tx.victims.create(victim())
    with registry.transaction(scope) as tx:
        tx.victims.update(created.id, VictimUpdate(version=1, identification_status="identified"))
    with pytest.raises(Conflict, match="version 2"), registry.transaction(scope) as tx:
        tx.victims.update(created.id, VictimUpdate(version=1, sex="male"))
    with registry.transaction(scope) as tx:
        current = tx.victims.get(created.id)
    assert (current.version, current.identification_status, current.sex) == (
        2, "identified", "female")


def test_update_is_validated_as_a_whole(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        created = tx.victims.create(victim())
    with pytest.raises(ValidationFailed), registry.transaction(scope) as tx:
        # The stored date of birth makes this person 16: the flag is fine, the age is not.
        tx.victims.update(created.id, VictimUpdate(version=1, age_at_registration=40))


def test_other_organisation_sees_nothing(
    registry: Registry, scope: Scope, other_org: OrganisationPublic
) -> None:
    with registry.transaction(scope) as tx:
        created = tx.victims.create(victim())
    outsider = Scope("user:outsider", other_org.id, identifying=True)
    with registry.transaction(outsider) as tx:
        with pytest.raises(NotFound):
            tx.victims.get(created.id)
        with pytest.raises(NotFound):
            tx.victims.get_detail(created.id)
        with pytest.raises(NotFound):
            tx.victims.update(created.id, VictimUpdate(version=1, sex="male"))
        assert tx.victims.find("V-0001") is None
        assert tx.victims.page().total == 0
        assert list(tx.victims.records(identifying=True)) == []
        # The same external id is free in another organisation.
        tx.victims.create(victim())


def test_identifying_data_needs_the_permission(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        created = tx.victims.create(victim())
    plain = scope.with_identifying(False)
    with registry.transaction(plain) as tx:
        assert tx.victims.get(created.id).external_id == "V-0001"
        with pytest.raises(PermissionDenied):
            tx.victims.get_detail(created.id)
        with pytest.raises(PermissionDenied):
            list(tx.victims.records(identifying=True))


def test_duplicate_external_id_is_a_conflict(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        tx.victims.create(victim())
    with pytest.raises(Conflict), registry.transaction(scope) as tx:
        tx.victims.create(victim())


def _audit_count(registry: Registry) -> int | None:
    with registry.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(AuditEntryRow))


def test_failed_transaction_leaves_nothing(registry: Registry, scope: Scope) -> None:
    before = _audit_count(registry)
    with pytest.raises(Conflict), registry.transaction(scope) as tx:
        tx.victims.create(victim(external_id="V-A"))
        tx.victims.create(victim(external_id="V-A"))
    assert _audit_count(registry) == before
    with registry.transaction(scope) as tx:
        assert tx.victims.page().total == 0


def test_filters_and_paging(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        for i in range(12):
            tx.victims.create(victim(
                external_id=f"V-{i:03}", sex="male" if i % 3 == 0 else "female",
                identification_status="identified" if i % 2 else "presumed",
                registered_on=f"2018-01-{i + 1:02}"))
    with registry.transaction(scope) as tx:
        page = tx.victims.page(VictimFilter(sex="male"), limit=2)
        assert (page.total, len(page.items)) == (4, 2)
        assert [v.external_id for v in page.items] == ["V-009", "V-006"]  # newest first
        rest = tx.victims.page(VictimFilter(sex="male"), offset=2, limit=10)
        assert [v.external_id for v in rest.items] == ["V-003", "V-000"]
        presumed = tx.victims.page(VictimFilter(identification_status="presumed"))
        assert presumed.total == 6
        assert tx.victims.page(VictimFilter(external_id_prefix="V-01")).total == 2
        assert tx.victims.page(VictimFilter(external_id_prefix="V_")).total == 0


def test_cases_link_own_records_only(
    registry: Registry, scope: Scope, other_org: OrganisationPublic
) -> None:
    with registry.transaction(scope) as tx:
        tx.victims.create(victim(external_id="V-1"))
        tx.suspects.create(validate_record(SuspectCreate, {
            "external_id": "S-1", "sex": "M", "registered_on": "2018-01-02"}))
        case = tx.cases.create(CaseCreate.model_validate({
            "external_id": "C-1", "opened_on": "2018-02-01", "victims": ["V-1"],
            "suspects": ["S-1"], "route": [{"kind": "exploitation", "country": "NL"}]}))
    assert (case.victims, case.suspects, case.version) == (["V-1"], ["S-1"], 1)
    with registry.transaction(scope) as tx:
        updated = tx.cases.update(case.id, CaseUpdate(version=1, suspects=[]))
    assert (updated.suspects, updated.version) == ([], 2)
    outsider = Scope("user:outsider", other_org.id)
    with registry.transaction(outsider) as tx:
        tx.victims.create(victim(external_id="V-2"))
    with pytest.raises(ValidationFailed) as caught, registry.transaction(scope) as tx:
        tx.cases.create(CaseCreate(external_id="C-2", opened_on="2018-03-01",  # type: ignore[arg-type]
                                   victims=["V-1", "V-2"]))
    assert [(p.field, p.value) for p in caught.value.problems] == [("victims", "V-2")]
    with registry.transaction(outsider) as tx, pytest.raises(NotFound):
        tx.cases.get(case.id)


def test_linkage_person_ids_are_stored(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        a = tx.victims.create(victim(external_id="V-1"))
        b = tx.victims.create(victim(external_id="V-2"))
    assert registry.set_person_ids("linkage", {a.id: "P1", b.id: "P1"}) == 2
    with registry.transaction(scope) as tx:
        assert {v.person_id for v in tx.victims.page().items} == {"P1"}


def test_changing_only_identifying_data_bumps_the_version(registry: Registry, scope: Scope
                                                          ) -> None:
    from haven.standard import IdentifyingData

    with registry.transaction(scope) as tx:
        created = tx.victims.create(victim())
        updated = tx.victims.update(created.id, VictimUpdate(
            version=1, identifying=IdentifyingData(given_names="Ioana", family_name="Zavoianu",
                                                   date_of_birth="2001-07-30")))
    assert updated.version == 2
