"""The JSON API: authenticated, scoped to the caller, errors mapped in one place."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from factories import VICTIM_FIELDS
from haven.access import Permission
from web.conftest import Users


def _create(client: TestClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    response = client.post("/api/victims", json={**VICTIM_FIELDS, **changes}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_anonymous_callers_get_401(client: TestClient, users: Users) -> None:
    for path in ("/api/victims", "/api/suspects", "/api/cases", "/api/organisations",
                 "/api/me"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/api/victims", headers={"Authorization": "Bearer hvn_forged"}
                      ).status_code == 401
    assert client.get("/api/health").json() == {"status": "ok"}


def test_create_list_read_update(client: TestClient, users: Users) -> None:
    worker = users.token("worker")
    created = _create(client, worker)
    assert created["age_group"] == "child"
    assert "identifying" not in created
    listed = client.get("/api/victims", headers=worker).json()
    assert (listed["total"], listed["items"][0]["external_id"]) == (1, "V-0001")
    path = f"/api/victims/{created['id']}"
    patched = client.patch(path, json={"version": 1, "identification_status": "identified"},
                           headers=worker)
    assert patched.json()["version"] == 2
    stale = client.patch(path, json={"version": 1, "sex": "male"}, headers=worker)
    assert stale.status_code == 409
    assert "version 2" in stale.json()["detail"]


def test_validation_errors_list_every_problem(client: TestClient, users: Users) -> None:
    response = client.post("/api/victims", headers=users.token("worker"), json={
        **VICTIM_FIELDS, "sex": "robot", "registered_on": "2999-01-01"})
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["problems"]}
    assert {"sex", "registered_on"} <= fields
    # Each problem says what kind it is, for clients that word reasons themselves.
    codes = {p["field"]: p["code"] for p in response.json()["problems"]}
    assert codes["sex"] == "unknown_code"
    assert codes["registered_on"] == "value_error"
    assert "Zăvoianu" not in response.text


def test_validation_errors_never_echo_identifying_values(client: TestClient, users: Users
                                                          ) -> None:
    identifying = {**VICTIM_FIELDS["identifying"], "date_of_birth": "Zăvoianu-1999",
                   "phones": ["ring Ioana-Maria"]}
    response = client.post("/api/victims", headers=users.token("worker"), json={
        **VICTIM_FIELDS, "identifying": identifying, "age_at_registration": 300})
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["problems"]} == {
        "date_of_birth", "phones[1]", "age_at_registration"}
    for secret in ("Zăvoianu", "Ioana", "058812345", "Roxy"):
        assert secret not in response.text


def test_identifying_data_needs_the_permission(client: TestClient, users: Users) -> None:
    created = _create(client, users.token("worker"))
    path = f"/api/victims/{created['id']}/identifying"
    denied = client.get(path, headers=users.token("fieldworker"))
    assert denied.status_code == 403
    assert "Zăvoianu" not in denied.text
    allowed = client.get(path, headers=users.token("worker"))
    assert allowed.json()["identifying"]["family_name"] == "Zăvoianu"


def test_tokens_are_scoped_and_revocable(client: TestClient, users: Users) -> None:
    token, token_id = users.accounts.create_token(
        users.principal("worker"), "read-only", frozenset({Permission.READ_RECORDS}))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/victims", headers=headers).status_code == 200
    refused = client.post("/api/victims", json=VICTIM_FIELDS, headers=headers)
    assert refused.status_code == 403
    me = client.get("/api/me", headers=headers).json()
    assert (me["permissions"], me["via"]) == (["read_records"], "token")
    assert client.delete(f"/api/tokens/{token_id}", headers=headers).status_code == 204
    assert client.get("/api/victims", headers=headers).status_code == 401


def test_cases_and_suspects(client: TestClient, users: Users) -> None:
    worker = users.token("worker")
    _create(client, worker)
    suspect = client.post("/api/suspects", headers=worker, json={
        "external_id": "S-1", "sex": "M", "citizenship": "BG", "registered_on": "2018-04-01",
        "roles": ["recruiter"]})
    assert suspect.status_code == 201
    case = client.post("/api/cases", headers=worker, json={
        "external_id": "C-1", "opened_on": "2018-04-02", "victims": ["V-0001"],
        "suspects": ["S-1"], "route": [{"kind": "recruitment", "country": "RO"}]})
    assert case.status_code == 201, case.text
    assert case.json()["victims"] == ["V-0001"]
    missing = client.post("/api/cases", headers=worker, json={
        "external_id": "C-2", "opened_on": "2018-04-02", "victims": ["V-404"]})
    assert missing.status_code == 422
    assert missing.json()["problems"][0]["value"] == "V-404"


def test_openapi_and_docs_are_served_locally(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/victims/{victim_id}" in schema["paths"]
    docs = client.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert "cdn." not in docs
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_search_refuses_characters_no_id_has(client: TestClient, users: Users) -> None:
    worker = users.token("worker")
    assert client.get("/api/victims", params={"external_id": "V\x00"},
                      headers=worker).status_code == 422
    assert client.get("/api/victims", params={"external_id": "V-0"},
                      headers=worker).status_code == 200
