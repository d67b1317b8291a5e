"""Pathways in the registry: open one for a victim, record events, read state and history.

Every function takes the caller's registry `Transaction`: a pathway is seen and changed only
by the organisation that owns it (and, for accepting a referral, by the receiving one, through
`haven.referral` referrals). Each event is stored as a transition row and written to the audit
log in the same transaction, with who (the scope's actor), when, why and the stage change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from haven.exceptions import Conflict, NotFound
from haven.identification import Assessment, Minority
from haven.referral._events import PathwayEvent
from haven.referral._machine import PathwayState, advance, allowed
from haven.referral._rules import RulesBook
from haven.referral._stages import Stage
from haven.referral._tables import PathwayRow, TransitionRow
from haven.registry import AuditEvent, Transaction
from haven.registry._audit import AuditAction, AuditLog
from haven.registry._tables import OrganisationRow
from haven.standard import VictimPublic

__all__ = [
    "PathwayPublic",
    "TransitionPublic",
    "default_rules",
    "get_pathway",
    "history",
    "list_pathways",
    "open_pathway",
    "pathway_of",
    "record",
]

# Citizenships for which Directive 2004/81/EC's residence permit does not apply.
_FREE_MOVEMENT = frozenset({"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR",
                            "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL",
                            "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO", "CH"})


@lru_cache(maxsize=1)
def default_rules() -> RulesBook:
    return RulesBook()


@dataclass(frozen=True, slots=True)
class PathwayPublic:
    """A pathway as its owner sees it: stage, the dates its clocks run from, its origin."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    victim_id: uuid.UUID
    country: str
    stage: Stage
    minority: Minority
    third_country_national: bool
    detected_on: date
    referred_on: date | None
    reflection_starts_on: date | None
    reflection_ends_on: date | None
    permit_valid_until: date | None
    guardian_appointed_on: date | None
    return_started_on: date | None
    follow_ups: int
    closed_on: date | None
    source_installation: str | None
    source_reference: str | None
    assessment: dict[str, Any] | None
    version: int

    @property
    def state(self) -> PathwayState:
        names = {f.name for f in fields(PathwayState)}
        return PathwayState(**{n: getattr(self, n) for n in names})

    def allowed_events(self, rules: RulesBook | None = None) -> list[str]:
        """Kinds of event that may be recorded next (for the UI's buttons)."""
        return allowed(self.state, (rules or default_rules()).for_country(self.country))

    @classmethod
    def of(cls, row: PathwayRow) -> PathwayPublic:
        values = {f.name: getattr(row, f.name) for f in fields(cls)}
        values["stage"] = Stage(row.stage)
        values["minority"] = Minority(row.minority)
        return cls(**values)


@dataclass(frozen=True, slots=True)
class TransitionPublic:
    seq: int
    kind: str
    from_stage: Stage | None
    to_stage: Stage
    actor: str
    at: datetime
    on: date
    reason: str
    data: dict[str, Any]


def _audit(session: Session, log: AuditLog, actor: str, organisation_id: uuid.UUID,
           action: AuditAction, pathway_id: uuid.UUID, detail: dict[str, Any]) -> None:
    log.append(session, AuditEvent(actor=actor, organisation_id=str(organisation_id),
                                   action=action, entity_kind="pathway",
                                   entity_id=str(pathway_id), detail=detail))


def owned_row(tx: Transaction, pathway_id: uuid.UUID, *, for_update: bool = False) -> PathwayRow:
    statement = select(PathwayRow).where(PathwayRow.id == pathway_id,
                                         PathwayRow.organisation_id == tx.scope.organisation_id)
    if for_update:
        statement = statement.with_for_update()
    row = tx.session.scalars(statement).one_or_none()
    if row is None:
        raise NotFound("pathway", pathway_id)
    return row


def _minority(victim: VictimPublic, assessment: Assessment | None) -> Minority:
    if victim.age_at_registration is not None and victim.age_at_registration < 18:
        return Minority.CHILD
    if assessment is not None:
        return assessment.minority
    return Minority.ADULT


def _third_country(victim: VictimPublic) -> bool:
    known = [c for c in victim.citizenships if c not in {"UNK"}]
    return bool(known) and not any(c in _FREE_MOVEMENT for c in known)


def open_pathway(tx: Transaction, victim_id: uuid.UUID, *, on: date, reason: str,
                 assessment: Assessment | None = None, country: str | None = None,
                 minority: Minority | None = None, third_country_national: bool | None = None,
                 rules: RulesBook | None = None, source: tuple[str, str] | None = None
                 ) -> PathwayPublic:
    """Open the pathway of one of the organisation's victim records, at stage `detected`.

    Args:
        tx: the owning organisation's transaction.
        victim_id: the victim record (must belong to the organisation).
        on: the day the person was detected; clocks run from it.
        reason: why, e.g. "screened at labour inspection, presumed victim".
        assessment: the identification result, if the person was screened; stored as codes.
        country: whose legal clocks apply (default: the organisation's country).
        minority: child, presumed child or adult (default: from the age, else the assessment).
        third_country_national: default: from the recorded citizenships.
        rules: the legal clocks (default: Haven's shipped rules).
        source: (installation, reference) of a transnational referral this pathway continues.
    """
    victim = tx.victims.get(victim_id)
    organisation = tx.session.get(OrganisationRow, tx.scope.organisation_id)
    jurisdiction = country or (organisation.country if organisation else "")
    (rules or default_rules()).for_country(jurisdiction)  # refuse unconfigured countries now
    if tx.session.scalars(select(PathwayRow.id).where(
            PathwayRow.victim_id == victim_id)).first() is not None:
        raise Conflict(f"victim {victim_id} has a pathway already")
    row = PathwayRow(
        id=uuid.uuid4(), organisation_id=tx.scope.organisation_id, victim_id=victim_id,
        country=jurisdiction, stage=Stage.DETECTED.value,
        minority=(minority or _minority(victim, assessment)).value,
        third_country_national=(_third_country(victim) if third_country_national is None
                                else third_country_national),
        detected_on=on, follow_ups=0, version=1,
        assessment=assessment.summary() if assessment else None,
        source_installation=source[0] if source else None,
        source_reference=source[1] if source else None)
    tx.session.add(row)
    tx.session.add(TransitionRow(id=uuid.uuid4(), pathway_id=row.id, seq=1, kind="detected",
                                 from_stage=None, to_stage=Stage.DETECTED.value,
                                 actor=tx.scope.actor, at=datetime.now(UTC), effective_on=on,
                                 reason=reason, data={}))
    tx.session.flush()
    _audit(tx.session, tx.audit, tx.scope.actor, tx.scope.organisation_id, "create", row.id,
           {"event": "detected", "to": "detected", "on": on.isoformat(), "reason": reason,
            "victim": str(victim_id), "country": jurisdiction})
    return PathwayPublic.of(row)


