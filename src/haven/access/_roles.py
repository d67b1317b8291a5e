"""Roles and permissions: what each kind of user may do, in one table.

Permissions are checked in one place (`haven.access.authorize` and the scope builders), never
in routes. A role is a bundle of permissions; a user has one or more roles in one organisation.
An API token carries a subset of its owner's permissions.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ROLE_PERMISSIONS", "Permission", "Role", "permissions_of"]


class Role(StrEnum):
    FIRST_LINE_WORKER = "first_line_worker"
    CASE_WORKER = "case_worker"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    RAPPORTEUR = "rapporteur"
    ORG_ADMIN = "org_admin"
    SYSTEM_ADMIN = "system_admin"


class Permission(StrEnum):
    READ_RECORDS = "read_records"            # statistical attributes of own-org records
    CREATE_RECORDS = "create_records"
    UPDATE_RECORDS = "update_records"
    READ_IDENTIFYING = "read_identifying"    # names, dates of birth, documents (audited)
    EXPORT_RECORDS = "export_records"
    EXPORT_IDENTIFYING = "export_identifying"
    READ_HISTORY = "read_history"            # a record's audit trail
    READ_AGGREGATES = "read_aggregates"      # statistics, released under a policy
    SCREEN_ADS = "screen_ads"
    MANAGE_REFERRALS = "manage_referrals"
    MANAGE_USERS = "manage_users"            # users of the own organisation
    MANAGE_ORGANISATIONS = "manage_organisations"  # every organisation and its users
    MANAGE_PARTNERS = "manage_partners"      # partner installations and their keys
    ERASE_RECORDS = "erase_records"          # erase a record or its identity for good (audited)


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # Registers presumed victims and sees what they registered, but does not browse names.
    Role.FIRST_LINE_WORKER: frozenset({_P.READ_RECORDS, _P.CREATE_RECORDS, _P.MANAGE_REFERRALS}),
    Role.CASE_WORKER: frozenset({
        _P.READ_RECORDS, _P.CREATE_RECORDS, _P.UPDATE_RECORDS, _P.READ_IDENTIFYING,
        _P.EXPORT_RECORDS, _P.READ_HISTORY, _P.MANAGE_REFERRALS}),
    Role.SUPERVISOR: frozenset({
        _P.READ_RECORDS, _P.CREATE_RECORDS, _P.UPDATE_RECORDS, _P.READ_IDENTIFYING,
        _P.EXPORT_RECORDS, _P.EXPORT_IDENTIFYING, _P.READ_HISTORY, _P.READ_AGGREGATES,
        _P.MANAGE_REFERRALS, _P.ERASE_RECORDS}),
    Role.ANALYST: frozenset({_P.READ_RECORDS, _P.READ_AGGREGATES, _P.SCREEN_ADS,
                             _P.EXPORT_RECORDS}),
    # Aggregates only: never a record, never identifying data.
    Role.RAPPORTEUR: frozenset({_P.READ_AGGREGATES}),
    Role.ORG_ADMIN: frozenset({_P.MANAGE_USERS, _P.READ_HISTORY}),
    # Runs the installation (and its partner directory); sees no person record.
    Role.SYSTEM_ADMIN: frozenset({_P.MANAGE_ORGANISATIONS, _P.MANAGE_USERS,
                                  _P.MANAGE_PARTNERS}),
}


def permissions_of(roles: frozenset[Role] | set[Role] | list[Role]) -> frozenset[Permission]:
    result: set[Permission] = set()
    for role in roles:
        result |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(result)
