"""Transnational referral between two Haven installations: send, receive, acknowledge.

Sending (`send_referral`) runs in three steps so that no database transaction is held open
over the network: the package is built and recorded as `sent` (audited as an export) in one
transaction, delivered over HTTP, and the signed acknowledgement (or the failure) recorded
in a second one. Receiving (`Inbox.receive`) refuses, before anything is written, a package
that is misaddressed, from an unknown partner, badly signed, outside the time window, seen
before, or undecryptable, and records the refusal (reason and ids only) in the audit log; an
accepted one becomes a victim record and pathway of the receiving organisation, linked to
the sender's reference, in one audited transaction.

The inbox answers anyone who can reach it, so refusals are recorded at most
`REFUSALS_PER_MINUTE` a minute, one entry each; past that they are only counted, and the
first refusal of a later minute writes one entry with that count, so a flood of forged
packages cannot grow the audit log without bound.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from pydantic import ValidationError
from sqlalchemy import select

from haven._text import N_
from haven.exceptions import (
    Conflict,
    FieldProblem,
    HavenError,
    PermissionDenied,
    ValidationFailed,
)
from haven.identification import Minority
from haven.referral._consent import require_consent
from haven.referral._errors import (
    DeliveryFailed,
    MisaddressedPackage,
    PackageRefused,
    ReplayedPackage,
    StalePackage,
    UnknownPartner,
)
from haven.referral._events import Referred
from haven.referral._exchanges import OutboundPublic
from haven.referral._keys import InstallationKeys, PartnerCard
from haven.referral._package import (
    Acknowledgement,
    SealedPackage,
    open_package,
    seal,
    sign_ack,
    verify_ack,
    verify_package,
)
from haven.referral._partners import admin_session, get_partner
from haven.referral._pathway import apply_event, open_pathway, owned_row
from haven.referral._payload import (
    DEFAULT_TRANSNATIONAL_FIELDS,
    IDENTIFYING,
    TRANSNATIONAL_FIELDS,
    ConsentStatement,
    ReferralPayload,
)
from haven.referral._tables import (
    ConsentRow,
    InboundPackageRow,
    OutboundPackageRow,
    PartnerRow,
    PathwayRow,
)
from haven.registry import AuditEvent, Registry, Scope, Transaction
from haven.standard import VictimCreate, validate_record

__all__ = ["Deliverer", "Inbox", "OutboundPublic", "PackagePreview", "prepare_package",
           "preview_package", "send_referral"]

WINDOW = timedelta(minutes=5)
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Deliverer(Protocol):
    """What carries a package to a partner (the httpx client, or a test double)."""

    def deliver(self, partner: PartnerCard, package: SealedPackage) -> Acknowledgement: ...


@dataclass(frozen=True, slots=True)
class PackagePreview:
    """What a package to `partner` would hold, before anything is sealed or recorded."""

    partner: PartnerCard
    fields: list[str]
    record: dict[str, Any]
    stage: str
    minority: str
    consent: list[ConsentStatement]


def _record(tx: Transaction, pathway: PathwayRow, fields: frozenset[str]) -> dict[str, Any]:
    """The named fields of the pathway's victim record (identifying ones need permission)."""
    wanted_identity = fields & IDENTIFYING
    identity: dict[str, Any] = {}
    if wanted_identity:
        if not tx.scope.identifying:
            raise PermissionDenied("sending identifying data needs that permission")
        detail = tx.victims.get_detail(pathway.victim_id)
        public = detail.model_dump(mode="json", exclude={"identifying"})
        if detail.identifying is not None:
            identity = detail.identifying.model_dump(mode="json")
    else:
        public = tx.victims.get(pathway.victim_id).model_dump(mode="json")
    record = {k: public[k] for k in fields - IDENTIFYING if k in public}
    record.update({k: identity[k] for k in wanted_identity if identity.get(k)})
    return record


def _consent_statements(tx: Transaction, ids: list[uuid.UUID]) -> list[ConsentStatement]:
    rows = tx.session.scalars(select(ConsentRow).where(ConsentRow.id.in_(ids))).all()
    return [ConsentStatement(basis=r.basis, given_by=r.given_by, legal_ground=r.legal_ground)
            for r in rows]


