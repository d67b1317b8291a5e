"""Accounts: users, password log-in with lock-out, server-side sessions and API tokens.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second recommended
option). Session cookies and API tokens are 256-bit random strings; the database keeps only
their SHA-256, so a copy of the database opens no session. A session expires after an idle
period and, regardless of use, after an absolute lifetime; logging in always creates a new
session (no fixation), and "log out everywhere" deletes all of a user's sessions and tokens
stay as they are unless revoked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from haven._text import N_
from haven.access._policy import Principal
from haven.access._roles import Permission, Role, permissions_of
from haven.access._tables import ApiTokenRow, SessionRow, UserRow
from haven.exceptions import Conflict, FieldProblem, HavenError, NotFound, PermissionDenied
from haven.registry import AuditEvent, Registry
from haven.registry._tables import OrganisationRow

__all__ = [
    "Accounts",
    "AuthenticationFailed",
    "LoginPolicy",
    "PasswordRefused",
    "SessionInfo",
    "UserCreate",
    "UserPublic",
]

# Verifying against this when the user does not exist keeps response times alike, so that
# timing does not tell which usernames exist.
@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("haven-dummy-password-for-timing")


TOKEN_PREFIX = "hvn_"  # noqa: S105 - a public marker that lets scanners spot leaked tokens


class AuthenticationFailed(HavenError):
    """Wrong credentials, a locked or disabled account, or an expired session or token.

    The message never says which, so it does not help guessing.
    """

    status_code = 401

    def __init__(self, message: str = "unknown user name or wrong password") -> None:
        super().__init__(message)


class PasswordRefused(PermissionDenied):
    """A new password breaks the policy; `problem` says why, as a translatable reason.

    Neither the message nor the problem holds the password or the user name.
    """

    def __init__(self, problem: FieldProblem) -> None:
        self.problem = problem
        super().__init__(problem.reason)


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_timeout: timedelta = timedelta(hours=12)
    min_password_length: int = 12
    # argon2id cost: argon2-cffi's defaults, RFC 9106's second recommended setting. Tests
    # lower them; an installation may raise them.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536

    def hasher(self) -> PasswordHasher:
        return _hasher(self.argon2_time_cost, self.argon2_memory_kib)


@cache
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


Username = Annotated[
    str,
    BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v),
    StringConstraints(min_length=3, max_length=80, pattern=r"^[a-z0-9][a-z0-9._@-]*$"),
]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    display_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                   max_length=200)]
    password: str | None = Field(default=None, repr=False)
    roles: list[Role] = Field(min_length=1)
    locale: str = "en"
    oidc_subject: str | None = None

    @field_validator("roles")
    @classmethod
    def _unique(cls, roles: list[Role]) -> list[Role]:
        return list(dict.fromkeys(roles))


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    username: str
    display_name: str
    roles: list[Role]
    locale: str
    disabled: bool
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class SessionInfo:
    principal: Principal
    csrf_token: str
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # SQLite returns naive datetimes, stored in UTC
    return moment


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class Accounts:
    """Users and authentication over a registry's database."""

    def __init__(self, registry: Registry, policy: LoginPolicy | None = None) -> None:
        self.registry = registry
        self.policy = policy or LoginPolicy()
        self._hasher = self.policy.hasher()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self.registry.session() as session:
            yield session

    def _audit(self, session: Session, actor: str, organisation_id: uuid.UUID | None,
               action: str, entity_id: uuid.UUID | None, detail: dict[str, object]) -> None:
        self.registry.audit_log.append(session, AuditEvent(
            actor=actor, organisation_id=str(organisation_id) if organisation_id else None,
            action=action,  # type: ignore[arg-type]
            entity_kind="user", entity_id=str(entity_id) if entity_id else None,
            detail=detail))

    # -- users ----------------------------------------------------------------------------------
    def check_password(self, password: str, username: str) -> None:
        if len(password) < self.policy.min_password_length:
            raise PasswordRefused(FieldProblem.templated(
                None, "password", "password_too_short",
                N_("a password needs at least {min_length} characters"),
                min_length=self.policy.min_password_length))
        if username.lower() in password.lower():
            raise PasswordRefused(FieldProblem(
                None, "password", N_("a password may not contain the user name")))

    def create_user(self, actor: Principal | None, organisation_id: uuid.UUID,
                    user: UserCreate) -> UserPublic:
        """Create a user. `actor` None is the installation itself (`haven user add`, demo)."""
        if actor is not None:
            self._may_manage(actor, organisation_id)
            if Role.SYSTEM_ADMIN in user.roles and Permission.MANAGE_ORGANISATIONS not in (
                    actor.permissions):
                raise PermissionDenied("only a system administrator makes system administrators")
        if user.password is not None:
            self.check_password(user.password, user.username)
        try:
            with self._session() as session:
                if session.get(OrganisationRow, organisation_id) is None:
                    raise NotFound("organisation", organisation_id)
                row = UserRow(
                    id=uuid.uuid4(), organisation_id=organisation_id, username=user.username,
                    display_name=user.display_name, roles=[r.value for r in user.roles],
                    password_hash=self._hasher.hash(user.password) if user.password else None,
                    locale=user.locale, oidc_subject=user.oidc_subject, failed_logins=0,
                    disabled=False)
                session.add(row)
                session.flush()
                self._audit(session, actor.actor if actor else "system", organisation_id,
                            "create", row.id, {"roles": row.roles})
                return UserPublic.model_validate(row)
        except IntegrityError:
            raise Conflict(f"the user name {user.username} is taken") from None

    def _may_manage(self, actor: Principal, organisation_id: uuid.UUID) -> None:
        if Permission.MANAGE_ORGANISATIONS in actor.permissions:
            return
        if Permission.MANAGE_USERS in actor.permissions and (
                actor.organisation_id == organisation_id):
            return
        raise PermissionDenied("managing these users needs the manage_users permission")

    def users(self, actor: Principal, organisation_id: uuid.UUID) -> list[UserPublic]:
        self._may_manage(actor, organisation_id)
        with self._session() as session:
            rows = session.scalars(select(UserRow).where(
                UserRow.organisation_id == organisation_id).order_by(UserRow.username))
            return [UserPublic.model_validate(r) for r in rows]

    def update_user(self, actor: Principal, user_id: uuid.UUID, *,
                    roles: list[Role] | None = None, disabled: bool | None = None,
                    password: str | None = None) -> UserPublic:
        with self._session() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise NotFound("user", user_id)
            self._may_manage(actor, row.organisation_id)
            changed = []
            if roles is not None:
                if Role.SYSTEM_ADMIN in roles and (
                        Permission.MANAGE_ORGANISATIONS not in actor.permissions):
                    raise PermissionDenied("only a system administrator makes system "
                                           "administrators")
                row.roles = [Role(r).value for r in dict.fromkeys(roles)]
                changed.append("roles")
            if disabled is not None:
                row.disabled = disabled
                changed.append("disabled")
                if disabled:
                    session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            if password is not None:
                self.check_password(password, row.username)
                row.password_hash = self._hasher.hash(password)
                row.failed_logins, row.locked_until = 0, None
                session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
                changed.append("password")
            self._audit(session, actor.actor, row.organisation_id, "update", row.id,
                        {"fields": changed})
            return UserPublic.model_validate(row)

    def set_locale(self, principal: Principal, locale: str) -> None:
        with self._session() as session:
            row = session.get(UserRow, principal.user_id)
            if row is not None:
                row.locale = locale

    # -- authentication -------------------------------------------------------------------------
    def _principal(self, session: Session, row: UserRow, *, via: str = "session",
                   token: ApiTokenRow | None = None) -> Principal:
        org = session.get(OrganisationRow, row.organisation_id)
        if org is None:  # pragma: no cover - foreign key
            raise AuthenticationFailed()
        roles = frozenset(Role(r) for r in row.roles)
        permissions = permissions_of(roles)
        if token is not None:
            permissions &= frozenset(Permission(p) for p in token.permissions)
        return Principal(row.id, row.username, row.display_name, row.organisation_id,
                         org.country, roles, permissions, row.locale, via,
                         token.id if token is not None else None)

    def login(self, username: str, password: str, *, now: datetime | None = None
              ) -> tuple[str, SessionInfo]:
        """Check a password and open a new session; returns the cookie token and the session.

        After `max_failures` wrong passwords in a row the account is locked for `lockout`;
        while locked, even the right password fails.
        """
        now = now or datetime.now(UTC)
        with self._session() as session:
            row = session.scalars(select(UserRow).where(
                UserRow.username == username.strip().lower())).one_or_none()
            user = self._check_login(session, row, password, now)
            if user is not None:
                token, info = self._open_session(session, user, now)
                self._audit(session, info.principal.actor, user.organisation_id, "login",
                            user.id, {})
                return token, info
        # The failure (and a lock-out) was committed with the block above.
        raise AuthenticationFailed()

    def _check_login(self, session: Session, row: UserRow | None, password: str,
                     now: datetime) -> UserRow | None:
        """The user if the password is right and the account open; records failures."""
        if row is None or row.password_hash is None:
            _verify(self._hasher, _dummy_hash(self._hasher), password)
            return None
        locked = _aware(row.locked_until)
        if row.disabled or (locked is not None and locked > now):
            _verify(self._hasher, _dummy_hash(self._hasher), password)
            self._audit(session, f"user:{row.username}", row.organisation_id, "login_refused",
                        row.id, {"reason": "locked or disabled"})
            return None
        if not _verify(self._hasher, row.password_hash, password):
            row.failed_logins += 1
            detail: dict[str, object] = {"failures": row.failed_logins}
            if row.failed_logins >= self.policy.max_failures:
                row.locked_until = now + self.policy.lockout
                row.failed_logins = 0
                detail["locked"] = True
            self._audit(session, f"user:{row.username}", row.organisation_id, "login_failed",
                        row.id, detail)
            return None
        if self._hasher.check_needs_rehash(row.password_hash):
            row.password_hash = self._hasher.hash(password)
        row.failed_logins, row.locked_until = 0, None
        return row

    def _open_session(self, session: Session, row: UserRow, now: datetime
                      ) -> tuple[str, SessionInfo]:
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        expires = now + self.policy.absolute_timeout
        session.add(SessionRow(id=_digest(token), user_id=row.id, csrf_token=csrf,
                               created_at=now, last_seen_at=now, expires_at=expires))
        return token, SessionInfo(self._principal(session, row), csrf, expires)

    def login_external(self, oidc_subject: str, *, now: datetime | None = None
                       ) -> tuple[str, SessionInfo]:
        """Open a session for a user an identity provider vouched for (OpenID Connect)."""
        now = now or datetime.now(UTC)
        with self._session() as session:
            row = session.scalars(select(UserRow).where(
                UserRow.oidc_subject == oidc_subject)).one_or_none()
            if row is None or row.disabled:
                raise AuthenticationFailed("no Haven account is linked to this identity")
            token, info = self._open_session(session, row, now)
            self._audit(session, info.principal.actor, row.organisation_id, "login", row.id,
                        {"via": "oidc"})
            return token, info

    def session(self, token: str, *, now: datetime | None = None) -> SessionInfo:
        """The live session for a cookie token; idle or expired sessions are deleted."""
        now = now or datetime.now(UTC)
        with self._session() as session:
            row = session.get(SessionRow, _digest(token))
            if row is None:
                raise AuthenticationFailed("not logged in")
            expires, seen = _utc(row.expires_at), _utc(row.last_seen_at)
            user = session.get(UserRow, row.user_id)
            if expires <= now or seen + self.policy.idle_timeout <= now or user is None or (
                    user.disabled):
                session.delete(row)
                raise AuthenticationFailed("the session has expired; log in again")
            # Writing last_seen on every request would serialise reads behind SQLite's write
            # lock; a minute's precision is enough for an idle timeout of minutes.
            if now - seen > timedelta(minutes=1):
                row.last_seen_at = now
            return SessionInfo(self._principal(session, user), row.csrf_token, expires)

    def logout(self, token: str) -> None:
        with self._session() as session:
            session.execute(delete(SessionRow).where(SessionRow.id == _digest(token)))

    def logout_everywhere(self, principal: Principal) -> int:
        with self._session() as session:
            result = session.execute(delete(SessionRow).where(
                SessionRow.user_id == principal.user_id))
            self._audit(session, principal.actor, principal.organisation_id, "logout_all",
                        principal.user_id, {})
            return int(result.rowcount)  # type: ignore[attr-defined]

    # -- API tokens -----------------------------------------------------------------------------
    def create_token(self, principal: Principal, name: str,
                     permissions: frozenset[Permission] | None = None,
                     expires_at: datetime | None = None) -> tuple[str, uuid.UUID]:
        """A new API token for the principal's own account; the plaintext is shown only now."""
        granted = principal.permissions if permissions is None else permissions
        if not granted <= principal.permissions:
            raise PermissionDenied("a token cannot hold permissions its owner lacks")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._session() as session:
            row = ApiTokenRow(id=uuid.uuid4(), user_id=principal.user_id, name=name[:100],
                              prefix=token[:12], token_hash=_digest(token),
                              permissions=sorted(p.value for p in granted),
                              expires_at=expires_at)
            session.add(row)
            self._audit(session, principal.actor, principal.organisation_id, "token_create",
                        row.id, {"permissions": row.permissions})
            return token, row.id

    def authenticate_token(self, token: str, *, now: datetime | None = None) -> Principal:
        now = now or datetime.now(UTC)
        if not token.startswith(TOKEN_PREFIX):
            raise AuthenticationFailed("not a Haven API token")
        with self._session() as session:
            row = session.scalars(select(ApiTokenRow).where(
                ApiTokenRow.token_hash == _digest(token))).one_or_none()
            expires = _aware(row.expires_at) if row else None
            if row is None or row.revoked_at is not None or (expires and expires <= now):
                raise AuthenticationFailed("the token is unknown, revoked or expired")
            user = session.get(UserRow, row.user_id)
            if user is None or user.disabled:
                raise AuthenticationFailed("the token is unknown, revoked or expired")
            last = _aware(row.last_used_at)
            if last is None or now - last > timedelta(minutes=1):
                row.last_used_at = now
            return self._principal(session, user, via="token", token=row)

    def revoke_token(self, principal: Principal, token_id: uuid.UUID) -> None:
        with self._session() as session:
            row = session.get(ApiTokenRow, token_id)
            if row is None or row.user_id != principal.user_id:
                raise NotFound("token", token_id)
            row.revoked_at = datetime.now(UTC)
            self._audit(session, principal.actor, principal.organisation_id, "token_revoke",
                        row.id, {})


def _verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
