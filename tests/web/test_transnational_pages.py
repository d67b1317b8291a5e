"""Transnational referral pages through their real forms (TestClient): partner directory,
sending from a pathway, the exchanges page; who may see and do what.

The app under test (installation "test-haven", receiving for `org`) sends to a second
installation, "ro-haven", whose `Inbox` runs on its own SQLite registry in this process: the
package really is sealed, checked, opened and taken on there. tests/web/test_transnational_e2e.py
does the same over HTTP between two whole apps.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from factories import FAST_LOGIN
from haven.access import Role
from haven.config import Settings
from haven.referral import (
    Acknowledgement,
    Inbox,
    InstallationKeys,
    PartnerCard,
    SealedPackage,
    add_partner,
    list_pathways,
    open_pathway,
    remove_partner,
)
from haven.referral._package import seal
from haven.referral._payload import ReferralPayload
from haven.referral._tables import OutboundPackageRow
from haven.registry import AdminScope, Registry, Scope
from haven.registry._tables import AuditEntryRow, VictimRow
from haven.standard import OrganisationCreate, OrganisationPublic
from haven.web import create_app
from referral.support import DETECTED_ON, adult_victim
from web.conftest import Users, csrf_of, inbox_settings

Login = Callable[[str], TestClient]


class Partner:
    """Installation "ro-haven": its own registry, keys and inbox (no web app needed here)."""

    def __init__(self, home: Path) -> None:
        self.registry = Registry.open(Settings(home=home), initialise=True)
        self.org = self.registry.create_organisation(AdminScope("test"), OrganisationCreate(
            name="ANITP Romania", country="RO", type="ngo", code="ro-anitp"))
        self.keys = InstallationKeys.generate("ro-haven")
        self.card = self.keys.card(name="Haven RO", country="RO",
                                   endpoint="https://haven.example.ro")
        self.inbox = Inbox(self.registry, self.keys, self.org.id)
        self.delivered: list[SealedPackage] = []

    def deliver(self, partner: PartnerCard, package: SealedPackage) -> Acknowledgement:
        assert partner.installation_id == "ro-haven"
        self.delivered.append(package)
        return self.inbox.receive(package)

    def victims(self) -> int:
        with self.registry.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(VictimRow)) or 0


@pytest.fixture
def partner(tmp_path: Path) -> Iterator[Partner]:
    ro = Partner(tmp_path / "ro")
    yield ro
    ro.registry.close()


def transnational_client(registry: Registry, app_settings: Settings, org: OrganisationPublic,
                         tmp_path: Path, partner: Partner) -> TestClient:
    """The app with transnational referral on; it and "ro-haven" know each other."""
    app = create_app(registry, app_settings, login_policy=FAST_LOGIN,
                     transnational=inbox_settings(org, tmp_path))
    app.state.transnational_deliverer = partner
    add_partner(registry, partner.card, actor="admin:test")
    add_partner(partner.registry, app.state.transnational_card, actor="admin:ro")
    return TestClient(app)


@pytest.fixture
def client(registry: Registry, app_settings: Settings, org: OrganisationPublic,
           tmp_path: Path, partner: Partner) -> TestClient:
    return transnational_client(registry, app_settings, org, tmp_path, partner)


def _post(browser: TestClient, url: str, page: str,
          data: list[tuple[str, str]] | dict[str, str]) -> Any:
    items = list(data.items()) if isinstance(data, dict) else list(data)
    form: dict[str, list[str]] = {}
    for name, value in [*items, ("csrf_token", csrf_of(page))]:
        form.setdefault(name, []).append(value)
    return browser.post(url, data=form, follow_redirects=False)


def _pathway(registry: Registry, org: OrganisationPublic, external_id: str = "V-T1") -> uuid.UUID:
    with registry.transaction(Scope("user:seed", org.id, identifying=True)) as tx:
        victim = adult_victim(tx, external_id)
        return open_pathway(tx, victim.id, on=DETECTED_ON, reason="screened").id


def _victim_of(registry: Registry, org: OrganisationPublic, pathway_id: uuid.UUID) -> str:
    with registry.transaction(Scope("user:seed", org.id)) as tx:
        (found,) = [p for p in list_pathways(tx) if p.id == pathway_id]
        return f"/victims/{found.victim_id}"


def _consent(browser: TestClient, victim: str, recipient: str) -> Any:
    page = browser.get(f"{victim}/pathway")
    match = re.search(r'action="(/pathways/[0-9a-f-]{36}/consents)"', page.text)
    assert match
    return _post(browser, match.group(1), page.text, [
        ("purposes", "services"), ("purposes", "disclosure"), ("basis", "consent"),
        ("given_by", "person"), ("recipient", recipient)])


FIELDS = [("fields", "sex"), ("fields", "age_at_registration"), ("fields", "citizenships"),
          ("fields", "exploitation")]


def _send_form(browser: TestClient, pathway_id: uuid.UUID) -> str:
    page = browser.get(f"/pathways/{pathway_id}/transnational")
    assert page.status_code == 200, page.text
    return page.text


def _outbound(registry: Registry) -> list[tuple[str, str | None]]:
    with registry.engine.connect() as connection:
        return [(s, e) for s, e in connection.execute(
            select(OutboundPackageRow.status, OutboundPackageRow.error))]


# -- partner directory ---------------------------------------------------------------------
def test_only_a_system_administrator_manages_partners(users: Users, login: Login) -> None:
    for username in ("worker", "orgadmin", "analyst"):
        browser = login(username)
        assert browser.get("/admin/partners").status_code == 403, username
        assert 'href="/admin/partners"' not in browser.get("/account").text
    admin = login("sysadmin")
    page = admin.get("/admin/partners")
    assert page.status_code == 200
    assert 'href="/admin/partners"' in page.text
    assert "Haven RO" in page.text and "https://haven.example.ro" in page.text
    assert "admin:test" in page.text  # added by
    own = re.search(r'id="own-fingerprint">([0-9a-f ]+)<', page.text)
    assert own and len(own.group(1).split()) == 8
    card = json.loads(re.sub(r"&#34;|&quot;", '"', re.search(
        r'<textarea id="own-card" rows="10" cols="72" readonly>(.*?)</textarea>', page.text,
        re.S).group(1)))  # type: ignore[union-attr]
    assert card["installation_id"] == "test-haven" and card["endpoint"] == "https://haven.example"
    PartnerCard.model_validate(card)  # what a partner pastes is a valid card
    forged = admin.post("/admin/partners/ro-haven/remove")  # no CSRF token
    assert forged.status_code == 403
    worker = login("worker")
    page_of_worker = worker.get("/referrals/transnational").text
    assert _post(worker, "/admin/partners/ro-haven/remove", page_of_worker, {}
                 ).status_code == 403
    assert "Active" in admin.get("/admin/partners").text


def test_adding_a_partner_shows_each_problem_next_to_its_field(
        users: Users, login: Login, registry: Registry) -> None:
    admin = login("sysadmin")
    page = admin.get("/admin/partners").text
    not_json = _post(admin, "/admin/partners", page, {"card": "{not json"})
    assert not_json.status_code == 422
    assert 'id="card-error">Not JSON' in not_json.text
    typed = _post(admin, "/admin/partners", page, {
        "installation_id": "BE Haven", "name": "Haven BE", "country": "be",
        "endpoint": "ftp://x", "signing_key": "abc", "encryption_key": ""})
    assert typed.status_code == 422
    for name in ("installation_id", "country", "endpoint", "signing_key", "encryption_key"):
        assert f'id="{name}-error"' in typed.text, name
    assert 'id="name-error"' not in typed.text
    assert "Two capital letters (ISO 3166-1)" in typed.text
    assert 'value="Haven BE"' in typed.text  # what was typed stays

    be = InstallationKeys.generate("be-haven").card(name="Haven BE", country="BE",
                                                    endpoint="https://haven.example.be")
    added = _post(admin, "/admin/partners", page, {"card": be.model_dump_json()})
    assert added.status_code == 303
    after = admin.get(added.headers["location"]).text
    assert 'id="added"' in after and "Haven BE was added" in after
    assert 'id="partner-be-haven"' in after
    again = _post(admin, "/admin/partners", page, {"card": be.model_dump_json()})
    assert again.status_code == 409 and "already in the directory" in again.text
    moved = be.model_copy(update={"endpoint": "https://new.example.be"})
    assert _post(admin, "/admin/partners", page, {"card": moved.model_dump_json(),
                                                  "replace": "yes"}).status_code == 303
    assert "https://new.example.be" in admin.get("/admin/partners").text
    own = _post(admin, "/admin/partners", page, {"card": be.model_copy(
        update={"installation_id": "test-haven"}).model_dump_json(), "replace": "yes"})
    assert own.status_code == 422 and "own id" in own.text
    extra = _post(admin, "/admin/partners", page, {"card": json.dumps(
        {**be.model_dump(), "private_key": "x"})})
    assert extra.status_code == 422 and 'id="card-error"' in extra.text

    removed = _post(admin, "/admin/partners/be-haven/remove", page, {})
    assert removed.status_code == 303
    row = re.search(r'id="partner-be-haven">(.*?)</tr>', admin.get("/admin/partners").text,
                    re.S)
    assert row and "Removed" in row.group(1) and "/remove" not in row.group(1)
    with registry.engine.connect() as connection:
        steps = [(actor, json.loads(detail)["step"]) for actor, detail in connection.execute(
            select(AuditEntryRow.actor, AuditEntryRow.detail).where(
                AuditEntryRow.entity_kind == "partner", AuditEntryRow.entity_id == "be-haven")
            .order_by(AuditEntryRow.seq))]
    assert steps == [("user:sysadmin", "create"), ("user:sysadmin", "replace"),
                     ("user:sysadmin", "remove")]


# -- sending from a pathway ----------------------------------------------------------------
def test_a_referral_abroad_needs_consent_then_sends_only_the_chosen_fields(
        users: Users, login: Login, registry: Registry, org: OrganisationPublic,
        other_org: OrganisationPublic, partner: Partner) -> None:
    pathway_id = _pathway(registry, org)
    victim = _victim_of(registry, org, pathway_id)
    worker = login("worker")
    section = worker.get(f"{victim}/pathway").text
    assert f'href="/pathways/{pathway_id}/transnational"' in section
    assert 'value="installation:ro-haven"' in section  # consent can name the partner
    form = _send_form(worker, pathway_id)
    assert 'value="ro-haven"' in form and 'value="given_names"' in form
    data = [("partner", "ro-haven"), *FIELDS, ("reason", "return to Romania planned")]

    refused = _post(worker, f"/pathways/{pathway_id}/transnational", form,
                    [*data, ("action", "preview")])
    assert refused.status_code == 409
    assert "Nothing was sent." in refused.text
    assert "No consent or legal ground covers disclosure to this installation" in refused.text
    assert "(recipient ro-haven)" in refused.text  # what is missing, and for whom
    # Consent to disclosure to another organisation does not cover a partner installation.
    assert _consent(worker, victim, str(other_org.id)).status_code == 303
    still = _post(worker, f"/pathways/{pathway_id}/transnational", form,
                  [*data, ("action", "send")])
    assert still.status_code == 409
    assert _outbound(registry) == [] and partner.victims() == 0 and not partner.delivered

    assert _consent(worker, victim, "installation:ro-haven").status_code == 303
    preview = _post(worker, f"/pathways/{pathway_id}/transnational", form,
                    [*data, ("action", "preview")])
    assert preview.status_code == 200, preview.text
    shown = re.search(r'<table id="preview-fields">(.*?)</table>', preview.text, re.S)
    assert shown
    cells = re.sub(r"<[^>]+>", "|", shown.group(1))
    assert "Age at registration||29" in cells and "Citizenship||UA" in cells
    assert "Sexual exploitation" in cells
    labels = re.findall(r"<tr><td>([^<]+)</td>", shown.group(1))
    assert labels == ["Age at registration", "Citizenship", "Forms of exploitation", "Sex"]
    assert "<dd>Consent (The person)</dd>" in preview.text  # the basis, once
    assert "Ana" not in preview.text and "Country of exploitation" not in cells
    assert 'name="action" value="send"' in preview.text
    assert _outbound(registry) == [] and not partner.delivered  # a preview sends nothing

    sent = _post(worker, f"/pathways/{pathway_id}/transnational", preview.text,
                 [*data, ("action", "send")])
    assert sent.status_code == 303, sent.text
    record = worker.get(sent.headers["location"])
    assert 'id="package-status">Acknowledged<' in record.text
    with partner.registry.transaction(Scope("user:ro", partner.org.id, identifying=True)) as tx:
        (received,) = list_pathways(tx)
        taken = tx.victims.get_detail(received.victim_id)
    assert f'id="remote-reference">{received.id}<' in record.text
    assert received.source_installation == "test-haven"
    assert received.source_reference == str(pathway_id)
    assert taken.identifying is None  # no identifying field was chosen
    assert taken.country_of_exploitation is None and taken.citizenships == ["UA"]
    assert _outbound(registry) == [("acknowledged", None)]
    section = worker.get(f"{victim}/pathway").text
    assert "Haven RO (RO)" in section and "Acknowledged" in section
    exchanges = worker.get("/referrals/transnational").text
    assert "V-T1" in exchanges and "Acknowledged" in exchanges
    registry.verify_audit()
    partner.registry.verify_audit()


def test_send_form_problems_and_what_a_first_line_worker_may_send(
        users: Users, login: Login, registry: Registry, org: OrganisationPublic,
        partner: Partner) -> None:
    pathway_id = _pathway(registry, org)
    _consent(login("worker"), _victim_of(registry, org, pathway_id), "installation:ro-haven")
    fieldworker = login("fieldworker")
    form = _send_form(fieldworker, pathway_id)
    assert 'value="given_names"' not in form  # not the first-line worker's to send
    empty = _post(fieldworker, f"/pathways/{pathway_id}/transnational", form,
                  {"action": "preview", "partner": "be-haven", "reason": " "})
    assert empty.status_code == 422
    for name in ("partner", "fields", "reason"):
        assert f'id="{name}-error"' in empty.text, name
    forged = _post(fieldworker, f"/pathways/{pathway_id}/transnational", form,
                   [("partner", "ro-haven"), ("fields", "sex"), ("fields", "given_names"),
                    ("reason", "return"), ("action", "send")])
    assert forged.status_code == 303
    with partner.registry.transaction(Scope("user:ro", partner.org.id, identifying=True)) as tx:
        (received,) = list_pathways(tx)
        taken = tx.victims.get_detail(received.victim_id)
    assert taken.identifying is None and taken.sex is not None  # given names were dropped


def test_a_delivery_error_is_shown_without_personal_data(
        users: Users, login: Login, registry: Registry, org: OrganisationPublic,
        partner: Partner) -> None:
    pathway_id = _pathway(registry, org)
    worker = login("worker")
    victim = _victim_of(registry, org, pathway_id)
    _consent(worker, victim, "installation:ro-haven")
    remove_partner(partner.registry, "test-haven", actor="admin:ro")  # RO stopped knowing us
    form = _send_form(worker, pathway_id)
    failed = _post(worker, f"/pathways/{pathway_id}/transnational", form, [
        ("partner", "ro-haven"), ("fields", "sex"), ("fields", "given_names"),
        ("reason", "return"), ("action", "send")])
    assert failed.status_code == 502
    assert 'id="package-status">Delivery failed<' in failed.text
    assert "the sender is not a partner of this installation" in failed.text
    assert "Ana" not in failed.text and "Pop" not in failed.text
    ((status, error),) = _outbound(registry)
    assert status == "failed" and error is not None and "Ana" not in error
    assert partner.victims() == 0
    assert "Delivery failed" in worker.get(f"{victim}/pathway").text


def test_who_may_see_and_send(users: Users, login: Login, registry: Registry,
                              org: OrganisationPublic, partner: Partner) -> None:
    pathway_id = _pathway(registry, org)
    for username in ("analyst", "rapporteur", "sysadmin", "orgadmin"):
        browser = login(username)
        assert browser.get(f"/pathways/{pathway_id}/transnational").status_code == 403
        assert browser.get("/referrals/transnational").status_code == 403
    outsider = login("outsider")  # a supervisor of another organisation
    assert outsider.get(f"/pathways/{pathway_id}/transnational").status_code == 404
    page = outsider.get("/referrals/transnational").text
    attempt = _post(outsider, f"/pathways/{pathway_id}/transnational", page, [
        ("partner", "ro-haven"), ("fields", "sex"), ("reason", "x"), ("action", "send")])
    assert attempt.status_code == 404
    worker = login("worker")
    _consent(worker, _victim_of(registry, org, pathway_id), "installation:ro-haven")
    form = _send_form(worker, pathway_id)
    no_token = worker.post(f"/pathways/{pathway_id}/transnational", data={
        "partner": "ro-haven", "fields": "sex", "reason": "x", "action": "send"})
    assert no_token.status_code == 403
    assert _outbound(registry) == [] and not partner.delivered
    sent = _post(worker, f"/pathways/{pathway_id}/transnational", form, [
        ("partner", "ro-haven"), ("fields", "sex"), ("reason", "x"), ("action", "send")])
    assert sent.status_code == 303
    assert outsider.get(sent.headers["location"]).status_code == 404
    assert "V-T1" not in outsider.get("/referrals/transnational").text


# -- what came in --------------------------------------------------------------------------
def _incoming(client: TestClient, registry: Registry, sender: InstallationKeys,
              record: dict[str, Any]) -> Any:
    """A package from `sender` (a partner) to this installation, over its inbox endpoint."""
    card: PartnerCard = client.app.state.transnational_card  # type: ignore[attr-defined]
    payload = ReferralPayload(sender_reference="BE-PATHWAY-7", record=record, stage="referred",
                              minority="adult", third_country_national=True,
                              detected_on=DETECTED_ON, consent=[], reason="moved to NL")
    package = seal(payload.model_dump_json().encode(), sender=sender, recipient=card,
                   now=datetime.now(UTC))
    return client.post("/api/transnational/inbox", json=package.model_dump(mode="json"))


def test_the_receiving_organisation_sees_what_partners_sent(
        client: TestClient, users: Users, login: Login, registry: Registry) -> None:
    be = InstallationKeys.generate("be-haven")
    add_partner(registry, be.card(name="Haven BE", country="BE",
                                  endpoint="https://haven.example.be"), actor="admin:test")
    answer = _incoming(client, registry, be, {
        "sex": "male", "citizenships": ["MD"], "given_names": "Ion",
        "exploitation": [{"form": "labour"}]})
    assert answer.status_code == 201, answer.text
    worker = login("worker")
    page = worker.get("/referrals/transnational").text
    article = re.search(r'<article class="referral".*?</article>', page, re.S)
    assert article
    text = article.group(0)
    assert "From Haven BE (BE)" in text and "BE-PATHWAY-7" in text
    assert "Labour exploitation" in text and "MD" in text
    assert "Ion" not in text  # identifying values stay on the record's own page
    assert "Identifying data received (shown on the record&#39;s page): Given names" in text
    link = re.search(r'href="(/victims/[0-9a-f-]{36})#pathway">trm:be-haven:', text)
    assert link
    assert "Referred" in worker.get(f"{link.group(1)}/pathway").text
    outsider = login("outsider")  # another organisation of this installation
    assert "BE-PATHWAY-7" not in outsider.get("/referrals/transnational").text
    assert outsider.get(link.group(1)).status_code == 404


def test_the_pages_say_so_when_transnational_referral_is_off(
        registry: Registry, app_settings: Settings, org: OrganisationPublic) -> None:
    app = create_app(registry, app_settings, login_policy=FAST_LOGIN)
    users = Users(app.state.accounts, org, org)
    users.add("worker", [Role.CASE_WORKER])
    users.add("sysadmin", [Role.SYSTEM_ADMIN])
    pathway_id = _pathway(registry, org)

    def as_user(username: str) -> TestClient:
        browser = TestClient(app)
        page = browser.get("/login")
        assert browser.post("/login", data={
            "username": username, "password": "a long test password 1",
            "csrf_token": csrf_of(page.text)}, follow_redirects=False).status_code == 303
        return browser

    worker = as_user("worker")
    section = worker.get(f"{_victim_of(registry, org, pathway_id)}/pathway").text
    assert f"/pathways/{pathway_id}/transnational" not in section
    form = worker.get(f"/pathways/{pathway_id}/transnational").text
    assert "not set up on this installation" in form and 'name="action"' not in form
    assert _post(worker, f"/pathways/{pathway_id}/transnational", form, [
        ("partner", "ro-haven"), ("fields", "sex"), ("reason", "x"), ("action", "send")]
    ).status_code == 404
    assert "not set up on this installation" in as_user("sysadmin").get("/admin/partners").text


def test_the_pages_in_dutch(users: Users, login: Login, registry: Registry,
                            org: OrganisationPublic) -> None:
    from haven.web._i18n import translator

    users.add("beheerder", [Role.SYSTEM_ADMIN], locale="nl")
    users.add("hulpverlener", [Role.CASE_WORKER], locale="nl")
    dutch = translator("nl")
    admin = login("beheerder").get("/admin/partners").text
    for text in ("Partner installations", "This installation's card", "Add a partner"):
        assert dutch(text) != text and dutch(text).replace("'", "&#39;") in admin, text
    pathway_id = _pathway(registry, org)
    form = login("hulpverlener").get(f"/pathways/{pathway_id}/transnational").text
    for text in ("Partner installation", "What the partner receives",
                 "Show what will be sent"):
        assert dutch(text) != text and dutch(text) in form, text
