"""OpenID Connect log-in routes: `/auth/oidc/login` and `/auth/oidc/callback`.

Thin by design: `haven.access.OidcClient` does the protocol and the checks, `Accounts`
opens the session. The routes add what only the web edge can: the `state` is bound to the
browser with a short-lived cookie, so that a callback URL made by someone else (login CSRF:
logging a victim into the attacker's account) finds no matching cookie and is refused.
Every failure sends the browser to `/login?error=oidc`; the reason, which names a check
and never a token or claim, goes to the server log.
"""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from haven.access import AuthenticationFailed
from haven.access._oidc import OidcClient, OidcConfig, OidcStateInvalid
from haven.config import Settings
from haven.web._auth import open_session, session_cookie_name
from haven.web._deps import accounts_of, settings_of

__all__ = ["FAILURE_URL", "oidc_router", "state_cookie_name"]

FAILURE_URL = "/login?error=oidc"
_log = logging.getLogger("haven.web.oidc")


def state_cookie_name(settings: Settings) -> str:
    return "__Host-haven_oidc_state" if settings.production else "haven_oidc_state"


def _failed(request: Request, reason: str) -> Response:
    _log.warning("OpenID Connect log-in refused: %s", reason)
    response = RedirectResponse(FAILURE_URL, status_code=303)
    response.delete_cookie(state_cookie_name(settings_of(request)), path="/")
    return response


def oidc_router(config: OidcConfig, *, client: OidcClient | None = None) -> APIRouter:
    """The log-in routes for one provider; include them with `app.include_router`.

    Args:
        config: the provider and Haven's client registration.
        client: an `OidcClient` to use (tests pass one with their own HTTP transport).

    The app must have `app.state.accounts` (`Accounts`) and `app.state.settings`.
    """
    oidc = client or OidcClient(config)
    router = APIRouter(prefix="/auth/oidc", include_in_schema=False)
    max_age = int(config.state_ttl.total_seconds())

    @router.get("/login")
    def oidc_login(request: Request) -> Response:
        """Send the browser to the provider with a fresh state, nonce and PKCE challenge."""
        try:
            started = oidc.begin()
        except AuthenticationFailed as error:
            return _failed(request, str(error))
        settings = settings_of(request)
        response = RedirectResponse(started.url, status_code=303)
        # SameSite=Lax, not Strict: the callback is a cross-site top-level navigation from
        # the provider, on which browsers send Lax cookies and withhold Strict ones.
        response.set_cookie(state_cookie_name(settings), started.state, max_age=max_age,
                            httponly=True, samesite="lax", secure=settings.production,
                            path="/")
        return response

    @router.get("/callback")
    def oidc_callback(request: Request, code: str | None = None, state: str | None = None,
                      error: str | None = None) -> Response:
        """Check the provider's answer, open a Haven session and go to the dashboard."""
        settings = settings_of(request)
        if error is not None:  # e.g. access_denied when the person cancels at the provider
            return _failed(request, "the provider returned an error instead of a code")
        cookie = request.cookies.get(state_cookie_name(settings))
        if not code or not state or not cookie or not hmac.compare_digest(
                cookie.encode("utf-8"), state.encode("utf-8")):
            return _failed(request, str(OidcStateInvalid("the callback's state is missing or "
                                                         "not this browser's")))
        try:
            identity = oidc.complete(state, code)
            token, _info = accounts_of(request).login_external(identity.subject)
        except AuthenticationFailed as failure:  # OidcError is one, as is "no linked account"
            return _failed(request, str(failure))
        previous = request.cookies.get(session_cookie_name(settings))
        if previous:  # the old session is ended, not left open beside the new one
            accounts_of(request).logout(previous)
        response = RedirectResponse("/", status_code=303)
        open_session(response, token, settings)
        response.delete_cookie(state_cookie_name(settings), path="/")
        return response

    return router
