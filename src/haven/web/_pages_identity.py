"""Pages about a person's identity: finding a victim by name, and erasing a record.

Finding by name (`read_identifying`) goes through the registry's blind index, so nothing is
decrypted and the audit entry holds no query. Erasing (`erase_records`, a supervisor's
decision) says what will go, asks for the reason (a code: the person asked, a mistake, an
order) and for the record's id typed again, since nothing can bring the record back; it is
`haven.retention.erase_record`, and the registry is compacted right after.

The retention page shows a supervisor what the retention periods make due in the own
organisation, and what is held; erasing due records in bulk is the operator's daily
`haven retention --apply`, not a button.

Included before the record pages: `/victims/find` must not reach `/victims/{id}`.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from haven.access import Permission, record_scope
from haven.retention import (
    ErasureReason,
    RecordKind,
    RetentionPolicy,
    due_for_erasure,
    erase_record,
)
from haven.web._auth import SessionDep
from haven.web._deps import registry_of, settings_of
from haven.web._i18n import translator
from haven.web._render import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# The reasons a user may give here; retention runs as a job, not from a page.
REASONS = (ErasureReason.REQUEST, ErasureReason.ERROR, ErasureReason.ORDER)
Part = Literal["record", "identity"]


@router.get("/victims/find", response_class=HTMLResponse)
def find_victims(
    request: Request, info: SessionDep,
    name: Annotated[str, Query(max_length=200)] = "",
    date_of_birth: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    """Victims of the own organisation by name (any order, script or romanisation, aliases
    included) and optionally date or year of birth."""
    scope = record_scope(info.principal, Permission.READ_IDENTIFYING)
    _ = translator(info.principal.locale)
    errors: dict[str, list[str]] = {}
    name, dob = name.strip(), date_of_birth.strip()
    if dob and not re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", dob):
        errors["date_of_birth"] = [_("Give a year (1998) or a full date (1998-04-17).")]
    if name and len(name) < 2:
        errors["name"] = [_("Give at least two letters of a name.")]
    results = None
    if name and not errors:
        with registry_of(request).transaction(scope) as tx:
            results = tx.victims.search_identifying(name, date_of_birth=dob or None)
    return render(request, "victims_find.html", info, status_code=422 if errors else 200,
                  values={"name": name, "date_of_birth": dob}, errors=errors, results=results)


RETENTION_SHOWN = 500  # due records listed on the page; the count covers them all


@router.get("/retention", response_class=HTMLResponse)
def retention(request: Request, info: SessionDep) -> HTMLResponse:
    scope = record_scope(info.principal, Permission.ERASE_RECORDS)
    policy = RetentionPolicy.from_settings(settings_of(request))
    run = due_for_erasure(registry_of(request), policy, as_of=date.today(),
                          organisation_id=scope.organisation_id)
    records = sum(d.part == "record" for d in run.due)
    return render(request, "retention.html", info, policy=policy, due=run.due[:RETENTION_SHOWN],
                  total=len(run.due), records=records, identities=len(run.due) - records,
                  held=dict(run.held))


def _page(request: Request, info: SessionDep, kind: RecordKind, record_id: uuid.UUID,
          values: dict[str, str], errors: dict[str, list[str]], status_code: int = 200
          ) -> HTMLResponse:
    scope = record_scope(info.principal, Permission.ERASE_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        record = (tx.victims if kind == "victim" else tx.suspects).get(record_id)
    return render(request, "erase.html", info, status_code=status_code, kind=kind,
                  record=record, values=values, errors=errors,
                  reasons=[r.value for r in REASONS])


@router.get("/victims/{record_id}/erase", response_class=HTMLResponse)
def erase_victim_page(request: Request, info: SessionDep, record_id: uuid.UUID) -> HTMLResponse:
    return _page(request, info, "victim", record_id, {"part": "record"}, {})


@router.get("/suspects/{record_id}/erase", response_class=HTMLResponse)
def erase_suspect_page(request: Request, info: SessionDep, record_id: uuid.UUID
                       ) -> HTMLResponse:
    return _page(request, info, "suspect", record_id, {"part": "record"}, {})


async def _erase(request: Request, info: SessionDep, kind: RecordKind,
                 record_id: uuid.UUID) -> Response:
    scope = record_scope(info.principal, Permission.ERASE_RECORDS)
    registry = registry_of(request)
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in ("reason", "part", "confirm")}
    _ = translator(info.principal.locale)
    with registry.transaction(scope) as tx:
        record = (tx.victims if kind == "victim" else tx.suspects).get(record_id)
    errors: dict[str, list[str]] = {}
    if values["reason"] not in {r.value for r in REASONS}:
        errors["reason"] = [_("Choose why the record is erased.")]
    if values["part"] not in ("record", "identity"):
        errors["part"] = [_("Choose what to erase.")]
    if values["confirm"] != record.external_id:
        errors["confirm"] = [_("Type the record id exactly as shown to confirm.")]
    if errors:
        return _page(request, info, kind, record_id, values, errors, status_code=422)
    part: Part = "identity" if values["part"] == "identity" else "record"
    with registry.transaction(scope) as tx:
        erase_record(tx, kind, record_id, part=part, reason=ErasureReason(values["reason"]))
    registry.compact()
    plural = "victims" if kind == "victim" else "suspects"
    if part == "identity":
        return RedirectResponse(f"/{plural}/{record_id}?erased=identity", status_code=303)
    return RedirectResponse(f"/{plural}?erased=1", status_code=303)


@router.post("/victims/{record_id}/erase", response_model=None)
async def erase_victim(request: Request, info: SessionDep, record_id: uuid.UUID) -> Response:
    return await _erase(request, info, "victim", record_id)


@router.post("/suspects/{record_id}/erase", response_model=None)
async def erase_suspect(request: Request, info: SessionDep, record_id: uuid.UUID) -> Response:
    return await _erase(request, info, "suspect", record_id)
