"""The partner directory page: the installations this one exchanges referrals with.

Installation-wide, so it needs `manage_partners` (system administrators). A partner is added
from its public card, pasted as JSON or typed field by field; every problem is shown next to
its field. The page also shows this installation's own card, to give to partners, with the
fingerprint both sides compare over another channel.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from haven._text import N_
from haven.access import Permission, authorize
from haven.exceptions import Conflict
from haven.referral import (
    PartnerCard,
    add_partner,
    fingerprint,
    partner_directory,
    remove_partner,
)
from haven.web._auth import SessionDep
from haven.web._deps import registry_of
from haven.web._i18n import translator
from haven.web._render import render

__all__ = ["own_card", "router"]

router = APIRouter(include_in_schema=False)

Errors = dict[str, list[str]]
CARD_FIELDS = ("installation_id", "name", "country", "endpoint", "signing_key",
               "encryption_key")
# What each card field must be, in the reader's language (Pydantic's own texts are English).
_RULES = {
    "installation_id": N_("Lower-case letters, digits, '.' and '-'; 2 to 64 characters."),
    "name": N_("2 to 200 characters."),
    "country": N_("Two capital letters (ISO 3166-1), for example RO."),
    "endpoint": N_("An http:// or https:// address of at most 500 characters."),
    "signing_key": N_("A 32-byte public key in URL-safe base64, as on the partner's card."),
    "encryption_key": N_("A 32-byte public key in URL-safe base64, as on the partner's card."),
}


def own_card(request: Request) -> PartnerCard | None:
    """This installation's card, or None when transnational referral is not set up."""
    card: PartnerCard | None = getattr(request.app.state, "transnational_card", None)
    return card


def _page(request: Request, info: SessionDep, *, values: dict[str, str] | None = None,
          errors: Errors | None = None, added: str | None = None,
          status_code: int = 200) -> HTMLResponse:
    authorize(info.principal, Permission.MANAGE_PARTNERS)
    entries = partner_directory(registry_of(request))
    card = own_card(request)
    just_added = next((e for e in entries if e.card.installation_id == added), None)
    _ = translator(info.principal.locale)
    return render(request, "partners.html", info, status_code=status_code, entries=entries,
                  card=card, card_json=card.model_dump_json(indent=2) if card else None,
                  card_fingerprint=fingerprint(card) if card else None, values=values or {},
                  errors={k: [_(m) for m in v] for k, v in (errors or {}).items()},
                  added=just_added)


@router.get("/admin/partners", response_class=HTMLResponse)
def partners(request: Request, info: SessionDep, added: str | None = None) -> HTMLResponse:
    return _page(request, info, added=added)


def _card_data(values: dict[str, str]) -> tuple[dict[str, Any], Errors]:
    """The typed fields, overlaid by a pasted card (the card is what the partner published)."""
    data: dict[str, Any] = {k: values[k] for k in CARD_FIELDS if values.get(k)}
    pasted = values.get("card", "")
    if not pasted:
        return data, {}
    try:
        parsed = json.loads(pasted)
    except ValueError:
        return data, {"card": [N_("Not JSON: paste the partner's card as it was given.")]}
    if not isinstance(parsed, dict):
        return data, {"card": [N_("A partner card is a JSON object.")]}
    if set(parsed) - set(CARD_FIELDS):
        return data, {"card": [N_("The card has fields a partner card does not have.")]}
    data.update({k: v for k, v in parsed.items() if k in CARD_FIELDS})
    return data, {}


def parse_card(values: dict[str, str]) -> tuple[PartnerCard | None, Errors]:
    """A validated card from the form, or every problem by field."""
    data, errors = _card_data(values)
    if errors:
        return None, errors
    try:
        return PartnerCard.model_validate(data), {}
    except ValidationError as failure:
        for problem in failure.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "card"
            if field not in CARD_FIELDS:
                errors.setdefault("card", []).append(N_("The card could not be read."))
            elif problem["type"] == "missing":
                errors.setdefault(field, []).append(N_("Required."))
            else:
                errors.setdefault(field, []).append(_RULES[field])
        return None, errors


@router.post("/admin/partners", response_model=None)
async def add(request: Request, info: SessionDep) -> Response:
    """Add a partner from its card, or replace a known partner's keys or address."""
    authorize(info.principal, Permission.MANAGE_PARTNERS)
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in (*CARD_FIELDS, "card", "replace")}
    card, errors = parse_card(values)
    own = own_card(request)
    if card is not None and own is not None and card.installation_id == own.installation_id:
        errors = {"installation_id": [N_("This is this installation's own id.")]}
    if card is None or errors:
        return _page(request, info, values=values, errors=errors, status_code=422)
    try:
        add_partner(registry_of(request), card, actor=info.principal.actor,
                    replace=values["replace"] == "yes")
    except Conflict:
        return _page(request, info, values=values, status_code=409, errors={
            "installation_id": [N_("This partner is already in the directory. Tick "
                                   "“Replace” to change its keys or address.")]})
    return RedirectResponse(f"/admin/partners?added={card.installation_id}", status_code=303)


@router.post("/admin/partners/{installation_id}/remove", response_model=None)
def remove(request: Request, info: SessionDep, installation_id: str) -> Response:
    """Stop exchanging with a partner; its past exchanges stay on record."""
    authorize(info.principal, Permission.MANAGE_PARTNERS)
    remove_partner(registry_of(request), installation_id, actor=info.principal.actor)
    return RedirectResponse("/admin/partners", status_code=303)