def _contents(tx: Transaction, pathway_id: uuid.UUID, partner_id: str,
              fields: frozenset[str]) -> tuple[PathwayRow, PackagePreview]:
    """Check fields, pathway, partner and consent; read what the package would hold."""
    unknown = sorted(fields - TRANSNATIONAL_FIELDS)
    if unknown or not fields:
        raise ValidationFailed([FieldProblem(None, "fields", N_("not a transnational field"),
                                             value=f) for f in unknown] or
                               [FieldProblem(None, "fields", N_("name at least one field"))])
    pathway = owned_row(tx, pathway_id)
    partner = get_partner(tx.session, partner_id)
    consents = require_consent(tx.session, pathway, installation=partner_id)
    return pathway, PackagePreview(partner, sorted(fields), _record(tx, pathway, fields),
                                   pathway.stage, pathway.minority,
                                   _consent_statements(tx, consents))


def preview_package(tx: Transaction, pathway_id: uuid.UUID, partner_id: str, *,
                    fields: frozenset[str] = DEFAULT_TRANSNATIONAL_FIELDS) -> PackagePreview:
    """What `prepare_package` would put in the package, checked the same way; sends nothing.

    Raises:
        ValidationFailed: a field outside the transnational set, or none.
        NotFound: not an own pathway, or not an active partner.
        ConsentMissing: no consent or legal ground covers disclosure to that installation.
    """
    return _contents(tx, pathway_id, partner_id, fields)[1]


def prepare_package(tx: Transaction, pathway_id: uuid.UUID, partner_id: str, *,
                    keys: InstallationKeys, reason: str,
                    fields: frozenset[str] = DEFAULT_TRANSNATIONAL_FIELDS,
                    now: datetime | None = None) -> tuple[SealedPackage, PartnerCard]:
    """Build, seal and record (as `sent`, audited as an export) a package for a partner."""
    pathway, contents = _contents(tx, pathway_id, partner_id, fields)
    partner = contents.partner
    try:
        payload = ReferralPayload(
            sender_reference=str(pathway.id), record=contents.record, stage=pathway.stage,
            minority=pathway.minority, third_country_national=pathway.third_country_national,
            detected_on=pathway.detected_on, consent=contents.consent,
            needs=list((pathway.assessment or {}).get("urgent", [])), reason=reason)
    except ValidationError:  # only the reason comes from the caller
        raise ValidationFailed([FieldProblem(None, "reason", N_("say why, in at most 500 "
                                             "characters"))]) from None
    package = seal(payload.model_dump_json().encode("utf-8"), sender=keys, recipient=partner,
                   now=now or _utcnow())
    tx.session.add(OutboundPackageRow(
        package_id=package.package_id, pathway_id=pathway.id, partner=partner_id,
        fields=sorted(fields), status="sent", created_by=tx.scope.actor,
        created_at=package.created_at))
    tx.record(AuditEvent(actor=tx.scope.actor, organisation_id=str(tx.scope.organisation_id),
                         action="export", entity_kind="trm_package",
                         entity_id=str(package.package_id),
                         detail={"pathway": str(pathway.id), "partner": partner_id,
                                 "fields": sorted(fields), "reason": reason}))
    return package, partner


def send_referral(registry: Registry, scope: Scope, pathway_id: uuid.UUID, partner_id: str,
                  *, keys: InstallationKeys, deliverer: Deliverer, reason: str,
                  fields: frozenset[str] = DEFAULT_TRANSNATIONAL_FIELDS,
                  now: datetime | None = None) -> OutboundPublic:
    """Send a pathway to a partner installation and record its acknowledgement.

    Raises:
        ConsentMissing: no consent or legal ground covers disclosure to that installation.
        DeliveryFailed: the partner refused the package or could not be reached (recorded).
    """
    with registry.transaction(scope) as tx:
        package, partner = prepare_package(tx, pathway_id, partner_id, keys=keys,
                                           reason=reason, fields=fields, now=now)
    try:
        ack = deliverer.deliver(partner, package)
        verify_ack(ack, partner)
        if ack.package_id != package.package_id or ack.receiver != partner_id:
            raise DeliveryFailed(f"the acknowledgement does not match package "
                                 f"{package.package_id}")
    except HavenError as error:
        # The messages carry ids, statuses and error codes, never the package's content.
        message = (str(error) if isinstance(error, DeliveryFailed)
                   else f"package {package.package_id}: {error}")
        _settle(registry, scope, package.package_id, None, message)
        raise DeliveryFailed(message, package_id=package.package_id) from None
    return _settle(registry, scope, package.package_id, ack, None)


