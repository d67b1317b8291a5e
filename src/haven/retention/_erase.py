"""Erasure of one person record: the registry's erase plus what the referral package keeps."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.referral._services import release
from haven.referral._tables import ConsentRow, PathwayRow, ReferralRow, TransitionRow
from haven.registry import Transaction
from haven.registry._stores import ErasedPart

__all__ = ["Erased", "ErasureReason", "RecordKind", "erase_record", "erase_records"]

_IN_LIST = 500

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
    return erase_records(tx, kind, [record_id], part=part, reason=reason)[0]


def erase_records(tx: Transaction, kind: RecordKind, record_ids: Sequence[uuid.UUID], *,
                  part: ErasedPart = "record",
                  reason: ErasureReason = ErasureReason.REQUEST) -> list[Erased]:
    """`erase_record` for many records of one kind at once, in a few statements.

    Raises:
        NotFound: one of them is not this organisation's; nothing is erased then (the
            transaction rolls back).
    """
    ids = list(dict.fromkeys(record_ids))
    store = tx.victims if kind == "victim" else tx.suspects
    # The pathway look-up below is scoped to the organisation too; the store raises NotFound
    # for anything not its own, and the transaction then rolls every step back.
    context = _release_pathways(tx, ids) if kind == "victim" and part == "record" else {}
    rows = store.erase(ids, part=part, reason=reason.value, context=context)
    return [Erased(kind, record_id, part, rows[record_id]) for record_id in ids]


def _grouped(session: Session, column: Any, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    found = session.execute(select(column, func.count()).where(column.in_(ids))
                            .group_by(column)).all()
    return {key: int(n) for key, n in found}


def _release_pathways(tx: Transaction, victim_ids: list[uuid.UUID]
                      ) -> dict[uuid.UUID, dict[str, int]]:
    """Free the places the victims' referrals hold; count what the cascade will delete."""
    session = tx.session
    counts: dict[uuid.UUID, dict[str, int]] = {}
    for start in range(0, len(victim_ids), _IN_LIST):
        chunk = victim_ids[start:start + _IN_LIST]
        pathways = dict(session.execute(select(PathwayRow.id, PathwayRow.victim_id).where(
            PathwayRow.victim_id.in_(chunk),
            PathwayRow.organisation_id == tx.scope.organisation_id)).all())
        if not pathways:
            continue
        pids = list(pathways)
        held = session.execute(select(ReferralRow.service_id).where(
            ReferralRow.pathway_id.in_(pids), ReferralRow.place_reserved.is_(True),
            ReferralRow.service_id.is_not(None))).scalars().all()
        for service_id in held:
            if service_id is not None:  # the query excludes None; the type does not know
                release(session, service_id)
        referrals = _grouped(session, ReferralRow.pathway_id, pids)
        transitions = _grouped(session, TransitionRow.pathway_id, pids)
        consents = _grouped(session, ConsentRow.pathway_id, pids)
        for pid, victim_id in pathways.items():
            counts[victim_id] = {"referral_pathways": 1,
                                 "referral_referrals": referrals.get(pid, 0),
                                 "referral_transitions": transitions.get(pid, 0),
                                 "referral_consents": consents.get(pid, 0)}
    # Rows loaded earlier in this session would be stale once the cascade deletes them.
    for row in [o for o in session.identity_map.values()
                if isinstance(o, PathwayRow | ReferralRow | TransitionRow | ConsentRow)]:
        session.expunge(row)
    return counts
