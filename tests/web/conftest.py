"""Web fixtures: an app on the test registry, users of several roles, logged-in clients."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from factories import FAST_LOGIN
from haven.access import Accounts, Principal, Role, UserCreate
from haven.config import Settings
from haven.referral import InstallationKeys, TransnationalSettings
from haven.registry import Registry
from haven.standard import OrganisationPublic
from haven.web import create_app

PASSWORD = "a long test password 1"


@dataclass
class Users:
    accounts: Accounts
    org: OrganisationPublic
    other_org: OrganisationPublic

    def add(self, username: str, roles: list[Role], org: OrganisationPublic | None = None,
            locale: str = "en") -> str:
        self.accounts.create_user(None, (org or self.org).id, UserCreate(
            username=username, display_name=username.title(), password=PASSWORD, roles=roles,
            locale=locale))
        return username

    def principal(self, username: str) -> Principal:
        return self.accounts.login(username, PASSWORD)[1].principal

    def token(self, username: str) -> dict[str, str]:
        token, _ = self.accounts.create_token(self.principal(username), "test")
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    return settings


@pytest.fixture
def client(registry: Registry, app_settings: Settings) -> TestClient:
    return TestClient(create_app(registry, app_settings, login_policy=FAST_LOGIN))


@pytest.fixture
def users(client: TestClient, org: OrganisationPublic, other_org: OrganisationPublic) -> Users:
    users = Users(client.app.state.accounts, org, other_org)  # type: ignore[attr-defined]
    users.add("worker", [Role.CASE_WORKER])
    users.add("fieldworker", [Role.FIRST_LINE_WORKER])
    users.add("outsider", [Role.SUPERVISOR], other_org)
    users.add("rapporteur", [Role.RAPPORTEUR])
    users.add("analyst", [Role.ANALYST])
    users.add("orgadmin", [Role.ORG_ADMIN])
    users.add("sysadmin", [Role.SYSTEM_ADMIN])
    return users


def inbox_settings(org: OrganisationPublic, tmp_path: Path) -> TransnationalSettings:
    """Transnational referral on (for `create_app(transnational=...)`), received by `org`;
    off, its endpoints answer 503 by design."""
    key_file = tmp_path / "trm-keys.json"
    InstallationKeys.generate("test-haven").save(key_file)
    return TransnationalSettings(key_file, org.code, "Test Haven", "NL", "https://haven.example")


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def login(client: TestClient, users: Users) -> Callable[[str], TestClient]:
    """Log a fresh client in as `username` through the real form; returns that client."""

    def do(username: str) -> TestClient:
        browser = TestClient(client.app)
        page = browser.get("/login")
        response = browser.post("/login", data={
            "username": username, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
            follow_redirects=False)
        assert response.status_code == 303, response.text
        return browser

    return do


CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-dev-shm-usage"]


@pytest.fixture
def server(registry: Registry, settings: Settings) -> Iterator[str]:
    """The app served by uvicorn in a thread on a free loopback port; yields its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    app = create_app(registry, settings, login_policy=FAST_LOGIN)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def log_in_page(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    """Log a Playwright page in through the log-in form, as a person would."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(f"{base}/")
