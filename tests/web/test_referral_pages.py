"""Screening, pathway and referral pages, driven through their real forms (TestClient)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from haven.access import Role
from haven.referral import AssistanceKind, ServiceCreate, add_service
from haven.registry import Registry, Scope
from haven.standard import OrganisationPublic
from haven.web._i18n import translator
from web.conftest import Users, csrf_of

Login = Callable[[str], TestClient]
ANSWERS = {"a-g-threats": "yes", "a-l-wages": "yes", "a-g-documents": "unknown"}
KINDS = [("kinds", "general"), ("kinds", "labour_exploitation")]
QUERY = {"kinds": ["general", "labour_exploitation"]}


@pytest.fixture
def shelter(registry: Registry, other_org: OrganisationPublic) -> str:
    with registry.transaction(Scope("user:seed", other_org.id)) as tx:
        service = add_service(tx, ServiceCreate(
            kind=AssistanceKind.SHELTER, name="Casa Speranta", country="RO", places_total=2,
            languages=frozenset({"ro"})))
    return str(service.id)


def _post(browser: TestClient, url: str, page: str, data: list[tuple[str, str]] | dict[str, str]
          ) -> Any:
    items = list(data.items()) if isinstance(data, dict) else list(data)
    form: dict[str, list[str]] = {}
    for name, value in [*items, ("csrf_token", csrf_of(page))]:
        form.setdefault(name, []).append(value)
    return browser.post(url, data=form, follow_redirects=False)


def _screen(browser: TestClient, external_id: str = "SCR-0001", age: str = "") -> str:
    """Screen through the forms and open the pathway; returns the victim's page address."""
    start = browser.get("/screening")
    assert start.status_code == 200
    questions = browser.get("/screening/questions", params=QUERY)
    result = _post(browser, "/screening/assess", questions.text,
                   [*KINDS, *ANSWERS.items(), ("age", age)])
    assert result.status_code == 200, result.text
    opened = _post(browser, "/screening/open", result.text, [
        *KINDS, *ANSWERS.items(), ("age", age), ("record", "new"),
        ("external_id", external_id), ("registered_on", date.today().isoformat()),
        ("sex", "female"), ("age_at_registration", age), ("citizenships", "RO"),
        ("country_of_exploitation", "NL"), ("detected_on", date.today().isoformat()),
        ("reason", "screened at a labour inspection")])
    assert opened.status_code == 303, opened.text
    location: str = opened.headers["location"]
    assert re.match(r"^/victims/[0-9a-f-]{36}\?created=1#pathway$", location)
    return location.split("?")[0]


def _pathway_id(html: str) -> str:
    match = re.search(r'action="/pathways/([0-9a-f-]{36})/events"', html)
    assert match, "no step form on the pathway"
    return match.group(1)


def _step(browser: TestClient, victim: str, kind: str, **fields: str) -> Any:
    page = browser.get(f"{victim}/pathway")
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    return _post(browser, f"/pathways/{_pathway_id(page.text)}/events", page.text, {
        "kind": kind, "version": version.group(1), "on": date.today().isoformat(), **fields})


def _consent(browser: TestClient, victim: str, recipient: str = "") -> None:
    page = browser.get(f"{victim}/pathway")
    response = _post(browser, f"/pathways/{_pathway_id(page.text)}/consents", page.text, [
        ("purposes", "services"), ("purposes", "disclosure"), ("basis", "consent"),
        ("given_by", "person"), ("recipient", recipient)])
    assert response.status_code == 303, response.text


def test_screening_shows_cited_indicators_and_an_explained_result(users: Users,
                                                                  login: Login) -> None:
    browser = login("fieldworker")
    start = browser.get("/screening")
    assert 'type="checkbox" name="kinds" value="child"' in start.text
    questions = browser.get("/screening/questions", params=QUERY)
    assert "<legend>Someone else keeps the person&#39;s passport" in questions.text
    assert "ILO Indicators of Forced Labour (2012), indicator 7" in questions.text
    assert 'name="a-l-wages" value="yes"' in questions.text
    assert "s-clients" not in questions.text  # a checklist not chosen
    result = _post(browser, "/screening/assess", questions.text, [*KINDS, *ANSWERS.items()])
    html = result.text
    assert "Presumed victim" in html
    assert "Likely form(s) of exploitation: labour exploitation." in html
    assert "Still to ask: g-documents." in html
    assert 'action="/screening/open"' in html

    weak = _post(browser, "/screening/assess", questions.text, [*KINDS, ("a-l-wages", "no")])
    assert "No indication of trafficking" in weak.text
    assert 'action="/screening/open"' not in weak.text

    bad = _post(browser, "/screening/assess", questions.text, [*KINDS, ("a-l-wages", "maybe")])
    assert bad.status_code == 422
    assert "yes, no or unknown" in bad.text


