"""Haven's web edge under attack: other organisations, rapporteurs, forged forms, stolen cookies.

Every route of the app (API and pages, read from `app.routes`, so a new route is probed the day
it is added) is called with every method by a supervisor-and-administrator of another
organisation and by a rapporteur of the owning one; no answer may carry the owner's records.
Then CSRF, session fixation, brute force, cookie flags, headers, and safe exports.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import msoffcrypto
import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.routing import Mount

from factories import FAST_LOGIN, VICTIM_FIELDS, victim
from haven.access import Role
from haven.config import Settings
from haven.referral import open_pathway
from haven.registry import Registry, Scope
from haven.registry._tables import AuditEntryRow
from haven.standard import CaseCreate, OrganisationPublic, SuspectCreate, validate_record
from haven.web import create_app
from web.conftest import PASSWORD, Users, csrf_of, inbox_settings

# Org A's records: distinctive ids and identifying values that must never reach B or a rapporteur.
A_VICTIM, A_SUSPECT, A_CASE = "SECA-V-7731", "SECA-S-7732", "SECA-C-7733"
A_SECRETS = (
    A_VICTIM, A_SUSPECT, A_CASE,
    "Ioana-Maria", "Zăvoianu", "058812345", "+40 721 555 019", "2001-07-30",  # the victim
    "Dragomir", "Pârvulescu", "RX7730991",  # the suspect
)

B_IDENTIFYING = {"given_names": "Bogdan", "family_name": "Probe", "date_of_birth": "1990-01-01"}

# A victim form as the page posts it (the flat CSV layout).
VICTIM_FORM = {
    "identification_status": "presumed", "registered_on": "2018-03-14", "sex": "female",
    "citizenships": "RO", "country_of_exploitation": "NL", "exploitation": "sexual",
    "version": "1",
}
SUSPECT_FORM = {"person_kind": "natural", "sex": "M", "citizenship": "BG",
                "registered_on": "2018-04-01", "roles": "recruiter"}
CASE_FORM = {"opened_on": "2018-04-02"}


@dataclass
class World:
    """Org A's seeded records, plus the ids a path may name."""

    registry: Registry
    org: OrganisationPublic
    other_org: OrganisationPublic
    victim_id: uuid.UUID
    suspect_id: uuid.UUID
    case_id: uuid.UUID
    pathway_id: uuid.UUID
    token_id: uuid.UUID
    token: dict[str, str]
    user_id: uuid.UUID

    def path_ids(self) -> dict[str, str]:
        return {"victim_id": str(self.victim_id), "suspect_id": str(self.suspect_id),
                "case_id": str(self.case_id), "pathway_id": str(self.pathway_id),
                "token_id": str(self.token_id), "user_id": str(self.user_id),
                "step": "accept"}

    def path(self, template: str, **ids: str) -> str:
        """The template with A's ids; an id A has no record for (none seeded) is a fresh one."""
        known = {**self.path_ids(), **ids}
        names = re.findall(r"{(\w+)}", template)
        unknown = [n for n in names if n not in known]
        assert all(n.endswith("_id") for n in unknown), unknown
        return template.format(**known, **{n: str(uuid.uuid4()) for n in unknown})

    def scope(self) -> Scope:
        return Scope("user:test-check", self.org.id, identifying=True)


@pytest.fixture
def client(registry: Registry, app_settings: Settings, org: OrganisationPublic,
           tmp_path: Path) -> TestClient:
    """The app as installed with transnational referral on, so its inbox is probed too."""
    return TestClient(create_app(registry, app_settings, login_policy=FAST_LOGIN,
                                 transnational=inbox_settings(org, tmp_path)))


