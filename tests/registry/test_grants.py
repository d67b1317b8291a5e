"""Grants: another organisation sees exactly the granted fields of one record, until revoked."""

from __future__ import annotations

import pytest

from factories import victim
from haven.exceptions import NotFound, ValidationFailed
from haven.registry import Registry, Scope
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
