"""The referral tables, on the registry's declarative base (migration 0004).

Pathways, their transitions, consents, services, referrals inside the installation, partner
installations and the packages exchanged with them. None of these columns holds identifying
data: a pathway points at its victim record, whose identifying part stays encrypted in the
registry. Clocks are not stored: they are derived from the pathway's dates whenever asked, so
a stored deadline can never drift from the facts it was computed from.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from haven.registry._tables import Base

__all__ = [
    "ConsentRow",
    "InboundPackageRow",
    "OutboundPackageRow",
    "PartnerRow",
    "PathwayRow",
    "ReferralRow",
    "ServiceRow",
    "TransitionRow",
]


def _now() -> datetime:
    return datetime.now(UTC)


class PathwayRow(Base):
    """One victim's support pathway: its stage and the dates the legal clocks run from."""

    __tablename__ = "referral_pathways"
    __table_args__ = (Index("ix_referral_pathways_org_stage", "organisation_id", "stage"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    # Erasing the victim record erases its pathway with it.
    victim_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("victims.id", ondelete="CASCADE"), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    stage: Mapped[str] = mapped_column(String(30))
    minority: Mapped[str] = mapped_column(String(20))
    third_country_national: Mapped[bool] = mapped_column(Boolean, default=False)
    detected_on: Mapped[date] = mapped_column(Date)
    referred_on: Mapped[date | None] = mapped_column(Date)
    reflection_starts_on: Mapped[date | None] = mapped_column(Date)
    reflection_ends_on: Mapped[date | None] = mapped_column(Date)
    permit_valid_until: Mapped[date | None] = mapped_column(Date)
    guardian_appointed_on: Mapped[date | None] = mapped_column(Date)
    return_started_on: Mapped[date | None] = mapped_column(Date)
    follow_ups: Mapped[int] = mapped_column(Integer, default=0)
    closed_on: Mapped[date | None] = mapped_column(Date)
    source_installation: Mapped[str | None] = mapped_column(String(64))
    source_reference: Mapped[str | None] = mapped_column(String(64))
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class TransitionRow(Base):
    """One event on a pathway, as recorded: who, when, why, from which stage to which."""

    __tablename__ = "referral_transitions"
    __table_args__ = (UniqueConstraint("pathway_id", "seq", name="uq_referral_transitions_seq"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    pathway_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("referral_pathways.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    from_stage: Mapped[str | None] = mapped_column(String(30))
    to_stage: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ConsentRow(Base):
    """Consent to services or to disclosure, or the legal ground that stands in for it."""

    __tablename__ = "referral_consents"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    pathway_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("referral_pathways.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(String(20))
    given_by: Mapped[str] = mapped_column(String(20))
    # Disclosure to one organisation or one partner installation; both empty: to any.
    recipient_organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recipient_installation: Mapped[str | None] = mapped_column(String(64))
    legal_ground: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))


class ServiceRow(Base):
    """A service an organisation offers, with its capacity and whom it can take."""

    __tablename__ = "referral_services"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    places_total: Mapped[int | None] = mapped_column(Integer)
    places_taken: Mapped[int] = mapped_column(Integer, default=0)
    sexes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    accessible: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ReferralRow(Base):
    """A referral from the organisation that owns a pathway to another one in this installation."""

    __tablename__ = "referral_referrals"
    __table_args__ = (Index("ix_referral_referrals_to_status", "to_organisation_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    pathway_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("referral_pathways.id", ondelete="CASCADE"), index=True)
    from_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    to_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    service_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("referral_services.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20))
    fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
    grant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    place_reserved: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)


class PartnerRow(Base):
    """A partner Haven installation: where it listens and the public keys it is known by."""

    __tablename__ = "referral_partners"

    installation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    endpoint: Mapped[str] = mapped_column(String(500))
    signing_key: Mapped[str] = mapped_column(String(64))
    encryption_key: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class OutboundPackageRow(Base):
    """A package sent to a partner installation, and its acknowledgement."""

    __tablename__ = "referral_outbound"

    package_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    pathway_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("referral_pathways.id", ondelete="SET NULL"), index=True)
    partner: Mapped[str] = mapped_column(String(64))
    fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    remote_reference: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(String(200))


class InboundPackageRow(Base):
    """A package received from a partner: the store of seen package ids (replay protection)."""

    __tablename__ = "referral_inbound"

    package_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sender: Mapped[str] = mapped_column(String(64))
    sender_reference: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    pathway_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("referral_pathways.id", ondelete="SET NULL"))
    fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
