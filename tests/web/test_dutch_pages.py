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
with one translation taken out makes it fail (`test_a_translation_taken_out_is_found`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from factories import victim
from haven.access import Role
from haven.config import Settings
from haven.referral import (
    AssistanceKind,
    AssistanceStarted,
    IdentificationDecided,
    ReasonableGroundsDecided,
    Referred,
    ReflectionStarted,
    ResidencePermitGranted,
    ServiceCreate,
    add_service,
    open_pathway,
    record,
    request_referral,
    send_referral,
)
from haven.registry import Registry, Scope
from haven.standard import CaseCreate, OrganisationPublic, SuspectCreate, validate_record
from haven.web._i18n import LOCALES_DIR
from haven.web._labels import LABELS
from referral.support import consent_to
from web.conftest import Users, csrf_of
from web.test_transnational_pages import Partner, transnational_client

# -- what counts as English ---------------------------------------------------------------

WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]")


# Codes in an example or a value ("passport:RO:0512", "suspected:2024-01-10"): users type
# them as they are in every language (docs/i18n.md), so they are neither English nor Dutch.
CODED = re.compile(r"[\w-]+:(?=[\w:])[\w:;|.@+-]*")


def _words(text: str) -> set[str]:
    return {w.lower().strip("'’") for w in WORD.findall(CODED.sub(" ", text))}


