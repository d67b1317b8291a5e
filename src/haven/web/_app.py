"""The FastAPI application, built from a registry and settings (nothing at import time)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from haven import __version__
from haven.access import Accounts, LoginPolicy, OidcConfig
from haven.config import Settings
from haven.referral import TransnationalSettings
from haven.referral import api as referral_api
from haven.registry import Registry
from haven.web import (
    _api,
    _pages,
    _pages_admin,
    _pages_identity,
    _pages_partners,
    _pages_records,
    _pages_referral,
    _pages_transnational,
)
from haven.web._auth import LoginRateLimiter
from haven.web._errors import install_error_handlers
from haven.web._oidc import oidc_router

__all__ = ["create_app"]

_STATIC = Path(__file__).parent / "static"

# Everything is served by Haven itself (it must run air-gapped); nothing may be framed.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# The API docs start Swagger UI (served from /static, no CDN) with one inline script.
_DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
             "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'")


def create_app(registry: Registry, settings: Settings, *,
               login_policy: LoginPolicy | None = None,
               transnational: TransnationalSettings | None = None) -> FastAPI:
    """The whole web application; `transnational` turns on the transnational referral inbox."""
    settings.check()
    app = FastAPI(
        docs_url=None,
        redoc_url=None,
        title="Haven",
        version=__version__,
        description="Registry of victims, suspects and cases on one data standard "
        "(Eurostat, CTDC/HTCDS). Authenticate with a bearer API token "
        "(`Authorization: Bearer hvn_...`, made on your account page) or the session cookie. "
        "Every person endpoint is scoped to your organisation and audited.",
    )
    app.state.registry = registry
    app.state.settings = settings
    app.state.accounts = Accounts(registry, login_policy)
    app.state.login_limiter = LoginRateLimiter()
    oidc = OidcConfig.from_settings(settings)
    app.state.oidc_enabled = oidc is not None
    if oidc is not None:
        app.include_router(oidc_router(oidc))
    install_error_handlers(app)
    app.include_router(_api.router)
    app.include_router(referral_api.router)
    referral_api.configure(app, registry, transnational)
    app.include_router(_pages.router)
    app.include_router(_pages_identity.router)  # before /victims/{id}: /victims/find
    app.include_router(_pages_records.router)
    app.include_router(_pages_admin.router)
    app.include_router(_pages_referral.router)
    app.include_router(_pages_transnational.router)
    app.include_router(_pages_partners.router)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="Haven API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg")

    @app.middleware("http")
    async def _headers(request: Request,
                       call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/api/"):  # JSON may hold personal data too
            response.headers.setdefault("Cache-Control", "no-store")
        if request.url.path == "/docs":
            response.headers["Content-Security-Policy"] = _DOCS_CSP
        if settings.production:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    return app