def test_screening_in_dutch(users: Users, login: Login) -> None:
    users.add("veldwerker", [Role.FIRST_LINE_WORKER], locale="nl")
    browser = login("veldwerker")
    dutch = translator("nl")
    page = browser.get("/screening/questions", params=QUERY)
    assert dutch("Screen a person") in page.text and dutch("Screen a person") != "Screen a person"
    assert "Iemand anders houdt het paspoort" in page.text
    result = _post(browser, "/screening/assess", page.text, [*KINDS, *ANSWERS.items()])
    assert "Vermoedelijk slachtoffer: verwijs nu naar hulp" in result.text
    victim = _screen(browser, "SCR-NL")
    pathway = browser.get(f"{victim}/pathway").text
    for text in ("Next steps", "Running clocks", "Referred to support", "Detected"):
        assert dutch(text) != text and dutch(text) in pathway


def test_open_pathway_problems_are_shown_next_to_their_fields(users: Users,
                                                              login: Login) -> None:
    browser = login("fieldworker")
    questions = browser.get("/screening/questions", params=QUERY)
    result = _post(browser, "/screening/assess", questions.text, [*KINDS, *ANSWERS.items()])
    failed = _post(browser, "/screening/open", result.text, [
        *KINDS, *ANSWERS.items(), ("record", "new"), ("external_id", "X-1"),
        ("registered_on", date.today().isoformat()), ("citizenships", "QQ"),
        ("detected_on", date.today().isoformat()), ("reason", "screened")])
    assert failed.status_code == 422
    assert 'id="citizenships-error"' in failed.text
    missing = _post(browser, "/screening/open", result.text, [
        *KINDS, *ANSWERS.items(), ("record", "existing"), ("existing", "NOPE-1"),
        ("detected_on", date.today().isoformat()), ("reason", "screened")])
    assert missing.status_code == 422
    assert "no record with this id" in missing.text


def test_pathway_steps_refusals_and_history(users: Users, login: Login) -> None:
    browser = login("fieldworker")
    victim = _screen(browser)
    page = browser.get(victim)
    assert f'hx-get="{victim}/pathway"' in page.text
    section = browser.get(f"{victim}/pathway", headers={"HX-Request": "true"})
    assert "<html" not in section.text  # the fragment only
    assert 'id="pathway-stage">Detected<' in section.text
    assert "<summary>Referred to support</summary>" in section.text
    assert "screened at a labour inspection" in section.text  # history

    no_reason = _step(browser, victim, "referred", reason="")
    assert no_reason.status_code == 422
    assert 'id="e-referred-reason-error"' in no_reason.text
    refused = _step(browser, victim, "identification_decided", reason="NRM", positive="yes",
                    authority="NRM")
    assert refused.status_code == 409
    assert "formal identification follows a positive" in refused.text

    assert _step(browser, victim, "referred", reason="to a shelter").status_code == 303
    assert _step(browser, victim, "reflection_started",
                 reason="offered by the police").status_code == 303
    section = browser.get(f"{victim}/pathway")
    end = date.today() + timedelta(days=1)
    assert 'id="pathway-stage">Reflection and recovery period<' in section.text
    assert "Reflection period ends on" in section.text
    assert "Reflection period ends</td>" in section.text  # the clock
    assert end.isoformat()[:4] in section.text


