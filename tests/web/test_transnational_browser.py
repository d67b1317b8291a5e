"""Browser test of the transnational send flow: NL's case worker refers a person to RO.

Both installations are the whole Haven app served by uvicorn on loopback (SQLite each), in
Debian's Chromium via Playwright. The case worker records consent to disclosure to the
partner installation, chooses the fields, reads what will be sent, seals and sends it, and
sees the acknowledgement; RO's case worker sees the referral with the granted fields only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from haven.access import Role
from haven.referral import add_partner, open_pathway
from haven.registry import Scope
from referral.support import DETECTED_ON, adult_victim
from web.conftest import PASSWORD, log_in_page
from web.transnational_support import Site, start_site, stop_site

pytestmark = pytest.mark.browser


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Site, Site]]:
    nl = start_site(tmp_path, "NL", serve=True)
    ro = start_site(tmp_path, "RO", serve=True)
    add_partner(nl.registry, ro.app.state.transnational_card, actor="admin:nl")
    add_partner(ro.registry, nl.app.state.transnational_card, actor="admin:ro")
    yield nl, ro
    for site in (nl, ro):
        stop_site(site)


def _log_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_page()
    page.set_default_timeout(10_000)
    log_in_page(page, base, username, PASSWORD)
    return page


def test_a_case_worker_refers_a_person_to_another_country(
        served: tuple[Site, Site], browser: Browser) -> None:
    nl, ro = served
    nl.user("nl-case", [Role.CASE_WORKER])
    ro.user("ro-case", [Role.CASE_WORKER])
    with nl.registry.transaction(Scope("user:seed", nl.org.id, identifying=True)) as tx:
        victim = adult_victim(tx, "NL-2026-31")
        open_pathway(tx, victim.id, on=DETECTED_ON, reason="screened")

    page = _log_in(browser, nl.base, "nl-case")
    page.goto(f"{nl.base}/victims/{victim.id}")
    expect(page.locator("#pathway-stage")).to_have_text("Detected")  # loaded by HTMX
    consent = page.locator("details.step", has=page.locator(
        "summary", has_text="Record consent or a legal ground"))
    consent.locator("summary").click()
    consent.get_by_label("Disclosure to").select_option("installation:ro-haven")
    consent.get_by_role("button", name="Record consent").click()
    page.wait_for_url("**/victims/*")
    expect(page.locator("#pathway-body")).to_contain_text("ro-haven")  # the consent's recipient

    page.get_by_role("link", name="Refer to another country").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Refer NL-2026-31 to another country")
    page.get_by_label("Partner installation").select_option("ro-haven")
    fields = page.get_by_role("group", name="What the partner receives")
    expect(fields.get_by_label("Sex")).to_be_checked()  # the defaults
    fields.get_by_label("Vulnerabilities").uncheck()
    expect(fields.get_by_label("Given names")).not_to_be_checked()
    page.get_by_label("Why (a short note, no names)").fill("return to Romania planned")
    page.get_by_role("button", name="Show what will be sent").click()

    sent = page.locator("#preview-fields")
    expect(sent).to_contain_text("Age at registration")
    expect(sent).to_contain_text("UA")
    expect(sent).not_to_contain_text("Vulnerabilities")
    expect(page.locator("#preview-partner")).to_contain_text("Haven RO (RO)")
    page.get_by_role("button", name="Seal and send to Haven RO").click()
    page.wait_for_url(re.compile(r".*/referrals/transnational/sent/[0-9a-f-]{36}$"))
    expect(page.locator("#package-status")).to_have_text("Acknowledged")
    expect(page.get_by_role("status")).to_contain_text("acknowledged it with its signature")
    page.get_by_role("link", name="Back to victim NL-2026-31").click()
    expect(page.locator("#pathway-body")).to_contain_text("Acknowledged")

    receiver = _log_in(browser, ro.base, "ro-case")
    receiver.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    receiver.get_by_role("link", name="Other countries").click()
    referral = receiver.locator("article.referral").first
    expect(referral).to_contain_text("From Haven NL (NL)")
    expect(referral).to_contain_text("Age at registration")
    expect(referral).not_to_contain_text("Vulnerabilities")  # unticked, not sent
    expect(referral).not_to_contain_text("Given names")  # not granted
    referral.get_by_role("link", name=re.compile(r"^trm:nl-haven:")).click()
    expect(receiver.locator("#pathway-stage")).to_have_text("Referred")
