"""Users, roles, authentication and the permission policy.

Users belong to one organisation and have roles (`Role`); roles bundle permissions
(`Permission`). `authorize`, `record_scope` and `aggregate_scope` are the one place where
access is decided; the web adapter and the CLI call them and build nothing themselves.
"""

from haven.access._accounts import (
    TOKEN_PREFIX,
    Accounts,
    AuthenticationFailed,
    LoginPolicy,
    PasswordRefused,
    SessionInfo,
    UserCreate,
    UserPublic,
)
from haven.access._oidc import OidcClient, OidcConfig, OidcError
from haven.access._policy import (
    Principal,
    admin_scope,
    aggregate_scope,
    authorize,
    can,
    record_scope,
)
from haven.access._roles import ROLE_PERMISSIONS, Permission, Role, permissions_of

__all__ = [
    "ROLE_PERMISSIONS",
    "TOKEN_PREFIX",
    "Accounts",
    "AuthenticationFailed",
    "LoginPolicy",
    "OidcClient",
    "OidcConfig",
    "OidcError",
    "PasswordRefused",
    "Permission",
    "Principal",
    "Role",
    "SessionInfo",
    "UserCreate",
    "UserPublic",
    "admin_scope",
    "aggregate_scope",
    "authorize",
    "can",
    "permissions_of",
    "record_scope",
]
