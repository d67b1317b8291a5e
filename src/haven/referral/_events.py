"""Pathway events: each step of a support pathway is one typed, immutable event.

An event says what happened (its type and fields), on which day (`on`, from which the legal
clocks run) and why (`reason`). Who recorded it and when are added by `record`, which stores
the event and writes it to the audit log in the same transaction. Reasons are short working
notes such as "RG decision by the NRM" and must not name people.
"""

from __future__ import annotations

import uuid
from dataclasses import MISSING, asdict, dataclass, fields
from datetime import date
from typing import Any, ClassVar

from haven._text import N_
from haven.exceptions import FieldProblem, ValidationFailed
from haven.referral._stages import (
    AssistanceKind,
    ClaimRoute,
    ClaimStatus,
    CloseReason,
    NonPunishmentOutcome,
)

__all__ = [
    "EVENT_TYPES",
    "AgeAssessed",
    "AssistanceStarted",
    "Closed",
    "CompensationClaimed",
    "FollowUpRecorded",
    "GuardianAppointed",
    "IdentificationDecided",
    "InclusionStarted",
    "NonPunishmentDecided",
    "PathwayEvent",
    "ReasonableGroundsDecided",
    "Referred",
    "ReflectionStarted",
    "ResidencePermitGranted",
    "ResidencePermitRenewed",
    "ReturnStarted",
    "ServiceProvided",
    "event_from_data",
]

MAX_REASON = 500


@dataclass(frozen=True, kw_only=True)
class PathwayEvent:
    """What every event carries: the day it took effect and why it was recorded."""

    kind: ClassVar[str]
    on: date
    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValidationFailed([FieldProblem(None, "reason", N_("say why (a short note)"))])
        if len(self.reason) > MAX_REASON:
            raise ValidationFailed([FieldProblem.templated(
                None, "reason", "reason_too_long", N_("at most {max_length} characters"),
                max_length=MAX_REASON)])

    def data(self) -> dict[str, Any]:
        """The event's own fields as JSON-ready values (without `on` and `reason`)."""
        raw = asdict(self)
        raw.pop("on")
        raw.pop("reason")
        return {k: _json(v) for k, v in raw.items()}


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, frozenset | set):
        return sorted(_json(v) for v in value)
    return value


@dataclass(frozen=True, kw_only=True)
class Referred(PathwayEvent):
    """Handed over to a support organisation (inside or outside this installation)."""

    kind: ClassVar[str] = "referred"
    to_organisation_id: uuid.UUID | None = None
    referral_id: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class ReasonableGroundsDecided(PathwayEvent):
    """The competent authority's first decision: are there reasonable grounds to believe?"""

    kind: ClassVar[str] = "reasonable_grounds_decided"
    positive: bool
    authority: str


@dataclass(frozen=True, kw_only=True)
class ReflectionStarted(PathwayEvent):
    """The recovery and reflection period starts on `on` (CoE Convention art. 13)."""

    kind: ClassVar[str] = "reflection_started"


@dataclass(frozen=True, kw_only=True)
class IdentificationDecided(PathwayEvent):
    """Formal identification: identified as a victim, or declined."""

    kind: ClassVar[str] = "identification_decided"
    positive: bool
    authority: str


@dataclass(frozen=True, kw_only=True)
class AssistanceStarted(PathwayEvent):
    kind: ClassVar[str] = "assistance_started"
    kinds: frozenset[AssistanceKind]


@dataclass(frozen=True, kw_only=True)
class ServiceProvided(PathwayEvent):
    kind: ClassVar[str] = "service_provided"
    service: AssistanceKind
    service_id: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class ResidencePermitGranted(PathwayEvent):
    """A residence permit for a third-country national, valid from `on` to `valid_until`."""

    kind: ClassVar[str] = "residence_permit_granted"
    valid_until: date


@dataclass(frozen=True, kw_only=True)
class ResidencePermitRenewed(PathwayEvent):
    kind: ClassVar[str] = "residence_permit_renewed"
    valid_until: date


