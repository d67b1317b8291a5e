"""OpenID Connect log-in: discovery, the authorization-code flow with PKCE, ID-token checks.

For agencies that run an identity provider. Haven is a confidential client (or, without a
secret, a public one) using the authorization-code flow with PKCE (S256). The provider only
vouches for a person; an administrator links that person to a Haven account by setting the
user's `oidc_subject` to `"<issuer>|<sub>"` (`OidcConfig.subject_of`). A log-in never
creates an account.

The ID token is checked with `cryptography` alone, so that no JOSE library sits between the
provider and a session: JWS compact form, RS256 or ES256 against the provider's JWKS key with
the header's `kid` (the JWKS is fetched again once when the `kid` is unknown, for key
rotation), `iss`, `aud` and `azp`, `exp`, `iat` and `nbf` with the configured clock skew, and
the `nonce` of this log-in. `alg: none`, HMAC and every other algorithm are refused.

    AuthenticationFailed
    └── OidcError                 the log-in with the identity provider did not succeed
        ├── OidcProviderError     discovery, JWKS or token endpoint unreachable or malformed
        ├── OidcStateInvalid      unknown, expired or already used `state`
        └── IdTokenInvalid        an ID-token check failed; `check` names which

Messages name the step or check that failed, never a token, code or claim value.

Pending log-ins (state, nonce, PKCE verifier) live in this process's memory for
`OidcConfig.state_ttl` and are used once. A log-in started on one Haven process must come
back to the same process: run one process (as `haven serve` does) or use sticky sessions.

Example:
    In the web adapter (`haven.web._oidc`), with `config = OidcConfig.from_settings(settings)`:

        client = OidcClient(config)
        request = client.begin()                # redirect the browser to request.url
        identity = client.complete(state, code)  # on the callback
        token, info = accounts.login_external(identity.subject)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from haven.access._accounts import AuthenticationFailed
from haven.exceptions import ConfigurationError

if TYPE_CHECKING:
    from haven.config import Settings

__all__ = [
    "AuthorizationRequest",
    "IdTokenInvalid",
    "LoginStateStore",
    "OidcClient",
    "OidcConfig",
    "OidcError",
    "OidcIdentity",
    "OidcProviderError",
    "OidcStateInvalid",
    "ProviderMetadata",
]

SUPPORTED_ALGORITHMS = frozenset({"RS256", "ES256"})
_MIN_RSA_BITS = 2048
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_ERROR_CODE = re.compile(r"[a-z_]{1,64}")


class OidcError(AuthenticationFailed):
    """The log-in with the identity provider did not succeed."""


class OidcProviderError(OidcError):
    """The provider's discovery document, JWKS or token endpoint failed or was malformed."""

    status_code = 502


class OidcStateInvalid(OidcError):
    """The callback's `state` is unknown, expired, already used or not this browser's."""

    def __init__(self, message: str = "the log-in request is unknown, expired or already "
                 "used; start the log-in again") -> None:
        super().__init__(message)


class IdTokenInvalid(OidcError):
    """An ID-token check failed; `check` names it (`format`, `alg`, `kid`, `signature`,
    `iss`, `aud`, `azp`, `exp`, `iat`, `nbf`, `nonce`, `sub`)."""

    def __init__(self, check: str) -> None:
        self.check = check
        super().__init__(f"the ID token failed the {check} check")


