"""End to end: the web UI of installation NL sends a referral to a real installation RO.

RO is the whole Haven app (PostgreSQL) served by uvicorn on loopback; NL is the whole app
(SQLite) driven through its forms, delivering with the real HTTP client. RO's case worker then
opens RO's exchanges page over HTTP and sees the referral with only the fields NL granted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from haven.access import Role
from haven.referral import add_partner, list_pathways, open_pathway
from haven.registry import Scope
from haven.registry._tables import AuditEntryRow
from referral.support import DETECTED_ON, adult_victim
from web.conftest import PASSWORD, csrf_of
from web.transnational_support import Site, start_site, stop_site

pytestmark = pytest.mark.postgres


@pytest.fixture
def sites(tmp_path: Path, postgres_schema_url: str) -> Iterator[tuple[Site, Site]]:
    nl = start_site(tmp_path, "NL", serve=False)
    ro = start_site(tmp_path, "RO", serve=True, database_url=postgres_schema_url)
    # Each system administrator adds the other's card (after comparing fingerprints).
    add_partner(nl.registry, ro.app.state.transnational_card, actor="admin:nl")
    add_partner(ro.registry, nl.app.state.transnational_card, actor="admin:ro")
    yield nl, ro
    for site in (nl, ro):
        stop_site(site)


def _post(browser: TestClient | httpx.Client, url: str, page: str,
          data: list[tuple[str, str]]) -> Any:
    form: dict[str, list[str]] = {}
    for name, value in [*data, ("csrf_token", csrf_of(page))]:
        form.setdefault(name, []).append(value)
    return browser.post(url, data=form, follow_redirects=False)


def _log_in(browser: TestClient | httpx.Client, username: str) -> None:
    page = browser.get("/login")
    response = _post(browser, "/login", page.text, [("username", username),
                                                    ("password", PASSWORD)])
    assert response.status_code == 303, response.text


GRANTED = ["sex", "age_at_registration", "citizenships", "exploitation", "given_names"]


def test_the_nl_ui_refers_to_ro_and_ro_sees_only_the_granted_fields(
        sites: tuple[Site, Site]) -> None:
    nl, ro = sites
    nl.user("nl-case", [Role.CASE_WORKER])
    ro.user("ro-case", [Role.CASE_WORKER])
    with nl.registry.transaction(Scope("user:seed", nl.org.id, identifying=True)) as tx:
        victim = adult_victim(tx, "NL-2026-17")
        pathway_id = open_pathway(tx, victim.id, on=DETECTED_ON, reason="screened").id

    sender = TestClient(nl.app)
    _log_in(sender, "nl-case")
    section = sender.get(f"/victims/{victim.id}/pathway").text
    consents = re.search(r'action="(/pathways/[0-9a-f-]{36}/consents)"', section)
    assert consents
    assert _post(sender, consents.group(1), section, [
        ("purposes", "services"), ("purposes", "disclosure"), ("basis", "consent"),
        ("given_by", "person"), ("recipient", "installation:ro-haven")]).status_code == 303
    form = sender.get(f"/pathways/{pathway_id}/transnational").text
    data = [("partner", "ro-haven"), *[("fields", f) for f in GRANTED],
            ("reason", "return to Romania planned; shelter needed on arrival")]
    preview = _post(sender, f"/pathways/{pathway_id}/transnational", form,
                    [*data, ("action", "preview")])
    assert preview.status_code == 200 and "Ana" in preview.text  # she may see and send it
    sent = _post(sender, f"/pathways/{pathway_id}/transnational", preview.text,
                 [*data, ("action", "send")])
    assert sent.status_code == 303, sent.text
    outcome = sender.get(sent.headers["location"]).text
    assert 'id="package-status">Acknowledged<' in outcome

    with httpx.Client(base_url=ro.base, timeout=10) as receiver:  # RO, over loopback
        _log_in(receiver, "ro-case")
        page = receiver.get("/referrals/transnational").text
    article = re.search(r'<article class="referral".*?</article>', page, re.S)
    assert article, page
    text = article.group(0)
    assert "From Haven NL (NL)" in text and str(pathway_id) in text
    received = re.search(r"<dt>Fields received</dt><dd>(.*?)</dd>", text)
    assert received
    assert received.group(1).split(", ") == [
        "Age at registration", "Citizenship", "Forms of exploitation", "Given names", "Sex"]
    cells = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>", text))
    assert cells["Age at registration"] == "29" and cells["Citizenship"] == "UA"
    assert cells["Forms of exploitation"] == "Sexual exploitation"
    assert "Country of exploitation" not in text and "Pop" not in text  # not granted
    assert "Ana" not in text  # named on the list, shown on the record's page only

    with ro.registry.transaction(Scope("user:ro", ro.org.id, identifying=True)) as tx:
        (pathway,) = list_pathways(tx)
        record = tx.victims.get_detail(pathway.victim_id)
    assert f'id="remote-reference">{pathway.id}<' in outcome
    assert record.identifying is not None and record.identifying.given_names == "Ana"
    assert record.identifying.family_name is None and record.country_of_exploitation is None
    assert nl.actions("trm_package") == ["export", "update"]
    assert ro.actions("trm_package") == ["import"]
    with nl.registry.engine.connect() as connection:
        (detail,) = connection.scalars(select(AuditEntryRow.detail).where(
            AuditEntryRow.entity_kind == "trm_package", AuditEntryRow.action == "export"))
    assert json.loads(detail)["fields"] == sorted(GRANTED)
    nl.registry.verify_audit()
    ro.registry.verify_audit()
