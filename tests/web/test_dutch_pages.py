"""Every page a role can reach is wholly Dutch for a Dutch user, and the check can tell.

Each role logs in twice, as an English and as a Dutch user (the language is the account's
`locale`), seeded with synthetic records, pathways, referrals, services, a partner and a
transnational package. Starting from the dashboard, the test follows every local link it
finds (with the screening questions and a 404 added), and reads each page's visible text:
text nodes and the attributes people see (title, placeholder, aria-label, alt, a button's
value), without scripts, styles, form values or the seeded data values.

A page's English words are the words of the catalog's English msgids that no Dutch
translation uses (plus a few common English words). A Dutch page must have none; the same
page in English must have some, so the check cannot pass by reading nothing, and a catalog
with one translation taken out makes it fail (the last test).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from factories import FAST_LOGIN, victim
from haven.access import Role
from haven.config import Settings
from haven.referral import (
    AssistanceKind,
    ServiceCreate,
    add_partner,
    add_service,
    open_pathway,
    request_referral,
    send_referral,
)
from haven.registry import Registry, Scope
from haven.standard import CaseCreate, OrganisationPublic, SuspectCreate, validate_record
from haven.web import create_app
from haven.web._i18n import LOCALES_DIR
from referral.support import consent_to
from web.conftest import Users, csrf_of, inbox_settings
from web.test_transnational_pages import Partner

# -- what counts as English ---------------------------------------------------------------

WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]")


def _words(text: str) -> set[str]:
    return {w.lower().strip("'’") for w in WORD.findall(text)}


# Common English words, in case a leftover uses none of the catalog's English words.
COMMON = frozenset(_words("""
    a an and are be been but by can cannot could does for from has have here how if into
    it its may must needs no not now of off on only or our please should that the their
    there these this those to was were what when where which who why will with yes you your
"""))
# English words that are also Dutch, or names, not UI text.
NOT_ENGLISH = frozenset(_words("""
    haven english nederlands in is was over van die ten door had hand land kind want minimum
    art cets ilo eu iso xlsx csv json lines jsonl api id ids oidc htcds ctdc eurostat
    of op
