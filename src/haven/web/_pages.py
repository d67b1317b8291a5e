"""Pages: log-in, dashboard per role, account, language, log-out."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from haven.access import AuthenticationFailed, Permission, Principal, can, record_scope
from haven.exceptions import HavenError
from haven.registry import VictimFilter
from haven.standard import IdentificationStatus
from haven.web._auth import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    CsrfFailed,
    SessionDep,
    close_session,
    open_session,
    session_cookie_name,
)
from haven.web._deps import accounts_of, registry_of, settings_of
from haven.web._i18n import available_locales, pick_locale, translator
from haven.web._render import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


_KNOWN_LOGIN_ERRORS = {"oidc"}


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect after log-in would help phishing.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, error: str | None = None
               ) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    # Only known codes: a link must not be able to put its own text on the log-in page.
    response = render(request, "login.html", None, login_csrf=token, next=_safe_next(next),
                      error=error if error in _KNOWN_LOGIN_ERRORS else None,
                      oidc=getattr(request.app.state, "oidc_enabled", False))
    # Double-submit cookie: there is no session yet to hold the log-in form's CSRF token.
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=settings_of(request).production, path="/login")
    return response


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        raise CsrfFailed()
    client = request.client.host if request.client else "unknown"
    _ = translator(request.cookies.get("haven_lang"))
    if not request.app.state.login_limiter.allow(client):
        return _login_failed(request, _("Too many attempts from your address. Wait a few "
                                        "minutes and try again."), next, status=429)
    try:
        token, session = accounts_of(request).login(username, password)
    except AuthenticationFailed:
        return _login_failed(request, _("Unknown user name or wrong password. After several "
                                        "failed attempts the account is locked for a while."),
                             next)
    response = RedirectResponse(_safe_next(next), status_code=303)
    # Any cookie the browser brought is replaced: the session id is new at every log-in.
    open_session(response, token, settings_of(request))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    # Pages outside the session (log-in, a refused form) then speak the account's language.
    response.set_cookie("haven_lang", pick_locale(session.principal.locale), samesite="strict",
                        httponly=True)
    return response


def _login_failed(request: Request, message: str, next: str, status: int = 401
                  ) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", None, status_code=status, login_csrf=token,
                      next=_safe_next(next), error=message,
                      username=None, oidc=getattr(request.app.state, "oidc_enabled", False))
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=settings_of(request).production, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, _info: SessionDep) -> Response:
    token = request.cookies.get(session_cookie_name(settings_of(request)), "")
    accounts_of(request).logout(token)
    response = RedirectResponse("/login", status_code=303)
    close_session(response, settings_of(request))
    return response


@router.post("/logout-everywhere")
def logout_everywhere(request: Request, info: SessionDep) -> Response:
    accounts_of(request).logout_everywhere(info.principal)
    response = RedirectResponse("/login", status_code=303)
    close_session(response, settings_of(request))
    return response


@router.post("/language")
def language(request: Request, info: SessionDep, locale: Annotated[str, Form()],
             next: Annotated[str, Form()] = "/") -> Response:
    accounts_of(request).set_locale(info.principal, pick_locale(locale))
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie("haven_lang", pick_locale(locale), samesite="strict", httponly=True)
    return response


def _record_summary(request: Request, principal: Principal) -> dict[str, Any]:
    scope = record_scope(principal)
    with registry_of(request).transaction(scope) as tx:
        counts = {status.value: tx.victims.page(VictimFilter(identification_status=status),
                                                limit=1).total
                  for status in IdentificationStatus}
        recent = tx.victims.page(limit=8).items
        suspects = tx.suspects.page(limit=1).total
        cases = tx.cases.page(limit=1).total
    return {"counts": counts, "recent": recent, "suspects": suspects, "cases": cases}


def _aggregates(request: Request, principal: Principal) -> dict[str, Any]:
    """Released figures for rapporteurs: through the statistics release policy, always."""
    from haven.statistics import SuppressionPolicy, TableSpec, release_table

    years = registry_of(request).registration_years()[-5:]
    if not years:
        return {}
    try:
        spec = TableSpec.parse("victims", ["year", "sex"], years=years)
        release = release_table(registry_of(request), spec, SuppressionPolicy(),
                                actor=principal.actor, channel="web")
    except HavenError as error:
        return {"aggregate_error": translator(principal.locale).error(error)}
    return {"release": release}


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, info: SessionDep) -> HTMLResponse:
    principal = info.principal
    context: dict[str, Any] = {}
    if can(principal, Permission.READ_RECORDS):
        context.update(_record_summary(request, principal))
    if can(principal, Permission.MANAGE_REFERRALS):
        from haven.web._pages_referral import due_context

        context.update(due_context(request, principal))
    if can(principal, Permission.READ_AGGREGATES) and not can(principal, Permission.READ_RECORDS):
        context.update(_aggregates(request, principal))
    org = registry_of(request).organisation(str(principal.organisation_id))
    return render(request, "dashboard.html", info, organisation=org, **context)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, info: SessionDep) -> HTMLResponse:
    return render(request, "account.html", info, new_token=None,
                  locales=available_locales())


@router.post("/account/tokens", response_class=HTMLResponse)
def new_token(request: Request, info: SessionDep, name: Annotated[str, Form(max_length=100)],
              read_only: Annotated[bool, Form()] = False) -> HTMLResponse:
    permissions = frozenset({Permission.READ_RECORDS}) if read_only else None
    token, _id = accounts_of(request).create_token(info.principal, name or "token", permissions)
    return render(request, "account.html", info, new_token=token)
