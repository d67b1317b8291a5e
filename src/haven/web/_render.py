"""Rendering pages: templates get the reader's language, permissions and CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from haven.access import Permission, SessionInfo
from haven.standard import IdentificationStatus, Sex
from haven.web._i18n import available_locales, translator
from haven.web._labels import AUDIT_ACTIONS, RECORD_FIELDS

__all__ = ["render", "templates"]

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")  # autoescape on
# Code lists templates label by class (`label(code, Sex)`) when the value is a plain string.
templates.env.globals.update(IdentificationStatus=IdentificationStatus, Sex=Sex,
                             audit_actions=AUDIT_ACTIONS, record_fields=RECORD_FIELDS)


def render(request: Request, name: str, info: SessionInfo | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    principal = info.principal if info else None
    locale = request.cookies.get("haven_lang") if principal is None else principal.locale
    _ = translator(locale)
    values = {
        "_": _,
        "ngettext": _.ngettext,
        "label": _.label,
        "lang": _.locale,
        "locales": available_locales(),
        "principal": principal,
        "csrf_token": info.csrf_token if info else "",
        "can": (lambda p: principal is not None and Permission(p) in principal.permissions),
        "path": request.url.path,
        **context,
    }
    response: HTMLResponse = templates.TemplateResponse(request, name, values,
                                                        status_code=status_code)
    # Pages may show personal data: never keep them in shared or browser caches.
    response.headers["Cache-Control"] = "no-store"
    return response
