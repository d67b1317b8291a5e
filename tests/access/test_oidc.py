"""OpenID Connect: discovery, PKCE flow, single-use state and every ID-token check, against
the fake provider on loopback."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from haven.access import Accounts, AuthenticationFailed, Role, UserCreate
from haven.access._oidc import (
    IdTokenInvalid,
    LoginStateStore,
    OidcClient,
    OidcConfig,
    OidcError,
    OidcProviderError,
    OidcStateInvalid,
    _Pending,
)
from haven.config import Settings
from haven.exceptions import ConfigurationError
from haven.registry import Registry
from haven.standard import OrganisationPublic
from oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    SUBJECT,
    FakeProvider,
    b64,
    jwk_of,
    serve,
    sign,
)

NONCE = "n-0S6_WzA2Mj"


@pytest.fixture(scope="module")
def served() -> Iterator[FakeProvider]:
    with serve(FakeProvider()) as provider:
        yield provider


@pytest.fixture
def provider(served: FakeProvider) -> FakeProvider:
    served.reset()
    return served


@pytest.fixture
def config(provider: FakeProvider) -> OidcConfig:
    return OidcConfig(issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                      redirect_uri="http://testserver/auth/oidc/callback")


@pytest.fixture
def client(config: OidcConfig) -> OidcClient:
    return OidcClient(config)


def _authorize(url: str) -> tuple[str, str]:
    """Follow the browser to the provider; returns the callback's code and state."""
    response = httpx.get(url, follow_redirects=False)
    assert response.status_code == 302, response.text
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return query["code"][0], query["state"][0]


def _refused(client: OidcClient, token: str, check: str, nonce: str = NONCE) -> None:
    with pytest.raises(IdTokenInvalid) as caught:
        client.verify_id_token(token, nonce)
    assert caught.value.check == check
    message = str(caught.value)
    assert check in message
    for part in token.split("."):  # the message never carries the token or its claims
        assert len(part) < 8 or part not in message
    assert SUBJECT not in message
    assert NONCE not in message


# -- configuration -----------------------------------------------------------------------------
def test_settings_read_oidc_from_the_environment() -> None:
    settings = Settings.from_env({"HAVEN_OIDC_ISSUER": "https://idp.example/realms/police",
                                  "HAVEN_OIDC_CLIENT_ID": "haven",
                                  "HAVEN_OIDC_CLIENT_SECRET": "s3cret-value",
                                  "HAVEN_OIDC_REDIRECT_URI": "https://haven.example/auth/oidc/callback",
                                  "HAVEN_PRODUCTION": "1"})
    assert "s3cret-value" not in repr(settings)
    config = OidcConfig.from_settings(settings)
    assert config is not None
    assert config.issuer == "https://idp.example/realms/police"
    assert config.client_secret == "s3cret-value"
    assert "s3cret-value" not in repr(config)
    assert config.scopes == "openid profile email"
    assert OidcConfig.from_settings(Settings()) is None


@pytest.mark.parametrize(("issuer", "ok"), [
    ("https://idp.example", True),
    ("http://127.0.0.1:8080", True),
    ("http://localhost:8080/realms/x", True),
    ("http://[::1]:8080", True),
    ("http://idp.example", False),
    ("http://10.0.0.7", False),
])
def test_production_refuses_a_plain_http_issuer_unless_loopback(issuer: str, ok: bool) -> None:
    settings = Settings(production=True, oidc_issuer=issuer, oidc_client_id="haven",
                        oidc_redirect_uri="https://haven.example/auth/oidc/callback")
    if ok:
        settings.check()
    else:
        with pytest.raises(ConfigurationError, match="HAVEN_OIDC_ISSUER"):
            settings.check()
    replace(settings, production=False).check()  # development may use any http provider


def test_settings_need_issuer_client_and_redirect_together() -> None:
    with pytest.raises(ConfigurationError, match="HAVEN_OIDC_CLIENT_ID, HAVEN_OIDC_REDIRECT_URI"):
        Settings(oidc_issuer="https://idp.example").check()
    with pytest.raises(ConfigurationError, match="HAVEN_OIDC_ISSUER"):
        Settings(oidc_client_secret="x").check()
    with pytest.raises(ConfigurationError, match="http"):
        Settings(oidc_issuer="idp.example", oidc_client_id="haven",
                 oidc_redirect_uri="https://haven.example/cb").check()


