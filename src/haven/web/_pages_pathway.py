"""A victim's support pathway: stage, next steps as forms, clocks, history, consent.

Consent to disclosure may name an organisation of this installation or a partner
installation (value `installation:<id>`), which a transnational referral needs.

The victim page loads the pathway section from `/victims/{id}/pathway` (HTMX; without
JavaScript a link opens the same section as a page of its own). Every step posts one form;
a refused step or a problem is shown in that step's form, with the reason.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from haven._text import N_
from haven.access import Permission, record_scope
from haven.exceptions import Conflict, FieldProblem, HavenError, ValidationFailed
from haven.identification import Level
from haven.referral import (
    ConsentBasis,
    ConsentPurpose,
    ForbiddenTransition,
    GivenBy,
    clocks,
    consents,
    event_from_data,
    get_pathway,
    history,
    list_partners,
    open_pathway,
    outbound_packages,
    outgoing_referrals,
    pathway_of,
    record,
    record_consent,
    withdraw_consent,
)
from haven.registry import Transaction
from haven.web._auth import SessionDep
from haven.web._deps import registry_of
from haven.web._i18n import Translator, translator
from haven.web._messages import PATHWAY_EXISTS
from haven.web._referral_labels import (
    EVENT_FIELDS,
    EVENT_LABELS,
    FIELD_LABELS,
    TRANSNATIONAL_STATUS,
)
from haven.web._render import render

__all__ = ["organisation_names", "router"]

router = APIRouter(include_in_schema=False)

Errors = dict[str, list[str]]


def organisation_names(request: Request) -> dict[uuid.UUID, str]:
    return {o.id: o.name for o in registry_of(request).organisations()}


def _context(tx: Transaction, victim_id: uuid.UUID) -> dict[str, Any]:
    victim = tx.victims.get(victim_id)  # NotFound outside the organisation
    pathway = pathway_of(tx, victim_id)
    context: dict[str, Any] = {"record": victim, "pathway": pathway, "today": date.today(),
                               "event_labels": EVENT_LABELS, "event_fields": EVENT_FIELDS,
                               "purposes": list(ConsentPurpose), "bases": list(ConsentBasis),
                               "givers": list(GivenBy), "Level": Level,
                               "field_labels": FIELD_LABELS,
                               "back_to": f"/victims/{victim_id}#pathway"}
    if pathway is not None:
        context.update(history=history(tx, pathway.id),
                       clocks=clocks(pathway, date.today()),
                       consents=consents(tx, pathway.id),
                       referrals=outgoing_referrals(tx, pathway.id),
                       transnational=outbound_packages(tx, pathway.id),
                       allowed=sorted(pathway.allowed_events(), key=list(EVENT_LABELS).index))
    return context


def _page(request: Request, info: SessionDep, victim_id: uuid.UUID, *, errors: Errors | None
          = None, failed: str | None = None, values: dict[str, str] | None = None,
          status_code: int = 200) -> HTMLResponse:
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    organisations = organisation_names(request)  # before the transaction: SQLite locks
    partners = {p.installation_id: f"{p.name} ({p.country})"
                for p in list_partners(registry_of(request))}
    with registry_of(request).transaction(scope) as tx:
        context = _context(tx, victim_id)
    fragment = request.headers.get("HX-Request") and status_code == 200
    return render(request, "_pathway.html" if fragment else "pathway.html", info,
                  status_code=status_code, errors=errors or {}, failed=failed,
                  values=values or {}, organisations=organisations, partners=partners,
                  transnational_on=getattr(request.app.state, "transnational_keys", None)
                  is not None, trm_status=TRANSNATIONAL_STATUS, **context)


@router.get("/victims/{victim_id}/pathway", response_class=HTMLResponse)
def pathway_page(request: Request, info: SessionDep, victim_id: uuid.UUID) -> HTMLResponse:
    return _page(request, info, victim_id)


def _problems(problems: tuple[FieldProblem, ...], _: Translator) -> Errors:
    found: Errors = {}
    for problem in problems:
        found.setdefault(problem.field.split(".")[0], []).append(_.reason(problem))
    return found


def _back(victim_id: uuid.UUID) -> RedirectResponse:
    return RedirectResponse(f"/victims/{victim_id}#pathway", status_code=303)


def _values(form: FormData) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if k != "csrf_token"}


@router.post("/victims/{victim_id}/pathway", response_model=None)
async def open_page(request: Request, info: SessionDep, victim_id: uuid.UUID) -> Response:
    """Open a pathway without a screening (e.g. a person referred by phone)."""
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    form = await request.form()
    _ = translator(info.principal.locale)
    try:
        on = date.fromisoformat(str(form.get("on") or ""))
    except ValueError:
        return _page(request, info, victim_id, errors={"on": [_("Enter a date.")]},
                     failed="open", values=_values(form), status_code=422)
    try:
        with registry_of(request).transaction(scope) as tx:
            open_pathway(tx, victim_id, on=on, reason=str(form.get("reason") or "").strip()
                         or N_("Opened without screening"))
    except Conflict:  # the one conflict of opening: there is a pathway already
        return _page(request, info, victim_id, errors={"_": [_(PATHWAY_EXISTS)]}, failed="open",
                     status_code=409)
    return _back(victim_id)


def _event_data(kind: str, form: FormData) -> tuple[dict[str, Any], Errors]:
    data: dict[str, Any] = {}
    errors: Errors = {}
    for name in ("on", "reason"):
        if str(form.get(name) or "").strip():
            data[name] = str(form.get(name)).strip()
    for field in EVENT_FIELDS.get(kind, ()):
        value = str(form.get(field.name) or "").strip()
        if field.kind == "choices":
            data[field.name] = [str(v) for v in form.getlist(field.name)]
        elif field.kind == "check" or (field.kind == "yesno" and value in ("yes", "no")):
            data[field.name] = value == "yes"
        elif field.kind == "number" and value:
            if value.isdigit():
                data[field.name] = int(value)
            else:
                errors[field.name] = [N_("a whole number")]
        elif value and field.kind != "yesno":
            data[field.name] = value
    return data, errors


@router.post("/pathways/{pathway_id}/events", response_model=None)
async def record_step(request: Request, info: SessionDep, pathway_id: uuid.UUID) -> Response:
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    form = await request.form()
    kind = str(form.get("kind") or "")
    text = str(form.get("version") or "")
    version = int(text) if text.isdigit() and len(text) < 10 else None
    with registry_of(request).transaction(scope) as tx:
        victim_id = get_pathway(tx, pathway_id).victim_id
    data, errors = _event_data(kind, form)
    try:
        event = event_from_data(kind, data)
        if errors:
            raise ValidationFailed([])
        with registry_of(request).transaction(scope) as tx:
            record(tx, pathway_id, event, version=version)
    except ValidationFailed as failure:
        errors = {**_problems(failure.problems, translator(info.principal.locale)), **errors}
    except ForbiddenTransition as error:
        errors = {"_": [translator(info.principal.locale).error(error)]}
    except Conflict as error:
        errors = {"_": [translator(info.principal.locale).error(error)]}
    if errors:
        return _page(request, info, victim_id, errors=errors, failed=kind,
                     values=_values(form), status_code=422 if "_" not in errors else 409)
    return _back(victim_id)


def _consent_problems(form: FormData, purposes: list[str]) -> Errors:
    errors: Errors = {}
    if not purposes:
        errors["purposes"] = [N_("choose services, disclosure or both")]
    if str(form.get("basis") or "") not in {b.value for b in ConsentBasis}:
        errors["basis"] = [N_("choose consent or a legal ground")]
    if str(form.get("given_by") or "person") not in {g.value for g in GivenBy}:
        errors["given_by"] = [N_("the person or the guardian")]
    return errors


@router.post("/pathways/{pathway_id}/consents", response_model=None)
async def add_consent(request: Request, info: SessionDep, pathway_id: uuid.UUID) -> Response:
    """Record consent (or a legal ground) for one or both purposes."""
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    form = await request.form()
    purposes = [str(p) for p in form.getlist("purposes") if p in set(ConsentPurpose)]
    recipient = str(form.get("recipient") or "")
    with registry_of(request).transaction(scope) as tx:
        victim_id = get_pathway(tx, pathway_id).victim_id
    errors = _consent_problems(form, purposes)
    recipient_id, installation = None, None
    if recipient.startswith("installation:"):  # a partner installation, for a transnational
        installation = recipient.removeprefix("installation:")
        if installation not in {p.installation_id for p in list_partners(registry_of(request))}:
            errors["recipient"] = [N_("not a partner installation")]
    else:
        try:
            recipient_id = uuid.UUID(recipient) if recipient else None
        except ValueError:
            errors["recipient"] = [N_("not an organisation")]
    if not errors:
        try:
            with registry_of(request).transaction(scope) as tx:
                for purpose in purposes:
                    record_consent(
                        tx, pathway_id, purpose=ConsentPurpose(purpose),
                        basis=ConsentBasis(str(form.get("basis"))),
                        given_by=GivenBy(str(form.get("given_by") or "person")),
                        recipient_organisation_id=(recipient_id if purpose == "disclosure"
                                                   else None),
                        recipient_installation=(installation if purpose == "disclosure"
                                                else None),
                        legal_ground=str(form.get("legal_ground") or "") or None,
                        reason=str(form.get("reason") or "") or None)
        except ValidationFailed as failure:
            errors = _problems(failure.problems, translator(info.principal.locale))
        except HavenError as error:
            errors = {"_": [translator(info.principal.locale).error(error)]}
    if errors:
        return _page(request, info, victim_id, errors=errors, failed="consent",
                     values=_values(form), status_code=422)
    return _back(victim_id)


@router.post("/consents/{consent_id}/withdraw", response_model=None)
async def withdraw(request: Request, info: SessionDep, consent_id: uuid.UUID) -> Response:
    """Withdraw a consent; the referrals it alone covered are revoked with it."""
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    form = await request.form()
    with registry_of(request).transaction(scope) as tx:
        withdraw_consent(tx, consent_id)
    back = str(form.get("next") or "/")
    return RedirectResponse(back if back.startswith("/") and not back.startswith("//")
                            else "/", status_code=303)
