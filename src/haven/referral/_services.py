"""The service directory: what organisations offer, with capacity, matched to a person's needs.

Services are not personal data: every organisation sees the whole directory. Capacity is
counted in places (a shelter's beds); a referral to a service reserves a place when accepted
and frees it when done or revoked.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven._text import N_
from haven.exceptions import FieldProblem, NotFound, ValidationFailed
from haven.identification import Assessment, UrgentNeed
from haven.referral._errors import CapacityExhausted
from haven.referral._stages import AssistanceKind
from haven.referral._tables import ServiceRow
from haven.registry import AuditEvent, Transaction
from haven.standard import Sex

__all__ = [
    "Needs",
    "ServiceCreate",
    "ServiceMatch",
    "ServicePublic",
    "add_service",
    "match_services",
    "needs_from",
    "services",
    "set_capacity",
]

ADULT_AGE = 18
_FROM_URGENT = {UrgentNeed.SHELTER: AssistanceKind.SHELTER,
                UrgentNeed.SAFETY: AssistanceKind.SHELTER,
                UrgentNeed.MEDICAL: AssistanceKind.MEDICAL,
                UrgentNeed.INTERPRETATION: AssistanceKind.INTERPRETATION,
                UrgentNeed.GUARDIAN: AssistanceKind.LEGAL_AID}


@dataclass(frozen=True, slots=True)
class ServiceCreate:
    """A service to list. Empty `sexes` or `languages` mean: no restriction / not stated."""

    kind: AssistanceKind
    name: str
    country: str
    places_total: int | None = None  # None: not bound by places (e.g. legal aid)
    sexes: frozenset[Sex] = frozenset()
    min_age: int | None = None
    max_age: int | None = None
    languages: frozenset[str] = frozenset()  # ISO 639-1 codes
    accessible: bool = False  # wheelchair accessible, step-free

    def problems(self) -> list[FieldProblem]:
        found = []
        if not self.name.strip() or len(self.name) > 200:
            found.append(FieldProblem(None, "name", N_("1-200 characters")))
        if len(self.country) != 2 or not self.country.isupper():
            found.append(FieldProblem(None, "country", N_("an ISO 3166-1 alpha-2 code")))
        if self.places_total is not None and self.places_total < 0:
            found.append(FieldProblem(None, "places_total", N_("cannot be negative")))
        if (self.min_age is not None and self.max_age is not None
                and self.min_age > self.max_age):
            found.append(FieldProblem(None, "max_age", N_("below min_age")))
        found.extend(FieldProblem(None, "languages", N_("an ISO 639-1 code"), value=code[:10])
                     for code in sorted(self.languages)
                     if len(code) != 2 or not code.isalpha() or not code.islower())
        return found


@dataclass(frozen=True, slots=True)
class ServicePublic:
    id: uuid.UUID
    organisation_id: uuid.UUID
    kind: AssistanceKind
    name: str
    country: str
    places_total: int | None
    places_free: int | None
    sexes: frozenset[Sex]
    min_age: int | None
    max_age: int | None
    languages: frozenset[str]
    accessible: bool
    active: bool

    @classmethod
    def of(cls, row: ServiceRow) -> ServicePublic:
        free = None if row.places_total is None else max(row.places_total - row.places_taken, 0)
        return cls(row.id, row.organisation_id, AssistanceKind(row.kind), row.name,
                   row.country, row.places_total, free, frozenset(Sex(s) for s in row.sexes),
                   row.min_age, row.max_age, frozenset(row.languages), row.accessible,
                   row.active)


@dataclass(frozen=True, slots=True)
class Needs:
    """What a person needs from services, as far as matching goes (no identifying data)."""

    kinds: frozenset[AssistanceKind]
    sex: Sex = Sex.UNKNOWN
    age: int | None = None
    minor: bool = False
    languages: frozenset[str] = frozenset()
    accessibility: bool = False
    country: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceMatch:
    service: ServicePublic
    speaks_language: bool
    reasons: tuple[str, ...] = field(default=())


def add_service(tx: Transaction, service: ServiceCreate) -> ServicePublic:
    """List a service of the caller's organisation."""
    problems = service.problems()
    if problems:
        raise ValidationFailed(problems)
    row = ServiceRow(id=uuid.uuid4(), organisation_id=tx.scope.organisation_id,
                     kind=service.kind.value, name=service.name.strip(),
                     country=service.country, places_total=service.places_total,
                     places_taken=0, sexes=sorted(s.value for s in service.sexes),
                     min_age=service.min_age, max_age=service.max_age,
                     languages=sorted(service.languages), accessible=service.accessible,
                     active=True, version=1)
    tx.session.add(row)
    tx.session.flush()
    _audit(tx, row, "create", {"kind": row.kind, "places_total": row.places_total})
    return ServicePublic.of(row)


