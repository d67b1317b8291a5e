"""The transnational inbox as a FastAPI router (the web app includes it).

    POST /api/transnational/inbox   a sealed package -> 201 and the signed acknowledgement
    GET  /api/transnational/card    this installation's public card (ids, keys, endpoint)

`configure(app, registry, TransnationalSettings.from_env())` sets `app.state.transnational_inbox`
(an `Inbox`), `app.state.transnational_card` (this installation's `PartnerCard`) and
`app.state.transnational_keys` (its `InstallationKeys`, which the web pages send with); until
then both endpoints answer 404. Authentication is the package's own signature, checked against
the partner directory: no session or token is needed, and a package that does not verify
creates nothing (only its refusal is audited). Refusals are `HavenError`s, mapped to statuses
by the app's error handlers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request

from haven.exceptions import NotFound
from haven.referral._keys import InstallationKeys, PartnerCard
from haven.referral._package import Acknowledgement, SealedPackage
from haven.referral._settings import TransnationalSettings
from haven.referral._transnational import Inbox
from haven.registry import Registry

__all__ = ["configure", "router"]

router = APIRouter(prefix="/api/transnational", tags=["transnational referral"])


def _inbox(request: Request) -> Inbox:
    inbox: Inbox | None = getattr(request.app.state, "transnational_inbox", None)
    if inbox is None:
        # Not configured: the endpoint does not exist here (the one error map answers 404).
        raise NotFound("transnational inbox", "this installation")
    return inbox


def _card(request: Request) -> PartnerCard:
    card: PartnerCard | None = getattr(request.app.state, "transnational_card", None)
    if card is None:
        raise NotFound("transnational card", "this installation")
    return card


@router.post("/inbox", status_code=201, responses={
    400: {"description": "tampered, stale or malformed package"},
    403: {"description": "the sender is not a partner"},
    409: {"description": "the package was received before (replay)"},
    421: {"description": "the package is addressed to another installation"}})
def receive_package(package: SealedPackage,
                    inbox: Annotated[Inbox, Depends(_inbox)]) -> Acknowledgement:
    """Take on a referral package from a partner installation."""
    return inbox.receive(package)


@router.get("/card")
def installation_card(card: Annotated[PartnerCard, Depends(_card)]) -> PartnerCard:
    """This installation's public card, for partners to add after checking its fingerprint."""
    return card


def configure(app: FastAPI, registry: Registry, settings: TransnationalSettings | None) -> None:
    """Turn the inbox on for `app` (no-op without settings): keys, receiving organisation, card.

    Call it at start-up; a missing key file or unknown organisation fails here, not at the
    first package.
    """
    if settings is None:
        return
    keys = InstallationKeys.load(settings.key_file)
    organisation = registry.organisation(settings.organisation)
    app.state.transnational_card = keys.card(name=settings.name, country=settings.country,
                                             endpoint=settings.endpoint)
    app.state.transnational_keys = keys
    app.state.transnational_inbox = Inbox(registry, keys, organisation.id,
                                          window=timedelta(seconds=settings.window_seconds))