@pytest.fixture
def world(users: Users, registry: Registry) -> World:
    users.add("supervisor", [Role.SUPERVISOR])
    # The strongest user of another organisation short of running the installation.
    users.add("intruder", [Role.SUPERVISOR, Role.ORG_ADMIN, Role.ANALYST, Role.CASE_WORKER,
                           Role.FIRST_LINE_WORKER], users.other_org)
    scope = Scope("user:seed", users.org.id, identifying=True)
    with registry.transaction(scope) as tx:
        created = tx.victims.create(victim(external_id=A_VICTIM))
        suspect = tx.suspects.create(validate_record(SuspectCreate, {
            "external_id": A_SUSPECT, "sex": "M", "citizenship": "BG",
            "registered_on": "2018-04-01", "roles": ["recruiter"],
            "identifying": {"given_names": "Dragomir", "family_name": "Pârvulescu",
                            "documents": [{"kind": "passport", "issuing_country": "BG",
                                           "number": "RX7730991"}]}}))
        case = tx.cases.create(validate_record(CaseCreate, {
            "external_id": A_CASE, "opened_on": "2018-04-02", "victims": [A_VICTIM],
            "suspects": [A_SUSPECT], "route": [{"kind": "recruitment", "country": "RO"}]}))
        pathway = open_pathway(tx, created.id, on=date(2018, 3, 14),
                               reason="presumed victim, met at an outreach")
    worker = users.principal("worker")
    token, token_id = users.accounts.create_token(worker, "a's token")
    return World(registry, users.org, users.other_org, created.id, suspect.id, case.id,
                 pathway.id, token_id, {"Authorization": f"Bearer {token}"}, worker.user_id)


def _leaks(text: str, sent: str = "") -> list[str]:
    """A's secrets in an answer, except those the caller itself sent (an echo is no leak)."""
    found = []
    for secret in A_SECRETS:
        if secret in sent:
            continue
        if secret in text or json.dumps(secret)[1:-1] in text:
            found.append(secret)
    return found


# -- every route, every method ------------------------------------------------------------------
def _endpoints(app: FastAPI) -> Iterator[tuple[str, str]]:
    # FastAPI keeps included routers as branches; this walks them as the OpenAPI builder does.
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):  # /static: Haven's own assets, no records
            continue
        assert route.path and route.methods, route
        for method in sorted(route.methods):
            yield method, route.path


# Routes that end the caller's own session; their safety is tested below with the sessions.
_SESSION_ENDERS = {"/logout", "/logout-everywhere"}
_RECORD_PREFIXES = ("/api/victims", "/api/suspects", "/api/cases", "/victims", "/suspects",
                    "/pathways", "/referrals",
                    "/cases", "/export")
_serial = itertools.count()


def _request_of(method: str, template: str, world: World) -> dict[str, Any]:
    """A plausible, valid request for the route, so it reaches the authorisation check.

    Nothing sent names org A's records except by id in the path, and the case that tries to
    link A's victim by its external id (the answer may echo what the caller sent)."""
    n = next(_serial)
    api_bodies: dict[tuple[str, str], Any] = {
        ("POST", "/api/tokens"): {"name": f"probe {n}"},
        ("POST", "/api/victims"): {**VICTIM_FIELDS, "external_id": f"B-PROBE-V{n}",
                                   "identifying": B_IDENTIFYING},
        ("PATCH", "/api/victims/{victim_id}"): {"version": 1, "identification_status":
                                                 "identified"},
        ("POST", "/api/suspects"): {"external_id": f"B-PROBE-S{n}", "sex": "M",
                                    "citizenship": "BG", "registered_on": "2018-04-01"},
        ("PATCH", "/api/suspects/{suspect_id}"): {"version": 1, "sex": "F"},
        ("POST", "/api/cases"): {"external_id": f"B-PROBE-C{n}", "opened_on": "2018-04-02",
                                 "victims": [A_VICTIM]},
        ("PATCH", "/api/cases/{case_id}"): {"version": 1, "opened_on": "2019-01-01"},
        ("POST", "/api/transnational/inbox"): {  # unsigned: refused before anything is read
            "package_id": str(uuid.uuid4()), "sender": "ro-haven", "recipient": "test-haven",
            "created_at": "2026-01-01T00:00:00Z", "ephemeral_key": "AAAA", "nonce": "AAAA",
            "ciphertext": "AAAA"},
    }
    forms: dict[tuple[str, str], dict[str, str]] = {
        ("POST", "/login"): {"username": "worker", "password": "not the password"},
        ("POST", "/language"): {"locale": "en", "next": "/"},
        ("POST", "/account/tokens"): {"name": f"probe {n}"},
        ("POST", "/victims/new"): {**VICTIM_FORM, "external_id": f"B-PROBE-F{n}"},
        ("POST", "/victims/{victim_id}/edit"): {
            **VICTIM_FORM, "external_id": "B-OVERWRITE", "identification_status": "identified",
            "family_name": "Overwritten"},
        ("POST", "/suspects/new"): {**SUSPECT_FORM, "external_id": f"B-PROBE-SF{n}"},
        ("POST", "/cases/new"): {**CASE_FORM, "external_id": f"B-PROBE-CF{n}",
                                 "victims": A_VICTIM},
        ("POST", "/admin/users"): {"organisation_id": str(world.org.id),
                                   "username": f"planted{n}", "display_name": "Planted",
                                   "password": "a planted password 1", "roles": "case_worker"},
        ("POST", "/admin/users/{user_id}"): {"action": "disable"},
        ("POST", "/admin/organisations"): {"code": f"planted-{n}", "name": "Planted",
                                           "country": "NL", "type": "ngo"},
        ("POST", "/export"): {"kind": "victim", "format": "csv", "identifying": "true"},
    }
    queries: dict[str, dict[str, str]] = {
        "/admin/users": {"organisation": str(world.org.id)},
        "/victims": {"q": "SECA"},
        "/suspects": {"q": "SECA"},
        "/cases": {"q": "SECA"},
        "/cases/new": {"victim": A_VICTIM},
        "/api/victims": {"external_id": "SECA"},
        "/victims/{victim_id}": {"identifying": "true"},
    }
    request: dict[str, Any] = {}
    if (method, template) in api_bodies:
        request["json"] = api_bodies[method, template]
    elif (method, template) in forms:
        request["data"] = forms[method, template]
    elif method in ("POST", "PATCH", "PUT"):
        # No plausible body known here: an empty one still has to pass the same checks.
        request["json" if template.startswith("/api/") else "data"] = {}
    if method in ("GET", "HEAD") and template in queries:
        request["params"] = queries[template]
    return request


