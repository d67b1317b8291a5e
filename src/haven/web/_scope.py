"""Where the API gets the caller's scope from.

Until authentication lands (access-control issue), the only source is a development setting,
off by default and refused in production: with HAVEN_DEV_SCOPE=1 the organisation is named in
the `X-Haven-Organisation` header (its code), and `X-Haven-Identifying: 1` asks for identifying
data. Without the setting, every person endpoint answers 401.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from haven.config import Settings
from haven.registry import Registry, Scope

__all__ = ["ScopeDep", "registry_of"]


def registry_of(request: Request) -> Registry:
    registry: Registry = request.app.state.registry
    return registry


def _scope(
    request: Request,
    organisation: Annotated[str | None, Header(alias="X-Haven-Organisation")] = None,
    identifying: Annotated[str | None, Header(alias="X-Haven-Identifying")] = None,
) -> Scope:
    settings: Settings = request.app.state.settings
    if not settings.dev_scope or settings.production:
        raise HTTPException(401, "authentication is required", {"WWW-Authenticate": "Bearer"})
    if not organisation:
        raise HTTPException(401, "name the organisation in the X-Haven-Organisation header")
    org = registry_of(request).organisation(organisation)
    return Scope(f"dev:{org.code}", org.id, identifying=identifying == "1")


ScopeDep = Annotated[Scope, Depends(_scope)]
