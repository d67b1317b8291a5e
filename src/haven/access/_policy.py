"""The one place where permissions are decided.

The web adapter and the CLI turn a logged-in user (or an API token) into a `Principal`, then
ask this module for what they need: `authorize` for an action, `record_scope` for the registry
scope of a person query, `aggregate_scope` for statistics. Nothing else grants access.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from haven.access._roles import Permission, Role
from haven.exceptions import PermissionDenied
from haven.registry import AdminScope, AggregateScope, Scope

__all__ = ["Principal", "admin_scope", "aggregate_scope", "authorize", "can", "record_scope"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: a user of one organisation, with the permissions in force right now.

    For an API token, `permissions` is the token's subset of its owner's permissions.
    """

    user_id: uuid.UUID
    username: str
    display_name: str
    organisation_id: uuid.UUID
    organisation_country: str
    roles: frozenset[Role]
    permissions: frozenset[Permission]
    locale: str = "en"
    via: str = "session"
    token_id: uuid.UUID | None = field(default=None)

    @property
    def actor(self) -> str:
        suffix = f"/token:{self.token_id}" if self.token_id else ""
        return f"user:{self.username}{suffix}"


def can(principal: Principal, permission: Permission) -> bool:
    return permission in principal.permissions


def authorize(principal: Principal, permission: Permission) -> None:
    """Raise `PermissionDenied` unless the principal holds `permission`."""
    if permission not in principal.permissions:
        raise PermissionDenied(f"this needs the {permission.value} permission")


def record_scope(principal: Principal, permission: Permission = Permission.READ_RECORDS
                 ) -> Scope:
    """The registry scope for a person query: own organisation, identifying data if allowed."""
    authorize(principal, permission)
    return Scope(principal.actor, principal.organisation_id,
                 identifying=can(principal, Permission.READ_IDENTIFYING))


def aggregate_scope(principal: Principal) -> AggregateScope:
    authorize(principal, Permission.READ_AGGREGATES)
    return AggregateScope(principal.actor)


def admin_scope(principal: Principal) -> AdminScope:
    authorize(principal, Permission.MANAGE_ORGANISATIONS)
    return AdminScope(principal.actor)