def test_config_needs_openid_scope_and_asymmetric_algorithms() -> None:
    with pytest.raises(ConfigurationError, match="openid"):
        OidcConfig(issuer="https://i", client_id="c", redirect_uri="https://r", scopes="email")
    with pytest.raises(ConfigurationError, match="RS256"):
        OidcConfig(issuer="https://i", client_id="c", redirect_uri="https://r",
                   algorithms=frozenset({"HS256"}))


# -- discovery and the flow --------------------------------------------------------------------
def test_discovery_reads_the_provider(client: OidcClient, provider: FakeProvider) -> None:
    metadata = client.metadata()
    assert metadata.token_endpoint == f"{provider.issuer}/token"
    assert metadata.jwks_uri == f"{provider.issuer}/jwks"


def test_discovery_refuses_a_document_for_another_issuer(config: OidcConfig) -> None:
    client = OidcClient(replace(config, issuer=config.issuer + "/"))  # same URL, other string
    with pytest.raises(OidcProviderError, match="another issuer"):
        client.begin()


def test_an_unreachable_provider_is_a_provider_error(config: OidcConfig) -> None:
    client = OidcClient(replace(config, issuer="http://127.0.0.1:9", timeout=2))
    with pytest.raises(OidcProviderError, match="discovery document"):
        client.begin()


