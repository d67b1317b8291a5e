"""A case worker's path through Haven in a real browser (Debian's Chromium via Playwright).

A real server (uvicorn on a free loopback port) serves the app; the browser logs in,
registers a victim (first with a mistake, shown next to its field), finds it in the list,
switches to Dutch and logs out; a user of another organisation then cannot open the record.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from factories import FAST_LOGIN, victim
from haven.access import Accounts, Role, UserCreate
from haven.registry import Registry, Scope
from haven.standard import OrganisationPublic
from haven.web._i18n import translator
from web.conftest import log_in_page

pytestmark = pytest.mark.browser

PASSWORD = "a long browser password 1"
EXTERNAL_ID = "BRW-2026-0042"
FAMILY_NAME = "Vasilescu-Brîndușa"  # synthetic


def _log_in(page: Page, base: str, username: str) -> None:
    log_in_page(page, base, username, PASSWORD)


def _fill_victim(page: Page, citizenship: str) -> None:
    page.fill("#f-external_id", EXTERNAL_ID)
    page.select_option("#f-identification_status", "presumed")
    page.fill("#f-registered_on", "2025-06-02")
    page.select_option("#f-sex", "female")
    page.fill("#f-citizenships", citizenship)
    page.fill("#f-given_names", "Ilinca")
    page.fill("#f-family_name", FAMILY_NAME)
    page.fill("#f-date_of_birth", "1999-04-11")
    page.fill("#f-country_of_exploitation", "NL")
    page.check("input[name=exploitation][value=sexual]")


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_case_worker_day_in_the_browser(
    registry: Registry, server: str, browser: Browser, org: OrganisationPublic,
    other_org: OrganisationPublic,
) -> None:
    accounts = Accounts(registry, FAST_LOGIN)
    for username, role, home in (("worker", Role.CASE_WORKER, org),
                                 ("outsider", Role.SUPERVISOR, other_org)):
        accounts.create_user(None, home.id, UserCreate(
            username=username, display_name=username.title(), password=PASSWORD,
            roles=[role]))
    # Another record of the same organisation, which the search must leave out.
    with registry.transaction(Scope("user:seed", org.id, identifying=True)) as tx:
        tx.victims.create(victim(external_id="OTHER-0001"))

    page = browser.new_page()
    page.set_default_timeout(10_000)
    _log_in(page, server, "worker")

    # A mistake first: an unknown citizenship code is named next to its field.
    page.goto(f"{server}/victims/new")
    _fill_victim(page, "QQ")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#citizenships-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("country code")
    expect(page.locator("#f-citizenships")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_be_visible()
    assert "/victims/new" in page.url

    # Corrected, it is saved and its page opens.
    page.fill("#f-citizenships", "RO")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/victims/*?created=1")
    record_url = page.url.split("?")[0]
    expect(page.locator("main")).to_contain_text(EXTERNAL_ID)

    # Found through the search box of the list (HTMX updates the results as one types).
    page.goto(f"{server}/victims")
    expect(page.locator("#victim-results")).to_contain_text("OTHER-0001")
    # Typed as a user would, with the other filters left blank.
    page.fill("#q", "BRW-2026")
    with page.expect_response(lambda r: "/victims?" in r.url and "q=BRW" in r.url) as searched:
        page.locator("#q").press("Enter")
    answer = searched.value
    assert answer.status == 200, f"the search answered {answer.status} for {answer.url}"
    results = page.locator("#victim-results")
    expect(results.get_by_role("link", name=EXTERNAL_ID)).to_be_visible()
    expect(results).not_to_contain_text("OTHER-0001")

    # The language switch in the header turns the pages Dutch.
    dutch = translator("nl")
    assert dutch("Victims") != "Victims", "the Dutch catalog does not translate 'Victims'"
    page.select_option("#lang-switch", "nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("header nav")).to_contain_text(dutch("Victims"))
    expect(page.locator("h1")).to_have_text(dutch("Victims"))

    # Log out: the record's address now leads to the log-in page.
    page.get_by_role("button", name=dutch("Log out")).click()
    page.wait_for_url(f"{server}/login")
    page.goto(record_url)
    assert "/login" in page.url
    expect(page.locator("body")).not_to_contain_text(EXTERNAL_ID)

    # A supervisor of another organisation who knows the address sees only "not found".
    stranger = browser.new_page()
    stranger.set_default_timeout(10_000)
    _log_in(stranger, server, "outsider")
    response = stranger.goto(record_url)
    assert response is not None
    assert response.status == 404
    expect(stranger.locator("h1")).to_have_text("Not found")
    body = stranger.content()
    for secret in (EXTERNAL_ID, FAMILY_NAME, "Ilinca", "1999-04-11"):
        assert secret not in body