@dataclass
class Answer:
    method: str
    template: str
    via: str
    status: int
    leaks: list[str]


def _sweep(client: TestClient, world: World, session: TestClient, bearer: dict[str, str]
           ) -> list[Answer]:
    """Every route and method, through the session (with its CSRF token) and, for the API,
    with a bearer token."""
    csrf = {"X-CSRF-Token": csrf_of(session.get("/account").text)}
    answers = []
    for method, template in _endpoints(client.app):  # type: ignore[arg-type]
        if template in _SESSION_ENDERS:
            continue
        path = world.path(template)
        ways = [("session", session, csrf)]
        if template.startswith("/api/"):
            ways.append(("bearer", client, bearer))
        for via, caller, headers in ways:
            request = _request_of(method, template, world)
            response = caller.request(method, path, headers=headers, follow_redirects=False,
                                      **request)
            sent = json.dumps(request, ensure_ascii=False)
            answers.append(Answer(method, template, via, response.status_code,
                                  _leaks(response.text, sent)))
    return answers


def _unchanged(world: World, client: TestClient) -> None:
    with world.registry.transaction(world.scope()) as tx:
        detail = tx.victims.get_detail(world.victim_id)
        assert detail.version == 1
        assert detail.identifying is not None
        assert detail.identifying.family_name == "Zăvoianu"
        assert tx.suspects.get(world.suspect_id).version == 1
        assert tx.cases.get(world.case_id).version == 1
        assert tx.victims.page().total == 1
    assert client.get("/api/me", headers=world.token).status_code == 200
    names = {u.username for u in client.app.state.accounts.users(  # type: ignore[attr-defined]
        _sysadmin(client), world.org.id)}
    assert not any(name.startswith("planted") for name in names)
    codes = {o.code for o in world.registry.organisations()}
    assert not any(code.startswith("planted") for code in codes)


def _sysadmin(client: TestClient) -> Any:
    return client.app.state.accounts.login("sysadmin", PASSWORD)[1].principal  # type: ignore[attr-defined]


def test_another_organisation_never_gets_the_records(
    client: TestClient, world: World, users: Users, login: Callable[[str], TestClient],
) -> None:
    answers = _sweep(client, world, login("intruder"), users.token("intruder"))
    assert len({(a.method, a.template) for a in answers}) >= 30
    assert [a for a in answers if a.leaks] == []
    assert [a for a in answers if a.status >= 500] == []
    by_id = [a for a in answers if "{" in a.template and "token" not in a.template]
    assert by_id
    assert [a for a in by_id if a.status not in (403, 404)] == []
    tokens = [a for a in answers if "{token_id}" in a.template]
    assert [a.status for a in tokens] == [404, 404]  # A's token is not B's to revoke
    other_users = [a for a in answers if a.template == "/admin/users" and a.method == "GET"]
    assert [a.status for a in other_users] == [403]
    _unchanged(world, client)