@dataclass(frozen=True, kw_only=True)
class InclusionStarted(PathwayEvent):
    """Long-term inclusion in the country of destination."""

    kind: ClassVar[str] = "inclusion_started"


@dataclass(frozen=True, kw_only=True)
class ReturnStarted(PathwayEvent):
    """Return to the country of origin, after a risk and safety assessment (CoE art. 16(2))."""

    kind: ClassVar[str] = "return_started"
    country: str
    risk_assessed: bool


@dataclass(frozen=True, kw_only=True)
class FollowUpRecorded(PathwayEvent):
    """A follow-up contact with the returned person in the country of origin."""

    kind: ClassVar[str] = "follow_up_recorded"
    country: str


@dataclass(frozen=True, kw_only=True)
class GuardianAppointed(PathwayEvent):
    """A guardian for a child (Directive 2011/36/EU art. 14(2), 16(3); CoE art. 10(4))."""

    kind: ClassVar[str] = "guardian_appointed"
    guardian_organisation_id: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class AgeAssessed(PathwayEvent):
    """An age assessment ends the presumption of minority one way or the other."""

    kind: ClassVar[str] = "age_assessed"
    minor: bool


@dataclass(frozen=True, kw_only=True)
class NonPunishmentDecided(PathwayEvent):
    kind: ClassVar[str] = "non_punishment_decided"
    outcome: NonPunishmentOutcome
    authority: str


@dataclass(frozen=True, kw_only=True)
class CompensationClaimed(PathwayEvent):
    """A compensation claim and its status; each change of status is a new event."""

    kind: ClassVar[str] = "compensation_claimed"
    status: ClaimStatus
    route: ClaimRoute
    amount_eur: int | None = None


@dataclass(frozen=True, kw_only=True)
class Closed(PathwayEvent):
    kind: ClassVar[str] = "closed"
    close_reason: CloseReason


EVENT_TYPES: dict[str, type[PathwayEvent]] = {t.kind: t for t in (
    Referred, ReasonableGroundsDecided, ReflectionStarted, IdentificationDecided,
    AssistanceStarted, ServiceProvided, ResidencePermitGranted, ResidencePermitRenewed,
    InclusionStarted, ReturnStarted, FollowUpRecorded, GuardianAppointed, AgeAssessed,
    NonPunishmentDecided, CompensationClaimed, Closed)}

_CONVERT: dict[str, Any] = {
    "on": date.fromisoformat, "valid_until": date.fromisoformat,
    "to_organisation_id": uuid.UUID, "referral_id": uuid.UUID, "service_id": uuid.UUID,
    "guardian_organisation_id": uuid.UUID, "service": AssistanceKind,
    "kinds": lambda v: frozenset(AssistanceKind(k) for k in v),
    "outcome": NonPunishmentOutcome, "status": ClaimStatus, "route": ClaimRoute,
    "close_reason": CloseReason,
}


def event_from_data(kind: str, data: dict[str, Any]) -> PathwayEvent:
    """Rebuild an event from its kind and JSON data (API input, stored history).

    Every problem is reported at once as `ValidationFailed`.
    """
    event_type = EVENT_TYPES.get(kind)
    if event_type is None:
        raise ValidationFailed([FieldProblem(None, "kind", N_("not a pathway event"),
                                             value=kind[:40])])
    names = {f.name for f in fields(event_type)}
    problems = [FieldProblem(None, k, N_("not a field of this event")) for k in data
                if k not in names]
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in names:
            continue
        try:
            convert = _CONVERT.get(name)
            values[name] = convert(value) if convert and value is not None else value
        except (ValueError, TypeError):
            problems.append(FieldProblem(None, name, N_("not a valid value")))
    if problems:
        raise ValidationFailed(problems)
    try:
        return event_type(**values)
    except TypeError:
        missing = sorted(f.name for f in fields(event_type) if f.name not in values
                         and f.default is MISSING and f.default_factory is MISSING)
        raise ValidationFailed([FieldProblem(None, m, N_("required")) for m in missing]) from None