def test_referral_needs_consent_then_the_receiver_sees_granted_fields_only(
        users: Users, login: Login, shelter: str, other_org: OrganisationPublic) -> None:
    users.add("ro-case", [Role.CASE_WORKER], other_org)
    sender = login("fieldworker")
    victim = _screen(sender, "SCR-0002")
    _step(sender, victim, "referred", reason="to a shelter")
    _step(sender, victim, "reflection_started", reason="offered by the police")
    pathway_id = _pathway_id(sender.get(f"{victim}/pathway").text)
    form = sender.get(f"/pathways/{pathway_id}/refer")
    assert "Casa Speranta" in form.text  # matched: safety needs a shelter
    assert 'value="given_names"' not in form.text  # not the first-line worker's to share
    fields = [("fields", "sex"), ("fields", "age_group"), ("fields", "exploitation")]
    refused = _post(sender, f"/pathways/{pathway_id}/refer", form.text,
                    [("service", shelter), *fields, ("reason", "needs a safe place")])
    assert refused.status_code == 409
    assert "No consent or legal ground covers this referral" in refused.text

    _consent(sender, victim, str(other_org.id))
    made = _post(sender, f"/pathways/{pathway_id}/refer", form.text,
                 [("service", shelter), *fields, ("reason", "needs a safe place")])
    assert made.status_code == 303, made.text
    assert "Requested" in sender.get(f"{victim}/pathway").text
    assert "SCR-0002" in sender.get("/referrals/outgoing").text

    receiver = login("ro-case")
    incoming = receiver.get("/referrals/incoming")
    end = incoming.text
    assert "Reflection period ends on" in end
    assert "Labour exploitation" in end  # granted
    assert "RO" not in re.sub(r"<[^>]+>", " ", end).split()  # citizenship was not granted
    accept = re.search(r'action="(/referrals/[0-9a-f-]{36}/accept)"', end)
    assert accept
    accepted = _post(receiver, accept.group(1), end, {"reason": ""})
    assert accepted.status_code == 303
    after = receiver.get("/referrals/incoming").text
    assert "Accepted" in after and "Mark done" in after
    assert "Accepted" in sender.get("/referrals/outgoing").text
    done = re.search(r'action="(/referrals/[0-9a-f-]{36}/done)"', after)
    assert done
    assert _post(receiver, done.group(1), after, {"reason": ""}).status_code == 303
    assert "No open referral to your organisation." in receiver.get("/referrals/incoming").text
    # The receiver cannot open the sender's pathway page.
    assert receiver.get(f"{victim}/pathway").status_code == 404


def test_revoke_and_consent_problems(users: Users, login: Login, shelter: str,
                                     other_org: OrganisationPublic) -> None:
    sender = login("worker")
    victim = _screen(sender, "SCR-0003")
    page = sender.get(f"{victim}/pathway")
    pathway_id = _pathway_id(page.text)
    bad = _post(sender, f"/pathways/{pathway_id}/consents", page.text,
                [("purposes", "services"), ("basis", "legal_ground")])
    assert bad.status_code == 422
    assert "name the legal ground" in bad.text
    _consent(sender, victim)
    form = sender.get(f"/pathways/{pathway_id}/refer")
    assert 'value="given_names"' in form.text  # a case worker may share identifying fields
    _post(sender, f"/pathways/{pathway_id}/refer", form.text,
          [("service", shelter), ("fields", "sex"), ("reason", "shelter")])
    outgoing = sender.get("/referrals/outgoing").text
    assert "<td>Sex</td>" in outgoing  # fields by their labels
    revoke = re.search(r'action="(/referrals/[0-9a-f-]{36}/revoke)"', outgoing)
    assert revoke
    no_reason = _post(sender, revoke.group(1), outgoing, {"reason": ""})
    assert no_reason.status_code == 422
    done = _post(sender, revoke.group(1), outgoing,
                 {"reason": "found a place nearer", "next": "/referrals/outgoing"})
    assert done.status_code == 303
    assert "Revoked" in sender.get("/referrals/outgoing").text