def _settle(registry: Registry, scope: Scope, package_id: uuid.UUID,
            ack: Acknowledgement | None, error: str | None) -> OutboundPublic:
    with registry.transaction(scope) as tx:
        row = tx.session.get(OutboundPackageRow, package_id, with_for_update=True)
        if row is None:  # pragma: no cover - written by this process a moment ago
            raise DeliveryFailed(f"package {package_id} is not on record")
        if ack is not None:
            row.status, row.acknowledged_at = "acknowledged", ack.received_at
            row.remote_reference = ack.receiver_reference
        else:
            row.status, row.error = "failed", (error or "")[:200]
        tx.record(AuditEvent(actor=tx.scope.actor,
                             organisation_id=str(tx.scope.organisation_id), action="update",
                             entity_kind="trm_package", entity_id=str(package_id),
                             detail={"status": row.status, "error": error,
                                     "remote_reference": row.remote_reference}))
        return OutboundPublic.of(row)


logger = logging.getLogger(__name__)

# Refusals recorded one by one per minute; a partner's honest mistakes stay far below it.
REFUSALS_PER_MINUTE = 60
_MINUTE = timedelta(minutes=1)

_STATUS = {"identified": "identified", "reasonable_grounds": "reasonable_grounds",
           "reflection": "reasonable_grounds", "assistance": "identified",
           "residence_permit": "identified", "inclusion": "identified", "return": "identified"}


