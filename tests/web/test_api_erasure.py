"""Erasure through the API: a supervisor's decision, scoped, audited, and for good."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from factories import VICTIM_FIELDS
from haven.access import Role
from haven.registry import Registry
from haven.registry._tables import AuditEntryRow
from web.conftest import Users


def _victim(client: TestClient, headers: dict[str, str], external_id: str) -> str:
    response = client.post("/api/victims", json={**VICTIM_FIELDS, "external_id": external_id},
                           headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_supervisor_erases_and_nobody_else_may(client: TestClient, users: Users,
                                                 registry: Registry) -> None:
    users.add("supervisor", [Role.SUPERVISOR])
    boss, worker = users.token("supervisor"), users.token("worker")
    record = _victim(client, worker, "V-API-1")
    path = f"/api/victims/{record}"

    for who in ("worker", "analyst", "orgadmin", "sysadmin", "rapporteur"):
        assert client.delete(path, params={"reason": "request"},
                             headers=users.token(who)).status_code == 403, who
    # Another organisation's supervisor does not see the record at all.
    assert client.delete(path, params={"reason": "request"},
                         headers=users.token("outsider")).status_code == 404
    assert client.delete(path, headers=boss).status_code == 422  # the reason is required
    assert client.delete(path, params={"reason": "because"}, headers=boss).status_code == 422
    assert client.get(path, headers=worker).status_code == 200

    identity = client.delete(path, params={"reason": "error", "identity_only": "true"},
                             headers=boss)
    assert identity.status_code == 200, identity.text
    body = identity.json()
    assert (body["record_id"], body["part"], body["rows"]["identities"]) == (
        record, "identity", 1)
    assert client.get(f"{path}/identifying", headers=boss).json()["identifying"] is None

    erased = client.delete(path, params={"reason": "request"}, headers=boss)
    assert erased.status_code == 200
    assert erased.json()["rows"]["victims"] == 1
    assert client.get(path, headers=worker).status_code == 404
    assert client.delete(path, params={"reason": "request"}, headers=boss).status_code == 404
    with registry.session() as session:
        actions = session.scalars(select(AuditEntryRow.action).where(
            AuditEntryRow.entity_id == record).order_by(AuditEntryRow.seq)).all()
    assert actions.count("erase") == 2 and actions[-1] == "erase"


def test_suspects_are_erased_too(client: TestClient, users: Users) -> None:
    users.add("supervisor", [Role.SUPERVISOR])
    boss = users.token("supervisor")
    created = client.post("/api/suspects", headers=boss, json={
        "external_id": "S-API-1", "sex": "M", "registered_on": "2018-01-02"})
    assert created.status_code == 201, created.text
    path = f"/api/suspects/{created.json()['id']}"
    assert client.delete(path, params={"reason": "order"}, headers=boss).status_code == 200
    assert client.get(path, headers=boss).status_code == 404
