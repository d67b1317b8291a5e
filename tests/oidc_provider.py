"""A fake OpenID provider for the tests, served by uvicorn on a free loopback port.

It speaks just enough of the protocol to stand in for a real one: discovery, a JWKS with an
RSA and an EC P-256 key (generated per provider, never stored), `/authorize` that logs the
configured subject in at once and redirects back with a code, and `/token` that checks the
client secret, the redirect URI and the PKCE verifier and returns a signed ID token. Tests
bend it through attributes (`claims`, `header`, `alg`, `signing_key`, `tamper`) to make the
provider misbehave in exactly one way.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlencode

import uvicorn
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

CLIENT_ID = "haven"
CLIENT_SECRET = "fake-provider-secret"
SUBJECT = "c0ffee-42"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(value: int, length: int | None = None) -> str:
    return b64(value.to_bytes(length or (value.bit_length() + 7) // 8, "big"))


def jwk_of(key: PrivateKey, kid: str) -> dict[str, str]:
    """The public JWK of a private key."""
    if isinstance(key, rsa.RSAPrivateKey):
        numbers = key.public_key().public_numbers()
        return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
                "n": _int_b64(numbers.n), "e": _int_b64(numbers.e)}
    point = key.public_key().public_numbers()
    return {"kty": "EC", "kid": kid, "use": "sig", "alg": "ES256", "crv": "P-256",
            "x": _int_b64(point.x, 32), "y": _int_b64(point.y, 32)}


def sign(header: dict[str, Any], claims: dict[str, Any], key: PrivateKey | None) -> str:
    """A JWS in compact form; `key` None leaves the signature empty (for `alg: none`)."""
    signing_input = (b64(json.dumps(header).encode()) + "." +
                     b64(json.dumps(claims).encode())).encode("ascii")
    if key is None:
        signature = b""
    elif isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    else:
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return signing_input.decode("ascii") + "." + b64(signature)


class FakeProvider:
    """An OpenID provider in memory; `issuer` is set by `serve`."""

    def __init__(self) -> None:
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec_key = ec.generate_private_key(ec.SECP256R1())
        self.issuer = "http://127.0.0.1:0"
        self.app = self._build_app()
        self.reset()

    def reset(self) -> None:
        """Back to a well-behaved provider (called before each test)."""
        self.subject = SUBJECT
        self.claims: dict[str, Any] = {}      # merged into (or, as None, removed from) claims
        self.header: dict[str, Any] = {}      # merged into the JOSE header
        self.alg = "RS256"
        self.signing_key: PrivateKey | None = None  # None: the key that matches `alg`
        self.tamper: Callable[[str], str] | None = None  # rewrites the finished token
        self.extra_keys: list[dict[str, str]] = []
        self.jwks_requests = 0
        self.metadata: dict[str, Any] = {}
        self.client_auth = "client_secret_basic"  # or client_secret_post, or none (public)
        self._codes: dict[str, dict[str, str]] = {}

    def id_token(self, nonce: str | None, *, now: float | None = None) -> str:
        """An ID token as this provider is currently configured to make it."""
        now = time.time() if now is None else now
        claims: dict[str, Any] = {"iss": self.issuer, "sub": self.subject, "aud": CLIENT_ID,
                                  "iat": int(now), "exp": int(now) + 300, "nonce": nonce,
                                  "name": "Anna de Vries"}
        claims.update(self.claims)
        claims = {k: v for k, v in claims.items() if v is not None}
        key: PrivateKey | None = self.signing_key or (
            self.rsa_key if self.alg == "RS256" else self.ec_key)
        header = {"alg": self.alg, "typ": "JWT",
                  "kid": "rsa-1" if self.alg == "RS256" else "ec-1", **self.header}
        token = sign(header, claims, key)
        return self.tamper(token) if self.tamper else token

    def jwks(self) -> dict[str, Any]:
        return {"keys": [jwk_of(self.rsa_key, "rsa-1"), jwk_of(self.ec_key, "ec-1"),
                         {"kty": "RSA", "use": "enc", "kid": "enc-1", "n": "AQAB", "e": "AQAB"},
                         *self.extra_keys]}

    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, Any]:
            return {"issuer": self.issuer,
                    "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token",
                    "jwks_uri": f"{self.issuer}/jwks",
                    "response_types_supported": ["code"],
                    "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                    "code_challenge_methods_supported": ["S256"],
                    "token_endpoint_auth_methods_supported": [self.client_auth],
                    **self.metadata}

        @app.get("/jwks")
        def jwks() -> dict[str, Any]:
            self.jwks_requests += 1
            return self.jwks()

        @app.get("/authorize")
        def authorize(request: Request) -> Response:
            q = request.query_params
            if (q.get("client_id") != CLIENT_ID or q.get("response_type") != "code"
                    or q.get("code_challenge_method") != "S256"
                    or "openid" not in q.get("scope", "").split()):
                return JSONResponse({"error": "invalid_request"}, status_code=400)
            code = secrets.token_urlsafe(16)
            self._codes[code] = {"nonce": q["nonce"], "challenge": q["code_challenge"],
                                 "redirect_uri": q["redirect_uri"]}
            query = urlencode({"code": code, "state": q["state"]})
            return RedirectResponse(f"{q['redirect_uri']}?{query}", status_code=302)

        @app.post("/token")
        async def token(request: Request) -> Response:
            form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
            if not self._client_authenticated(request, form):
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            grant = self._codes.pop(form.get("code", ""), None)  # a code works once
            verifier = form.get("code_verifier", "")
            if (grant is None or form.get("grant_type") != "authorization_code"
                    or form.get("redirect_uri") != grant["redirect_uri"]
                    or b64(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]):
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            return JSONResponse({"access_token": secrets.token_urlsafe(16),
                                 "token_type": "Bearer", "expires_in": 300,
                                 "id_token": self.id_token(grant["nonce"])})

        return app

    def _client_authenticated(self, request: Request, form: dict[str, str]) -> bool:
        basic = request.headers.get("authorization")
        if self.client_auth == "client_secret_basic":
            return basic == "Basic " + base64.b64encode(
                f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if basic is not None or form.get("client_id") != CLIENT_ID:
            return False
        if self.client_auth == "client_secret_post":
            return form.get("client_secret") == CLIENT_SECRET
        return "client_secret" not in form  # none: a public client, PKCE alone


@contextmanager
def serve(provider: FakeProvider) -> Iterator[FakeProvider]:
    """Run the provider on a free loopback port in a thread while the block runs."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    provider.issuer = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(provider.app, log_level="warning", lifespan="off",
                                           ws="none", http="h11"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake OpenID provider did not start")
        time.sleep(0.01)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
