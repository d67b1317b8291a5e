"""What an organisation has exchanged with partner installations: packages out and in.

Both lists hold ids, field names, partners and times, never field values. Outbound packages
belong to the organisation that owns the pathway they were sent from; inbound ones to the
organisation that received them (the installation's receiving organisation).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from haven.exceptions import NotFound
from haven.referral._tables import InboundPackageRow, OutboundPackageRow, PathwayRow
from haven.registry import Transaction

__all__ = ["InboundPublic", "OutboundPublic", "inbound_packages", "outbound_package",
           "outbound_packages"]


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


@dataclass(frozen=True, slots=True)
class OutboundPublic:
    """A package sent to a partner: to whom, which fields, and what became of it."""

    package_id: uuid.UUID
    partner: str
    pathway_id: uuid.UUID | None
    status: str
    fields: list[str]
    remote_reference: str | None
    acknowledged_at: datetime | None
    created_at: datetime | None = None
    created_by: str | None = None
    error: str | None = None
    victim_id: uuid.UUID | None = None

    @classmethod
    def of(cls, row: OutboundPackageRow, victim_id: uuid.UUID | None = None
           ) -> OutboundPublic:
        return cls(row.package_id, row.partner, row.pathway_id, row.status, list(row.fields),
                   row.remote_reference, _aware(row.acknowledged_at), _aware(row.created_at),
                   row.created_by, row.error, victim_id)


@dataclass(frozen=True, slots=True)
class InboundPublic:
    """A package received from a partner and the record it became here."""

    package_id: uuid.UUID
    sender: str
    sender_reference: str
    sent_at: datetime
    received_at: datetime
    pathway_id: uuid.UUID | None
    victim_id: uuid.UUID | None
    fields: list[str]


def outbound_packages(tx: Transaction, pathway_id: uuid.UUID | None = None
                      ) -> list[OutboundPublic]:
    """Packages sent from the organisation's pathways (of one pathway, or all), newest first."""
    statement = (select(OutboundPackageRow, PathwayRow.victim_id)
                 .join(PathwayRow, PathwayRow.id == OutboundPackageRow.pathway_id)
                 .where(PathwayRow.organisation_id == tx.scope.organisation_id))
    if pathway_id is not None:
        statement = statement.where(OutboundPackageRow.pathway_id == pathway_id)
    rows = tx.session.execute(statement.order_by(OutboundPackageRow.created_at.desc())).all()
    return [OutboundPublic.of(row, victim_id) for row, victim_id in rows]


def outbound_package(tx: Transaction, package_id: uuid.UUID) -> OutboundPublic:
    """One package sent from an own pathway; `NotFound` for any other."""
    found = tx.session.execute(
        select(OutboundPackageRow, PathwayRow.victim_id)
        .join(PathwayRow, PathwayRow.id == OutboundPackageRow.pathway_id)
        .where(OutboundPackageRow.package_id == package_id,
               PathwayRow.organisation_id == tx.scope.organisation_id)).one_or_none()
    if found is None:
        raise NotFound("transnational package", package_id)
    return OutboundPublic.of(found[0], found[1])


def inbound_packages(tx: Transaction) -> list[InboundPublic]:
    """Packages the organisation received from partners, newest first."""
    rows = tx.session.execute(
        select(InboundPackageRow, PathwayRow.victim_id)
        .outerjoin(PathwayRow, PathwayRow.id == InboundPackageRow.pathway_id)
        .where(InboundPackageRow.organisation_id == tx.scope.organisation_id)
        .order_by(InboundPackageRow.received_at.desc())).all()
    return [InboundPublic(r.package_id, r.sender, r.sender_reference,
                          _aware(r.sent_at) or r.sent_at, _aware(r.received_at) or r.received_at,
                          r.pathway_id, victim_id, list(r.fields))
            for r, victim_id in rows]
