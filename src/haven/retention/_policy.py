"""Retention periods: which records' identifying data, or whole records, are due for erasure.

A record's *last activity* is the latest of its registration, its last change, its support
pathway's last change, step or closing, and the last change of a case it belongs to. Its
identifying data is due `identifying_years` after that, the whole record `record_years`
after. Nothing is due while it is *held*: a victim whose support pathway is still open, a
suspect under investigation or prosecution, and every victim or suspect of a case with such
a suspect (proceedings may still need them).
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.referral._tables import PathwayRow, TransitionRow
from haven.registry import Registry, Scope
from haven.registry._stores import ErasedPart
from haven.registry._tables import (
    CaseRow,
    IdentityRow,
    SuspectRow,
    VictimRow,
    case_suspects,
    case_victims,
)
from haven.retention._erase import Erased, ErasureReason, RecordKind, erase_records
from haven.standard import JusticeStage

__all__ = ["Due", "RetentionPolicy", "RetentionRun", "due_for_erasure", "enforce"]

RETENTION_ACTOR = "system:retention"
_ONGOING = frozenset({JusticeStage.SUSPECTED.value, JusticeStage.PROSECUTED.value})
_BATCH = 500  # erasures per transaction: one organisation's batch commits or rolls back whole


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    identifying_years: int = 5
    record_years: int = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        return cls(settings.retention_identifying_years, settings.retention_record_years)


@dataclass(frozen=True, slots=True)
class Due:
    """One record due for erasure: which part, and the activity the period ran from."""

    kind: RecordKind
    record_id: uuid.UUID
    organisation_id: uuid.UUID
    part: ErasedPart
    last_activity: date


@dataclass(slots=True)
class RetentionRun:
    """What a run found (and, when applied, erased)."""

    due: list[Due] = field(default_factory=list)
    held: Counter[str] = field(default_factory=Counter)
    erased: list[Erased] = field(default_factory=list)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _day(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def _latest(into: dict[uuid.UUID, date], key: uuid.UUID, *values: date | datetime | None
            ) -> None:
    for value in values:
        day = _day(value)
        if day is not None and (key not in into or day > into[key]):
            into[key] = day


def _activity(session: Session) -> tuple[dict[tuple[RecordKind, uuid.UUID], tuple[uuid.UUID,
                                                                                   date]],
                                         dict[tuple[RecordKind, uuid.UUID], str]]:
    """(kind, id) -> (organisation, last activity) for every person record, and the holds."""
    victims: dict[uuid.UUID, date] = {}
    suspects: dict[uuid.UUID, date] = {}
    owner: dict[uuid.UUID, uuid.UUID] = {}
    for vid, org, registered, updated in session.execute(select(
            VictimRow.id, VictimRow.organisation_id, VictimRow.registered_on,
            VictimRow.updated_at)):
        owner[vid] = org
        _latest(victims, vid, registered, updated)
    stages: dict[uuid.UUID, str] = {}
    for sid, org, registered, updated, stage in session.execute(select(
            SuspectRow.id, SuspectRow.organisation_id, SuspectRow.registered_on,
            SuspectRow.updated_at, SuspectRow.stage)):
        owner[sid] = org
        stages[sid] = stage
        _latest(suspects, sid, registered, updated)
    held: dict[tuple[RecordKind, uuid.UUID], str] = {}
    steps = dict(session.execute(select(TransitionRow.pathway_id, func.max(TransitionRow.at))
                                 .group_by(TransitionRow.pathway_id)).all())
    for pid, vid, updated, closed in session.execute(select(
            PathwayRow.id, PathwayRow.victim_id, PathwayRow.updated_at, PathwayRow.closed_on)):
        _latest(victims, vid, updated, closed, steps.get(pid))
        if closed is None:
            held[("victim", vid)] = "open_pathway"
    case_day = dict(session.execute(select(CaseRow.id, CaseRow.updated_at)).all())
    members: dict[uuid.UUID, list[tuple[RecordKind, uuid.UUID]]] = defaultdict(list)
    for cid, vid in session.execute(select(case_victims.c.case_id, case_victims.c.victim_id)):
        members[cid].append(("victim", vid))
        _latest(victims, vid, case_day.get(cid))
    for cid, sid in session.execute(select(case_suspects.c.case_id,
                                           case_suspects.c.suspect_id)):
        members[cid].append(("suspect", sid))
        _latest(suspects, sid, case_day.get(cid))
    for sid, stage in stages.items():
        if stage in _ONGOING:
            held[("suspect", sid)] = "proceedings"
    for people in members.values():
        if any(kind == "suspect" and stages.get(pid) in _ONGOING for kind, pid in people):
            for person in people:
                held.setdefault(person, "proceedings")
    activity: dict[tuple[RecordKind, uuid.UUID], tuple[uuid.UUID, date]] = {}
    for kind, days in (("victim", victims), ("suspect", suspects)):
        for pid, day in days.items():
            activity[(kind, pid)] = (owner[pid], day)  # type: ignore[index]
    return activity, held


def due_for_erasure(registry: Registry, policy: RetentionPolicy, *, as_of: date,
                    organisation_id: uuid.UUID | None = None) -> RetentionRun:
    """The records due on `as_of` (whole records first, then identities), and the holds."""
    run = RetentionRun()
    record_limit = _years_before(as_of, policy.record_years)
    identity_limit = _years_before(as_of, policy.identifying_years)
    with registry.session() as session:
        activity, held = _activity(session)
        with_identity = set(session.scalars(select(IdentityRow.record_id)))
    for (kind, pid), (org, last) in sorted(activity.items(), key=lambda kv: (kv[1][1], kv[0])):
        if organisation_id is not None and org != organisation_id:
            continue
        if last >= identity_limit:
            continue
        hold = held.get((kind, pid))
        if hold is not None:
            run.held[hold] += 1
            continue
        if last < record_limit:
            run.due.append(Due(kind, pid, org, "record", last))
        elif pid in with_identity:
            run.due.append(Due(kind, pid, org, "identity", last))
    return run


def _batches(items: Iterable[Due]) -> Iterator[tuple[uuid.UUID, list[Due]]]:
    by_org: dict[uuid.UUID, list[Due]] = defaultdict(list)
    for item in items:
        by_org[item.organisation_id].append(item)
    for org, dues in sorted(by_org.items()):
        for start in range(0, len(dues), _BATCH):
            yield org, dues[start:start + _BATCH]


def enforce(registry: Registry, run: RetentionRun,
            progress: Callable[[int], None] | None = None) -> RetentionRun:
    """Erase what `run` found due, organisation by organisation, and compact the database.

    Each batch is one transaction in its organisation's scope, audited as the retention
    actor; a failing batch rolls back alone and the error propagates after it.
    """
    for org, dues in _batches(run.due):
        with registry.transaction(Scope(RETENTION_ACTOR, org)) as tx:
            for kind in ("victim", "suspect"):
                for part in ("record", "identity"):
                    ids = [d.record_id for d in dues if d.kind == kind and d.part == part]
                    if ids:
                        run.erased += erase_records(tx, kind, ids, part=part,
                                                    reason=ErasureReason.RETENTION)
        if progress is not None:
            progress(len(dues))
    if run.erased:
        registry.compact()
    return run
