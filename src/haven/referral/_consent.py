"""Consent: to services and to disclosure, or the legal ground that stands in for it.

A referral discloses data and starts services, so it needs both: consent to services, and
consent to disclosure to that recipient (one organisation, one partner installation, or any).
Where consent cannot be asked or is not required, a recorded legal ground with its reason
takes its place. For a child, consent is the guardian's (or a legal ground). The check runs
when a referral is made, against the pathway as it is then: an age assessment that finds the
person a child voids the person's own consent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven._text import N_
from haven.exceptions import FieldProblem, NotFound, ValidationFailed
from haven.identification import Minority
from haven.referral._errors import ConsentMissing
from haven.referral._pathway import owned_row
from haven.referral._tables import ConsentRow, PathwayRow
from haven.registry import AuditEvent, Transaction

__all__ = [
    "ConsentBasis",
    "ConsentPublic",
    "ConsentPurpose",
    "GivenBy",
    "consents",
    "record_consent",
    "require_consent",
]


class ConsentPurpose(StrEnum):
    SERVICES = "services"
    DISCLOSURE = "disclosure"


class ConsentBasis(StrEnum):
    CONSENT = "consent"
    LEGAL_GROUND = "legal_ground"


class GivenBy(StrEnum):
    PERSON = "person"
    GUARDIAN = "guardian"


@dataclass(frozen=True, slots=True)
class ConsentPublic:
    id: uuid.UUID
    pathway_id: uuid.UUID
    purpose: ConsentPurpose
    basis: ConsentBasis
    given_by: GivenBy
    recipient_organisation_id: uuid.UUID | None
    recipient_installation: str | None
    legal_ground: str | None
    reason: str | None
    recorded_by: str
    recorded_at: datetime
    withdrawn_at: datetime | None

    @classmethod
    def of(cls, row: ConsentRow) -> ConsentPublic:
        return cls(row.id, row.pathway_id, ConsentPurpose(row.purpose),
                   ConsentBasis(row.basis), GivenBy(row.given_by),
                   row.recipient_organisation_id, row.recipient_installation,
                   row.legal_ground, row.reason, row.recorded_by, row.recorded_at,
                   row.withdrawn_at)


def _problems(basis: ConsentBasis, given_by: GivenBy, minority: Minority,
              legal_ground: str | None, reason: str | None) -> list[FieldProblem]:
    problems = []
    if basis is ConsentBasis.LEGAL_GROUND:
        if not (legal_ground or "").strip():
            problems.append(FieldProblem(None, "legal_ground", N_("name the legal ground")))
        if not (reason or "").strip():
            problems.append(FieldProblem(None, "reason", N_("say why consent is not the basis")))
    elif minority.is_child and given_by is not GivenBy.GUARDIAN:
        problems.append(FieldProblem(None, "given_by", N_("for a child the guardian consents, "
                                     "or record a legal ground")))
    return problems


def record_consent(tx: Transaction, pathway_id: uuid.UUID, *, purpose: ConsentPurpose,
                   basis: ConsentBasis, given_by: GivenBy = GivenBy.PERSON,
                   recipient_organisation_id: uuid.UUID | None = None,
                   recipient_installation: str | None = None,
                   legal_ground: str | None = None, reason: str | None = None
                   ) -> ConsentPublic:
    """Record consent (or a legal ground) on an own pathway; every problem reported at once."""
    pathway = owned_row(tx, pathway_id)
    problems = _problems(basis, given_by, Minority(pathway.minority), legal_ground, reason)
    if recipient_organisation_id and recipient_installation:
        problems.append(FieldProblem(None, "recipient", N_("one organisation or one installation")))
    if problems:
        raise ValidationFailed(problems)
    row = ConsentRow(id=uuid.uuid4(), pathway_id=pathway_id, purpose=purpose.value,
                     basis=basis.value, given_by=given_by.value,
                     recipient_organisation_id=recipient_organisation_id,
                     recipient_installation=recipient_installation,
                     legal_ground=legal_ground.strip() if legal_ground else None,
                     reason=reason.strip() if reason else None, recorded_by=tx.scope.actor,
                     recorded_at=datetime.now(UTC))
    tx.session.add(row)
    tx.session.flush()
    tx.record(AuditEvent(
        actor=tx.scope.actor, organisation_id=str(tx.scope.organisation_id), action="create",
        entity_kind="consent", entity_id=str(row.id),
        detail={"pathway": str(pathway_id), "purpose": purpose.value, "basis": basis.value,
                "given_by": given_by.value, "legal_ground": row.legal_ground,
                "recipient": str(recipient_organisation_id or recipient_installation or "any")}))
    return ConsentPublic.of(row)


def withdraw(tx: Transaction, consent_id: uuid.UUID) -> ConsentRow:
    row = tx.session.get(ConsentRow, consent_id)
    if row is None:
        raise NotFound("consent", consent_id)
    owned_row(tx, row.pathway_id)  # only the owner withdraws
    if row.withdrawn_at is None:
        row.withdrawn_at = datetime.now(UTC)
        row.withdrawn_by = tx.scope.actor
        tx.record(AuditEvent(
            actor=tx.scope.actor, organisation_id=str(tx.scope.organisation_id),
            action="update", entity_kind="consent", entity_id=str(row.id),
            detail={"pathway": str(row.pathway_id), "withdrawn": True}))
    return row


def consents(tx: Transaction, pathway_id: uuid.UUID) -> list[ConsentPublic]:
    owned_row(tx, pathway_id)
    rows = tx.session.scalars(select(ConsentRow).where(ConsentRow.pathway_id == pathway_id)
                              .order_by(ConsentRow.recorded_at))
    return [ConsentPublic.of(r) for r in rows]


def _covers(row: ConsentRow, minority: Minority, purpose: ConsentPurpose,
            organisation_id: uuid.UUID | None, installation: str | None) -> bool:
    if row.withdrawn_at is not None or row.purpose != purpose.value:
        return False
    if (minority.is_child and row.basis == ConsentBasis.CONSENT.value
            and row.given_by != GivenBy.GUARDIAN.value):
        return False
    if purpose is ConsentPurpose.SERVICES:
        return True
    if row.recipient_organisation_id is None and row.recipient_installation is None:
        return True
    return ((organisation_id is not None and row.recipient_organisation_id == organisation_id)
            or (installation is not None and row.recipient_installation == installation))


def require_consent(session: Session, pathway: PathwayRow, *,
                    organisation_id: uuid.UUID | None = None, installation: str | None = None
                    ) -> list[uuid.UUID]:
    """The ids of the consents covering a referral to the recipient, or `ConsentMissing`."""
    rows = session.scalars(select(ConsentRow).where(ConsentRow.pathway_id == pathway.id)).all()
    minority = Minority(pathway.minority)
    covering: list[uuid.UUID] = []
    missing: list[str] = []
    for purpose in ConsentPurpose:
        found = [r.id for r in rows
                 if _covers(r, minority, purpose, organisation_id, installation)]
        covering.extend(found)
        if not found:
            missing.append(purpose.value)
    if missing:
        who = organisation_id or installation or "-"
        raise ConsentMissing(pathway.id, missing, str(who))
    return covering
