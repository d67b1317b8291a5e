"""Referral pages: refer a pathway to a service, incoming and outgoing referrals, due items.

`router` also carries the screening and pathway pages (`_pages_screening`, `_pages_pathway`).
The receiving organisation sees only what the referral grants (`incoming_referrals` reads the
granted fields through the registry, audited in both organisations' logs).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from haven._text import N_
from haven.access import Permission, Principal, can, record_scope
from haven.exceptions import FieldProblem, HavenError, ValidationFailed
from haven.identification import assess
from haven.referral import (
    DEFAULT_FIELDS,
    AssistanceKind,
    ConsentMissing,
    Needs,
    PathwayPublic,
    ReferralError,
    accept_referral,
    complete_referral,
    due_items,
    get_pathway,
    incoming_referrals,
    match_services,
    needs_from,
    outgoing_referrals,
    reject_referral,
    request_referral,
    revoke_referral,
    services,
)
from haven.registry import GRANTABLE_FIELDS, Transaction
from haven.standard import (
    IDENTIFYING_FIELDS,
    AgeBand,
    AgeGroup,
    DocumentKind,
    ExploitationForm,
    IdentificationStatus,
    MeansOfControl,
    Sex,
    VictimPublic,
    Vulnerability,
)
from haven.web import _pages_pathway, _pages_screening, _pages_services
from haven.web._auth import SessionDep
from haven.web._deps import registry_of
from haven.web._i18n import Translator, translator
from haven.web._referral_labels import FIELD_LABELS
from haven.web._render import render

__all__ = ["due_context", "router"]

router = APIRouter(include_in_schema=False)
router.include_router(_pages_screening.router)
router.include_router(_pages_pathway.router)
router.include_router(_pages_services.router)

_CODES: dict[str, Any] = {"sex": Sex, "identification_status": IdentificationStatus,
                          "age_group": AgeGroup, "age_band": AgeBand,
                          "means_of_control": MeansOfControl, "documents": DocumentKind,
                          "vulnerabilities": Vulnerability, "exploitation": ExploitationForm}


# -- referring --------------------------------------------------------------------------------
def _needs(pathway: PathwayPublic, victim: VictimPublic) -> Needs:
    """What to match: the screening's urgent needs, or every kind without a screening."""
    summary = pathway.assessment
    if not summary:
        return Needs(frozenset(AssistanceKind), victim.sex, victim.age_at_registration,
                     pathway.minority.is_child)
    again = assess(dict.fromkeys(summary.get("observed", []), "yes"),
                   version=str(summary.get("version")), age=victim.age_at_registration)
    return needs_from(again, sex=victim.sex, age=victim.age_at_registration)


def _grantable(principal: Principal) -> list[str]:
    fields = set(GRANTABLE_FIELDS["victim"])
    if not can(principal, Permission.READ_IDENTIFYING):
        fields -= IDENTIFYING_FIELDS  # no one shares what they may not see themselves
    return sorted(fields, key=lambda f: (f in IDENTIFYING_FIELDS, f))


def _refer_page(request: Request, info: SessionDep, pathway_id: uuid.UUID, *,
                values: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
                status_code: int = 200) -> HTMLResponse:
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    with registry_of(request).transaction(scope) as tx:
        pathway = get_pathway(tx, pathway_id)
        victim = tx.victims.get(pathway.victim_id)
        needs = _needs(pathway, victim)
        matches = match_services(tx, needs)
        directory = services(tx)
    organisations = _pages_pathway.organisation_names(request)
    return render(request, "referral_request.html", info, status_code=status_code,
                  pathway=pathway, record=victim, needs=needs, matches=matches,
                  directory=[s for s in directory if s.organisation_id != pathway.organisation_id],
                  organisations={k: v for k, v in organisations.items()
                                 if k != pathway.organisation_id},
                  grantable=_grantable(info.principal), field_labels=FIELD_LABELS,
                  identifying=IDENTIFYING_FIELDS,
                  values=values or {"fields": sorted(DEFAULT_FIELDS), "service": "",
                                    "organisation": ""},
                  errors=errors or {})


@router.get("/pathways/{pathway_id}/refer", response_class=HTMLResponse)
def refer_page(request: Request, info: SessionDep, pathway_id: uuid.UUID) -> HTMLResponse:
    return _refer_page(request, info, pathway_id)


def _uuid(value: str, name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        raise ValidationFailed([FieldProblem(None, name, N_("not a valid choice"))]) from None


def _request(tx: Transaction, pathway_id: uuid.UUID, values: dict[str, Any]) -> uuid.UUID:
    service_id = _uuid(values["service"], "service")
    organisation_id = _uuid(values["organisation"], "organisation")
    if service_id is not None:
        found = next((s for s in services(tx) if s.id == service_id), None)
        if found is None:
            raise ValidationFailed([FieldProblem(None, "service", N_("not in the directory"))])
        organisation_id = found.organisation_id
    if organisation_id is None:
        raise ValidationFailed([FieldProblem(None, "organisation",
                                             N_("choose a service or an organisation"))])
    referral = request_referral(tx, pathway_id, organisation_id, reason=values["reason"],
                                fields=frozenset(values["fields"]), service_id=service_id)
    return get_pathway(tx, referral.pathway_id).victim_id


@router.post("/pathways/{pathway_id}/refer", response_model=None)
async def refer(request: Request, info: SessionDep, pathway_id: uuid.UUID) -> Response:
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    form = await request.form()
    allowed = set(_grantable(info.principal))
    values: dict[str, Any] = {
        "service": str(form.get("service") or ""),
        "organisation": str(form.get("organisation") or ""),
        "fields": [str(f) for f in form.getlist("fields") if str(f) in allowed],
        "reason": str(form.get("reason") or "").strip()}
    _ = translator(info.principal.locale)
    try:
        with registry_of(request).transaction(scope) as tx:
            victim_id = _request(tx, pathway_id, values)
    except ValidationFailed as failure:
        errors: dict[str, list[str]] = {}
        for problem in failure.problems:
            errors.setdefault(problem.field.replace("to_organisation_id", "organisation"),
                              []).append(_.reason(problem))
        return _refer_page(request, info, pathway_id, values=values, errors=errors,
                           status_code=422)
    except ConsentMissing:
        return _refer_page(request, info, pathway_id, values=values, status_code=409, errors={
            "_": [_("No consent or legal ground covers this referral. Record consent to "
                    "services and to disclosure to this organisation first.")]})
    except HavenError as error:
        return _refer_page(request, info, pathway_id, values=values,
                           errors={"_": [_.error(error)]}, status_code=error.status_code)
    return RedirectResponse(f"/victims/{victim_id}?referred=1#pathway", status_code=303)


# -- incoming and outgoing --------------------------------------------------------------------
def _text(name: str, value: Any, _: Translator) -> str:
    if isinstance(value, list):
        return ", ".join(_text(name, v, _) for v in value) or "—"
    if isinstance(value, dict):
        if name == "exploitation":
            return _.label(value.get("form"), ExploitationForm)
        return " · ".join(_text(name, v, _) for v in value.values() if v)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name in _CODES:
        return _.label(str(value), _CODES[name])
    return str(value)


def granted_rows(record: dict[str, Any], _: Translator) -> list[tuple[str, str]]:
    """The granted fields as (label, text) pairs, in the record's order, without the row id."""
    return [(_(FIELD_LABELS.get(k, k)), _text(k, v, _)) for k, v in record.items() if k != "id"]


def _lists(request: Request, info: SessionDep, template: str, problem: str | None,
           status_code: int) -> HTMLResponse:
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    _ = translator(info.principal.locale)
    today = date.today()
    with registry_of(request).transaction(scope) as tx:
        directory = {s.id: s for s in services(tx)}
        if template == "referrals_incoming.html":
            rows: list[Any] = [(r, granted_rows(r.record, _))
                               for r in incoming_referrals(tx, today=today)]
        else:
            rows = [(r, tx.victims.get(get_pathway(tx, r.pathway_id).victim_id))
                    for r in reversed(outgoing_referrals(tx))]
    return render(request, template, info, status_code=status_code, rows=rows, today=today,
                  services=directory, problem=problem, field_labels=FIELD_LABELS,
                  organisations=_pages_pathway.organisation_names(request))


@router.get("/referrals", response_class=HTMLResponse)
@router.get("/referrals/incoming", response_class=HTMLResponse)
def incoming(request: Request, info: SessionDep) -> HTMLResponse:
    return _lists(request, info, "referrals_incoming.html", None, 200)


@router.get("/referrals/outgoing", response_class=HTMLResponse)
def outgoing(request: Request, info: SessionDep) -> HTMLResponse:
    return _lists(request, info, "referrals_outgoing.html", None, 200)


_STEPS = {"accept": "referrals_incoming.html", "reject": "referrals_incoming.html",
          "done": "referrals_incoming.html", "revoke": "referrals_outgoing.html"}


def _take_step(tx: Transaction, referral_id: uuid.UUID, step: str, reason: str) -> None:
    if step == "accept":
        accept_referral(tx, referral_id, on=date.today(), reason=reason or N_("referral accepted"))
    elif step == "reject":
        reject_referral(tx, referral_id, reason=reason)
    elif step == "done":
        complete_referral(tx, referral_id, reason=reason or N_("service ended"))
    else:
        revoke_referral(tx, referral_id, reason=reason)


@router.post("/referrals/{referral_id}/{step}", response_model=None)
async def referral_step(request: Request, info: SessionDep, referral_id: uuid.UUID,
                        step: str) -> Response:
    """Accept, reject or complete (receiver) or revoke (sender) one referral."""
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    template = _STEPS.get(step)
    if template is None:
        raise ValidationFailed([FieldProblem(None, "step", N_("accept, reject, done or revoke"))])
    form = await request.form()
    _ = translator(info.principal.locale)
    try:
        with registry_of(request).transaction(scope) as tx:
            _take_step(tx, referral_id, step, str(form.get("reason") or "").strip())
    except ValidationFailed:
        return _lists(request, info, template, _("Say why, briefly (no names)."), 422)
    except ReferralError as error:  # out of order, or no free place
        return _lists(request, info, template, _.error(error), error.status_code)
    back = str(form.get("next") or "")
    if not back.startswith("/") or back.startswith("//"):
        back = "/referrals/outgoing" if step == "revoke" else "/referrals/incoming"
    return RedirectResponse(back, status_code=303)


# -- dashboard --------------------------------------------------------------------------------
def due_context(request: Request, principal: Principal, horizon_days: int = 14
                ) -> dict[str, Any]:
    """Due and overdue clock items of the organisation's pathways, for the dashboard."""
    scope = record_scope(principal, Permission.MANAGE_REFERRALS)
    with registry_of(request).transaction(scope) as tx:
        items = due_items(tx, date.today(), horizon_days=horizon_days)
        records = {i.victim_id: tx.victims.get(i.victim_id).external_id for i in items}
    return {"due": items, "due_records": records}
