"""Referral test helpers: victims and consents (fixtures live in conftest.py)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from factories import victim
from haven.referral import ConsentBasis, ConsentPurpose, GivenBy, record_consent
from haven.registry import Transaction
from haven.standard import VictimPublic

DETECTED_ON = date(2026, 3, 2)

ADULT: dict[str, Any] = {"identifying": {"given_names": "Ana", "family_name": "Pop"},
                         "age_at_registration": 29, "registered_on": "2026-03-02",
                         "citizenships": ["UA"]}


def adult_victim(tx: Transaction, external_id: str = "V-A1", **overrides: Any) -> VictimPublic:
    return tx.victims.create(victim(external_id=external_id, **{**ADULT, **overrides}))


def consent_to(tx: Transaction, pathway_id: uuid.UUID, *, organisation: uuid.UUID | None = None,
               installation: str | None = None, given_by: GivenBy = GivenBy.PERSON) -> None:
    """Consent to services and to disclosure to one recipient."""
    record_consent(tx, pathway_id, purpose=ConsentPurpose.SERVICES,
                   basis=ConsentBasis.CONSENT, given_by=given_by)
    record_consent(tx, pathway_id, purpose=ConsentPurpose.DISCLOSURE,
                   basis=ConsentBasis.CONSENT, given_by=given_by,
                   recipient_organisation_id=organisation, recipient_installation=installation)
