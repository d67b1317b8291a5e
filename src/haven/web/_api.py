"""JSON API: organisations, victims, suspects and cases, each scoped to the caller."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Generic, Literal, TypeVar

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from haven._text import N_
from haven.access import Permission, Principal, record_scope
from haven.exceptions import FieldProblem, ValidationFailed
from haven.registry import Page, VictimFilter
from haven.retention import ErasureReason, RecordKind, erase_record
from haven.standard import (
    CaseCreate,
    CasePublic,
    CaseUpdate,
    IdentificationStatus,
    OrganisationPublic,
    Sex,
    SuspectCreate,
    SuspectDetail,
    SuspectPublic,
    SuspectUpdate,
    VictimCreate,
    VictimDetail,
    VictimPublic,
    VictimUpdate,
)
from haven.web._auth import PrincipalDep
from haven.web._deps import accounts_of, registry_of

__all__ = ["router"]

T = TypeVar("T")
router = APIRouter(prefix="/api")

Offset = Annotated[int, Query(ge=0, le=10_000_000)]
# A search prefix uses the characters of an external id only (no NUL or control characters,
# which PostgreSQL refuses in text and which no id can contain).
ID_PREFIX = r"^[A-Za-z0-9._/:-]*$"
Limit = Annotated[int, Query(ge=1, le=500)]


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int

    @classmethod
    def of(cls, page: Page[T]) -> PageOut[T]:
        return cls(items=page.items, total=page.total, offset=page.offset, limit=page.limit)


class Health(BaseModel):
    status: str


@router.get("/health")
def health() -> Health:
    return Health(status="ok")


class Me(BaseModel):
    username: str
    display_name: str
    organisation_id: uuid.UUID
    roles: list[str]
    permissions: list[str]
    via: str


@router.get("/me")
def me(principal: PrincipalDep) -> Me:
    """Who the API sees: the user, organisation, roles and the permissions in force."""
    return Me(username=principal.username, display_name=principal.display_name,
              organisation_id=principal.organisation_id,
              roles=sorted(r.value for r in principal.roles),
              permissions=sorted(p.value for p in principal.permissions), via=principal.via)


class TokenRequest(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    permissions: list[Permission] | None = None
    expires_at: datetime | None = None


class TokenCreated(BaseModel):
    id: uuid.UUID
    token: str


@router.post("/tokens", status_code=201)
def create_token(request: Request, principal: PrincipalDep, body: TokenRequest) -> TokenCreated:
    """A new API token for your own account, with at most your permissions; shown once."""
    permissions = frozenset(body.permissions) if body.permissions is not None else None
    token, token_id = accounts_of(request).create_token(principal, body.name, permissions,
                                                        body.expires_at)
    return TokenCreated(id=token_id, token=token)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(request: Request, principal: PrincipalDep, token_id: uuid.UUID) -> None:
    accounts_of(request).revoke_token(principal, token_id)


@router.get("/organisations")
def organisations(request: Request, _principal: PrincipalDep) -> list[OrganisationPublic]:
    """The directory of organisations (not personal data)."""
    return registry_of(request).organisations()


# -- victims ------------------------------------------------------------------------------------
@router.get("/victims")
def list_victims(
    request: Request, principal: PrincipalDep, offset: Offset = 0, limit: Limit = 50,
    identification_status: IdentificationStatus | None = None, sex: Sex | None = None,
    registered_from: date | None = None, registered_to: date | None = None,
    external_id: Annotated[str | None, Query(max_length=100, pattern=ID_PREFIX)] = None,
) -> PageOut[VictimPublic]:
    filters = VictimFilter(
        identification_status=identification_status, sex=sex, registered_from=registered_from,
        registered_to=registered_to, external_id_prefix=external_id)
    scope = record_scope(principal, Permission.READ_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        return PageOut.of(tx.victims.page(filters, offset=offset, limit=limit))


# Query parameters are checked after the permission and the scope, so that a caller who may
# not search or erase learns nothing more than 403/404 (tests/web/test_security.py sweeps).
NameQuery = Annotated[str, Query(max_length=200)]
BirthQuery = Annotated[str | None, Query(max_length=10)]


def _problem(field: str, reason: str) -> ValidationFailed:
    return ValidationFailed([FieldProblem(None, field, reason, code="missing")])


@router.get("/victims/by-name")
def find_victims_by_name(request: Request, principal: PrincipalDep, name: NameQuery = "",
                         date_of_birth: BirthQuery = None, limit: Limit = 50
                         ) -> list[VictimPublic]:
    """Own records whose identity holds every part of `name` (any order, script or common
    romanisation; aliases count) and, if given, that birth date or year. Uses the blind
    index, decrypts nothing; needs the identifying permission; audited without the query."""
    scope = record_scope(principal, Permission.READ_IDENTIFYING)
    if len(name.strip()) < 2:
        raise _problem("name", N_("give at least two letters of a name"))
    if date_of_birth and not re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", date_of_birth):
        raise _problem("date_of_birth", N_("give a year (1998) or a full date (1998-04-17)"))
    with registry_of(request).transaction(scope) as tx:
        return tx.victims.search_identifying(name, date_of_birth=date_of_birth, limit=limit)


@router.post("/victims", status_code=201)
def create_victim(request: Request, principal: PrincipalDep, record: VictimCreate) -> VictimPublic:
    scope = record_scope(principal, Permission.CREATE_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        return tx.victims.create(record)


@router.get("/victims/{victim_id}")
def get_victim(request: Request, principal: PrincipalDep, victim_id: uuid.UUID) -> VictimPublic:
    scope = record_scope(principal, Permission.READ_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        return tx.victims.get(victim_id)


@router.get("/victims/{victim_id}/identifying")
def get_victim_identifying(request: Request, principal: PrincipalDep, victim_id: uuid.UUID
                           ) -> VictimDetail:
    """The record with names and documents; needs the identifying permission; audited."""
    scope = record_scope(principal, Permission.READ_IDENTIFYING)
    with registry_of(request).transaction(scope) as tx:
        return tx.victims.get_detail(victim_id)


@router.patch("/victims/{victim_id}")
def update_victim(request: Request, principal: PrincipalDep, victim_id: uuid.UUID,
                  changes: VictimUpdate) -> VictimPublic:
    """Change the given fields; `version` must be the one read, else 409."""
    scope = record_scope(principal, Permission.UPDATE_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        return tx.victims.update(victim_id, changes)


class ErasureOut(BaseModel):
    record_id: uuid.UUID
    part: Literal["identity", "record"]
    rows: dict[str, int]


def _erase(request: Request, principal: Principal, kind: RecordKind, record_id: uuid.UUID,
           reason: ErasureReason | None, identity_only: bool) -> ErasureOut:
    scope = record_scope(principal, Permission.ERASE_RECORDS)
    registry = registry_of(request)
    with registry.transaction(scope) as tx:
        (tx.victims if kind == "victim" else tx.suspects).get(record_id)  # 404 first
    if reason is None:
        raise _problem("reason", N_("say why: request, error, order or retention"))
    with registry.transaction(scope) as tx:
        erased = erase_record(tx, kind, record_id, reason=reason,
                              part="identity" if identity_only else "record")
    registry.compact()
    return ErasureOut(record_id=erased.record_id, part=erased.part, rows=erased.rows)


@router.delete("/victims/{victim_id}")
def erase_victim(request: Request, principal: PrincipalDep, victim_id: uuid.UUID,
                 reason: Annotated[ErasureReason | None, Query()] = None,
                 identity_only: Annotated[bool, Query()] = False) -> ErasureOut:
    """Erase the record for good (or only its identifying data): pathway, grants and case
    links go with it; needs `erase_records`; audited with the reason, never a value."""
    return _erase(request, principal, "victim", victim_id, reason, identity_only)


# -- suspects -----------------------------------------------------------------------------------
@router.get("/suspects")
def list_suspects(request: Request, principal: PrincipalDep, offset: Offset = 0, limit: Limit = 50
                  ) -> PageOut[SuspectPublic]:
    scope = record_scope(principal, Permission.READ_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        return PageOut.of(tx.suspects.page(offset=offset, limit=limit))


@router.post("/suspects", status_code=201)
def create_suspect(request: Request, principal: PrincipalDep, record: SuspectCreate
                   ) -> SuspectPublic:
    scope = record_scope(principal, Permission.CREATE_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        return tx.suspects.create(record)


@router.get("/suspects/{suspect_id}")
def get_suspect(request: Request, principal: PrincipalDep, suspect_id: uuid.UUID) -> SuspectPublic:
    scope = record_scope(principal, Permission.READ_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        return tx.suspects.get(suspect_id)


@router.get("/suspects/{suspect_id}/identifying")
def get_suspect_identifying(request: Request, principal: PrincipalDep, suspect_id: uuid.UUID
                            ) -> SuspectDetail:
    scope = record_scope(principal, Permission.READ_IDENTIFYING)
    with registry_of(request).transaction(scope) as tx:
        return tx.suspects.get_detail(suspect_id)


@router.patch("/suspects/{suspect_id}")
def update_suspect(request: Request, principal: PrincipalDep, suspect_id: uuid.UUID,
                   changes: SuspectUpdate) -> SuspectPublic:
    scope = record_scope(principal, Permission.UPDATE_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        return tx.suspects.update(suspect_id, changes)


@router.delete("/suspects/{suspect_id}")
def erase_suspect(request: Request, principal: PrincipalDep, suspect_id: uuid.UUID,
                  reason: Annotated[ErasureReason | None, Query()] = None,
                  identity_only: Annotated[bool, Query()] = False) -> ErasureOut:
    """Erase the record for good (or only its identifying data) with its case links."""
    return _erase(request, principal, "suspect", suspect_id, reason, identity_only)


# -- cases --------------------------------------------------------------------------------------
@router.get("/cases")
def list_cases(request: Request, principal: PrincipalDep, offset: Offset = 0, limit: Limit = 50
               ) -> PageOut[CasePublic]:
    scope = record_scope(principal, Permission.READ_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        return PageOut.of(tx.cases.page(offset=offset, limit=limit))


@router.post("/cases", status_code=201)
def create_case(request: Request, principal: PrincipalDep, record: CaseCreate) -> CasePublic:
    scope = record_scope(principal, Permission.CREATE_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        return tx.cases.create(record)


@router.get("/cases/{case_id}")
def get_case(request: Request, principal: PrincipalDep, case_id: uuid.UUID) -> CasePublic:
    scope = record_scope(principal, Permission.READ_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        return tx.cases.get(case_id)


@router.patch("/cases/{case_id}")
def update_case(request: Request, principal: PrincipalDep, case_id: uuid.UUID, changes: CaseUpdate
                ) -> CasePublic:
    scope = record_scope(principal, Permission.UPDATE_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        return tx.cases.update(case_id, changes)
