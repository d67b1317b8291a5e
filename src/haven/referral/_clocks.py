"""Legal clocks: what falls due when, derived from a pathway's dates and its country's rules.

Each clock item has a `due_on` (from when it needs attention) and a `deadline` (after which
it is overdue). Items are computed whenever asked, with the day passed in (`today`), so tests
and dashboards run on a frozen clock without patching time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from haven.referral._pathway import PathwayPublic, default_rules, list_pathways
from haven.referral._rules import CountryRules, Period, RulesBook
from haven.referral._stages import Stage
from haven.registry import Transaction

__all__ = ["ClockItem", "ClockKind", "ClockStatus", "clocks", "due_items"]


class ClockKind(StrEnum):
    REASONABLE_GROUNDS = "reasonable_grounds_decision"
    REFLECTION_ENDS = "reflection_period_ends"
    GUARDIAN = "guardian_appointment"
    PERMIT_RENEWAL = "residence_permit_renewal"
    FOLLOW_UP = "return_follow_up"


class ClockStatus(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class ClockItem:
    pathway_id: uuid.UUID
    victim_id: uuid.UUID
    kind: ClockKind
    due_on: date
    deadline: date
    status: ClockStatus
    basis: str
    days_left: int  # until the deadline, from the day computed for; negative: overdue


def _item(pathway: PathwayPublic, kind: ClockKind, due_on: date, deadline: date,
          basis: str, today: date) -> ClockItem:
    status = (ClockStatus.OVERDUE if today > deadline else
              ClockStatus.DUE if today >= due_on else ClockStatus.UPCOMING)
    return ClockItem(pathway.id, pathway.victim_id, kind, due_on, deadline, status, basis,
                     (deadline - today).days)


def _reflection(p: PathwayPublic, rules: CountryRules, today: date) -> list[ClockItem]:
    if p.stage is not Stage.REFLECTION or p.reflection_ends_on is None:
        return []
    end = p.reflection_ends_on
    return [_item(p, ClockKind.REFLECTION_ENDS, end - timedelta(days=rules.due_soon_days), end,
                  rules.reflection_basis, today)]


def _reasonable_grounds(p: PathwayPublic, rules: CountryRules, today: date) -> list[ClockItem]:
    if p.stage is not Stage.REFERRED or rules.reasonable_grounds_days is None:
        return []
    deadline = (p.referred_on or p.detected_on) + timedelta(days=rules.reasonable_grounds_days)
    return [_item(p, ClockKind.REASONABLE_GROUNDS, deadline, deadline,
                  rules.basis.get("reasonable_grounds_days", "operator"), today)]


def _guardian(p: PathwayPublic, rules: CountryRules, today: date) -> list[ClockItem]:
    if not p.minority.is_child or p.guardian_appointed_on is not None:
        return []
    deadline = p.detected_on + timedelta(days=rules.guardian_within_days)
    return [_item(p, ClockKind.GUARDIAN, p.detected_on, deadline,
                  "Directive 2011/36/EU art. 14(2), 16(3); CETS 197 art. 10(4): without delay",
                  today)]


def _permit(p: PathwayPublic, rules: CountryRules, today: date) -> list[ClockItem]:
    if p.stage not in {Stage.RESIDENCE_PERMIT, Stage.INCLUSION} or p.permit_valid_until is None:
        return []
    end = p.permit_valid_until
    return [_item(p, ClockKind.PERMIT_RENEWAL,
                  end - timedelta(days=rules.permit_renewal_notice_days), end,
                  rules.permit_basis, today)]


def _follow_up(p: PathwayPublic, rules: CountryRules, today: date) -> list[ClockItem]:
    if p.stage is not Stage.RETURN or p.return_started_on is None:
        return []
    if p.follow_ups >= len(rules.follow_up_months):
        return []
    months = rules.follow_up_months[p.follow_ups]  # the next follow-up not yet recorded
    deadline = Period(months=months).after(p.return_started_on)
    return [_item(p, ClockKind.FOLLOW_UP, deadline - timedelta(days=rules.due_soon_days),
                  deadline, rules.basis.get("follow_up_months", "operator"), today)]


def clocks(pathway: PathwayPublic, today: date, rules: RulesBook | None = None
           ) -> list[ClockItem]:
    """Every running clock of one pathway on `today`, earliest deadline first."""
    if pathway.stage is Stage.CLOSED:
        return []
    country = (rules or default_rules()).for_country(pathway.country)
    items = [item for compute in (_reasonable_grounds, _reflection, _guardian, _permit,
                                  _follow_up)
             for item in compute(pathway, country, today)]
    return sorted(items, key=lambda i: (i.deadline, i.kind.value))


def due_items(tx: Transaction, today: date, *, horizon_days: int = 14,
              rules: RulesBook | None = None) -> list[ClockItem]:
    """Overdue and due items of the organisation's open pathways, and those due within
    `horizon_days`; overdue first, then by deadline."""
    limit = today + timedelta(days=horizon_days)
    items = [item for pathway in list_pathways(tx)
             for item in clocks(pathway, today, rules) if item.due_on <= limit]
    order = {ClockStatus.OVERDUE: 0, ClockStatus.DUE: 1, ClockStatus.UPCOMING: 2}
    return sorted(items, key=lambda i: (order[i.status], i.deadline, str(i.pathway_id)))
