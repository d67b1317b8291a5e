"""The transnational inbox as a FastAPI router (the web app includes it).

    POST /api/transnational/inbox   a sealed package -> 201 and the signed acknowledgement
    GET  /api/transnational/card    this installation's public card (ids, keys, endpoint)

The app must set `app.state.transnational_inbox` to an `Inbox` (and, for the card,
`app.state.transnational_card` to this installation's `PartnerCard`); without them both
endpoints answer 503. Authentication is the package's own signature, checked against the
partner directory: no session or token is needed, and nothing is written for a package that
does not verify. Refusals are `HavenError`s, mapped to statuses by the app's error handlers.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request

from haven.referral._keys import PartnerCard
from haven.referral._package import Acknowledgement, SealedPackage
from haven.referral._transnational import Inbox

__all__ = ["router"]

router = APIRouter(prefix="/api/transnational", tags=["transnational referral"])


def _inbox(request: Request) -> Inbox:
    inbox: Inbox | None = getattr(request.app.state, "transnational_inbox", None)
    if inbox is None:
        raise HTTPException(503, "transnational referral is not configured here")
    return inbox


def _card(request: Request) -> PartnerCard:
    card: PartnerCard | None = getattr(request.app.state, "transnational_card", None)
    if card is None:
        raise HTTPException(503, "transnational referral is not configured here")
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