def apply_event(session: Session, log: AuditLog, actor: str, acting_organisation: uuid.UUID,
                row: PathwayRow, event: PathwayEvent, rules: RulesBook | None = None
                ) -> PathwayPublic:
    """Advance `row` by `event`, store the transition, audit it; the caller checked access."""
    before = PathwayPublic.of(row)
    after = advance(before.state, event, (rules or default_rules()).for_country(row.country),
                    row.id)
    for name in (f.name for f in fields(PathwayState)):
        value = getattr(after, name)
        setattr(row, name, value.value if isinstance(value, Stage | Minority) else value)
    row.updated_at = datetime.now(UTC)
    seq = (session.scalar(select(func.max(TransitionRow.seq)).where(
        TransitionRow.pathway_id == row.id)) or 0) + 1
    session.add(TransitionRow(id=uuid.uuid4(), pathway_id=row.id, seq=seq, kind=event.kind,
                              from_stage=before.stage.value, to_stage=after.stage.value,
                              actor=actor, at=datetime.now(UTC), effective_on=event.on,
                              reason=event.reason, data=event.data()))
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(f"pathway {row.id} was changed meanwhile; reload it") from None
    _audit(session, log, actor, acting_organisation, "update", row.id,
           {"event": event.kind, "from": before.stage.value, "to": after.stage.value,
            "on": event.on.isoformat(), "reason": event.reason, "seq": seq,
            "data": event.data()})
    return PathwayPublic.of(row)


def record(tx: Transaction, pathway_id: uuid.UUID, event: PathwayEvent, *,
           version: int | None = None, rules: RulesBook | None = None) -> PathwayPublic:
    """Record one event on an own pathway; a forbidden step raises `ForbiddenTransition`.

    `version`, if given, must be the version the caller read (a stale one is a `Conflict`).
    """
    row = owned_row(tx, pathway_id, for_update=True)
    if version is not None and row.version != version:
        raise Conflict(f"pathway {pathway_id} is at version {row.version}, not {version}; "
                       "reload it")
    return apply_event(tx.session, tx.audit, tx.scope.actor, tx.scope.organisation_id, row,
                       event, rules)


def _read(tx: Transaction, action: AuditAction, pathway_id: uuid.UUID | None,
          detail: dict[str, Any]) -> None:
    # A pathway says a person is a (presumed) victim: its reads are audited like the record's.
    tx.record(AuditEvent(actor=tx.scope.actor, organisation_id=str(tx.scope.organisation_id),
                         action=action, entity_kind="pathway",
                         entity_id=str(pathway_id) if pathway_id else None, detail=detail))


def get_pathway(tx: Transaction, pathway_id: uuid.UUID) -> PathwayPublic:
    pathway = PathwayPublic.of(owned_row(tx, pathway_id))
    _read(tx, "read", pathway.id, {})
    return pathway


def pathway_of(tx: Transaction, victim_id: uuid.UUID) -> PathwayPublic | None:
    row = tx.session.scalars(select(PathwayRow).where(
        PathwayRow.victim_id == victim_id,
        PathwayRow.organisation_id == tx.scope.organisation_id)).one_or_none()
    if row is None:
        return None
    _read(tx, "read", row.id, {})
    return PathwayPublic.of(row)


def list_pathways(tx: Transaction, *, stage: Stage | None = None, include_closed: bool = False
                  ) -> list[PathwayPublic]:
    statement = select(PathwayRow).where(PathwayRow.organisation_id == tx.scope.organisation_id)
    if stage is not None:
        statement = statement.where(PathwayRow.stage == stage.value)
    elif not include_closed:
        statement = statement.where(PathwayRow.stage != Stage.CLOSED.value)
    rows = tx.session.scalars(statement.order_by(PathwayRow.detected_on, PathwayRow.id)).all()
    if rows:
        _read(tx, "list", None, {"ids": [str(r.id) for r in rows]})
    return [PathwayPublic.of(r) for r in rows]


def history(tx: Transaction, pathway_id: uuid.UUID) -> list[TransitionPublic]:
    """Every event of an own pathway, oldest first."""
    owned_row(tx, pathway_id)
    _read(tx, "read", pathway_id, {"history": True})
    rows = tx.session.scalars(select(TransitionRow).where(
        TransitionRow.pathway_id == pathway_id).order_by(TransitionRow.seq))
    return [TransitionPublic(
        seq=r.seq, kind=r.kind, from_stage=Stage(r.from_stage) if r.from_stage else None,
        to_stage=Stage(r.to_stage), actor=r.actor,
        at=r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC), on=r.effective_on,
        reason=r.reason, data=r.data) for r in rows]