def test_a_rejection_needs_a_reason(users: Users, login: Login, shelter: str,
                                    other_org: OrganisationPublic) -> None:
    users.add("ro-case", [Role.CASE_WORKER], other_org)
    sender = login("worker")
    victim = _screen(sender, "SCR-0005")
    _consent(sender, victim)
    pathway_id = _pathway_id(sender.get(f"{victim}/pathway").text)
    form = sender.get(f"/pathways/{pathway_id}/refer")
    _post(sender, f"/pathways/{pathway_id}/refer", form.text,
          [("organisation", str(other_org.id)), ("fields", "sex"), ("reason", "legal aid")])
    receiver = login("ro-case")
    incoming = receiver.get("/referrals/incoming").text
    reject = re.search(r'action="(/referrals/[0-9a-f-]{36}/reject)"', incoming)
    assert reject
    silent = _post(receiver, reject.group(1), incoming, {"reason": " "})
    assert silent.status_code == 422
    assert "Say why, briefly" in silent.text
    assert _post(receiver, reject.group(1), incoming, {"reason": "no lawyer free"}
                 ).status_code == 303
    assert "Rejected (no lawyer free)" in sender.get(f"{victim}/pathway").text
    again = _post(receiver, reject.group(1), incoming, {"reason": "twice"})
    assert again.status_code == 409  # a decided referral stays decided


def test_dashboard_lists_due_items_of_a_child(users: Users, login: Login) -> None:
    browser = login("fieldworker")
    _screen(browser, "SCR-CHILD", age="15")
    dashboard = browser.get("/").text
    assert "Due and overdue" in dashboard
    assert "Appoint a guardian" in dashboard and "SCR-CHILD" in dashboard
    assert 'href="/screening"' in dashboard  # the nav link


def test_access_is_refused_without_the_permission_or_the_token(
        users: Users, login: Login) -> None:
    analyst = login("analyst")
    assert analyst.get("/screening").status_code == 403
    assert 'href="/screening"' not in analyst.get("/").text
    worker = login("fieldworker")
    victim = _screen(worker, "SCR-0004")
    page = worker.get(f"{victim}/pathway").text
    forged = worker.post(f"/pathways/{_pathway_id(page)}/events",
                         data={"kind": "referred", "reason": "x", "on": "2026-01-01"})
    assert forged.status_code == 403
    outsider = login("outsider")
    assert outsider.get(f"{victim}/pathway").status_code == 404


def test_service_directory_lists_all_and_edits_own_services(users: Users, login: Login,
                                                           shelter: str) -> None:
    worker = login("worker")
    page = worker.get("/services")
    assert "Casa Speranta" in page.text and "Organisation ro-ngo" in page.text
    assert f'action="/services/{shelter}/capacity"' not in page.text  # not ours
    bad = _post(worker, "/services", page.text, {"kind": "shelter", "name": "",
                                                 "country": "nl", "places_total": "x"})
    assert bad.status_code == 422
    for name in ("name", "country", "places_total"):
        assert f'id="s-{name}-error"' in bad.text
    made = _post(worker, "/services", page.text, [
        ("kind", "shelter"), ("name", "Opvang Noord"), ("country", "NL"), ("places_total", "4"),
        ("sexes", "female"), ("languages", "nl, ro"), ("accessible", "yes")])
    assert made.status_code == 303
    page = worker.get("/services")
    own = re.search(r'action="(/services/[0-9a-f-]{36}/capacity)"', page.text)
    assert own and "Opvang Noord" in page.text and "4 / 4" in page.text
    assert _post(worker, own.group(1), page.text, {"places_total": "6"}).status_code == 303
    assert "6 / 6" in worker.get("/services").text
    assert _post(worker, own.group(1), page.text, {"places_total": "6", "withdraw": "yes"}
                 ).status_code == 303
    assert "Opvang Noord" not in worker.get("/services").text


def test_withdrawing_consent_revokes_the_referral_it_covered(users: Users, login: Login,
                                                             shelter: str) -> None:
    worker = login("worker")
    victim = _screen(worker, "SCR-0006")
    _consent(worker, victim)
    pathway_id = _pathway_id(worker.get(f"{victim}/pathway").text)
    form = worker.get(f"/pathways/{pathway_id}/refer")
    _post(worker, f"/pathways/{pathway_id}/refer", form.text,
          [("service", shelter), ("fields", "sex"), ("reason", "shelter")])
    page = worker.get(f"{victim}/pathway").text
    withdraw = re.search(r'action="(/consents/[0-9a-f-]{36}/withdraw)"', page)
    assert withdraw
    response = _post(worker, withdraw.group(1), page, {"next": f"{victim}#pathway"})
    assert response.status_code == 303
    assert response.headers["location"] == f"{victim}#pathway"
    after = worker.get(f"{victim}/pathway").text
    assert "withdrawn" in after and "Revoked (consent withdrawn)" in after
