"""The FastAPI application, built from a registry and settings (nothing at import time)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from haven import __version__
from haven.config import Settings
from haven.registry import Registry
from haven.web._api import router
from haven.web._errors import install_error_handlers
from haven.web._scope import registry_of

__all__ = ["create_app"]

_TEMPLATES = Path(__file__).parent / "templates"


def create_app(registry: Registry, settings: Settings) -> FastAPI:
    settings.check()
    app = FastAPI(
        title="Haven",
        version=__version__,
        description="Registry of victims, suspects and cases on one data standard "
        "(Eurostat, CTDC/HTCDS). Every person endpoint is scoped to the caller's organisation "
        "and audited.",
    )
    app.state.registry = registry
    app.state.settings = settings
    templates = Jinja2Templates(directory=_TEMPLATES)  # Starlette turns autoescape on
    install_error_handlers(app)
    app.include_router(router)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        page: HTMLResponse = templates.TemplateResponse(request, "home.html", {
            "holdings": registry_of(request).holdings(),
            "dev_scope": settings.dev_scope,
            "host": request.url.netloc,
        })
        return page

    return app