def test_a_rapporteur_gets_no_record_and_no_identifying_data(
    client: TestClient, world: World, users: Users, login: Callable[[str], TestClient],
) -> None:
    answers = _sweep(client, world, login("rapporteur"), users.token("rapporteur"))
    assert [a for a in answers if a.leaks] == []
    assert [a for a in answers if a.status >= 500] == []
    records = [a for a in answers if a.template.startswith(_RECORD_PREFIXES)]
    assert len(records) >= 20
    assert [a for a in records if a.status not in (403, 404)] == []
    _unchanged(world, client)
    # What a rapporteur does get: the dashboard of released figures.
    dashboard = login("rapporteur").get("/")
    assert dashboard.status_code == 200
    assert _leaks(dashboard.text) == []


# -- CSRF ---------------------------------------------------------------------------------------
@dataclass
class Form:
    user: str
    data: dict[str, str]
    check: Callable[[World, TestClient], None]


def _no_victim_created(world: World, _session: TestClient) -> None:
    with world.registry.transaction(world.scope()) as tx:
        assert tx.victims.find("CSRF-V-1") is None


def _no_suspect_created(world: World, _session: TestClient) -> None:
    with world.registry.transaction(world.scope()) as tx:
        assert tx.suspects.find("CSRF-S-1") is None


def _no_case_created(world: World, _session: TestClient) -> None:
    with world.registry.transaction(world.scope()) as tx:
        assert tx.cases.find("CSRF-C-1") is None


def _victim_unchanged(world: World, _session: TestClient) -> None:
    with world.registry.transaction(world.scope()) as tx:
        assert tx.victims.get(world.victim_id).version == 1


def _no_user_created(world: World, session: TestClient) -> None:
    names = {u.username for u in session.app.state.accounts.users(  # type: ignore[attr-defined]
        _sysadmin(session), world.org.id)}
    assert "csrf-made" not in names


def _fieldworker_enabled(world: World, session: TestClient) -> None:
    session.app.state.accounts.login("fieldworker", PASSWORD)  # type: ignore[attr-defined]


def _no_org_created(world: World, _session: TestClient) -> None:
    assert "csrf-made" not in {o.code for o in world.registry.organisations()}


def _locale_unchanged(_world: World, session: TestClient) -> None:
    assert 'lang="en"' in session.get("/account").text


def _still_logged_in(_world: World, session: TestClient) -> None:
    assert session.get("/account").status_code == 200


def _no_export_audited(world: World, _session: TestClient) -> None:
    assert _exports(world.registry) == []


def _page_forms(world: World) -> dict[str, Form]:
    return {
        "/login": Form("", {}, _still_logged_in),  # tested on its own below
        "/logout": Form("worker", {}, _still_logged_in),
        "/logout-everywhere": Form("worker", {}, _still_logged_in),
        "/language": Form("worker", {"locale": "nl", "next": "/"}, _locale_unchanged),
        "/account/tokens": Form("worker", {"name": "csrf"}, _still_logged_in),
        "/victims/new": Form("worker", {**VICTIM_FORM, "external_id": "CSRF-V-1"},
                             _no_victim_created),
        "/suspects/new": Form("worker", {**SUSPECT_FORM, "external_id": "CSRF-S-1"},
                              _no_suspect_created),
        "/cases/new": Form("worker", {**CASE_FORM, "external_id": "CSRF-C-1",
                                      "victims": A_VICTIM}, _no_case_created),
        "/victims/{victim_id}/edit": Form("worker", {
            **VICTIM_FORM, "external_id": A_VICTIM, "identification_status": "identified"},
            _victim_unchanged),
        "/admin/users": Form("orgadmin", {
            "organisation_id": str(world.org.id), "username": "csrf-made",
            "display_name": "Csrf", "password": "a csrf password 123", "roles": "case_worker"},
            _no_user_created),
        "/admin/users/{user_id}": Form("orgadmin", {"action": "disable"},
                                          _fieldworker_enabled),
        "/admin/organisations": Form("sysadmin", {
            "code": "csrf-made", "name": "Csrf", "country": "NL", "type": "ngo"},
            _no_org_created),
        "/export": Form("worker", {"kind": "victim", "format": "csv"}, _no_export_audited),
    }