def test_authorization_request_uses_pkce_s256_state_and_nonce(client: OidcClient) -> None:
    started = client.begin()
    query = {k: v[0] for k, v in parse_qs(urlsplit(started.url).query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["scope"] == "openid profile email"
    assert query["state"] == started.state
    assert query["code_challenge_method"] == "S256"
    pending = client.store._pending[started.state]
    assert query["nonce"] == pending.nonce
    assert query["code_challenge"] == b64(hashlib.sha256(pending.code_verifier.encode()).digest())
    assert len(pending.code_verifier) >= 43


def test_the_flow_yields_the_issuer_qualified_subject(client: OidcClient,
                                                      provider: FakeProvider) -> None:
    code, state = _authorize(client.begin().url)
    identity = client.complete(state, code)
    assert identity.subject == f"{provider.issuer}|{SUBJECT}"
    assert identity.claims["name"] == "Anna de Vries"
    assert "Anna" not in repr(identity)


def test_state_is_single_use(client: OidcClient) -> None:
    code, state = _authorize(client.begin().url)
    client.complete(state, code)
    with pytest.raises(OidcStateInvalid):
        client.complete(state, code)


def test_state_expires(client: OidcClient) -> None:
    code, state = _authorize(client.begin().url)
    with pytest.raises(OidcStateInvalid):
        client.complete(state, code, now=time.time() + 11 * 60)


def test_an_unknown_state_is_refused(client: OidcClient) -> None:
    with pytest.raises(OidcStateInvalid):
        client.complete("made-up-state", "made-up-code")


def test_the_provider_checks_the_pkce_verifier(client: OidcClient) -> None:
    code, state = _authorize(client.begin().url)
    pending = client.store._pending[state]
    client.store._pending[state] = _Pending(pending.nonce, "x" * 64, pending.expires_at)
    with pytest.raises(OidcError, match="invalid_grant"):
        client.complete(state, code)


def test_a_wrong_client_secret_is_refused(config: OidcConfig) -> None:
    client = OidcClient(replace(config, client_secret="wrong"))
    code, state = _authorize(client.begin().url)
    with pytest.raises(OidcError, match="invalid_client"):
        client.complete(state, code)


def test_client_secret_post_is_used_when_the_provider_wants_it(
        client: OidcClient, provider: FakeProvider) -> None:
    provider.client_auth = "client_secret_post"
    code, state = _authorize(client.begin().url)
    assert client.complete(state, code).subject.endswith(SUBJECT)


def test_a_public_client_sends_no_secret(config: OidcConfig, provider: FakeProvider) -> None:
    provider.client_auth = "none"
    client = OidcClient(replace(config, client_secret=None))
    code, state = _authorize(client.begin().url)
    assert client.complete(state, code).subject.endswith(SUBJECT)


def test_a_token_response_without_id_token_is_a_provider_error(
        config: OidcConfig, provider: FakeProvider) -> None:
    def token_endpoint(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": "x", "token_type": "Bearer"})
        with httpx.Client() as real:  # discovery and JWKS from the fake provider itself
            answer = real.get(str(request.url))
        return httpx.Response(answer.status_code, content=answer.content,
                              headers={"content-type": "application/json"})

    with httpx.Client(transport=httpx.MockTransport(token_endpoint)) as http:
        client = OidcClient(config, http=http)
        started = client.begin()
        with pytest.raises(OidcProviderError, match="no ID token"):
            client.complete(started.state, "any-code")


def test_the_store_keeps_at_most_max_pending() -> None:
    store = LoginStateStore(timedelta(minutes=10), max_pending=3)
    for n in range(5):
        store.add(f"s{n}", "nonce", "verifier", now=0.0)
    assert len(store) == 3
    with pytest.raises(OidcStateInvalid):
        store.take("s0", now=1.0)
    assert store.take("s4", now=1.0).nonce == "nonce"


# -- the ID token ------------------------------------------------------------------------------
def test_rs256_and_es256_tokens_pass(client: OidcClient, provider: FakeProvider) -> None:
    assert client.verify_id_token(provider.id_token(NONCE), NONCE)["sub"] == SUBJECT
    provider.alg = "ES256"
    assert client.verify_id_token(provider.id_token(NONCE), NONCE)["sub"] == SUBJECT


def test_a_signature_by_another_key_is_refused(client: OidcClient,
                                               provider: FakeProvider) -> None:
    provider.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _refused(client, provider.id_token(NONCE), "signature")


def test_a_changed_payload_breaks_the_signature(client: OidcClient,
                                                provider: FakeProvider) -> None:
    header, _payload, signature = provider.id_token(NONCE).split(".")
    claims = {"iss": provider.issuer, "sub": "admin", "aud": CLIENT_ID, "nonce": NONCE,
              "iat": int(time.time()), "exp": int(time.time()) + 300}
    forged = f"{header}.{b64(json.dumps(claims).encode())}.{signature}"
    _refused(client, forged, "signature")


def test_an_es256_signature_of_the_wrong_length_is_refused(client: OidcClient,
                                                           provider: FakeProvider) -> None:
    provider.alg = "ES256"
    token = provider.id_token(NONCE)
    _refused(client, token[: token.rindex(".") + 1] + b64(b"\x01" * 70), "signature")


@pytest.mark.parametrize(("claims", "check"), [
    ({"iss": "https://evil.example"}, "iss"),
    ({"iss": None}, "iss"),
    ({"aud": "another-client"}, "aud"),
    ({"aud": ["another-client"]}, "aud"),
    ({"aud": None}, "aud"),
    ({"aud": [CLIENT_ID, "another-client"]}, "azp"),  # several audiences need azp
    ({"aud": [CLIENT_ID, "another-client"], "azp": "another-client"}, "azp"),
    ({"azp": "another-client"}, "azp"),
    ({"exp": int(time.time()) - 3600}, "exp"),
    ({"exp": None}, "exp"),
    ({"exp": "tomorrow"}, "exp"),
    ({"exp": True}, "exp"),
    ({"iat": int(time.time()) + 3600}, "iat"),
    ({"iat": None}, "iat"),
    ({"nbf": int(time.time()) + 3600}, "nbf"),
    ({"nonce": "another-nonce"}, "nonce"),
    ({"nonce": None}, "nonce"),
    ({"sub": None}, "sub"),
    ({"sub": ""}, "sub"),
])
def test_each_claim_check_refuses(client: OidcClient, provider: FakeProvider,
                                  claims: dict[str, Any], check: str) -> None:
    provider.claims = claims
    _refused(client, provider.id_token(NONCE), check)


def test_several_audiences_pass_with_our_azp(client: OidcClient,
                                             provider: FakeProvider) -> None:
    provider.claims = {"aud": [CLIENT_ID, "another-client"], "azp": CLIENT_ID}
    client.verify_id_token(provider.id_token(NONCE), NONCE)


def test_clock_skew_is_allowed_and_no_more(client: OidcClient, provider: FakeProvider) -> None:
    now = time.time()
    provider.claims = {"exp": int(now) - 30, "iat": int(now) + 30, "nbf": int(now) + 30}
    client.verify_id_token(provider.id_token(NONCE), NONCE, now=now)  # within the 60 s
    provider.claims = {"exp": int(now) - 61}
    _refused(client, provider.id_token(NONCE), "exp")


def test_alg_none_is_refused(client: OidcClient, provider: FakeProvider) -> None:
    provider.alg, provider.signing_key = "none", None
    provider.header = {"kid": "rsa-1"}
    token = provider.id_token(NONCE)
    token = token[: token.rindex(".") + 1]  # no signature at all
    _refused(client, token, "alg")


def test_hs256_with_the_public_key_as_secret_is_refused(client: OidcClient,
                                                        provider: FakeProvider) -> None:
    # The classic confusion attack: an HMAC keyed with the provider's public key.
    public = provider.rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    good = provider.id_token(NONCE)
    _header, payload, _signature = good.split(".")
    header = b64(json.dumps({"alg": "HS256", "kid": "rsa-1"}).encode())
    mac = hmac.new(public, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    _refused(client, f"{header}.{payload}.{b64(mac)}", "alg")


def test_rs256_header_on_an_es256_key_is_refused(client: OidcClient,
                                                 provider: FakeProvider) -> None:
    provider.header = {"kid": "ec-1"}  # RS256, but naming the EC key
    _refused(client, provider.id_token(NONCE), "kid")


def test_unknown_critical_header_is_refused(client: OidcClient, provider: FakeProvider) -> None:
    provider.header = {"crit": ["exp-ext"], "exp-ext": 1}
    _refused(client, provider.id_token(NONCE), "crit")


@pytest.mark.parametrize("token", [
    "", "abc", "a.b", "a.b.c.d.e", "!!.!!.!!", "e30.e30", "W10.e30.", "e30.W10.",
    base64.urlsafe_b64encode(b"{").decode().rstrip("=") + ".e30.",
])
def test_malformed_tokens_are_refused(client: OidcClient, token: str) -> None:
    _refused(client, token, "format")


def test_an_unknown_kid_fetches_the_jwks_once_more(client: OidcClient,
                                                   provider: FakeProvider) -> None:
    client.verify_id_token(provider.id_token(NONCE), NONCE)
    assert provider.jwks_requests == 1
    # The provider rotates: a new key appears after Haven cached the old set.
    rotated = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    provider.extra_keys = [jwk_of(rotated, "rsa-2")]
    provider.signing_key, provider.header = rotated, {"kid": "rsa-2"}
    client.verify_id_token(provider.id_token(NONCE), NONCE)
    assert provider.jwks_requests == 2
    provider.header = {"kid": "rsa-gone"}
    _refused(client, provider.id_token(NONCE), "kid")
    assert provider.jwks_requests == 3  # once per unknown kid, never in a loop


def test_without_kid_the_one_key_of_that_type_is_used(client: OidcClient,
                                                      provider: FakeProvider) -> None:
    # OIDC Core 10.1 allows leaving out kid when only one key fits; here one RSA key does.
    now = int(time.time())
    claims = {"iss": provider.issuer, "sub": SUBJECT, "aud": CLIENT_ID, "nonce": NONCE,
              "iat": now, "exp": now + 300}
    assert client.verify_id_token(sign({"alg": "RS256"}, claims, provider.rsa_key), NONCE)
    provider.extra_keys = [jwk_of(rsa.generate_private_key(public_exponent=65537,
                                                           key_size=2048), "rsa-2")]
    fresh = OidcClient(client.config)  # two RSA keys now: without a kid, never guess
    _refused(fresh, sign({"alg": "RS256"}, claims, provider.rsa_key), "kid")


def test_too_small_rsa_keys_are_ignored(client: OidcClient, provider: FakeProvider) -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
    provider.extra_keys = [jwk_of(small, "rsa-small")]
    provider.signing_key, provider.header = small, {"kid": "rsa-small"}
    _refused(client, provider.id_token(NONCE), "kid")


# -- with accounts (SQLite and PostgreSQL) ---------------------------------------------------
def test_a_provisioned_user_gets_a_session(registry: Registry, org: OrganisationPublic,
                                           client: OidcClient, provider: FakeProvider) -> None:
    accounts = Accounts(registry)
    accounts.create_user(None, org.id, UserCreate(
        username="anna.devries", display_name="Anna de Vries", roles=[Role.CASE_WORKER],
        oidc_subject=f"{provider.issuer}|{SUBJECT}"))
    code, state = _authorize(client.begin().url)
    token, info = accounts.login_external(client.complete(state, code).subject)
    assert info.principal.username == "anna.devries"
    assert accounts.session(token).principal.organisation_id == org.id


def test_an_unknown_subject_gets_no_session(registry: Registry, org: OrganisationPublic,
                                            client: OidcClient, provider: FakeProvider) -> None:
    accounts = Accounts(registry)
    accounts.create_user(None, org.id, UserCreate(
        username="anna.devries", display_name="Anna de Vries", roles=[Role.CASE_WORKER],
        oidc_subject=f"{provider.issuer}|someone-else"))
    code, state = _authorize(client.begin().url)
    identity = client.complete(state, code)
    with pytest.raises(AuthenticationFailed, match="no Haven account"):
        accounts.login_external(identity.subject)