@dataclass(frozen=True, slots=True, kw_only=True)
class OidcConfig:
    """How Haven talks to one OpenID provider.

    Attributes:
        issuer: the provider's issuer URL, exactly as its ID tokens give `iss`.
        client_id: Haven's client id at the provider.
        client_secret: the client secret; None for a public client (PKCE only).
        redirect_uri: Haven's callback, `https://<host>/auth/oidc/callback`, registered at
            the provider.
        scopes: space-separated scopes; must include `openid`.
        subject_claim: the claim that identifies the person; `sub` is the one the standard
            guarantees stable and unique per issuer.
        clock_skew: how far the provider's clock may be off ours for `exp`, `iat`, `nbf`.
        state_ttl: how long a started log-in may take.
        algorithms: the signature algorithms accepted, a subset of RS256 and ES256.
        timeout: seconds for each request to the provider.
    """

    issuer: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    redirect_uri: str
    scopes: str = "openid profile email"
    subject_claim: str = "sub"
    clock_skew: timedelta = timedelta(seconds=60)
    state_ttl: timedelta = timedelta(minutes=10)
    algorithms: frozenset[str] = SUPPORTED_ALGORITHMS
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if "openid" not in self.scopes.split():
            raise ConfigurationError("OpenID Connect scopes must include 'openid'")
        if not self.algorithms or not self.algorithms <= SUPPORTED_ALGORITHMS:
            raise ConfigurationError("OpenID Connect algorithms must be RS256 and/or ES256")

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcConfig | None:
        """The configuration from `Settings` (HAVEN_OIDC_*), or None when OIDC is off."""
        if not (settings.oidc_issuer and settings.oidc_client_id and settings.oidc_redirect_uri):
            return None
        return cls(issuer=settings.oidc_issuer, client_id=settings.oidc_client_id,
                   client_secret=settings.oidc_client_secret,
                   redirect_uri=settings.oidc_redirect_uri)

    def subject_of(self, claims: Mapping[str, object]) -> str:
        """The value stored in `users.oidc_subject` for these (checked) claims."""
        return f"{claims['iss']}|{claims[self.subject_claim]}"


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    """The parts of the provider's discovery document Haven uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    token_endpoint_auth_methods: tuple[str, ...] = ("client_secret_basic",)


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """Where to send the browser, and the `state` to bind to the browser (a cookie)."""

    url: str
    state: str


@dataclass(frozen=True, slots=True)
class OidcIdentity:
    """A person the provider vouched for; `claims` are personal data, never log them."""

    subject: str
    claims: Mapping[str, object] = field(repr=False)


@dataclass(frozen=True, slots=True)
class _Pending:
    nonce: str = field(repr=False)
    code_verifier: str = field(repr=False)
    expires_at: float


class LoginStateStore:
    """Started log-ins keyed by `state`, each usable once and until it expires (in memory).

    At most `max_pending` are kept; beyond that the oldest are dropped, so that a flood of
    unauthenticated log-in starts cannot exhaust memory (it can at worst make a slow user
    start again).
    """

    def __init__(self, ttl: timedelta = timedelta(minutes=10), max_pending: int = 10_000
                 ) -> None:
        self.ttl = ttl.total_seconds()
        self.max_pending = max_pending
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, state: str, nonce: str, code_verifier: str, *, now: float) -> None:
        with self._lock:
            for key in [k for k, p in self._pending.items() if p.expires_at <= now]:
                del self._pending[key]
            while len(self._pending) >= self.max_pending:
                del self._pending[next(iter(self._pending))]  # dicts keep insertion order
            self._pending[state] = _Pending(nonce, code_verifier, now + self.ttl)

    def take(self, state: str, *, now: float) -> _Pending:
        """Remove and return the pending log-in; a second take of the same state fails."""
        with self._lock:
            pending = self._pending.pop(state, None)
        if pending is None or pending.expires_at <= now:
            raise OidcStateInvalid()
        return pending


@dataclass(frozen=True, slots=True)
class _Key:
    kid: str | None
    alg: str
    key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey = field(repr=False)


class OidcClient:
    """The relying party for one provider: starts log-ins and checks their results.

    Discovery and the JWKS are fetched on first use and cached; the JWKS again once when a
    token names an unknown `kid`. Pass `http` to control TLS (an internal CA), proxies or a
    test transport; by default each exchange uses a short-lived `httpx.Client`, which honours
    `SSL_CERT_FILE`. Safe to share between threads.
    """

    def __init__(self, config: OidcConfig, *, http: httpx.Client | None = None,
                 store: LoginStateStore | None = None) -> None:
        self.config = config
        self.store = store or LoginStateStore(config.state_ttl)
        self._http = http
        self._lock = threading.Lock()
        self._metadata: ProviderMetadata | None = None
        self._keys: list[_Key] | None = None

    @contextmanager
    def _client(self) -> Iterator[httpx.Client]:
        if self._http is not None:
            yield self._http
            return
        with httpx.Client(timeout=self.config.timeout) as client:
            yield client

    def _get_json(self, url: str, what: str) -> dict[str, object]:
        try:
            with self._client() as client:
                response = client.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError):
            raise OidcProviderError(f"the provider's {what} could not be fetched") from None
        if not isinstance(body, dict):
            raise OidcProviderError(f"the provider's {what} is not a JSON object")
        return body

    # -- discovery ------------------------------------------------------------------------------
    def metadata(self) -> ProviderMetadata:
        """The provider's discovery document, fetched once and checked against the issuer."""
        with self._lock:
            if self._metadata is None:
                self._metadata = self._discover()
            return self._metadata

    def _discover(self) -> ProviderMetadata:
        issuer = self.config.issuer
        doc = self._get_json(issuer.rstrip("/") + "/.well-known/openid-configuration",
                             "discovery document")
        # OpenID Connect Discovery 4.3: the document must name exactly the configured issuer.
        if doc.get("issuer") != issuer:
            raise OidcProviderError("the discovery document names another issuer")
        urls = {}
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            url = doc.get(name)
            if not isinstance(url, str) or not url.startswith(("https://", "http://")):
                raise OidcProviderError(f"the discovery document lacks a valid {name}")
            if issuer.startswith("https://") and not url.startswith("https://"):
                raise OidcProviderError(f"the discovery document's {name} is not https")
            urls[name] = url
        methods = doc.get("token_endpoint_auth_methods_supported")
        return ProviderMetadata(
            issuer=issuer, authorization_endpoint=urls["authorization_endpoint"],
            token_endpoint=urls["token_endpoint"], jwks_uri=urls["jwks_uri"],
            token_endpoint_auth_methods=tuple(m for m in methods if isinstance(m, str))
            if isinstance(methods, list) else ("client_secret_basic",))

    def _signing_keys(self, *, refresh: bool = False) -> list[_Key]:
        with self._lock:
            cached = self._keys
        if cached is not None and not refresh:
            return cached
        body = self._get_json(self.metadata().jwks_uri, "JWKS")
        entries = body.get("keys")
        if not isinstance(entries, list):
            raise OidcProviderError("the provider's JWKS has no key list")
        # A key Haven cannot use (encryption, another curve) is skipped, not fatal: providers
        # publish several kinds side by side.
        keys = [k for k in (_parse_jwk(e) for e in entries if isinstance(e, dict)) if k]
        with self._lock:
            self._keys = keys
        return keys

    # -- the flow -------------------------------------------------------------------------------
    def begin(self, *, now: float | None = None) -> AuthorizationRequest:
        """Start a log-in: a fresh state, nonce and PKCE verifier, and the provider's URL."""
        now = time.time() if now is None else now
        metadata = self.metadata()
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(48)  # 64 characters, within RFC 7636's 43 to 128
        self.store.add(state, nonce, verifier, now=now)
        url = httpx.URL(metadata.authorization_endpoint).copy_merge_params({
            "response_type": "code",
            "client_id": self.config.client_id,
            "redirect_uri": self.config.redirect_uri,
            "scope": self.config.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": _b64encode(hashlib.sha256(verifier.encode("ascii")).digest()),
            "code_challenge_method": "S256",
        })
        return AuthorizationRequest(str(url), state)

    def complete(self, state: str, code: str, *, now: float | None = None) -> OidcIdentity:
        """Finish a log-in from the callback's `state` and `code`; the state is used up."""
        now = time.time() if now is None else now
        pending = self.store.take(state, now=now)
        id_token = self._exchange(code, pending.code_verifier)
        claims = self.verify_id_token(id_token, pending.nonce, now=now)
        return OidcIdentity(self.config.subject_of(claims), claims)

    def _exchange(self, code: str, verifier: str) -> str:
        metadata = self.metadata()
        config = self.config
        form = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": config.redirect_uri, "code_verifier": verifier}
        headers = {"Accept": "application/json"}
        if config.client_secret is None:
            form["client_id"] = config.client_id
        elif ("client_secret_post" in metadata.token_endpoint_auth_methods
              and "client_secret_basic" not in metadata.token_endpoint_auth_methods):
            form |= {"client_id": config.client_id, "client_secret": config.client_secret}
        else:
            # RFC 6749 2.3.1: id and secret are form-encoded before the Basic encoding.
            pair = f"{quote(config.client_id, safe='')}:{quote(config.client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        try:
            with self._client() as client:
                response = client.post(metadata.token_endpoint, data=form, headers=headers)
        except httpx.HTTPError:
            raise OidcProviderError("the token endpoint could not be reached") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200:
            error = body.get("error") if isinstance(body, dict) else None
            # The OAuth error code is a fixed vocabulary (invalid_grant, ...), safe to show.
            reason = f" ({error})" if isinstance(error, str) and _ERROR_CODE.fullmatch(
                error) else ""
            raise OidcError(f"the token endpoint refused the authorization code{reason}")
        id_token = body.get("id_token") if isinstance(body, dict) else None
        if not isinstance(id_token, str):
            raise OidcProviderError("the token endpoint returned no ID token")
        return id_token

    # -- the ID token ---------------------------------------------------------------------------
    def verify_id_token(self, token: str, nonce: str, *, now: float | None = None
                        ) -> dict[str, object]:
        """Check an ID token's signature and claims; returns the claims or raises
        `IdTokenInvalid` naming the failed check."""
        now = time.time() if now is None else now
        header, claims, signing_input, signature = _parse_jws(token)
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self.config.algorithms:
            raise IdTokenInvalid("alg")
        if "crit" in header:  # RFC 7515 4.1.11: extensions Haven does not know must fail
            raise IdTokenInvalid("crit")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise IdTokenInvalid("kid")
        key = self._key_for(alg, kid)
        if not _signature_valid(key, alg, signing_input, signature):
            raise IdTokenInvalid("signature")
        _check_claims(claims, self.config, nonce, now)
        return claims

    def _key_for(self, alg: str, kid: str | None) -> _Key:
        for refresh in (False, True):  # a kid we do not know may be a rotated key: fetch once
            keys = [k for k in self._signing_keys(refresh=refresh) if k.alg == alg and (
                kid is None or k.kid == kid)]
            # OIDC Core 10.1: with several keys a kid is required, so never guess.
            if len(keys) == 1:
                return keys[0]
        raise IdTokenInvalid("kid")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(part: str) -> bytes:
    if not _B64URL.fullmatch(part):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _parse_jws(token: str) -> tuple[dict[str, object], dict[str, object], bytes, bytes]:
    """Header, claims, signing input and signature of a JWS in compact form."""
    parts = token.split(".")
    if len(parts) != 3:  # five parts would be an encrypted token (JWE), not supported
        raise IdTokenInvalid("format")
    try:
        header = json.loads(_b64decode(parts[0]))
        claims = json.loads(_b64decode(parts[1]))
        signature = _b64decode(parts[2])
    except (ValueError, binascii.Error):  # JSONDecodeError and UnicodeDecodeError included
        raise IdTokenInvalid("format") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise IdTokenInvalid("format")
    return header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def _int_of(value: object) -> int:
    if not isinstance(value, str):
        raise ValueError("not a string")
    return int.from_bytes(_b64decode(value), "big")