def test_every_state_changing_form_needs_its_csrf_token(
    client: TestClient, world: World, users: Users, login: Callable[[str], TestClient],
) -> None:
    forms = _page_forms(world)
    ids = {**world.path_ids(), "user_id": str(users.principal("fieldworker").user_id)}
    sessions: dict[str, TestClient] = {}
    others: dict[str, str] = {}  # the CSRF token of the same user's other session
    # Session enders last, each on its own session: the right token ends it.
    for template in sorted(set(forms) - {"/login"}, key=lambda t: t in _SESSION_ENDERS):
        form = forms[template]
        if form.user not in others:
            others[form.user] = csrf_of(login(form.user).get("/").text)
        if template in _SESSION_ENDERS or form.user not in sessions:
            sessions[form.user] = login(form.user)
        session = sessions[form.user]
        path = world.path(template, **ids)
        for token in (None, "forged-" + "x" * 40, others[form.user]):
            data = form.data if token is None else {**form.data, "csrf_token": token}
            response = session.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, (template, token, response.text)
            form.check(world, session)
        right = csrf_of(session.get("/account").text)
        response = session.post(path, data={**form.data, "csrf_token": right},
                                follow_redirects=False)
        assert response.status_code in (200, 303), (template, response.text)


def _page_posts(app: FastAPI) -> set[str]:
    return {t for m, t in _endpoints(app)
            if m in ("POST", "PUT", "PATCH", "DELETE") and not t.startswith("/api/")}


def test_every_other_page_post_is_refused_without_its_token(
    client: TestClient, world: World, login: Callable[[str], TestClient],
) -> None:
    """Forms with no full case above: refused before they are read, and nothing is written
    (the audit log, which records every change, does not grow)."""
    others = _page_posts(client.app) - set(_page_forms(world))  # type: ignore[arg-type]
    session = login("supervisor")
    other_token = csrf_of(login("supervisor").get("/").text)
    before = world.registry.verify_audit().entries
    for template in sorted(others):
        for token in (None, "forged-" + "x" * 40, other_token):
            data = {"reason": "csrf probe"} | ({} if token is None else {"csrf_token": token})
            response = session.post(world.path(template), data=data, follow_redirects=False)
            assert response.status_code == 403, (template, token, response.text)
    assert world.registry.verify_audit().entries == before


def test_the_login_form_needs_its_csrf_cookie_and_field(client: TestClient, users: Users
                                                         ) -> None:
    credentials = {"username": "worker", "password": PASSWORD}
    token = csrf_of(client.get("/login").text)
    cookie = client.cookies.get("haven_login_csrf")
    assert cookie == token
    refused = [
        client.post("/login", data=credentials, follow_redirects=False),  # no field
        client.post("/login", data={**credentials, "csrf_token": "forged"},
                    follow_redirects=False),
    ]
    client.cookies.clear()
    refused.append(client.post("/login", data={**credentials, "csrf_token": token},
                               follow_redirects=False))  # field without its cookie
    for response in refused:
        assert response.status_code == 403
        assert "haven_session" not in response.headers.get("set-cookie", "")


def test_api_csrf_for_cookies_not_for_bearer_tokens(
    client: TestClient, world: World, users: Users, login: Callable[[str], TestClient],
) -> None:
    body = {**VICTIM_FIELDS, "external_id": "API-CSRF-1"}
    session = login("worker")
    assert session.post("/api/victims", json=body).status_code == 403
    patch = {"version": 1, "identification_status": "identified"}
    path = f"/api/victims/{world.victim_id}"
    assert session.patch(path, json=patch).status_code == 403
    assert session.patch(path, json=patch, headers={"X-CSRF-Token": "forged"}
                         ).status_code == 403
    _unchanged(world, client)
    csrf = {"X-CSRF-Token": csrf_of(session.get("/account").text)}
    assert session.post("/api/victims", json=body, headers=csrf).status_code == 201
    assert session.patch(path, json=patch, headers=csrf).status_code == 200
    bearer = client.post("/api/victims", json={**body, "external_id": "API-CSRF-2"},
                         headers=world.token)
    assert bearer.status_code == 201
    assert "haven_session" not in client.cookies


