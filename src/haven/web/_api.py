"""JSON API: organisations, victims, suspects and cases, each scoped to the caller."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Generic, TypeVar

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from haven.registry import Page, VictimFilter
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
from haven.web._scope import ScopeDep, registry_of

__all__ = ["router"]

T = TypeVar("T")
router = APIRouter(prefix="/api")

Offset = Annotated[int, Query(ge=0, le=10_000_000)]
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


@router.get("/organisations")
def organisations(request: Request) -> list[OrganisationPublic]:
    """The directory of organisations (not personal data)."""
    return registry_of(request).organisations()


# -- victims ------------------------------------------------------------------------------------
@router.get("/victims")
def list_victims(
    request: Request, scope: ScopeDep, offset: Offset = 0, limit: Limit = 50,
    identification_status: IdentificationStatus | None = None, sex: Sex | None = None,
    registered_from: date | None = None, registered_to: date | None = None,
    external_id: Annotated[str | None, Query(max_length=100)] = None,
) -> PageOut[VictimPublic]:
    filters = VictimFilter(
        identification_status=identification_status, sex=sex, registered_from=registered_from,
        registered_to=registered_to, external_id_prefix=external_id)
    with registry_of(request).transaction(scope) as tx:
        return PageOut.of(tx.victims.page(filters, offset=offset, limit=limit))


@router.post("/victims", status_code=201)
def create_victim(request: Request, scope: ScopeDep, record: VictimCreate) -> VictimPublic:
    with registry_of(request).transaction(scope) as tx:
        return tx.victims.create(record)


@router.get("/victims/{victim_id}")
def get_victim(request: Request, scope: ScopeDep, victim_id: uuid.UUID) -> VictimPublic:
    with registry_of(request).transaction(scope) as tx:
        return tx.victims.get(victim_id)


@router.get("/victims/{victim_id}/identifying")
def get_victim_identifying(request: Request, scope: ScopeDep, victim_id: uuid.UUID
                           ) -> VictimDetail:
    """The record with names and documents; needs the identifying permission; audited."""
    with registry_of(request).transaction(scope) as tx:
        return tx.victims.get_detail(victim_id)


@router.patch("/victims/{victim_id}")
def update_victim(request: Request, scope: ScopeDep, victim_id: uuid.UUID,
                  changes: VictimUpdate) -> VictimPublic:
    """Change the given fields; `version` must be the one read, else 409."""
    with registry_of(request).transaction(scope) as tx:
        return tx.victims.update(victim_id, changes)


# -- suspects -----------------------------------------------------------------------------------
@router.get("/suspects")
def list_suspects(request: Request, scope: ScopeDep, offset: Offset = 0, limit: Limit = 50
                  ) -> PageOut[SuspectPublic]:
    with registry_of(request).transaction(scope) as tx:
        return PageOut.of(tx.suspects.page(offset=offset, limit=limit))


@router.post("/suspects", status_code=201)
def create_suspect(request: Request, scope: ScopeDep, record: SuspectCreate) -> SuspectPublic:
    with registry_of(request).transaction(scope) as tx:
        return tx.suspects.create(record)


@router.get("/suspects/{suspect_id}")
def get_suspect(request: Request, scope: ScopeDep, suspect_id: uuid.UUID) -> SuspectPublic:
    with registry_of(request).transaction(scope) as tx:
        return tx.suspects.get(suspect_id)


@router.get("/suspects/{suspect_id}/identifying")
def get_suspect_identifying(request: Request, scope: ScopeDep, suspect_id: uuid.UUID
                            ) -> SuspectDetail:
    with registry_of(request).transaction(scope) as tx:
        return tx.suspects.get_detail(suspect_id)


@router.patch("/suspects/{suspect_id}")
def update_suspect(request: Request, scope: ScopeDep, suspect_id: uuid.UUID,
                   changes: SuspectUpdate) -> SuspectPublic:
    with registry_of(request).transaction(scope) as tx:
        return tx.suspects.update(suspect_id, changes)


# -- cases --------------------------------------------------------------------------------------
@router.get("/cases")
def list_cases(request: Request, scope: ScopeDep, offset: Offset = 0, limit: Limit = 50
               ) -> PageOut[CasePublic]:
    with registry_of(request).transaction(scope) as tx:
        return PageOut.of(tx.cases.page(offset=offset, limit=limit))


@router.post("/cases", status_code=201)
def create_case(request: Request, scope: ScopeDep, record: CaseCreate) -> CasePublic:
    with registry_of(request).transaction(scope) as tx:
        return tx.cases.create(record)


@router.get("/cases/{case_id}")
def get_case(request: Request, scope: ScopeDep, case_id: uuid.UUID) -> CasePublic:
    with registry_of(request).transaction(scope) as tx:
        return tx.cases.get(case_id)


@router.patch("/cases/{case_id}")
def update_case(request: Request, scope: ScopeDep, case_id: uuid.UUID, changes: CaseUpdate
                ) -> CasePublic:
    with registry_of(request).transaction(scope) as tx:
        return tx.cases.update(case_id, changes)
