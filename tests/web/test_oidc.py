"""OpenID Connect log-in end to end: the browser (TestClient) goes to the fake provider on
loopback and back, and leaves with a Haven session, or with none and /login?error=oidc."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from haven.access import Accounts, AuthenticationFailed, Role, UserCreate
from haven.access._oidc import OidcConfig
from haven.config import Settings
from haven.registry import Registry
from haven.standard import OrganisationPublic
from haven.web import create_app
from haven.web._auth import session_cookie_name
from haven.web._oidc import FAILURE_URL, oidc_router, state_cookie_name
from oidc_provider import CLIENT_ID, CLIENT_SECRET, SUBJECT, FakeProvider, serve

CALLBACK = "http://testserver/auth/oidc/callback"


class _Response(Protocol):  # TestClient answers with httpx2 responses, not httpx ones
    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def cookies(self) -> Mapping[str, str]: ...


@pytest.fixture(scope="module")
def served() -> Iterator[FakeProvider]:
    with serve(FakeProvider()) as provider:
        yield provider


@pytest.fixture
def provider(served: FakeProvider) -> FakeProvider:
    served.reset()
    return served


@pytest.fixture
def accounts(registry: Registry, org: OrganisationPublic, provider: FakeProvider) -> Accounts:
    accounts = Accounts(registry)
    accounts.create_user(None, org.id, UserCreate(
        username="anna.devries", display_name="Anna de Vries", roles=[Role.CASE_WORKER],
        oidc_subject=f"{provider.issuer}|{SUBJECT}"))
    return accounts


def _app(accounts: Accounts, settings: Settings, provider: FakeProvider) -> FastAPI:
    # What create_app does when OIDC is configured, without the rest of the application.
    app = FastAPI()
    app.state.accounts = accounts
    app.state.settings = settings
    app.include_router(oidc_router(OidcConfig(
        issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        redirect_uri=CALLBACK)))
    return app


@pytest.fixture
def browser(accounts: Accounts, settings: Settings, provider: FakeProvider) -> TestClient:
    return TestClient(_app(accounts, settings, provider), follow_redirects=False)


def _to_provider_and_back(browser: TestClient) -> str:
    """Start the log-in and let the provider answer; returns the callback URL."""
    started = browser.get("/auth/oidc/login")
    assert started.status_code == 303, started.text
    at_provider = httpx.get(started.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302, at_provider.text
    callback: str = at_provider.headers["location"]
    assert callback.startswith(CALLBACK)
    return callback


def _assert_refused(response: _Response, browser: TestClient, settings: Settings) -> None:
    assert response.status_code == 303
    assert response.headers["location"] == FAILURE_URL
    assert session_cookie_name(settings) not in response.cookies
    assert session_cookie_name(settings) not in browser.cookies


def test_login_opens_a_session_for_the_provisioned_user(
        browser: TestClient, accounts: Accounts, settings: Settings) -> None:
    started = browser.get("/auth/oidc/login")
    location = urlsplit(started.headers["location"])
    assert parse_qs(location.query)["code_challenge_method"] == ["S256"]
    state_cookie = started.headers["set-cookie"]
    assert "HttpOnly" in state_cookie
    assert "samesite=lax" in state_cookie.lower()
    at_provider = httpx.get(started.headers["location"], follow_redirects=False)
    done = browser.get(at_provider.headers["location"])
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/"
    token = browser.cookies[session_cookie_name(settings)]
    assert accounts.session(token).principal.username == "anna.devries"
    assert state_cookie_name(settings) not in browser.cookies


def test_an_unknown_subject_is_refused(browser: TestClient, provider: FakeProvider,
                                       settings: Settings,
                                       caplog: pytest.LogCaptureFixture) -> None:
    provider.subject = "not-linked-to-anyone"
    with caplog.at_level(logging.WARNING, logger="haven.web.oidc"):
        response = browser.get(_to_provider_and_back(browser))
    _assert_refused(response, browser, settings)
    assert "no Haven account" in caplog.text
    assert "not-linked-to-anyone" not in caplog.text


@pytest.mark.parametrize(("change", "check"), [
    ({"iss": "https://evil.example"}, "iss"),
    ({"aud": "another-client"}, "aud"),
    ({"exp": 1_000_000_000}, "exp"),
    ({"nonce": "another-nonce"}, "nonce"),
])
def test_a_bad_id_token_is_refused(browser: TestClient, provider: FakeProvider,
                                   settings: Settings, caplog: pytest.LogCaptureFixture,
                                   change: dict[str, object], check: str) -> None:
    provider.claims = change
    with caplog.at_level(logging.WARNING, logger="haven.web.oidc"):
        response = browser.get(_to_provider_and_back(browser))
    _assert_refused(response, browser, settings)
    assert f"failed the {check} check" in caplog.text
    assert SUBJECT not in caplog.text


def test_a_bad_signature_is_refused(browser: TestClient, provider: FakeProvider,
                                    settings: Settings) -> None:
    provider.tamper = lambda token: token[:-4] + ("AAAA" if not token.endswith("AAAA")
                                                  else "BBBB")
    _assert_refused(browser.get(_to_provider_and_back(browser)), browser, settings)


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_unsigned_and_hmac_tokens_are_refused(browser: TestClient, provider: FakeProvider,
                                              settings: Settings, alg: str) -> None:
    provider.alg = alg
    provider.signing_key = None
    provider.header = {"kid": "rsa-1"}
    _assert_refused(browser.get(_to_provider_and_back(browser)), browser, settings)


def test_a_replayed_callback_is_refused(browser: TestClient, settings: Settings) -> None:
    callback = _to_provider_and_back(browser)
    state_cookie = browser.cookies[state_cookie_name(settings)]
    assert browser.get(callback).headers["location"] == "/"
    browser.cookies.clear()
    browser.cookies.set(state_cookie_name(settings), state_cookie)  # even with its cookie
    _assert_refused(browser.get(callback), browser, settings)


def test_a_callback_from_another_browser_is_refused(
        accounts: Accounts, settings: Settings, provider: FakeProvider) -> None:
    # Login CSRF: an attacker's own callback URL, opened in the victim's browser.
    app = _app(accounts, settings, provider)
    attacker = TestClient(app, follow_redirects=False)
    victim = TestClient(app, follow_redirects=False)
    _assert_refused(victim.get(_to_provider_and_back(attacker)), victim, settings)


def test_an_error_from_the_provider_is_refused(browser: TestClient, settings: Settings) -> None:
    browser.get("/auth/oidc/login")
    response = browser.get("/auth/oidc/callback", params={"error": "access_denied"})
    _assert_refused(response, browser, settings)


def test_an_unreachable_provider_sends_back_to_login(
        accounts: Accounts, settings: Settings) -> None:
    app = FastAPI()
    app.state.accounts, app.state.settings = accounts, settings
    app.include_router(oidc_router(OidcConfig(
        issuer="http://127.0.0.1:9", client_id=CLIENT_ID, redirect_uri=CALLBACK, timeout=2)))
    browser = TestClient(app, follow_redirects=False)
    _assert_refused(browser.get("/auth/oidc/login"), browser, settings)


def test_a_new_login_ends_the_session_the_browser_had(
        browser: TestClient, accounts: Accounts, settings: Settings) -> None:
    browser.get(_to_provider_and_back(browser))
    first = browser.cookies[session_cookie_name(settings)]
    browser.get(_to_provider_and_back(browser))
    second = browser.cookies[session_cookie_name(settings)]
    assert first != second
    accounts.session(second)
    with pytest.raises(AuthenticationFailed, match="not logged in"):
        accounts.session(first)


def test_in_production_the_cookies_are_secure_and_host_only(
        accounts: Accounts, settings: Settings, provider: FakeProvider) -> None:
    production = replace(settings, production=True)
    browser = TestClient(_app(accounts, production, provider), follow_redirects=False,
                         base_url="https://testserver")
    started = browser.get("/auth/oidc/login")
    cookie = started.headers["set-cookie"]
    assert cookie.startswith("__Host-haven_oidc_state=")
    assert "Secure" in cookie
    assert "Path=/" in cookie


def test_through_the_whole_application(registry: Registry, settings: Settings,
                                       accounts: Accounts, provider: FakeProvider) -> None:
    # The router as create_app includes it, with Haven's own pages and middleware around it.
    app = create_app(registry, settings)
    app.state.accounts = accounts
    app.state.oidc_enabled = True
    app.include_router(oidc_router(OidcConfig(
        issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        redirect_uri=CALLBACK)))
    browser = TestClient(app, follow_redirects=False)
    assert browser.get(_to_provider_and_back(browser)).headers["location"] == "/"
    home = browser.get("/")
    assert home.status_code == 200, home.text
    assert "Anna de Vries" in home.text
    provider.subject = "not-linked-to-anyone"
    browser.cookies.clear()
    refused = browser.get(_to_provider_and_back(browser))
    assert refused.headers["location"] == FAILURE_URL
    assert browser.get(FAILURE_URL).status_code == 200
