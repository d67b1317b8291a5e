"""Name search over the API: case workers find a person by name, analysts may not."""

from __future__ import annotations

from fastapi.testclient import TestClient

from factories import VICTIM_FIELDS
from web.conftest import Users


def test_case_workers_search_by_name_and_others_may_not(client: TestClient,
                                                        users: Users) -> None:
    worker = users.token("worker")
    created = client.post("/api/victims", headers=worker, json={
        **VICTIM_FIELDS, "external_id": "V-SEARCH"})
    assert created.status_code == 201, created.text
    # Ioana-Maria Zăvoianu, alias Roxy, born 2001-07-30 (tests/factories.py)
    for query in ({"name": "Zavoianu Ioana"}, {"name": "roxy"},
                  {"name": "Zăvoianu", "date_of_birth": "2001-07-30"}):
        found = client.get("/api/victims/by-name", params=query, headers=worker)
        assert found.status_code == 200, found.text
        assert [v["external_id"] for v in found.json()] == ["V-SEARCH"], query
        assert "identifying" not in found.json()[0]
    assert client.get("/api/victims/by-name", params={"name": "Zavoianu",
                                                      "date_of_birth": "2001"},
                      headers=worker).json()[0]["external_id"] == "V-SEARCH"
    assert client.get("/api/victims/by-name", params={"name": "Zavoianu",
                                                      "date_of_birth": "1990"},
                      headers=worker).json() == []
    assert client.get("/api/victims/by-name", params={"name": "Z"},
                      headers=worker).status_code == 422
    assert client.get("/api/victims/by-name", params={"name": "Zavoianu",
                                                      "date_of_birth": "30-07-2001"},
                      headers=worker).status_code == 422
    for who in ("analyst", "fieldworker", "rapporteur"):
        assert client.get("/api/victims/by-name", params={"name": "Roxy"},
                          headers=users.token(who)).status_code == 403, who
    # Another organisation's supervisor finds nothing of ours.
    assert client.get("/api/victims/by-name", params={"name": "Roxy"},
                      headers=users.token("outsider")).json() == []