def _audit(tx: Transaction, row: ServiceRow, action: str, detail: dict[str, object]) -> None:
    tx.record(AuditEvent(actor=tx.scope.actor, organisation_id=str(tx.scope.organisation_id),
                         action="create" if action == "create" else "update",
                         entity_kind="service", entity_id=str(row.id), detail=detail))


def _own(tx: Transaction, service_id: uuid.UUID) -> ServiceRow:
    row = tx.session.get(ServiceRow, service_id)
    if row is None or row.organisation_id != tx.scope.organisation_id:
        raise NotFound("service", service_id)
    return row


def set_capacity(tx: Transaction, service_id: uuid.UUID, *, places_total: int | None,
                 active: bool = True) -> ServicePublic:
    """Change an own service's places (not below those taken) or take it off the directory."""
    row = _own(tx, service_id)
    if places_total is not None and places_total < row.places_taken:
        raise ValidationFailed([FieldProblem.templated(
            None, "places_total", "places_taken", N_("{taken} place(s) are taken"),
            taken=row.places_taken)])
    row.places_total, row.active = places_total, active
    tx.session.flush()
    _audit(tx, row, "update", {"places_total": places_total, "active": active})
    return ServicePublic.of(row)


def services(tx: Transaction, *, kind: AssistanceKind | None = None,
             country: str | None = None) -> list[ServicePublic]:
    """The directory: active services of every organisation."""
    statement = select(ServiceRow).where(ServiceRow.active.is_(True))
    if kind is not None:
        statement = statement.where(ServiceRow.kind == kind.value)
    if country is not None:
        statement = statement.where(ServiceRow.country == country)
    return [ServicePublic.of(r) for r in tx.session.scalars(
        statement.order_by(ServiceRow.kind, ServiceRow.name))]


def _refusal(service: ServicePublic, needs: Needs) -> str | None:
    if service.places_free == 0:
        return "full"
    if service.sexes and needs.sex not in service.sexes:
        return "sex"
    if needs.accessibility and not service.accessible:
        return "accessibility"
    if needs.minor and service.min_age is not None and service.min_age >= ADULT_AGE:
        return "adults only"
    if needs.age is not None and (
            (service.min_age is not None and needs.age < service.min_age)
            or (service.max_age is not None and needs.age > service.max_age)):
        return "age"
    if not needs.minor and needs.age is None and service.max_age is not None \
            and service.max_age < ADULT_AGE:
        return "children only"
    return None


def match_services(tx: Transaction, needs: Needs) -> list[ServiceMatch]:
    """Services that can take the person, for each needed kind; language matches first."""
    found: list[ServiceMatch] = []
    for service in services(tx, country=needs.country):
        if service.kind not in needs.kinds or _refusal(service, needs):
            continue
        speaks = bool(needs.languages & service.languages)
        reasons = [service.kind.value]
        if speaks:
            reasons.append("language: " + ", ".join(sorted(needs.languages & service.languages)))
        if service.places_free is not None:
            reasons.append(f"{service.places_free} place(s) free")
        found.append(ServiceMatch(service, speaks, tuple(reasons)))
    return sorted(found, key=lambda m: (m.service.kind.value, not m.speaks_language,
                                        -(m.service.places_free or 0), m.service.name))


def needs_from(assessment: Assessment, *, sex: Sex = Sex.UNKNOWN, age: int | None = None,
               languages: Iterable[str] = (), accessibility: bool = False,
               also: Iterable[AssistanceKind] = (), country: str | None = None) -> Needs:
    """Needs from a screening: its urgent needs, plus legal aid for every presumed victim."""
    kinds = {_FROM_URGENT[n] for n in assessment.urgent} | set(also)
    if assessment.can_start_referral:
        kinds.add(AssistanceKind.LEGAL_AID)  # Directive 2011/36/EU art. 12(2)
    return Needs(frozenset(kinds), sex, age, assessment.minority.is_child,
                 frozenset(languages), accessibility, country)


def reserve(session: Session, service_id: uuid.UUID) -> None:
    row = session.get(ServiceRow, service_id, with_for_update=True)
    if row is None or not row.active:
        raise NotFound("service", service_id)
    if row.places_total is not None and row.places_taken >= row.places_total:
        raise CapacityExhausted(f"service {service_id} has no free place")
    row.places_taken += 1


def release(session: Session, service_id: uuid.UUID) -> None:
    row = session.get(ServiceRow, service_id, with_for_update=True)
    if row is not None and row.places_taken > 0:
        row.places_taken -= 1