def _parse_jwk(jwk: Mapping[str, object]) -> _Key | None:
    """A signing key Haven can use, or None (another use, type, curve, or too small)."""
    if jwk.get("use", "sig") != "sig":
        return None
    kid = jwk.get("kid")
    kid = kid if isinstance(kid, str) else None
    try:
        if jwk.get("kty") == "RSA" and jwk.get("alg", "RS256") == "RS256":
            rsa_key = rsa.RSAPublicNumbers(_int_of(jwk.get("e")), _int_of(jwk.get("n"))
                                           ).public_key()
            return _Key(kid, "RS256", rsa_key) if rsa_key.key_size >= _MIN_RSA_BITS else None
        if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256" and jwk.get(
                "alg", "ES256") == "ES256":
            ec_key = ec.EllipticCurvePublicNumbers(_int_of(jwk.get("x")), _int_of(jwk.get("y")),
                                                   ec.SECP256R1()).public_key()
            return _Key(kid, "ES256", ec_key)
    except (ValueError, binascii.Error):  # includes a point not on the curve
        return None
    return None


def _signature_valid(key: _Key, alg: str, signing_input: bytes, signature: bytes) -> bool:
    try:
        if alg == "RS256" and isinstance(key.key, rsa.RSAPublicKey):
            key.key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
            return True
        if alg == "ES256" and isinstance(key.key, ec.EllipticCurvePublicKey):
            if len(signature) != 64:  # JWS carries r and s raw (RFC 7518 3.4), not DER
                return False
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            key.key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(hashes.SHA256()))
            return True
    except InvalidSignature:
        return False
    return False


