"""Accounts: argon2id passwords, lock-out, sessions with expiry, tokens, roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from factories import FAST_LOGIN
from haven.access import (
    Accounts,
    AuthenticationFailed,
    Permission,
    Role,
    UserCreate,
    record_scope,
)
from haven.access._tables import ApiTokenRow, SessionRow, UserRow
from haven.exceptions import Conflict, PermissionDenied
from haven.registry import Registry
from haven.standard import OrganisationPublic

PASSWORD = "correct horse battery staple"


@pytest.fixture
def accounts(registry: Registry) -> Accounts:
    return Accounts(registry, FAST_LOGIN)


@pytest.fixture
def worker(accounts: Accounts, org: OrganisationPublic) -> str:
    accounts.create_user(None, org.id, UserCreate(
        username="Anna.deVries", display_name="Anna de Vries", password=PASSWORD,
        roles=[Role.CASE_WORKER]))
    return "anna.devries"


def test_password_is_hashed_with_argon2id(registry: Registry, org: OrganisationPublic) -> None:
    accounts = Accounts(registry)  # the production cost
    accounts.create_user(None, org.id, UserCreate(
        username="anna", display_name="Anna", password=PASSWORD, roles=[Role.CASE_WORKER]))
    with accounts.registry.session() as session:
        row = session.scalars(select(UserRow)).one()
    assert row.password_hash is not None
    assert row.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in row.password_hash
    assert accounts.login("anna", PASSWORD)[1].principal.username == "anna"


def test_login_opens_a_fresh_session_each_time(accounts: Accounts, worker: str) -> None:
    token1, info1 = accounts.login("ANNA.DEVRIES", PASSWORD)
    token2, info2 = accounts.login(worker, PASSWORD)
    assert token1 != token2
    assert info1.csrf_token != info2.csrf_token
    assert accounts.session(token1).principal.username == worker
    with accounts.registry.session() as session:
        stored = session.scalars(select(SessionRow.id)).all()
    assert token1 not in stored  # only the hash is kept
    assert Role.CASE_WORKER in info1.principal.roles
    assert Permission.READ_IDENTIFYING in info1.principal.permissions
    assert record_scope(info1.principal).identifying


def test_wrong_password_and_unknown_user_fail_alike(accounts: Accounts, worker: str) -> None:
    with pytest.raises(AuthenticationFailed) as wrong:
        accounts.login(worker, "not the password at all")
    with pytest.raises(AuthenticationFailed) as unknown:
        accounts.login("nobody", PASSWORD)
    assert str(wrong.value) == str(unknown.value)


def test_lockout_after_repeated_failures(accounts: Accounts, worker: str) -> None:
    now = datetime.now(UTC)
    for _ in range(accounts.policy.max_failures):
        with pytest.raises(AuthenticationFailed):
            accounts.login(worker, "guess guess guess", now=now)
    with pytest.raises(AuthenticationFailed):  # locked: the right password fails too
        accounts.login(worker, PASSWORD, now=now + timedelta(minutes=1))
    later = now + accounts.policy.lockout + timedelta(seconds=1)
    accounts.login(worker, PASSWORD, now=later)


def test_sessions_expire_when_idle_and_absolutely(accounts: Accounts, worker: str) -> None:
    now = datetime.now(UTC)
    token, _ = accounts.login(worker, PASSWORD, now=now)
    accounts.session(token, now=now + timedelta(minutes=20))
    with pytest.raises(AuthenticationFailed, match="expired"):
        accounts.session(token, now=now + timedelta(minutes=20) + accounts.policy.idle_timeout)
    token, _ = accounts.login(worker, PASSWORD, now=now)
    moment = now
    while moment < now + accounts.policy.absolute_timeout - timedelta(minutes=10):
        moment += timedelta(minutes=10)
        accounts.session(token, now=moment)  # kept alive by use...
    with pytest.raises(AuthenticationFailed):
        accounts.session(token, now=now + accounts.policy.absolute_timeout)  # ...not forever


def test_logout_and_logout_everywhere(accounts: Accounts, worker: str) -> None:
    token1, info = accounts.login(worker, PASSWORD)
    token2, _ = accounts.login(worker, PASSWORD)
    accounts.logout(token1)
    with pytest.raises(AuthenticationFailed):
        accounts.session(token1)
    accounts.session(token2)
    assert accounts.logout_everywhere(info.principal) == 1
    with pytest.raises(AuthenticationFailed):
        accounts.session(token2)


def test_api_tokens_are_hashed_scoped_and_revocable(accounts: Accounts, worker: str) -> None:
    _, info = accounts.login(worker, PASSWORD)
    token, token_id = accounts.create_token(info.principal, "import job",
                                            frozenset({Permission.READ_RECORDS}))
    principal = accounts.authenticate_token(token)
    assert principal.permissions == frozenset({Permission.READ_RECORDS})
    assert not record_scope(principal).identifying
    with pytest.raises(PermissionDenied):
        record_scope(principal, Permission.CREATE_RECORDS)
    with accounts.registry.session() as session:
        assert token not in session.scalars(select(ApiTokenRow.token_hash)).all()
    with pytest.raises(PermissionDenied):
        accounts.create_token(info.principal, "too much",
                              frozenset({Permission.MANAGE_ORGANISATIONS}))
    accounts.revoke_token(info.principal, token_id)
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate_token(token)
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate_token("hvn_" + "x" * 43)


def test_user_management_is_limited_to_the_own_organisation(
    accounts: Accounts, org: OrganisationPublic, other_org: OrganisationPublic
) -> None:
    accounts.create_user(None, org.id, UserCreate(
        username="admin1", display_name="Admin", password=PASSWORD, roles=[Role.ORG_ADMIN]))
    _, admin = accounts.login("admin1", PASSWORD)
    made = accounts.create_user(admin.principal, org.id, UserCreate(
        username="fieldworker", display_name="F", password=PASSWORD,
        roles=[Role.FIRST_LINE_WORKER]))
    assert made.roles == [Role.FIRST_LINE_WORKER]
    with pytest.raises(PermissionDenied):
        accounts.create_user(admin.principal, other_org.id, UserCreate(
            username="intruder", display_name="I", password=PASSWORD, roles=[Role.CASE_WORKER]))
    with pytest.raises(PermissionDenied):
        accounts.create_user(admin.principal, org.id, UserCreate(
            username="root2", display_name="R", password=PASSWORD, roles=[Role.SYSTEM_ADMIN]))
    with pytest.raises(Conflict):
        accounts.create_user(None, org.id, UserCreate(
            username="FieldWorker", display_name="F", password=PASSWORD,
            roles=[Role.CASE_WORKER]))
    with pytest.raises(PermissionDenied, match="12 characters"):
        accounts.create_user(None, org.id, UserCreate(
            username="weak", display_name="W", password="short", roles=[Role.CASE_WORKER]))
    disabled = accounts.update_user(admin.principal, made.id, disabled=True)
    assert disabled.disabled
    with pytest.raises(AuthenticationFailed):
        accounts.login("fieldworker", PASSWORD)


def test_rapporteur_gets_no_record_scope(accounts: Accounts, org: OrganisationPublic) -> None:
    accounts.create_user(None, org.id, UserCreate(
        username="rapporteur", display_name="R", password=PASSWORD, roles=[Role.RAPPORTEUR]))
    _, info = accounts.login("rapporteur", PASSWORD)
    with pytest.raises(PermissionDenied):
        record_scope(info.principal)
