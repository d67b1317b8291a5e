"""The role table in docs/access.md is the code's, and the policy decides as documented."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from haven.access import (
    ROLE_PERMISSIONS,
    Permission,
    Principal,
    Role,
    aggregate_scope,
    permissions_of,
    record_scope,
)
from haven.exceptions import PermissionDenied

DOC = Path(__file__).parent.parent.parent / "docs" / "access.md"


def _documented() -> dict[Role, set[Permission]]:
    lines = [line for line in DOC.read_text(encoding="utf-8").splitlines()
             if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    roles = [Role(name) for name in header[1:]]
    table: dict[Role, set[Permission]] = {role: set() for role in roles}
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if not cells[0].startswith("`"):
            continue
        permission = Permission(cells[0].strip("`"))
        for role, mark in zip(roles, cells[1:], strict=True):
            if mark == "✓":
                table[role].add(permission)
    return table


def test_documented_table_is_the_code() -> None:
    documented = _documented()
    assert set(documented) == set(Role)
    for role in Role:
        assert documented[role] == set(ROLE_PERMISSIONS[role]), role


def _principal(*roles: Role) -> Principal:
    return Principal(uuid.uuid4(), "u", "U", uuid.uuid4(), "NL", frozenset(roles),
                     permissions_of(frozenset(roles)))


def test_scopes_follow_the_roles() -> None:
    assert not record_scope(_principal(Role.FIRST_LINE_WORKER)).identifying
    assert record_scope(_principal(Role.CASE_WORKER)).identifying
    with pytest.raises(PermissionDenied):
        record_scope(_principal(Role.RAPPORTEUR))
    with pytest.raises(PermissionDenied):
        record_scope(_principal(Role.SYSTEM_ADMIN))
    assert aggregate_scope(_principal(Role.RAPPORTEUR)).countries is None
    with pytest.raises(PermissionDenied):
        aggregate_scope(_principal(Role.CASE_WORKER))
    combined = _principal(Role.FIRST_LINE_WORKER, Role.ANALYST)
    assert Permission.SCREEN_ADS in combined.permissions