def _time_claim(claims: Mapping[str, object], name: str, *, required: bool) -> float | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IdTokenInvalid(name)
    return float(value)


def _check_claims(claims: Mapping[str, object], config: OidcConfig, nonce: str,
                  now: float) -> None:
    """OIDC Core 3.1.3.7, in order; the signature has been checked already."""
    if claims.get("iss") != config.issuer:
        raise IdTokenInvalid("iss")
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud
    if not isinstance(audiences, list) or config.client_id not in audiences:
        raise IdTokenInvalid("aud")
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != config.client_id:
        raise IdTokenInvalid("azp")
    skew = config.clock_skew.total_seconds()
    expires = _time_claim(claims, "exp", required=True)
    if expires is None or expires + skew <= now:
        raise IdTokenInvalid("exp")
    issued = _time_claim(claims, "iat", required=True)
    if issued is None or issued - skew > now:
        raise IdTokenInvalid("iat")
    not_before = _time_claim(claims, "nbf", required=False)
    if not_before is not None and not_before - skew > now:
        raise IdTokenInvalid("nbf")
    token_nonce = claims.get("nonce")
    if not isinstance(token_nonce, str) or not hmac.compare_digest(
            token_nonce.encode("utf-8"), nonce.encode("utf-8")):
        raise IdTokenInvalid("nonce")
    subject = claims.get(config.subject_claim)
    if not isinstance(subject, str) or not subject:
        raise IdTokenInvalid("sub")