# Common English words, in case a leftover uses none of the catalog's English words.
COMMON = frozenset(_words("""
    a an and are be been but by can cannot could does for from has have here how if into
    it its may must needs no not now of off on only or our please should that the their
    there these this those to was were what when where which who why will with yes you your
"""))
# English words that are also Dutch, or names, not UI text.
NOT_ENGLISH = frozenset(_words("""
    haven english nederlands in is was over van die ten door had hand land kind want minimum urgent
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
    """Words only English shows: of the msgids, of the labelled codes (a code shown raw is a
    leftover too, "passport" for "Paspoort"), and common ones; none a Dutch text uses."""
    english, dutch = _catalog_words()
    codes = {word for by_code in LABELS.values() for code in by_code
             for word in _words(code.replace("_", " ")) if len(word) > 2}
    return frozenset((english | codes | COMMON) - dutch - NOT_ENGLISH)


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
    text = CODED.sub(" ", text)
    # Record ids, key fingerprints, addresses and paths.
    text = re.sub(r"\b[0-9a-f]{8}-[0-9a-f-]{27}\b|\b[0-9a-f]{4}(?: [0-9a-f]{4})+\b"
                  r"|https?://\S+|(?<!\w)/[\w/.-]+", " ", text)
    # ISO codes, indicator ids ("g-documents"), actors ("user:ann"), API tokens.
    return re.sub(r"\b(?:[A-Z]{2,3}|[a-z]{1,2}-[a-z0-9-]+|(?:user|admin|system|token|trm):\S+"
                  r"|hvn_\S+|\S+@\S+)", " ", text)


def english_in(html: str, vocabulary: frozenset[str], data: tuple[str, ...] = ()) -> list[str]:
    """The lines of visible text with English words in them (empty: none)."""
    return [line.strip()[:160] for line in visible_text(html, data).splitlines()
            if _words(line) & vocabulary]


# -- a populated installation ---------------------------------------------------------------

# Seeded values are data, not UI text: the check leaves them out.
DATA = ("V-NL-1", "V-NL-2", "V-NL-3", "V-NL-4", "IND", "PL-7", "S-NL-1", "Z-NL-1",
        "Opvanghuis Zonnebloem", "Casa Speranta", "Haven RO", "haven.example.ro", "ro-haven",
        "test-haven",
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
    return transnational_client(registry, app_settings, org, tmp_path, partner)


@pytest.fixture
def world(client: TestClient, users: Users, registry: Registry, org: OrganisationPublic,
          other_org: OrganisationPublic, partner: Partner) -> dict[str, Any]:
    """Records, a pathway with steps, referrals both ways, services, a sent package."""
    today = date.today()
    note = {"on": today, "reason": "gesignaleerd"}  # what every step has
    seed = Scope("user:seed", org.id, identifying=True)
    with registry.transaction(Scope("user:seed", other_org.id)) as tx:
        add_service(tx, ServiceCreate(kind=AssistanceKind.SHELTER, name="Casa Speranta",
                                      country="RO", places_total=2))
    with registry.transaction(seed) as tx:
        add_service(tx, ServiceCreate(kind=AssistanceKind.SHELTER,
                                      name="Opvanghuis Zonnebloem", country="NL",
                                      places_total=4))
        first = tx.victims.create(victim(external_id="V-NL-1", registered_on=today))
        second = tx.victims.create(victim(external_id="V-NL-2", registered_on=today,
                                          citizenships=["UA"]))
        tx.suspects.create(validate_record(SuspectCreate, {
            "external_id": "S-NL-1", "sex": "M", "citizenship": "BG",
            "registered_on": today.isoformat(), "roles": ["recruiter"],
            "identifying": {"given_names": "Dragomir", "family_name": "Pârvulescu"}}))
        tx.cases.create(validate_record(CaseCreate, {
            "external_id": "Z-NL-1", "opened_on": today.isoformat(), "victims": ["V-NL-1"],
            "suspects": ["S-NL-1"], "route": [{"kind": "recruitment", "country": "RO"}],
            "references": [{"system": "police", "reference": "PL-7", "country": "NL"}]}))
        pathway = open_pathway(tx, first.id, on=today, reason="gesignaleerd")
        consent_to(tx, pathway.id, organisation=other_org.id)
        consent_to(tx, pathway.id, installation="ro-haven")
        request_referral(tx, pathway.id, other_org.id, reason="gesignaleerd")
        # A pathway in its reflection period (a clock on the dashboard), one with a permit.
        reflecting = open_pathway(tx, second.id, on=today, reason="gesignaleerd").id
        third = tx.victims.create(victim(external_id="V-NL-4", registered_on=today,
                                         citizenships=["UA"]))
        permitted = open_pathway(tx, third.id, on=today, reason="gesignaleerd").id
        steps = [Referred(**note), ReasonableGroundsDecided(positive=True, authority="IND",
                                                            **note), ReflectionStarted(**note)]
        for event in steps:
            record(tx, reflecting, event)
        for event in [*steps, IdentificationDecided(positive=True, authority="IND", **note),
                      AssistanceStarted(kinds=frozenset({AssistanceKind.SHELTER}), **note),
                      ResidencePermitGranted(valid_until=today + timedelta(days=400), **note)]:
            record(tx, permitted, event)
    with registry.transaction(Scope("user:seed", other_org.id, identifying=True)) as tx:
        theirs = tx.victims.create(victim(external_id="V-NL-3", registered_on=today))
        their_pathway = open_pathway(tx, theirs.id, on=today, reason="gesignaleerd")
        consent_to(tx, their_pathway.id, organisation=org.id)
        request_referral(tx, their_pathway.id, org.id, reason="gesignaleerd")
    send_referral(registry, Scope("user:seed", org.id), pathway.id, "ro-haven",
                  keys=client.app.state.transnational_keys,  # type: ignore[attr-defined]
                  deliverer=partner, reason="gesignaleerd")
    return {"victim": first.id, "pathway": pathway.id, "reflecting": reflecting,
            "reflecting victim": second.id}


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


def crawl(browser: TestClient, extra: tuple[str, ...] = (), per_pattern: int = 4
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
    extra = (*EXTRA, f"/victims/{world['victim']}?identifying=1")
    in_english = crawl(_login(client, english_user), extra)
    in_dutch = crawl(_login(client, dutch_user), extra)
    assert len(set(in_english) - set(extra)) >= 2, f"{role.value} saw only {sorted(in_english)}"
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
    reflecting = browser.get(f"/victims/{world['reflecting victim']}/pathway").text
    version = re.search(r'name="version" value="(\d+)"', reflecting)
    assert version
    answers["refused permit"] = _form(
        browser, reflecting, f"/pathways/{world['reflecting']}/events", [
            ("kind", "residence_permit_granted"), ("version", version.group(1)),
            ("on", date.today().isoformat()), ("reason", "gesignaleerd"),
            ("valid_until", (date.today() + timedelta(days=30)).isoformat())])
    answers["pathway exists"] = _form(browser, pathway, f"/victims/{world['victim']}/pathway",
                                      [("on", date.today().isoformat())])
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
    answers["user name taken"] = _form(manager, page, "/admin/users", [
        ("organisation_id", str(users.org.id)), ("username", "worker"),
        ("display_name", "Nieuw"), ("password", "een lang genoeg wachtwoord"),
        ("roles", "case_worker")])
    answers["request not valid"] = _form(manager, page, f"/admin/users/{uuid.UUID(int=3)}",
                                         [("action", "wipe")])
    stranger = TestClient(client.app)
    stranger.cookies.set("haven_lang", locale)
    answers["logged out"] = stranger.post("/logout", data={"csrf_token": "x"})
    answers["log-in form expired"] = stranger.post("/login", data={"username": "x",
                                                                   "password": "y"})
    # What goes right, too: the log-in page, a wrong password, a screening, a registration.
    answers["log-in page"] = stranger.get("/login")
    answers["wrong password"] = _form(stranger, answers["log-in page"].text, "/login", [
        ("username", worker), ("password", "niet het wachtwoord")])
    questions = browser.get("/screening/questions", params={
        "kinds": ["general", "labour_exploitation"]}).text
    answers["screening result"] = _form(browser, questions, "/screening/assess", [
        ("kinds", "general"), ("kinds", "labour_exploitation"), ("a-g-threats", "yes"),
        ("a-l-wages", "yes"), ("a-g-documents", "unknown")])
    registered = _form(browser, form, "/victims/new", [
        ("external_id", f"V-NL-{locale}"), ("registered_on", date.today().isoformat()),
        ("sex", "female"), ("citizenships", "RO"), ("identification_status", "presumed"),
        ("exploitation", "labour"), ("exploitation_sector", "A"),
        ("recruitment_method", "online_dating"), ("recruitment_platform", "dating_app")])
    assert registered.status_code == 303, registered.text
    answers["victim registered"] = browser.get(registered.headers["location"])
    return answers


EXPECTED = {"not found": 404, "not allowed": 403, "csrf": 403, "form with problems": 422,
            "refused step": 409, "refused permit": 409, "refused referral step": 409,
            "problems (error page)": 422, "pathway exists": 409,
            "password policy": 422, "user name taken": 422, "request not valid": 422,
            "logged out": 401,
            "log-in form expired": 403, "log-in page": 200, "wrong password": 401,
            "screening result": 200, "victim registered": 200}


def test_error_pages_and_refused_forms_are_dutch(client: TestClient, users: Users,
                                                 world: dict[str, Any]) -> None:
    vocabulary = english_words()
    data = (*DATA, "Enworker", "Nlworker", "Enadmin", "Nladmin", "V-NL-9", "V-NL-en", "V-NL-nl",
            "Nieuw")
    english = _refusals(client, users, world, "en")
    dutch = _refusals(client, users, world, "nl")
    for name, status in EXPECTED.items():
        assert english[name].status_code == dutch[name].status_code == status, name
    # The reasons themselves, in English, so the Dutch check below is about the same texts.
    assert "the reflection period starts after a positive" in english["refused step"].text
    assert "the referral is at &#39;Requested&#39;; it cannot go to &#39;Done&#39;" in english[
        "refused referral step"].text
    assert "1 problem" in english["problems (error page)"].text
    assert "This person has a support pathway already." in english["pathway exists"].text
    assert "the permit must be valid for at least 6 months (Directive" in english[
        "refused permit"].text
    assert "a password needs at least 12 characters" in english["password policy"].text
    assert "This user name is taken" in english["user name taken"].text
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


# -- every form, sent back empty -------------------------------------------------------------

class _Forms(HTMLParser):
    """The POST forms of a page: (action, fields as sent with nothing filled in)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._submitted = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and values.get("method", "").lower() == "post":
            self._fields, self._submitted = [], False
            self.forms.append((values.get("action", ""), self._fields))
        if self._fields is None or not values.get("name"):
            return
        kind = values.get("type", "text")
        if tag == "input" and kind == "hidden":
            self._fields.append((values["name"], values.get("value", "")))
        elif tag == "button" or kind == "submit":
            if not self._submitted:  # the first button, as Enter in the form would press
                self._fields.append((values["name"], values.get("value", "")))
                self._submitted = True
        elif kind not in ("checkbox", "radio"):
            self._fields.append((values["name"], ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None


# Forms that end the session, change the language or undo what the other forms need.
KEEP_OUT = re.compile(r"^/(?:logout|language)|/withdraw$|/remove$|^/admin/users/[0-9a-f-]{36}$")


def send_forms_empty(browser: TestClient, pages: dict[str, str], rounds: int = 2
                     ) -> dict[str, str]:
    """Each distinct POST form of `pages` sent with its fields empty, then the new forms on
    the answers (`rounds` deep): form -> the answer."""
    answers: dict[str, str] = {}
    for _round in range(rounds):
        new = _send_round(browser, pages, answers)
        answers.update(new)
        pages = new
    return answers


def _send_round(browser: TestClient, pages: dict[str, str], done: dict[str, str]
                ) -> dict[str, str]:
    answers: dict[str, str] = {}
    for url, html in pages.items():
        url = url.split(" (from ")[0]
        parser = _Forms()
        parser.feed(html)
        for action, fields in parser.forms:
            key = f"{_pattern(action or url)} (from {_pattern(url)})"
            if (KEEP_OUT.search(action) or key in answers or key in done
                    or (not action and "{" in url)):  # an answer's own address is unknown
                continue
            form: dict[str, list[str]] = {}
            for name, value in fields:
                form.setdefault(name, []).append(value)
            response = browser.post(action or url, data=form)  # redirects followed
            kind = response.headers.get("content-type", "")
            answers[key] = response.text if "html" in kind else f"<p>{response.text}</p>"
    return answers


def _forms_then_pages(browser: TestClient) -> dict[str, str]:
    """The answers to the forms sent empty, then every page again (what they changed)."""
    answers = send_forms_empty(browser, crawl(browser, EXTRA))
    return {**answers, **{f"after the forms: {url}": html
                          for url, html in crawl(browser, EXTRA).items()}}


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.FIRST_LINE_WORKER, Role.SUPERVISOR,
                                  Role.ORG_ADMIN, Role.SYSTEM_ADMIN], ids=lambda r: r.value)
def test_every_form_sent_empty_answers_in_dutch(client: TestClient, users: Users,
                                                world: dict[str, Any], role: Role) -> None:
    vocabulary = english_words()
    english_user, dutch_user = _users(users, role)
    data = (*DATA, english_user.title(), dutch_user.title())
    english, dutch = (_forms_then_pages(_login(client, username))
                      for username in (english_user, dutch_user))
    assert len(english) >= 2, f"{role.value}: too few forms {sorted(english)}"
    silent = [form for form, html in english.items() if not english_in(html, vocabulary, data)]
    assert not silent, f"the check finds no English after these English forms: {silent}"
    leftovers = {form: found for form, html in dutch.items()
                 if (found := english_in(html, vocabulary, data))}
    assert not leftovers, f"English after Dutch forms of a {role.value}: " + "".join(
        f"\n{form}:\n    " + "\n    ".join(lines) for form, lines in leftovers.items())


def test_error_messages_are_worded_for_each_language() -> None:
    from haven.exceptions import Conflict, FieldProblem, NotFound, PermissionDenied
    from haven.exceptions import ValidationFailed as Failed
    from haven.referral import ForbiddenTransition
    from haven.web._i18n import translator

    en, nl = translator("en"), translator("nl")
    problems = Failed([FieldProblem(None, "sex", "Field required", code="missing")] * 2)
    assert (en.error(problems), nl.error(problems)) == ("2 problems", "2 problemen")
    missing = NotFound("victim", 7)
    assert (en.error(missing), nl.error(missing)) == ("No victim with id 7.",
                                                      "Geen slachtoffer met id 7.")
    # An unmarked English message: as it is in English, its kind's general text in Dutch.
    stale = Conflict("case 7 was changed meanwhile; reload it")
    assert en.error(stale) == str(stale)
    assert nl.error(stale).startswith("Dit is intussen gewijzigd")
    assert nl.error(PermissionDenied()) == "Dit mag u met uw rol niet doen."  # no header
    refused = ForbiddenTransition("referral", 7, "done", "requested",
                                  "the referral is at '{current}'; it cannot go to '{to}'",
                                  current="requested", to="done")
    assert en.error(refused) == "the referral is at 'Requested'; it cannot go to 'Done'"
    assert nl.error(refused) == "de verwijzing staat op 'Aangevraagd' en kan niet naar 'Afgerond'"
