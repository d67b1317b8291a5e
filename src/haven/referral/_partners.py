"""The directory of partner installations: who may send to us and whom we may send to.

Partners are installation-wide (not one organisation's): the system administrator adds a
partner's card after checking its keys out of band (e.g. reading the fingerprint aloud).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from haven.exceptions import Conflict, NotFound
from haven.referral._keys import PartnerCard, unb64
from haven.referral._tables import PartnerRow
from haven.registry import AuditEvent, Registry

__all__ = ["PartnerEntry", "add_partner", "fingerprint", "get_partner", "list_partners",
           "partner_directory", "remove_partner"]


@contextmanager
def admin_session(registry: Registry) -> Iterator[Session]:
    """A session outside any organisation's scope, for installation-wide tables."""
    with sessionmaker(registry.engine)() as session, session.begin():
        yield session


def fingerprint(card: PartnerCard) -> str:
    """A short digest of both public keys, to compare out of band."""
    digest = hashlib.sha256(unb64(card.signing_key) + unb64(card.encryption_key)).hexdigest()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


def _card(row: PartnerRow) -> PartnerCard:
    return PartnerCard(installation_id=row.installation_id, name=row.name,
                       country=row.country, endpoint=row.endpoint,
                       signing_key=row.signing_key, encryption_key=row.encryption_key)


def _audit(registry: Registry, session: Session, actor: str, action: str, partner: str,
           detail: dict[str, object]) -> None:
    registry.audit_log.append(session, AuditEvent(
        actor=actor, organisation_id=None, action="create" if action == "create" else "update",
        entity_kind="partner", entity_id=partner, detail={"step": action, **detail}))


def add_partner(registry: Registry, card: PartnerCard, *, actor: str,
                replace: bool = False) -> PartnerCard:
    """Add a partner's card (or, with `replace`, rotate its keys or endpoint)."""
    with admin_session(registry) as session:
        row = session.get(PartnerRow, card.installation_id)
        if row is not None and not replace:
            raise Conflict(f"partner {card.installation_id} exists; replace it explicitly")
        if row is None:
            row = PartnerRow(installation_id=card.installation_id, added_by=actor,
                             added_at=datetime.now(UTC))
            session.add(row)
        row.name, row.country, row.endpoint = card.name, card.country, card.endpoint
        row.signing_key, row.encryption_key, row.active = (card.signing_key,
                                                           card.encryption_key, True)
        _audit(registry, session, actor, "create" if not replace else "replace",
               card.installation_id, {"fingerprint": fingerprint(card),
                                      "endpoint": card.endpoint})
        return card


def remove_partner(registry: Registry, installation_id: str, *, actor: str) -> None:
    """Stop exchanging with a partner; its past exchanges stay on record."""
    with admin_session(registry) as session:
        row = session.get(PartnerRow, installation_id)
        if row is None or not row.active:
            raise NotFound("partner", installation_id)
        row.active = False
        _audit(registry, session, actor, "remove", installation_id, {})


def get_partner(session: Session, installation_id: str) -> PartnerCard:
    row = session.get(PartnerRow, installation_id)
    if row is None or not row.active:
        raise NotFound("partner", installation_id)
    return _card(row)


@dataclass(frozen=True, slots=True)
class PartnerEntry:
    """A partner as the directory page shows it: its card, fingerprint and who added it."""

    card: PartnerCard
    fingerprint: str
    active: bool
    added_by: str
    added_at: datetime


def partner_directory(registry: Registry) -> list[PartnerEntry]:
    """Every partner ever added, removed ones too (their past exchanges stay on record)."""
    with admin_session(registry) as session:
        rows = session.scalars(select(PartnerRow).order_by(PartnerRow.active.desc(),
                                                           PartnerRow.installation_id))
        entries = []
        for row in rows:
            card = _card(row)
            added = row.added_at if row.added_at.tzinfo else row.added_at.replace(tzinfo=UTC)
            entries.append(PartnerEntry(card, fingerprint(card), row.active, row.added_by,
                                        added))
        return entries


def list_partners(registry: Registry) -> list[PartnerCard]:
    with admin_session(registry) as session:
        rows = session.scalars(select(PartnerRow).where(PartnerRow.active.is_(True))
                               .order_by(PartnerRow.installation_id))
        return [_card(r) for r in rows]
