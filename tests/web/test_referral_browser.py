"""Issue 7's browser test: screening starts a referral that another organisation accepts.

A first-line worker of the Dutch police screens a person (the indicators are fieldsets a
screen reader names by their question), reads the explained result, registers the presumed
victim and opens the pathway in one flow, offers the reflection period on referral, records
consent and refers the person to a Romanian NGO's shelter from the service directory. A case
worker of that NGO accepts the referral and sees the reflection-period deadline, with only
the fields the referral grants. Debian's Chromium via Playwright, uvicorn on loopback.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from factories import FAST_LOGIN
from haven.access import Accounts, Role, UserCreate
from haven.referral import DEFAULT_RULES, AssistanceKind, ServiceCreate, add_service
from haven.registry import Registry, Scope
from haven.standard import OrganisationPublic
from web.conftest import log_in_page

pytestmark = pytest.mark.browser

PASSWORD = "a long browser password 2"
RECORD_ID = "NL-POL-2026-0107"


def _log_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_page()
    page.set_default_timeout(10_000)
    log_in_page(page, base, username, PASSWORD)
    return page


def _step(page: Page, summary: str, reason: str) -> None:
    """Open one next step of the pathway, say why and record it."""
    step = page.locator("details.step", has=page.locator("summary", has_text=summary))
    step.locator("summary").click()
    step.get_by_label("Why (a short note, no names)").fill(reason)
    step.get_by_role("button", name=f"Record: {summary}").click()
    page.wait_for_url("**/victims/*")
    expect(page.locator("#pathway-body")).to_be_visible()


def _screen_and_refer(page: Page, base: str, receiver: OrganisationPublic) -> None:
    # Screening: choose the labour checklist next to the general one, answer two indicators.
    page.get_by_role("link", name="Screen a person").first.click()
    page.get_by_label("Labour exploitation").check()
    page.get_by_role("button", name="Continue").click()
    threats = page.get_by_role("group", name="The person or their family has been threatened")
    threats.get_by_label("Yes").check()
    expect(threats).to_contain_text("ILO Indicators of Forced Labour")  # the citation
    wages = page.get_by_role("group", name="Wages are far below what was agreed")
    wages.get_by_label("Yes").check()
    page.get_by_role("button", name="Assess").click()
    expect(page.get_by_role("status")).to_contain_text("Presumed victim")
    expect(page.locator("main")).to_contain_text("Likely form(s) of exploitation: labour")

    # The result starts the referral: register the presumed victim and open the pathway.
    page.get_by_label("Record id", exact=True).fill(RECORD_ID)
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Citizenship").fill("RO")
    page.get_by_role("button", name="Open the pathway").click()
    page.wait_for_url("**/victims/*?created=1*")
    expect(page.locator("#pathway-stage")).to_have_text("Detected")  # loaded by HTMX

    # Referred to support and, as the Dutch police do, the reflection period offered then.
    _step(page, "Referred to support", "to a shelter abroad")
    _step(page, "Reflection period started", "offered at referral")
    expect(page.locator("#reflection-deadline")).to_be_visible()

    # Consent to services and to disclosure to the receiving NGO, then the referral.
    consent = page.locator("details.step", has=page.locator(
        "summary", has_text="Record consent or a legal ground"))
    consent.locator("summary").click()
    consent.get_by_label("Disclosure to").select_option(str(receiver.id))
    consent.get_by_role("button", name="Record consent").click()
    page.wait_for_url("**/victims/*")
    page.get_by_role("link", name="Refer to a service").click()
    page.get_by_label("Casa Speranta").first.check()
    page.get_by_label("Why (a short note, no names)").fill("needs a safe place near family")
    page.get_by_role("button", name="Request the referral").click()
    page.wait_for_url("**/victims/*?referred=1*")
    expect(page.locator("#pathway-body")).to_contain_text("Requested")


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_screening_starts_a_referral_another_organisation_accepts(
    registry: Registry, server: str, browser: Browser, org: OrganisationPublic,
    other_org: OrganisationPublic,
) -> None:
    accounts = Accounts(registry, FAST_LOGIN)
    for username, role, home in (("agent", Role.FIRST_LINE_WORKER, org),
                                 ("ro-case", Role.CASE_WORKER, other_org)):
        accounts.create_user(None, home.id, UserCreate(
            username=username, display_name=username.title(), password=PASSWORD,
            roles=[role]))
    with registry.transaction(Scope("user:seed", other_org.id)) as tx:
        add_service(tx, ServiceCreate(kind=AssistanceKind.SHELTER, name="Casa Speranta",
                                      country="RO", places_total=3,
                                      languages=frozenset({"ro"})))
    ends = DEFAULT_RULES["NL"].reflection.after(date.today()).isoformat()

    first_line = _log_in(browser, server, "agent")
    _screen_and_refer(first_line, server, other_org)

    # The case worker of the other organisation accepts and sees the deadline.
    case_worker = _log_in(browser, server, "ro-case")
    case_worker.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    expect(case_worker.get_by_role("heading", level=1)).to_have_text("Incoming referrals")
    referral = case_worker.locator("article.referral").first
    expect(referral).to_contain_text(f"Reflection period ends on {ends}")
    expect(referral).to_contain_text("Labour exploitation")  # a granted field
    case_worker.get_by_role("button", name="Accept").click()
    case_worker.wait_for_url(f"{server}/referrals/incoming")
    referral = case_worker.locator("article.referral").first
    expect(referral.get_by_role("heading")).to_contain_text("Accepted")
    expect(referral.locator(".deadline")).to_contain_text(f"Reflection period ends on {ends}")
    expect(referral).to_contain_text(RECORD_ID)
    expect(referral).not_to_contain_text("Given names")  # not granted

    # Back at the police, the referral shows as accepted on the pathway.
    first_line.reload()
    expect(first_line.locator("#pathway-body")).to_contain_text("Accepted")