"""))


def _catalog_words() -> tuple[set[str], set[str]]:
    """(words of the English msgids, words of the Dutch translations)."""
    with (LOCALES_DIR / "nl" / "LC_MESSAGES" / "haven.po").open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    english: set[str] = set()
    dutch: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            english |= _words(re.sub(r"%\(\w+\)s|\{\w+\}", " ", str(text)))
        for text in strings:
            dutch |= _words(re.sub(r"%\(\w+\)s|\{\w+\}", " ", str(text or "")))
    return english, dutch


def english_words() -> frozenset[str]:
    english, dutch = _catalog_words()
    return frozenset((english | COMMON) - dutch - NOT_ENGLISH)


class _Visible(HTMLParser):
    """The text a person sees (or hears from a screen reader) on a page."""

    SKIP = frozenset({"script", "style", "textarea", "template"})
    SHOWN = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._open: list[str] = []  # the skipped elements still open (not nested in kind)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # A text in a language of its own, so marked (`lang="en"`): a cited English title.
        if tag in self.SKIP or (tag != "html" and values.get("lang")):
            self._skipping += 1
            self._open.append(tag)
        self.parts.extend(v for k, v in attrs if k in self.SHOWN and v)
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[-1]:
            self._open.pop()
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str, data: tuple[str, ...] = ()) -> str:
    parser = _Visible()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for value in sorted(data, key=len, reverse=True):  # longest first: "V-NL-1" before "V"
        text = text.replace(value, " ")
    # Record ids, key fingerprints, addresses and paths.
    text = re.sub(r"\b[0-9a-f]{8}-[0-9a-f-]{27}\b|\b[0-9a-f]{4}(?: [0-9a-f]{4})+\b"
                  r"|https?://\S+|(?<!\w)/[\w/.-]+", " ", text)
    # ISO codes, indicator ids ("g-documents"), actors ("user:ann"), installation ids.
    return re.sub(r"\b(?:[A-Z]{2,3}|[a-z]{1,2}-[a-z0-9-]+|(?:user|admin|system|token|trm):\S+"
                  r"|\S+@\S+)", " ", text)


def english_in(html: str, vocabulary: frozenset[str], data: tuple[str, ...] = ()) -> list[str]:
    """The lines of visible text with English words in them (empty: none)."""
    return [line.strip()[:160] for line in visible_text(html, data).splitlines()
            if _words(line) & vocabulary]


# -- a populated installation ---------------------------------------------------------------

# Seeded values are data, not UI text: the check leaves them out.
DATA = ("V-NL-1", "V-NL-2", "V-NL-3", "S-NL-1", "Z-NL-1", "Opvanghuis Zonnebloem",
        "Casa Speranta", "Haven RO", "haven.example.ro", "ro-haven", "test-haven",
        "Ioana-Maria", "Zăvoianu", "Roxy", "Dragomir", "Pârvulescu", "gesignaleerd",
        "Organisation nl-police", "Organisation ro-ngo", "Test Haven", "admin:test",
        "user:seed", "Test",
        # The users of the shared fixture (web/conftest.py): name and display name.
        *(f(n) for n in ("worker", "fieldworker", "outsider", "rapporteur", "analyst",
                         "orgadmin", "sysadmin") for f in (str, str.title)))
PATH_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def partner(tmp_path: Path) -> Iterator[Partner]:
    ro = Partner(tmp_path / "ro")
    yield ro
    ro.registry.close()


@pytest.fixture
def client(registry: Registry, app_settings: Settings, org: OrganisationPublic,
           tmp_path: Path, partner: Partner) -> TestClient:
    app = create_app(registry, app_settings, login_policy=FAST_LOGIN,
                     transnational=inbox_settings(org, tmp_path))
    app.state.transnational_deliverer = partner
    add_partner(registry, partner.card, actor="admin:test")
    add_partner(partner.registry, app.state.transnational_card, actor="admin:ro")
    return TestClient(app)


@pytest.fixture
def world(client: TestClient, users: Users, registry: Registry, org: OrganisationPublic,
          other_org: OrganisationPublic, partner: Partner) -> dict[str, Any]:
    """Records, a pathway with steps, referrals both ways, services, a sent package."""
    today = date.today()
    seed = Scope("user:seed", org.id, identifying=True)
    with registry.transaction(Scope("user:seed", other_org.id)) as tx:
        add_service(tx, ServiceCreate(kind=AssistanceKind.SHELTER, name="Casa Speranta",
                                      country="RO", places_total=2))
    with registry.transaction(seed) as tx:
        add_service(tx, ServiceCreate(kind=AssistanceKind.SHELTER,
                                      name="Opvanghuis Zonnebloem", country="NL",
                                      places_total=4))
        first = tx.victims.create(victim(external_id="V-NL-1", registered_on=today))
        second = tx.victims.create(victim(external_id="V-NL-2", registered_on=today))
        tx.suspects.create(validate_record(SuspectCreate, {
            "external_id": "S-NL-1", "sex": "M", "citizenship": "BG",
            "registered_on": today.isoformat(), "roles": ["recruiter"],
            "identifying": {"given_names": "Dragomir", "family_name": "Pârvulescu"}}))
        tx.cases.create(validate_record(CaseCreate, {
            "external_id": "Z-NL-1", "opened_on": today.isoformat(), "victims": ["V-NL-1"],
            "suspects": ["S-NL-1"], "route": [{"kind": "recruitment", "country": "RO"}]}))
        pathway = open_pathway(tx, first.id, on=today, reason="gesignaleerd")
        consent_to(tx, pathway.id, organisation=other_org.id)
        consent_to(tx, pathway.id, installation="ro-haven")
        request_referral(tx, pathway.id, other_org.id, reason="gesignaleerd")
        open_pathway(tx, second.id, on=today, reason="gesignaleerd")
    with registry.transaction(Scope("user:seed", other_org.id, identifying=True)) as tx:
        theirs = tx.victims.create(victim(external_id="V-NL-3", registered_on=today))
        their_pathway = open_pathway(tx, theirs.id, on=today, reason="gesignaleerd")
        consent_to(tx, their_pathway.id, organisation=org.id)
        request_referral(tx, their_pathway.id, org.id, reason="gesignaleerd")
    send_referral(registry, Scope("user:seed", org.id), pathway.id, "ro-haven",
                  keys=client.app.state.transnational_keys,  # type: ignore[attr-defined]
                  deliverer=partner, reason="gesignaleerd")
    return {"victim": first.id, "pathway": pathway.id}


def _login(client: TestClient, username: str) -> TestClient:
    browser = TestClient(client.app)
    page = browser.get("/login")
    response = browser.post("/login", data={
        "username": username, "password": "a long test password 1",
        "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return browser


def _pattern(url: str) -> str:
    return PATH_ID.sub("{id}", urlsplit(url).path)


def crawl(browser: TestClient, extra: tuple[str, ...] = (), per_pattern: int = 2
          ) -> dict[str, str]:
    """Every page reachable by following local links from the dashboard: URL -> HTML."""
    queue = ["/", *extra]
    seen: dict[str, str] = {}
    counts: dict[str, int] = {}
    while queue:
        url = queue.pop(0)
        pattern = _pattern(url)
        if url in seen or counts.get(pattern, 0) >= per_pattern:
            continue
        counts[pattern] = counts.get(pattern, 0) + 1
        response = browser.get(url, follow_redirects=False)
        if response.status_code in (301, 302, 303, 307):
            queue.append(response.headers["location"])
            continue
        kind = response.headers.get("content-type", "")
        if kind.startswith("application/json"):  # a page that answers JSON is read as well
            seen[url] = f"<p>{response.text}</p>"
            continue
        if "text/html" not in kind:
            continue
        seen[url] = response.text
        for link in re.findall(r'href="(/[^"#]*)', response.text):
            link = link.replace("&amp;", "&")
            if not link.startswith(("/static", "/api", "/docs", "/auth", "//")):
                queue.append(link)
    return seen


# Pages no link leads to: a form's next page, a record not there, no page, a page not allowed.
EXTRA = ("/screening/questions?kinds=general&kinds=labour_exploitation",
         f"/victims/{uuid.UUID(int=7)}", "/no-such-page", "/admin/organisations")


def _users(users: Users, role: Role) -> tuple[str, str]:
    english = users.add(f"en{role.value.replace('_', '')}", [role])
    dutch = users.add(f"nl{role.value.replace('_', '')}", [role], locale="nl")
    return english, dutch


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_page_a_role_sees_is_dutch(client: TestClient, users: Users,
                                         world: dict[str, Any], role: Role) -> None:
    vocabulary = english_words()
    english_user, dutch_user = _users(users, role)
    data = (*DATA, english_user.title(), dutch_user.title())
    in_english = crawl(_login(client, english_user), EXTRA)
    in_dutch = crawl(_login(client, dutch_user), EXTRA)
    assert len(set(in_english) - set(EXTRA)) >= 2, f"{role.value} saw only {sorted(in_english)}"
    # Both crawls saw the same pages: the Dutch one did not miss any by a link not shown.
    assert {_pattern(u) for u in in_dutch} == {_pattern(u) for u in in_english}
    silent = [url for url, html in in_english.items() if not english_in(html, vocabulary, data)]
    assert not silent, f"the check finds no English on these English pages: {silent}"
    leftovers = {_pattern(url): found for url, html in in_dutch.items()
                 if (found := english_in(html, vocabulary, data))}
    assert not leftovers, f"English on Dutch pages of a {role.value}: " + "".join(
        f"\n{url}:\n    " + "\n    ".join(lines) for url, lines in leftovers.items())


# -- error pages and refused forms -----------------------------------------------------------

def _form(browser: TestClient, page: str, url: str, data: list[tuple[str, str]]) -> Any:
    form: dict[str, list[str]] = {}
    for name, value in [*data, ("csrf_token", csrf_of(page))]:
        form.setdefault(name, []).append(value)
    return browser.post(url, data=form, follow_redirects=False)


def _refusals(client: TestClient, users: Users, world: dict[str, Any], locale: str
              ) -> dict[str, Any]:
    """What each kind of refusal answers, for users of `locale`: name -> response."""
    worker = users.add(f"{locale}worker", [Role.CASE_WORKER], locale=locale)
    admin = users.add(f"{locale}admin", [Role.ORG_ADMIN], locale=locale)
    browser = _login(client, worker)
    answers: dict[str, Any] = {}
    answers["not found"] = browser.get(f"/cases/{uuid.UUID(int=9)}")
    answers["not allowed"] = browser.get("/admin/organisations")
    answers["csrf"] = browser.post("/victims/new", data={"external_id": "V-NL-9"})
    form = browser.get("/victims/new").text
    answers["form with problems"] = _form(browser, form, "/victims/new", [
        ("external_id", "V-NL-9"), ("registered_on", "2999-01-01"), ("sex", "female"),
        ("citizenships", "RO;XQ"), ("identification_status", "presumed")])
    pathway = browser.get(f"/victims/{world['victim']}/pathway").text
    version = re.search(r'name="version" value="(\d+)"', pathway)
    assert version
    answers["refused step"] = _form(browser, pathway, f"/pathways/{world['pathway']}/events", [
        ("kind", "reflection_started"), ("version", version.group(1)),
        ("on", date.today().isoformat()), ("reason", "gesignaleerd")])
    incoming = browser.get("/referrals/incoming").text
    referral = re.search(r'action="/referrals/([0-9a-f-]{36})/accept"', incoming)
    assert referral, "no incoming referral to refuse a step on"
    answers["refused referral step"] = _form(
        browser, incoming, f"/referrals/{referral.group(1)}/done", [("reason", "klaar")])
    answers["problems (error page)"] = _form(
        browser, incoming, f"/referrals/{referral.group(1)}/finish", [("reason", "klaar")])
    manager = _login(client, admin)
    page = manager.get("/admin/users").text
    answers["password policy"] = _form(manager, page, "/admin/users", [
        ("organisation_id", str(users.org.id)), ("username", f"{locale}new"),
        ("display_name", "Nieuw"), ("password", "kort"), ("roles", "case_worker")])
    answers["request not valid"] = _form(manager, page, f"/admin/users/{uuid.UUID(int=3)}",
                                         [("action", "wipe")])
    stranger = TestClient(client.app)
    stranger.cookies.set("haven_lang", locale)
    answers["logged out"] = stranger.post("/logout", data={"csrf_token": "x"})
    answers["log-in form expired"] = stranger.post("/login", data={"username": "x",
                                                                   "password": "y"})
    return answers


EXPECTED = {"not found": 404, "not allowed": 403, "csrf": 403, "form with problems": 422,
            "refused step": 409, "refused referral step": 409, "problems (error page)": 422,
            "password policy": 422, "request not valid": 422, "logged out": 401,
            "log-in form expired": 403}


def test_error_pages_and_refused_forms_are_dutch(client: TestClient, users: Users,
                                                 world: dict[str, Any]) -> None:
    vocabulary = english_words()
    data = (*DATA, "Enworker", "Nlworker", "Enadmin", "Nladmin", "V-NL-9", "Nieuw")
    english = _refusals(client, users, world, "en")
    dutch = _refusals(client, users, world, "nl")
    for name, status in EXPECTED.items():
        assert english[name].status_code == dutch[name].status_code == status, name
    # The reasons themselves, in English, so the Dutch check below is about the same texts.
    assert "the reflection period starts after a positive" in english["refused step"].text
    assert "the referral is at &#39;Requested&#39;; it cannot go to &#39;Done&#39;" in english[
        "refused referral step"].text
    assert "1 problem" in english["problems (error page)"].text
    assert "a password needs at least 12 characters" in english["password policy"].text
    silent = [name for name, response in english.items()
              if not english_in(response.text, vocabulary, data)]
    assert not silent, f"the check finds no English on these English pages: {silent}"
    leftovers = {name: found for name, response in dutch.items()
                 if (found := english_in(response.text, vocabulary, data))}
    assert not leftovers, "English on Dutch pages: " + "".join(
        f"\n{name}:\n    " + "\n    ".join(lines) for name, lines in leftovers.items())


def test_a_translation_taken_out_is_found(client: TestClient, users: Users,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is not blind: without the Dutch for one menu entry, the dashboard fails it."""
    import io

    from babel.messages.mofile import write_mo
    from babel.support import Translations

    from haven.web import _i18n

    vocabulary = english_words()
    browser = _login(client, users.add("nlzonder", [Role.CASE_WORKER], locale="nl"))
    assert english_in(browser.get("/").text, vocabulary, DATA) == []
    with (LOCALES_DIR / "nl" / "LC_MESSAGES" / "haven.po").open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    catalog.delete("Suspects")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    without = Translations(buffer)
    monkeypatch.setattr(_i18n, "_translations", lambda code: without)
    assert "Suspects" in english_in(browser.get("/").text, vocabulary, DATA)
