"""The application's shared objects, as FastAPI reaches them from a request."""

from __future__ import annotations

from fastapi import Request

from haven.access import Accounts
from haven.config import Settings
from haven.registry import Registry

__all__ = ["accounts_of", "registry_of", "settings_of"]


def registry_of(request: Request) -> Registry:
    registry: Registry = request.app.state.registry
    return registry


def accounts_of(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings
