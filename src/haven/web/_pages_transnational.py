"""Transnational referral pages: send a pathway to a partner installation, see what came in.

Sending is two steps on one address, `/pathways/{id}/transnational`: the form (partner,
fields, reason) is first shown back as exactly what the package will hold, checked as
`send_referral` checks it (an own pathway, an active partner, consent to disclosure to that
installation); only then is it sealed and delivered. A refusal says why and sends nothing;
a delivery error shows the outbound record and the partner's answer (ids and codes only).
`/referrals/transnational` lists what the organisation received and sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from haven._text import N_
from haven.access import Permission, Principal, can, record_scope
from haven.exceptions import NotFound, ValidationFailed
from haven.referral import (
    DEFAULT_TRANSNATIONAL_FIELDS,
    TRANSNATIONAL_FIELDS,
    ConsentBasis,
    ConsentMissing,
    DeliveryFailed,
    GivenBy,
    InstallationKeys,
    PackagePreview,
    Stage,
    TransnationalClient,
    get_pathway,
    inbound_packages,
    list_partners,
    outbound_package,
    outbound_packages,
    partner_directory,
    preview_package,
    send_referral,
)
from haven.referral._transnational import Deliverer
from haven.standard import IDENTIFYING_FIELDS
from haven.web._auth import SessionDep
from haven.web._deps import registry_of
from haven.web._i18n import Translator, translator
from haven.web._pages_referral import granted_rows
from haven.web._referral_labels import FIELD_LABELS, TRANSNATIONAL_STATUS
from haven.web._render import render

__all__ = ["router", "transnational_on"]

router = APIRouter(include_in_schema=False)

Errors = dict[str, list[str]]
_CLOSED = {Stage.CLOSED, Stage.DECLINED}


def _keys(request: Request) -> InstallationKeys | None:
    keys: InstallationKeys | None = getattr(request.app.state, "transnational_keys", None)
    return keys


def transnational_on(request: Request) -> bool:
    """Whether this installation has keys to send with (`HAVEN_TRM_KEY_FILE`)."""
    return _keys(request) is not None


@contextmanager
def _deliverer(request: Request) -> Iterator[Deliverer]:
    """The app's deliverer if one is set (tests, a proxy-aware client), else a fresh client."""
    given: Deliverer | None = getattr(request.app.state, "transnational_deliverer", None)
    if given is not None:
        yield given
        return
    with TransnationalClient() as client:
        yield client


def _sendable(principal: Principal) -> list[str]:
    """Fields the user may send: identifying ones only with the permission to read them."""
    fields = set(TRANSNATIONAL_FIELDS)
    if not can(principal, Permission.READ_IDENTIFYING):
        fields -= IDENTIFYING_FIELDS
    return sorted(fields, key=lambda f: (f in IDENTIFYING_FIELDS, f))


def _values(form: FormData | None, principal: Principal) -> dict[str, Any]:
    if form is None:
        return {"partner": "", "fields": sorted(DEFAULT_TRANSNATIONAL_FIELDS), "reason": ""}
    allowed = set(_sendable(principal))
    return {"partner": str(form.get("partner") or ""),
            "fields": sorted({str(f) for f in form.getlist("fields") if str(f) in allowed}),
            "reason": str(form.get("reason") or "").strip()}


def _page(request: Request, info: SessionDep, pathway_id: uuid.UUID, *,
          values: dict[str, Any], errors: Errors | None = None,
          preview: PackagePreview | None = None, status_code: int = 200) -> HTMLResponse:
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    partners = list_partners(registry_of(request))  # before the transaction: SQLite locks
    with registry_of(request).transaction(scope) as tx:
        pathway = get_pathway(tx, pathway_id)  # NotFound outside the organisation
        record = tx.victims.get(pathway.victim_id)
        sent = outbound_packages(tx, pathway_id)
    _ = translator(info.principal.locale)
    sendable = _sendable(info.principal)
    shown, bases = [], []
    if preview is not None:  # in the form's order: statistical fields, then identifying ones
        ordered = sorted(preview.record.items(), key=lambda kv: (
            sendable.index(kv[0]) if kv[0] in sendable else len(sendable)))
        shown = granted_rows(dict(ordered), _)
        for c in preview.consent:  # one line per basis (services and disclosure often share)
            text = (f"{_.label(c.basis, ConsentBasis)}"
                    f"{': ' + c.legal_ground if c.legal_ground else ''}"
                    f" ({_.label(c.given_by, GivenBy)})")
            if text not in bases:
                bases.append(text)
    return render(request, "transnational_send.html", info, status_code=status_code,
                  pathway=pathway, record=record, partners=partners, sent=sent,
                  sendable=sendable, identifying=IDENTIFYING_FIELDS,
                  field_labels=FIELD_LABELS, values=values, errors=errors or {},
                  preview=preview, shown=shown, bases=bases,
                  enabled=transnational_on(request), closed=pathway.stage in _CLOSED,
                  statuses=TRANSNATIONAL_STATUS)


@router.get("/pathways/{pathway_id}/transnational", response_class=HTMLResponse)
def send_page(request: Request, info: SessionDep, pathway_id: uuid.UUID) -> HTMLResponse:
    return _page(request, info, pathway_id, values=_values(None, info.principal))


def _problems(values: dict[str, Any], partners: set[str]) -> Errors:
    errors: Errors = {}
    if values["partner"] not in partners:
        errors["partner"] = [N_("Choose a partner installation.")]
    if not values["fields"]:
        errors["fields"] = [N_("Choose at least one field: send only what the partner needs.")]
    if not values["reason"]:
        errors["reason"] = [N_("Say why, briefly (no names).")]
    elif len(values["reason"]) > 500:
        errors["reason"] = [N_("At most 500 characters.")]
    return errors


def _refusal(error: ConsentMissing, _: Translator) -> Errors:
    return {"_": [N_("No consent or legal ground covers disclosure to this installation. "
                     "Record consent to services and to disclosure to it on the pathway "
                     "first."), _.error(error)]}


@router.post("/pathways/{pathway_id}/transnational", response_model=None)
async def send(request: Request, info: SessionDep, pathway_id: uuid.UUID) -> Response:
    """`action=preview` shows what will be sent; `action=send` seals and delivers it."""
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    form = await request.form()
    values = _values(form, info.principal)
    action = str(form.get("action") or "preview")
    keys = _keys(request)
    if keys is None:
        raise NotFound("transnational referral", "this installation")
    errors = _problems(values, {p.installation_id for p in list_partners(registry_of(request))})
    if errors or action not in ("preview", "send"):
        return _page(request, info, pathway_id, values=values, errors=errors,
                     status_code=422 if errors else 200)
    fields = frozenset(values["fields"])
    try:
        if action == "preview":
            with registry_of(request).transaction(scope) as tx:
                preview = preview_package(tx, pathway_id, values["partner"], fields=fields)
            return _page(request, info, pathway_id, values=values, preview=preview)
        with _deliverer(request) as deliverer:
            sent = send_referral(registry_of(request), scope, pathway_id, values["partner"],
                                 keys=keys, deliverer=deliverer, reason=values["reason"],
                                 fields=fields)
    except ConsentMissing as error:
        return _page(request, info, pathway_id, values=values,
                     errors=_refusal(error, translator(info.principal.locale)),
                     status_code=409)
    except ValidationFailed as failure:
        found: Errors = {}
        for problem in failure.problems:
            found.setdefault(problem.field, []).append(
                translator(info.principal.locale).reason(problem))
        return _page(request, info, pathway_id, values=values, errors=found, status_code=422)
    except DeliveryFailed as failure:
        if failure.package_id is None:  # pragma: no cover - send_referral always names it
            raise
        return _record_page(request, info, failure.package_id, status_code=502)
    return RedirectResponse(f"/referrals/transnational/sent/{sent.package_id}",
                            status_code=303)


def _partner_names(request: Request) -> dict[str, str]:
    return {e.card.installation_id: f"{e.card.name} ({e.card.country})"
            for e in partner_directory(registry_of(request))}


def _record_page(request: Request, info: SessionDep, package_id: uuid.UUID,
                 status_code: int = 200) -> HTMLResponse:
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    names = _partner_names(request)
    with registry_of(request).transaction(scope) as tx:
        package = outbound_package(tx, package_id)
        record = tx.victims.get(package.victim_id) if package.victim_id else None
    return render(request, "transnational_sent.html", info, status_code=status_code,
                  package=package, record=record, partners=names, statuses=TRANSNATIONAL_STATUS,
                  field_labels=FIELD_LABELS)


@router.get("/referrals/transnational/sent/{package_id}", response_class=HTMLResponse)
def sent_page(request: Request, info: SessionDep, package_id: uuid.UUID) -> HTMLResponse:
    """One package sent from an own pathway: to whom, when, what, and its acknowledgement."""
    return _record_page(request, info, package_id)


@router.get("/referrals/transnational", response_class=HTMLResponse)
def exchanges(request: Request, info: SessionDep) -> HTMLResponse:
    """What partners sent to the organisation (and the records made of it), and what it sent.

    Opening the page reads each received record (audited by the registry); identifying
    fields are named, their values stay on the record's own page.
    """
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    names = _partner_names(request)
    _ = translator(info.principal.locale)
    with registry_of(request).transaction(scope) as tx:
        received = []
        for package in inbound_packages(tx):
            record = tx.victims.get(package.victim_id) if package.victim_id else None
            shown = record.model_dump(mode="json") if record else {}
            values = {k: shown.get(k) for k in package.fields if k not in IDENTIFYING_FIELDS}
            received.append((package, record, granted_rows(values, _),
                             [_(FIELD_LABELS.get(f, f)) for f in package.fields
                              if f in IDENTIFYING_FIELDS]))
        sent = [(p, tx.victims.get(p.victim_id) if p.victim_id else None)
                for p in outbound_packages(tx)]
    return render(request, "transnational.html", info, received=received, sent=sent,
                  partners=names, statuses=TRANSNATIONAL_STATUS, field_labels=FIELD_LABELS,
                  enabled=transnational_on(request))
