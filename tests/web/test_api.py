"""The JSON API: scoped to the caller, errors mapped in one place, no identifying data leaks."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from factories import VICTIM_FIELDS
from haven.config import Settings
from haven.registry import Registry
from haven.standard import OrganisationPublic
from haven.web import create_app


@pytest.fixture
def client(registry: Registry, settings: Settings, org: OrganisationPublic,
           other_org: OrganisationPublic) -> TestClient:
    return TestClient(create_app(registry, replace(settings, dev_scope=True)))


def _as(code: str, identifying: bool = False) -> dict[str, str]:
    headers = {"X-Haven-Organisation": code}
    if identifying:
        headers["X-Haven-Identifying"] = "1"
    return headers


def _create(client: TestClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/victims", json={**VICTIM_FIELDS, **changes},
                           headers=_as("nl-police"))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_without_the_dev_setting_every_person_endpoint_is_401(
    registry: Registry, settings: Settings, org: OrganisationPublic
) -> None:
    client = TestClient(create_app(registry, settings))
    for path in ("/api/victims", "/api/suspects", "/api/cases"):
        assert client.get(path, headers=_as("nl-police")).status_code == 401
    assert client.get("/api/health").json() == {"status": "ok"}


def test_create_list_read_update(client: TestClient) -> None:
    created = _create(client)
    assert created["age_group"] == "child"
    assert "identifying" not in created
    listed = client.get("/api/victims", headers=_as("nl-police")).json()
    assert listed["total"] == 1
    assert listed["items"][0]["external_id"] == "V-0001"
    path = f"/api/victims/{created['id']}"
    patched = client.patch(path, json={"version": 1, "identification_status": "identified"},
                           headers=_as("nl-police"))
    assert patched.json()["version"] == 2
    stale = client.patch(path, json={"version": 1, "sex": "male"}, headers=_as("nl-police"))
    assert stale.status_code == 409
    assert "version 2" in stale.json()["detail"]


def test_validation_errors_list_every_problem(client: TestClient) -> None:
    response = client.post("/api/victims", headers=_as("nl-police"), json={
        **VICTIM_FIELDS, "sex": "robot", "registered_on": "2999-01-01"})
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["problems"]}
    assert {"sex", "registered_on"} <= fields
    assert "Zăvoianu" not in response.text


def test_validation_errors_never_echo_identifying_values(client: TestClient) -> None:
    identifying = {**VICTIM_FIELDS["identifying"], "date_of_birth": "Zăvoianu-1999",
                   "phones": ["ring Ioana-Maria"]}
    response = client.post("/api/victims", headers=_as("nl-police"), json={
        **VICTIM_FIELDS, "identifying": identifying, "age_at_registration": 300})
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["problems"]} == {
        "date_of_birth", "phones[1]", "age_at_registration"}
    for secret in ("Zăvoianu", "Ioana", "058812345", "Roxy"):
        assert secret not in response.text


def test_another_organisation_gets_404_everywhere(client: TestClient) -> None:
    created = _create(client)
    outsider = _as("ro-ngo", identifying=True)
    path = f"/api/victims/{created['id']}"
    assert client.get(path, headers=outsider).status_code == 404
    assert client.get(f"{path}/identifying", headers=outsider).status_code == 404
    assert client.patch(path, json={"version": 1, "sex": "male"},
                        headers=outsider).status_code == 404
    assert client.get("/api/victims", headers=outsider).json()["total"] == 0
    assert "V-0001" not in client.get("/api/victims", headers=outsider).text


def test_identifying_data_needs_the_permission(client: TestClient) -> None:
    created = _create(client)
    path = f"/api/victims/{created['id']}/identifying"
    denied = client.get(path, headers=_as("nl-police"))
    assert denied.status_code == 403
    assert "Zăvoianu" not in denied.text
    allowed = client.get(path, headers=_as("nl-police", identifying=True))
    assert allowed.json()["identifying"]["family_name"] == "Zăvoianu"


def test_unknown_organisation_and_malformed_ids(client: TestClient) -> None:
    assert client.get("/api/victims", headers=_as("xx-none")).status_code == 404
    assert client.get("/api/victims/not-a-uuid", headers=_as("nl-police")).status_code == 422


def test_cases_and_suspects(client: TestClient) -> None:
    _create(client)
    suspect = client.post("/api/suspects", headers=_as("nl-police"), json={
        "external_id": "S-1", "sex": "M", "citizenship": "BG", "registered_on": "2018-04-01",
        "roles": ["recruiter"]})
    assert suspect.status_code == 201
    case = client.post("/api/cases", headers=_as("nl-police"), json={
        "external_id": "C-1", "opened_on": "2018-04-02", "victims": ["V-0001"],
        "suspects": ["S-1"], "route": [{"kind": "recruitment", "country": "RO"}]})
    assert case.status_code == 201, case.text
    assert case.json()["victims"] == ["V-0001"]
    missing = client.post("/api/cases", headers=_as("nl-police"), json={
        "external_id": "C-2", "opened_on": "2018-04-02", "victims": ["V-404"]})
    assert missing.status_code == 422
    assert missing.json()["problems"][0]["value"] == "V-404"
    other = client.get(f"/api/cases/{case.json()['id']}", headers=_as("ro-ngo"))
    assert other.status_code == 404


def test_home_page_lists_the_holdings(client: TestClient) -> None:
    _create(client)
    page = client.get("/")
    assert page.status_code == 200
    assert "nl-police" in page.text
    assert "Zăvoianu" not in page.text
    assert "<td class=\"n\">1</td>" in page.text


def test_openapi_is_served(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/victims/{victim_id}" in schema["paths"]
