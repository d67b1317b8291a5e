"""Erasure of one person record: the registry's erase plus what the referral package keeps."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from sqlalchemy import func, select

from haven.referral._services import release
from haven.referral._tables import ConsentRow, PathwayRow, ReferralRow, TransitionRow
from haven.registry import Transaction
from haven.registry._stores import ErasedPart

__all__ = ["Erased", "ErasureReason", "RecordKind", "erase_record"]

RecordKind = Literal["victim", "suspect"]


class ErasureReason(StrEnum):
    """Why a record is erased; a code, never free text (free text could name the person)."""

    REQUEST = "request"        # the person asked (GDPR art. 17; art. 16 of Directive 2016/680)
    RETENTION = "retention"    # its retention period ended
    ERROR = "error"            # registered by mistake (wrong person, test entry, duplicate)
    ORDER = "order"            # a court or supervisory authority ordered it


@dataclass(frozen=True, slots=True)
class Erased:
    """What one erasure removed: counts of rows per table, no values."""

    kind: RecordKind
    record_id: uuid.UUID
    part: ErasedPart
    rows: dict[str, int]


def erase_record(tx: Transaction, kind: RecordKind, record_id: uuid.UUID, *,
                 part: ErasedPart = "record",
                 reason: ErasureReason = ErasureReason.REQUEST) -> Erased:
    """Erase a record of the transaction's organisation (or only its identifying data).

    For a victim's whole record, places its open referrals reserved in services are freed
    first, then the support pathway goes with the record (with its transitions, consents
    and referrals) through the database's cascades; the counts are taken before, for the
    audit entry. Run `Registry.compact()` after the transaction to overwrite freed space.

    Raises:
        NotFound: no such record in this organisation (another organisation's record
            included: scoping makes it invisible).
    """
    store = tx.victims if kind == "victim" else tx.suspects
    # The pathway look-up below is scoped to the organisation too; the store raises NotFound
    # for anything not its own, and the transaction then rolls every step back.
    counts: dict[str, int] = {}
    if kind == "victim" and part == "record":
        counts = _release_pathway(tx, record_id)
    rows = store.erase(record_id, part=part, reason=reason.value, context=counts)
    return Erased(kind, record_id, part, rows)


def _release_pathway(tx: Transaction, victim_id: uuid.UUID) -> dict[str, int]:
    session = tx.session
    pathway = session.scalars(select(PathwayRow).where(
        PathwayRow.victim_id == victim_id,
        PathwayRow.organisation_id == tx.scope.organisation_id)).one_or_none()
    if pathway is None:
        return {}
    referrals = session.scalars(select(ReferralRow).where(
        ReferralRow.pathway_id == pathway.id)).all()
    for referral in referrals:
        if referral.place_reserved and referral.service_id is not None:
            release(session, referral.service_id)

    transitions = session.scalar(select(func.count(TransitionRow.id)).where(
        TransitionRow.pathway_id == pathway.id)) or 0
    consents = session.scalar(select(func.count(ConsentRow.id)).where(
        ConsentRow.pathway_id == pathway.id)) or 0
    counts = {"referral_pathways": 1, "referral_referrals": len(referrals),
              "referral_transitions": int(transitions), "referral_consents": int(consents)}
    session.expunge(pathway)
    for referral in referrals:
        session.expunge(referral)
    return counts
