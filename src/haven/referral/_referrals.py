"""Referrals inside one installation: request, accept, reject, revoke, done.

The owning organisation requests a referral of a pathway to another organisation (optionally
to one of its services). The request needs consent to services and to disclosure to that
organisation, or a legal ground, and creates a registry grant for the named fields only: the
receiving organisation sees those fields (through `tx.victims.get_granted`) and the pathway's
stage and clocks, nothing else. Accepting reserves a place and moves a detected pathway to
`referred`; rejecting, revoking or completing ends the grant and frees the place.

    requested ──accept──> accepted ──done──> done
        │ └──reject──> rejected       │
        └─────revoke──> revoked <─────┘
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import select

from haven._text import N_
from haven.exceptions import FieldProblem, NotFound, ValidationFailed
from haven.referral._clocks import ClockItem, clocks
from haven.referral._consent import require_consent, withdraw
from haven.referral._errors import ConsentMissing, ForbiddenTransition
from haven.referral._events import Referred
from haven.referral._pathway import PathwayPublic, apply_event, owned_row
from haven.referral._rules import RulesBook
from haven.referral._services import release, reserve
from haven.referral._stages import Stage
from haven.referral._tables import PathwayRow, ReferralRow, ServiceRow
from haven.registry import GRANTABLE_FIELDS, AuditEvent, Transaction
from haven.registry._tables import OrganisationRow

__all__ = [
    "DEFAULT_FIELDS",
    "IncomingReferral",
    "ReferralPublic",
    "ReferralStatus",
    "accept_referral",
    "complete_referral",
    "incoming_referrals",
    "outgoing_referrals",
    "reject_referral",
    "request_referral",
    "revoke_referral",
    "withdraw_consent",
]

# What a support organisation needs to decide on a referral, and no more.
DEFAULT_FIELDS = frozenset({"sex", "age_group", "citizenships", "exploitation",
                            "vulnerabilities"})


class ReferralStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    REVOKED = "revoked"
    DONE = "done"


_S = ReferralStatus
_NEXT: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    _S.REQUESTED: frozenset({_S.ACCEPTED, _S.REJECTED, _S.REVOKED}),
    _S.ACCEPTED: frozenset({_S.DONE, _S.REVOKED}),
}
_ACTIVE = (_S.REQUESTED.value, _S.ACCEPTED.value)


@dataclass(frozen=True, slots=True)
class ReferralPublic:
    id: uuid.UUID
    pathway_id: uuid.UUID
    from_organisation_id: uuid.UUID
    to_organisation_id: uuid.UUID
    service_id: uuid.UUID | None
    status: ReferralStatus
    fields: frozenset[str]
    reason: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None

    @classmethod
    def of(cls, row: ReferralRow) -> ReferralPublic:
        return cls(row.id, row.pathway_id, row.from_organisation_id, row.to_organisation_id,
                   row.service_id, ReferralStatus(row.status), frozenset(row.fields),
                   row.reason, row.requested_by, row.requested_at, row.decided_by,
                   row.decided_at, row.decision_reason)


@dataclass(frozen=True, slots=True)
class IncomingReferral:
    """What the receiving organisation sees: the referral, the granted fields, the clocks."""

    referral: ReferralPublic
    record: dict[str, object]
    stage: Stage
    reflection_ends_on: date | None
    clocks: list[ClockItem]


def _audit(tx: Transaction, row: ReferralRow, action: str, detail: dict[str, object]) -> None:
    tx.record(AuditEvent(actor=tx.scope.actor, organisation_id=str(tx.scope.organisation_id),
                         action="create" if action == "create" else "update",
                         entity_kind="referral", entity_id=str(row.id),
                         detail={"step": action, **detail}))


def _check_request(tx: Transaction, pathway: PathwayRow, to_organisation_id: uuid.UUID,
                   fields: frozenset[str], reason: str, service_id: uuid.UUID | None) -> None:
    if pathway.stage in {Stage.CLOSED.value, Stage.DECLINED.value}:
        raise ForbiddenTransition("pathway", pathway.id, "referral", pathway.stage,
                                  N_("a closed or declined pathway cannot be referred"))
    problems = [FieldProblem(None, "fields", N_("not a grantable field"), value=f)
                for f in sorted(fields - GRANTABLE_FIELDS["victim"])]
    if not fields:
        problems.append(FieldProblem(None, "fields", N_("name at least one field")))
    if not reason.strip():
        problems.append(FieldProblem(None, "reason", N_("say why the person is referred")))
    if to_organisation_id == tx.scope.organisation_id:
        problems.append(FieldProblem(None, "to_organisation_id", N_("refer to another one")))
    if problems:
        raise ValidationFailed(problems)
    if tx.session.get(OrganisationRow, to_organisation_id) is None:
        raise NotFound("organisation", to_organisation_id)
    if service_id is not None:
        service = tx.session.get(ServiceRow, service_id)
        if service is None or not service.active or \
                service.organisation_id != to_organisation_id:
            raise NotFound("service", service_id)


def request_referral(tx: Transaction, pathway_id: uuid.UUID, to_organisation_id: uuid.UUID,
                     *, reason: str, fields: frozenset[str] = DEFAULT_FIELDS,
                     service_id: uuid.UUID | None = None) -> ReferralPublic:
    """Refer an own pathway to another organisation; it will see `fields` of the record only.

    Raises:
        ConsentMissing: no consent (or legal ground) to services and to disclosure covers it.
        ForbiddenTransition: the pathway is closed or declined.
        ValidationFailed: unknown fields, no reason, or a referral to oneself.
    """
    pathway = owned_row(tx, pathway_id)
    _check_request(tx, pathway, to_organisation_id, fields, reason, service_id)
    consents = require_consent(tx.session, pathway, organisation_id=to_organisation_id)
    grant = tx.grants.grant("victim", pathway.victim_id, to_organisation_id, fields,
                            f"referral: {reason.strip()}"[:200])
    row = ReferralRow(id=uuid.uuid4(), pathway_id=pathway.id,
                      from_organisation_id=tx.scope.organisation_id,
                      to_organisation_id=to_organisation_id, service_id=service_id,
                      status=_S.REQUESTED.value, fields=sorted(fields), grant_id=grant.id,
                      place_reserved=False, reason=reason.strip(), requested_by=tx.scope.actor,
                      requested_at=datetime.now(UTC))
    tx.session.add(row)
    tx.session.flush()
    _audit(tx, row, "create", {"pathway": str(pathway.id), "to": str(to_organisation_id),
                               "fields": sorted(fields), "grant": str(grant.id),
                               "consents": [str(c) for c in consents]})
    return ReferralPublic.of(row)


def _step(tx: Transaction, referral_id: uuid.UUID, to: ReferralStatus, *, receiver: bool,
          reason: str) -> ReferralRow:
    """Check that the caller may take the referral to `to`; change nothing yet."""
    column = ReferralRow.to_organisation_id if receiver else ReferralRow.from_organisation_id
    row = tx.session.scalars(select(ReferralRow).where(
        ReferralRow.id == referral_id, column == tx.scope.organisation_id
    ).with_for_update()).one_or_none()
    if row is None:
        raise NotFound("referral", referral_id)
    current = ReferralStatus(row.status)
    if to not in _NEXT.get(current, frozenset()):
        raise ForbiddenTransition("referral", referral_id, to.value, current.value,
                                  N_("the referral is at '{current}'; it cannot go to '{to}'"),
                                  current=current.value, to=to.value)
    if not reason.strip():
        raise ValidationFailed([FieldProblem(None, "reason", N_("say why"))])
    return row


def _decide(tx: Transaction, row: ReferralRow, to: ReferralStatus, reason: str) -> None:
    row.status = to.value
    row.decided_by, row.decided_at = tx.scope.actor, datetime.now(UTC)
    row.decision_reason = reason.strip()


def _end_access(tx: Transaction, row: ReferralRow) -> None:
    """End the referral's grant and free its place.

    The referring organisation revokes the grant it gave; a receiver that rejects or
    completes a referral gives its own access up (`relinquish`); the registry audits both.
    """
    if row.place_reserved and row.service_id is not None:
        release(tx.session, row.service_id)
        row.place_reserved = False
    if row.grant_id is None:
        return
    if tx.scope.organisation_id == row.from_organisation_id:
        tx.grants.revoke(row.grant_id, context={"referral": str(row.id)})
    else:
        tx.grants.relinquish(row.grant_id, context={"referral": str(row.id)})


def accept_referral(tx: Transaction, referral_id: uuid.UUID, *, on: date,
                    reason: str = N_("referral accepted"), rules: RulesBook | None = None
                    ) -> ReferralPublic:
    """The receiving organisation accepts: a place is reserved, the pathway is `referred`."""
    row = _step(tx, referral_id, _S.ACCEPTED, receiver=True, reason=reason)
    if row.service_id is not None:
        reserve(tx.session, row.service_id)  # CapacityExhausted before anything changed
        row.place_reserved = True
    _decide(tx, row, _S.ACCEPTED, reason)
    pathway = tx.session.get(PathwayRow, row.pathway_id, with_for_update=True)
    if pathway is not None and pathway.stage == Stage.DETECTED.value:
        apply_event(tx.session, tx.audit, tx.scope.actor, tx.scope.organisation_id, pathway,
                    Referred(on=on, reason=reason, to_organisation_id=row.to_organisation_id,
                             referral_id=row.id), rules)
    _audit(tx, row, "accept", {"pathway": str(row.pathway_id)})
    return ReferralPublic.of(row)


def reject_referral(tx: Transaction, referral_id: uuid.UUID, *, reason: str) -> ReferralPublic:
    row = _step(tx, referral_id, _S.REJECTED, receiver=True, reason=reason)
    _decide(tx, row, _S.REJECTED, reason)
    _end_access(tx, row)
    _audit(tx, row, "reject", {"pathway": str(row.pathway_id)})
    return ReferralPublic.of(row)


def complete_referral(tx: Transaction, referral_id: uuid.UUID, *, reason: str
                      ) -> ReferralPublic:
    """The receiver marks the referral done: the service ended, access and place end too."""
    row = _step(tx, referral_id, _S.DONE, receiver=True, reason=reason)
    _decide(tx, row, _S.DONE, reason)
    _end_access(tx, row)
    _audit(tx, row, "done", {"pathway": str(row.pathway_id)})
    return ReferralPublic.of(row)


def revoke_referral(tx: Transaction, referral_id: uuid.UUID, *, reason: str) -> ReferralPublic:
    """The referring organisation withdraws the referral; the receiver loses access."""
    row = _step(tx, referral_id, _S.REVOKED, receiver=False, reason=reason)
    _decide(tx, row, _S.REVOKED, reason)
    _end_access(tx, row)
    _audit(tx, row, "revoke", {"pathway": str(row.pathway_id)})
    return ReferralPublic.of(row)


def outgoing_referrals(tx: Transaction, pathway_id: uuid.UUID | None = None
                       ) -> list[ReferralPublic]:
    statement = select(ReferralRow).where(
        ReferralRow.from_organisation_id == tx.scope.organisation_id)
    if pathway_id is not None:
        statement = statement.where(ReferralRow.pathway_id == pathway_id)
    return [ReferralPublic.of(r) for r in tx.session.scalars(
        statement.order_by(ReferralRow.requested_at))]


def incoming_referrals(tx: Transaction, *, today: date, rules: RulesBook | None = None,
                       active_only: bool = True) -> list[IncomingReferral]:
    """Referrals to the caller's organisation, each with the granted fields and the clocks.

    Reading the granted fields is audited by the registry, in both organisations' names.
    """
    statement = select(ReferralRow).where(
        ReferralRow.to_organisation_id == tx.scope.organisation_id)
    if active_only:
        statement = statement.where(ReferralRow.status.in_(_ACTIVE))
    found = []
    for row in tx.session.scalars(statement.order_by(ReferralRow.requested_at)).all():
        pathway_row = tx.session.get(PathwayRow, row.pathway_id)
        if pathway_row is None:
            continue
        pathway = PathwayPublic.of(pathway_row)
        record = (tx.victims.get_granted(pathway.victim_id)
                  if row.status in _ACTIVE else {})
        tx.record(AuditEvent(actor=tx.scope.actor,
                             organisation_id=str(tx.scope.organisation_id), action="read",
                             entity_kind="pathway", entity_id=str(pathway.id),
                             detail={"via_referral": str(row.id)}))
        found.append(IncomingReferral(ReferralPublic.of(row), record, pathway.stage,
                                      pathway.reflection_ends_on,
                                      clocks(pathway, today, rules)))
    return found


def withdraw_consent(tx: Transaction, consent_id: uuid.UUID) -> list[uuid.UUID]:
    """Withdraw a consent; referrals it alone covered are revoked. Returns their ids."""
    consent = withdraw(tx, consent_id)
    pathway = owned_row(tx, consent.pathway_id)
    revoked: list[uuid.UUID] = []
    active = tx.session.scalars(select(ReferralRow).where(
        ReferralRow.pathway_id == pathway.id, ReferralRow.status.in_(_ACTIVE))).all()
    for row in active:
        try:
            require_consent(tx.session, pathway, organisation_id=row.to_organisation_id)
        except ConsentMissing:  # nothing covers this referral any more
            revoke_referral(tx, row.id, reason=N_("consent withdrawn"))
            revoked.append(row.id)
    return revoked
