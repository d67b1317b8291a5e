"""Grants: another organisation sees exactly the granted fields of one record, until revoked."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select

from factories import victim
from haven.exceptions import NotFound, ValidationFailed
from haven.registry import Registry, Scope
from haven.registry._tables import AuditEntryRow
from haven.standard import OrganisationPublic


def test_grantee_sees_only_granted_fields(
    registry: Registry, scope: Scope, other_org: OrganisationPublic
) -> None:
    with registry.transaction(scope) as tx:
        record = tx.victims.create(victim())
        grant = tx.grants.grant("victim", record.id, other_org.id,
                                frozenset({"sex", "age_group", "given_names"}), "shelter referral")
    reader = Scope("user:shelter", other_org.id, identifying=True)
    with registry.transaction(reader) as tx:
        seen = tx.victims.get_granted(record.id)
        with pytest.raises(NotFound):  # the ordinary path stays closed
            tx.victims.get(record.id)
    assert seen == {"id": str(record.id), "external_id": "V-0001", "sex": "female",
                    "age_group": "child", "given_names": "Ioana-Maria"}
    without_permission = Scope("user:volunteer", other_org.id, identifying=False)
    with registry.transaction(without_permission) as tx:
        assert "given_names" not in tx.victims.get_granted(record.id)
    with registry.transaction(scope) as tx:
        tx.grants.revoke(grant.id)
    with registry.transaction(reader) as tx, pytest.raises(NotFound):
        tx.victims.get_granted(record.id)
    registry.verify_audit()


def test_only_the_owner_grants_and_only_known_fields(
    registry: Registry, scope: Scope, other_org: OrganisationPublic
) -> None:
    with registry.transaction(scope) as tx:
        record = tx.victims.create(victim())
    outsider = Scope("user:x", other_org.id)
    with registry.transaction(outsider) as tx, pytest.raises(NotFound):
        tx.grants.grant("victim", record.id, scope.organisation_id, frozenset({"sex"}), "self")
    with registry.transaction(scope) as tx, pytest.raises(ValidationFailed) as caught:
        tx.grants.grant("victim", record.id, other_org.id, frozenset({"password", "sex"}), " ")
    assert {(p.field, p.value) for p in caught.value.problems} == {
        ("fields", "password"), ("reason", None)}
    with registry.transaction(scope) as tx:
        grant = tx.grants.grant("victim", record.id, other_org.id, frozenset({"sex"}), "legal aid")
    with registry.transaction(outsider) as tx:
        assert [g.id for g in tx.grants.received()] == [grant.id]
        with pytest.raises(NotFound):
            tx.grants.revoke(grant.id)


def test_the_grantee_relinquishes_its_own_access_and_both_logs_record_it(
    registry: Registry, scope: Scope, other_org: OrganisationPublic,
    make_org: Callable[..., OrganisationPublic],
) -> None:
    with registry.transaction(scope) as tx:
        record = tx.victims.create(victim())
        grant = tx.grants.grant("victim", record.id, other_org.id, frozenset({"sex"}), "shelter")
    third = Scope("user:x", make_org("be-ngo", "BE", "ngo").id)
    with registry.transaction(third) as tx, pytest.raises(NotFound):
        tx.grants.relinquish(grant.id)  # not its grant
    with registry.transaction(scope) as tx, pytest.raises(NotFound):
        tx.grants.relinquish(grant.id)  # the owner revokes instead
    grantee = Scope("user:shelter", other_org.id)
    with registry.transaction(grantee) as tx:
        assert tx.victims.get_granted(record.id)["sex"] == "female"
        tx.grants.relinquish(grant.id, context={"referral": "r-1"})
        tx.grants.relinquish(grant.id)  # once ended, stays ended, audited once
    with registry.transaction(grantee) as tx:
        assert tx.grants.received() == []
        with pytest.raises(NotFound):
            tx.victims.get_granted(record.id)
    with registry.transaction(scope) as tx:
        (given,) = tx.grants.given(record.id)
    assert given.revoked_at is not None
    with registry.engine.connect() as connection:
        entries = connection.execute(
            select(AuditEntryRow.organisation_id, AuditEntryRow.actor, AuditEntryRow.detail)
            .where(AuditEntryRow.action == "revoke", AuditEntryRow.entity_id == str(grant.id))
        ).all()
    assert sorted(str(org) for org, _, _ in entries) == sorted([str(other_org.id),
                                                               str(scope.organisation_id)])
    for _, actor, detail in entries:
        assert actor == "user:shelter"
        assert json.loads(detail) == {"record": str(record.id), "by": "grantee",
                                      "referral": "r-1"}
    registry.verify_audit()
