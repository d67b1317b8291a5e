"""Authentication at the web edge: who is calling, and is the state-changing request genuine.

Two ways in: an API token (`Authorization: Bearer hvn_...`) for machine clients, or the
session cookie set at log-in for people. Cookie-authenticated requests that change state must
carry the session's CSRF token (form field `csrf_token` or header `X-CSRF-Token`); token
requests need none, since a browser never adds a bearer token by itself.
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict, deque
from typing import Annotated

from fastapi import Depends, Request, Response

from haven._text import N_
from haven.access import AuthenticationFailed, Principal, SessionInfo
from haven.access._accounts import constant_time_equal
from haven.config import Settings
from haven.exceptions import HavenError
from haven.web._deps import accounts_of, settings_of

__all__ = [
    "CSRF_FIELD",
    "LOGIN_CSRF_COOKIE",
    "CsrfFailed",
    "LoginRateLimiter",
    "NotLoggedIn",
    "PrincipalDep",
    "SessionDep",
    "close_session",
    "open_session",
    "session_cookie_name",
]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
LOGIN_CSRF_COOKIE = "haven_login_csrf"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class NotLoggedIn(HavenError):
    status_code = 401


class CsrfFailed(HavenError):
    """A state-changing request without the session's CSRF token."""

    status_code = 403

    def __init__(self) -> None:
        super().__init__(N_("the form has expired or did not come from Haven; reload and retry"))


def session_cookie_name(settings: Settings) -> str:
    # The __Host- prefix makes browsers refuse the cookie unless Secure, path / and no domain.
    return "__Host-haven_session" if settings.production else "haven_session"


def open_session(response: Response, token: str, settings: Settings) -> None:
    """Set the session cookie: HttpOnly, SameSite=Strict, Secure in production, no max-age
    (a browser session); the server enforces idle and absolute expiry."""
    response.set_cookie(session_cookie_name(settings), token, httponly=True, samesite="strict",
                        secure=settings.production, path="/")


def close_session(response: Response, settings: Settings) -> None:
    response.delete_cookie(session_cookie_name(settings), path="/", httponly=True,
                           samesite="strict", secure=settings.production)


async def _csrf_token_of(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette caches it for the route's own Form fields
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def _session_info(request: Request) -> SessionInfo | None:
    """The cookie session, or None when the request has none (checked before CSRF)."""
    token = request.cookies.get(session_cookie_name(settings_of(request)))
    if not token:
        return None
    try:
        return accounts_of(request).session(token)
    except AuthenticationFailed:
        return None


async def current_principal(request: Request) -> Principal:
    """The caller, authenticated by bearer token or by session cookie (with CSRF check)."""
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return accounts_of(request).authenticate_token(authorization[7:].strip())
    info = await _session_info(request)
    if info is None:
        raise NotLoggedIn(N_("log in first"))
    if request.method not in _SAFE_METHODS:
        supplied = await _csrf_token_of(request)
        if supplied is None or not constant_time_equal(supplied, info.csrf_token):
            raise CsrfFailed()
    request.state.session_info = info
    return info.principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


async def current_session(request: Request, _principal: PrincipalDep) -> SessionInfo:
    """For pages: the cookie session itself (its CSRF token goes into forms)."""
    info: SessionInfo | None = getattr(request.state, "session_info", None)
    if info is None:
        raise NotLoggedIn(N_("pages need a log-in session, not an API token"))
    return info


SessionDep = Annotated[SessionInfo, Depends(current_session)]


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


class LoginRateLimiter:
    """At most `limit` log-in attempts per client address in `window` seconds (in memory).

    Per-account lock-out (in the database) stops guessing one password; this stops one
    address from trying many accounts. Behind a reverse proxy, configure it to pass the
    client address (uvicorn --proxy-headers).
    """

    def __init__(self, limit: int = 20, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._attempts: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        attempts = self._attempts[client]
        while attempts and attempts[0] <= now - self.window:
            attempts.popleft()
        if len(attempts) >= self.limit:
            return False
        attempts.append(now)
        return True