class Inbox:
    """Receives packages addressed to this installation for one receiving organisation."""

    def __init__(self, registry: Registry, keys: InstallationKeys,
                 receiving_organisation_id: uuid.UUID, *, window: timedelta = WINDOW,
                 clock: Clock = _utcnow) -> None:
        self.registry = registry
        self.keys = keys
        self.receiving_organisation_id = receiving_organisation_id
        self.window = window
        self.clock = clock
        self._refusals_lock = threading.Lock()
        self._refusals_since: datetime | None = None
        self._refusals_recorded = 0
        self._refusals_unrecorded = 0

    def _check(self, package: SealedPackage) -> PartnerCard:
        if package.recipient != self.keys.installation_id:
            raise MisaddressedPackage(f"package {package.package_id} is addressed to another "
                                      "installation")
        with admin_session(self.registry) as session:
            try:
                partner = get_partner(session, package.sender)
            except HavenError:
                raise UnknownPartner(f"package {package.package_id}: the sender is not a "
                                     "partner of this installation") from None
            verify_package(package, partner.verifier())
            if abs(self.clock() - package.created_at) > self.window:
                raise StalePackage(f"package {package.package_id}: its timestamp lies outside "
                                   f"the accepted window of {self.window}")
            if session.get(InboundPackageRow, package.package_id) is not None:
                raise ReplayedPackage(f"package {package.package_id} was received before")
        return partner

    def _payload(self, package: SealedPackage) -> ReferralPayload:
        plaintext = open_package(package, self.keys)
        try:
            return ReferralPayload.model_validate_json(plaintext)
        except ValidationError:
            raise PackageRefused(f"package {package.package_id}: its content does not follow "
                                 "the referral format") from None

    def _victim(self, package: SealedPackage, payload: ReferralPayload, today: date
                ) -> VictimCreate:
        record = dict(payload.record)
        identity = {k: record.pop(k) for k in list(record) if k in IDENTIFYING}
        data = {**record, "external_id": f"trm:{package.sender}:{package.package_id.hex[:16]}",
                "identification_status": _STATUS.get(payload.stage, "presumed"),
                "registered_on": today.isoformat(), "identifying": identity or None}
        try:
            return validate_record(VictimCreate, data)
        except ValidationFailed:
            raise PackageRefused(f"package {package.package_id}: its record does not follow "
                                 "the data standard") from None

    def receive(self, package: SealedPackage) -> Acknowledgement:
        """Check, decrypt and take on a package; return the signed acknowledgement.

        A refused package creates nothing; the refusal itself is written to the audit log
        (reason, package id, the partner if the sender is one), then raised.
        """
        try:
            return self._take(package)
        except PackageRefused as refusal:
            self._audit_refusal(package, refusal)
            raise

    def _refusal_budget(self) -> tuple[bool, int, datetime | None]:
        """Whether this refusal is recorded, and the count to record of the minute before."""
        now = self.clock()
        with self._refusals_lock:
            unrecorded, since = 0, self._refusals_since
            if since is None or now - since >= _MINUTE:
                unrecorded, self._refusals_unrecorded = self._refusals_unrecorded, 0
                self._refusals_since, self._refusals_recorded = now, 0
            if self._refusals_recorded < REFUSALS_PER_MINUTE:
                self._refusals_recorded += 1
                return True, unrecorded, since
            if self._refusals_unrecorded == 0:
                logger.warning("transnational inbox: more than %d refused packages this minute;"
                               " further refusals are counted, not recorded one by one",
                               REFUSALS_PER_MINUTE)
            self._refusals_unrecorded += 1
            return False, unrecorded, since

    def _audit_refusal(self, package: SealedPackage, refusal: PackageRefused) -> None:
        record, unrecorded, since = self._refusal_budget()
        if unrecorded:
            with admin_session(self.registry) as session:
                self.registry.audit_log.append(session, AuditEvent(
                    actor="trm:inbox", organisation_id=str(self.receiving_organisation_id),
                    action="import_refused", entity_kind="trm_package", entity_id=None,
                    detail={"reason": "TooManyRefusals", "unrecorded": unrecorded,
                            "minute_from": since.isoformat() if since else None}))
        if not record:
            return
        with admin_session(self.registry) as session:
            known = session.get(PartnerRow, package.sender)
            detail: dict[str, object] = {
                "reason": type(refusal).__name__,
                "partner": package.sender if known is not None and known.active else None}
            if detail["partner"] is None:
                detail["claimed_sender"] = package.sender
            if isinstance(refusal, MisaddressedPackage):
                detail["recipient"] = package.recipient
            self.registry.audit_log.append(session, AuditEvent(
                actor="trm:inbox", organisation_id=str(self.receiving_organisation_id),
                action="import_refused", entity_kind="trm_package",
                entity_id=str(package.package_id), detail=detail))

    def _take(self, package: SealedPackage) -> Acknowledgement:
        self._check(package)
        payload = self._payload(package)
        now = self.clock()
        try:
            pathway_id = self._store(package, payload, now)
        except Conflict:
            # The same package, taken on by a concurrent request after our replay check: the
            # record's external id (derived from the package id) or the seen id is taken.
            raise ReplayedPackage(f"package {package.package_id} was received before") \
                from None
        ack = Acknowledgement(package_id=package.package_id, sender=package.sender,
                              receiver=self.keys.installation_id, received_at=now,
                              receiver_reference=str(pathway_id))
        return sign_ack(ack, self.keys)

    def _store(self, package: SealedPackage, payload: ReferralPayload, now: datetime
               ) -> uuid.UUID:
        """The victim record, its pathway at `referred` and the seen id, in one transaction."""
        scope = Scope(f"trm:{package.sender}", self.receiving_organisation_id)
        with self.registry.transaction(scope) as tx:
            victim = tx.victims.create(self._victim(package, payload, now.date()))
            pathway = open_pathway(
                tx, victim.id, on=now.date(), reason=N_("received from a partner installation"),
                minority=Minority(payload.minority),
                third_country_national=payload.third_country_national,
                source=(package.sender, payload.sender_reference))
            row = owned_row(tx, pathway.id, for_update=True)
            apply_event(tx.session, tx.audit, scope.actor, scope.organisation_id, row,
                        Referred(on=now.date(), reason=payload.reason), None)
            tx.session.add(InboundPackageRow(
                package_id=package.package_id, sender=package.sender,
                sender_reference=payload.sender_reference, sent_at=package.created_at,
                received_at=now, organisation_id=scope.organisation_id, pathway_id=pathway.id,
                fields=sorted(payload.record)))
            tx.record(AuditEvent(actor=scope.actor, organisation_id=str(scope.organisation_id),
                                 action="import", entity_kind="trm_package",
                                 entity_id=str(package.package_id),
                                 detail={"sender": package.sender,
                                         "sender_reference": payload.sender_reference,
                                         "fields": sorted(payload.record),
                                         "victim": str(victim.id), "pathway": str(pathway.id),
                                         "stage_at_sender": payload.stage}))
        return pathway.id