# -- sessions -----------------------------------------------------------------------------------
def _session_cookie(response: Any) -> str:
    """The session id a response sets (read from the header: the jar may hold several)."""
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name == "haven_session":
            return str(rest.split(";")[0])
    raise AssertionError("no session cookie set")


def _log_in(client: TestClient, username: str = "worker") -> str:
    page = client.get("/login")
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": csrf_of(page.text)},
                           follow_redirects=False)
    assert response.status_code == 303
    return _session_cookie(response)


def test_log_in_sets_a_new_session_id(client: TestClient, users: Users) -> None:
    planted = TestClient(client.app, cookies={"haven_session": "chosen-by-an-attacker"})
    first = _log_in(planted)
    assert first != "chosen-by-an-attacker"
    browser = TestClient(client.app)
    before = _log_in(browser)
    after = _log_in(browser)  # a session already open is replaced, not reused
    assert len({first, before, after}) == 3
    for token, status in (("chosen-by-an-attacker", 401), (first, 200), (after, 200)):
        replay = TestClient(client.app, cookies={"haven_session": token})
        assert replay.get("/api/me").status_code == status


def test_log_out_ends_the_session_on_the_server(client: TestClient, users: Users) -> None:
    token = _log_in(client)
    csrf = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": csrf},
                       follow_redirects=False).status_code == 303
    replay = TestClient(client.app, cookies={"haven_session": token})
    assert replay.get("/api/me").status_code == 401
    page = replay.get("/victims", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


def test_log_out_everywhere_ends_every_session(client: TestClient, users: Users) -> None:
    laptop, phone = TestClient(client.app), TestClient(client.app)
    laptop_token, phone_token = _log_in(laptop), _log_in(phone)
    assert phone.get("/api/me").status_code == 200
    csrf = csrf_of(laptop.get("/").text)
    assert laptop.post("/logout-everywhere", data={"csrf_token": csrf},
                       follow_redirects=False).status_code == 303
    for token in (laptop_token, phone_token):
        replay = TestClient(client.app, cookies={"haven_session": token})
        assert replay.get("/api/me").status_code == 401


# -- brute force --------------------------------------------------------------------------------
def _attempt(client: TestClient, username: str, password: str) -> int:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token}, follow_redirects=False
                       ).status_code


def test_wrong_passwords_lock_the_account(client: TestClient, users: Users) -> None:
    statuses = [_attempt(client, "worker", f"wrong guess {i}")
                for i in range(FAST_LOGIN.max_failures)]
    assert statuses == [401] * FAST_LOGIN.max_failures
    assert _attempt(client, "worker", PASSWORD) == 401  # locked: even the right one fails
    assert _attempt(client, "analyst", PASSWORD) == 303  # only that account


def test_one_address_is_rate_limited(client: TestClient, users: Users) -> None:
    limit = client.app.state.login_limiter.limit  # type: ignore[attr-defined]
    statuses = [_attempt(client, f"nobody{i}", "a guessed password") for i in range(limit)]
    assert set(statuses) == {401}
    assert _attempt(client, "nobody-more", "a guessed password") == 429
    assert _attempt(client, "analyst", PASSWORD) == 429  # the address, whatever the account
    assert "haven_session" not in client.cookies


# -- cookies and headers ------------------------------------------------------------------------
def _cookie_header(response: Any, name: str) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert headers, f"no {name} cookie set"
    return str(headers[0]).lower()


def test_cookies_are_httponly_and_samesite_strict(client: TestClient, users: Users) -> None:
    page = client.get("/login")
    cookies = {"haven_login_csrf": _cookie_header(page, "haven_login_csrf")}
    logged_in = client.post("/login", data={"username": "worker", "password": PASSWORD,
                                            "csrf_token": csrf_of(page.text)},
                            follow_redirects=False)
    cookies["haven_session"] = _cookie_header(logged_in, "haven_session")
    language = client.post("/language", data={"locale": "nl",
                                              "csrf_token": csrf_of(client.get("/").text)},
                           follow_redirects=False)
    cookies["haven_lang"] = _cookie_header(language, "haven_lang")
    for name, header in cookies.items():
        assert "httponly" in header, name
        assert "samesite=strict" in header, name
    assert "max-age" not in cookies["haven_session"]  # a browser-session cookie
    assert "expires" not in cookies["haven_session"]


def test_security_headers_on_every_kind_of_answer(
    client: TestClient, world: World, login: Callable[[str], TestClient],
) -> None:
    session = login("worker")
    answers = {
        "login page": client.get("/login"),
        "victim page": session.get(f"/victims/{world.victim_id}"),
        "not found": session.get(f"/victims/{uuid.uuid4()}"),
        "api": client.get("/api/victims", headers=world.token),
        "api 401": client.get("/api/victims"),
        "static": client.get("/static/app.css"),
    }
    for what, response in answers.items():
        csp = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in csp, what
        assert "frame-ancestors 'none'" in csp, what
        assert "http" not in csp and "cdn" not in csp, what
        assert response.headers.get("x-frame-options") == "DENY", what
        assert response.headers.get("x-content-type-options") == "nosniff", what
    # Every asset a page names is Haven's own.
    for page in (answers["login page"], answers["victim page"]):
        assert 'src="http' not in page.text and 'href="http' not in page.text


def test_pages_and_answers_with_personal_data_are_not_cached(
    client: TestClient, world: World, login: Callable[[str], TestClient],
) -> None:
    session = login("worker")
    personal = {
        "list": session.get("/victims"),
        "record": session.get(f"/victims/{world.victim_id}?identifying=true"),
        "edit": session.get(f"/victims/{world.victim_id}/edit"),
        "suspect": session.get(f"/suspects/{world.suspect_id}"),
        "case": session.get(f"/cases/{world.case_id}"),
        "dashboard": session.get("/"),
        "api record": client.get(f"/api/victims/{world.victim_id}", headers=world.token),
        "api identifying": client.get(f"/api/victims/{world.victim_id}/identifying",
                                      headers=world.token),
        "api list": client.get("/api/victims", headers=world.token),
    }
    for what, response in personal.items():
        assert response.status_code == 200, what
        assert "no-store" in response.headers.get("cache-control", ""), what


# -- exports ------------------------------------------------------------------------------------
FORMULAS = {"place_of_birth": '=HYPERLINK("http://evil.example","open")',
            "aliases": "@SUM(1+1)*cmd|' /C calc'!A0", "given_names": "-Ioana",
            "phones": "+40 721 555 019"}


@pytest.fixture
def formula_victim(world: World) -> None:
    identifying = {**VICTIM_FIELDS["identifying"], "given_names": FORMULAS["given_names"],
                   "place_of_birth": FORMULAS["place_of_birth"],
                   "aliases": [FORMULAS["aliases"]]}
    with world.registry.transaction(world.scope()) as tx:
        tx.victims.create(victim(external_id="SECA-X-1", identifying=identifying))


def _exports(registry: Registry) -> list[dict[str, Any]]:
    with registry.engine.connect() as connection:
        rows = connection.execute(select(AuditEntryRow).where(AuditEntryRow.action == "export"))
        return [{"actor": r.actor, **json.loads(r.detail)} for r in rows]


def _export(session: TestClient, **form: str) -> Any:
    token = csrf_of(session.get("/export").text)
    return session.post("/export", data={"csrf_token": token, **form})


def _formula_cells(values: list[str]) -> list[str]:
    return [v for v in values if v and v[0] in "=+-@\t\r"]


def test_identifying_export_needs_the_permission_and_is_audited(
    client: TestClient, world: World, formula_victim: None, login: Callable[[str], TestClient],
) -> None:
    denied = _export(login("worker"), kind="victim", format="csv", identifying="true")
    assert denied.status_code == 403
    assert _leaks(denied.text) == []
    assert _exports(world.registry) == []

    response = _export(login("supervisor"), kind="victim", format="csv", identifying="true")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["family_name"] for r in rows} == {"Zăvoianu"}
    cells = [v for r in rows for v in r.values()]
    assert _formula_cells(cells) == []
    formula_row = next(r for r in rows if r["external_id"] == "SECA-X-1")
    for column, value in FORMULAS.items():
        assert formula_row[column] == "'" + value, column
    assert [(e["actor"], e["identifying"], e["format"]) for e in _exports(world.registry)
            ] == [("user:supervisor", True, "csv")]


def test_xlsx_export_neutralises_and_can_be_locked(
    client: TestClient, world: World, formula_victim: None, login: Callable[[str], TestClient],
) -> None:
    supervisor = login("supervisor")
    plain = _export(supervisor, kind="victim", format="xlsx", identifying="true")
    assert plain.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(plain.content)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert _formula_cells([str(c.value) for c in cells if c.value is not None]) == []
    assert "'" + FORMULAS["place_of_birth"] in {c.value for c in cells}

    password = "a long export password 7"
    locked = _export(supervisor, kind="victim", format="xlsx", identifying="true",
                     password=password)
    assert locked.status_code == 200
    assert b"Zavoianu" not in locked.content and "Zăvoianu".encode() not in locked.content
    with pytest.raises(Exception):  # noqa: B017, PT011 - openpyxl raises zipfile's or its own
        openpyxl.load_workbook(io.BytesIO(locked.content))
    office = msoffcrypto.OfficeFile(io.BytesIO(locked.content))
    assert office.is_encrypted()
    wrong = msoffcrypto.OfficeFile(io.BytesIO(locked.content))
    wrong.load_key(password="not the password at all")
    with pytest.raises(Exception):  # noqa: B017, PT011 - msoffcrypto's InvalidKeyError
        wrong.decrypt(io.BytesIO())
    office.load_key(password=password)
    opened = io.BytesIO()
    office.decrypt(opened)
    decrypted = openpyxl.load_workbook(opened).active
    assert decrypted is not None
    assert "Zăvoianu" in {c.value for row in decrypted.iter_rows() for c in row}
    assert [(e["identifying"], e.get("password_protected")) for e in _exports(world.registry)
            ] == [(True, False), (True, True)]


def test_a_short_export_password_is_refused(
    world: World, login: Callable[[str], TestClient],
) -> None:
    response = _export(login("supervisor"), kind="victim", format="xlsx", identifying="true",
                       password="short")
    assert response.status_code == 422
    assert _leaks(response.text) == []


# -- redirects and disabled accounts ------------------------------------------------------------
@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/",
                                    "/\t/evil.example/", "\\\\evil.example"])
def test_log_in_never_redirects_off_site(client: TestClient, users: Users, target: str) -> None:
    page = client.get("/login", params={"next": target})
    response = client.post("/login", data={"username": "worker", "password": PASSWORD,
                                           "csrf_token": csrf_of(page.text), "next": target},
                           follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    # A browser reads a backslash as a slash and drops tabs: "/\\x" is "//x", another site.
    normalised = location.replace("\\", "/").replace("\t", "")
    assert normalised.startswith("/") and not normalised.startswith("//"), location


def test_disabling_a_user_ends_their_sessions_and_tokens(
    client: TestClient, users: Users, login: Callable[[str], TestClient],
) -> None:
    worker = login("worker")
    token = users.token("worker")
    assert worker.get("/api/me").status_code == 200
    admin = login("orgadmin")
    user_id = users.principal("worker").user_id
    disabled = admin.post(f"/admin/users/{user_id}", follow_redirects=False, data={
        "action": "disable", "csrf_token": csrf_of(admin.get("/admin/users").text)})
    assert disabled.status_code == 303
    assert worker.get("/api/me").status_code == 401
    assert client.get("/api/me", headers=token).status_code == 401


def test_every_read_of_identifying_data_is_audited(
    client: TestClient, world: World, login: Callable[[str], TestClient],
) -> None:
    def reads() -> list[tuple[str, str | None]]:
        with world.registry.engine.connect() as connection:
            rows = connection.execute(select(AuditEntryRow).where(
                AuditEntryRow.action == "read_identifying"))
            return [(r.actor, r.entity_id) for r in rows]

    before = reads()
    session = login("worker")
    assert "Zăvoianu" not in session.get(f"/victims/{world.victim_id}").text  # not by default
    assert reads() == before
    assert "Zăvoianu" in session.get(f"/victims/{world.victim_id}?identifying=true").text
    api = client.get(f"/api/victims/{world.victim_id}/identifying", headers=world.token)
    assert api.status_code == 200
    new = reads()[len(before):]
    assert [actor.split("/")[0] for actor, _ in new] == ["user:worker", "user:worker"]
    assert {entity for _, entity in new} == {str(world.victim_id)}
