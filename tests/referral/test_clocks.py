"""Legal clocks on a frozen day: reflection, guardian, permit renewal, follow-up."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from haven.exceptions import ConfigurationError
from haven.identification import Minority
from haven.referral import (
    DEFAULT_RULES,
    ClockKind,
    ClockStatus,
    CountryRules,
    GuardianAppointed,
    PathwayPublic,
    Period,
    ReasonableGroundsDecided,
    Referred,
    ReflectionStarted,
    RulesBook,
    Stage,
    clocks,
    due_items,
    record,
)
from haven.registry import Registry, Scope
from referral.support import DETECTED_ON


def pathway(**overrides: Any) -> PathwayPublic:
    dates = dict.fromkeys(("reflection_starts_on", "reflection_ends_on", "permit_valid_until",
                           "guardian_appointed_on", "return_started_on", "closed_on"))
    values: dict[str, Any] = {
        "id": uuid.uuid4(), "organisation_id": uuid.uuid4(), "victim_id": uuid.uuid4(),
        "country": "NL", "stage": Stage.REFERRED, "minority": Minority.ADULT,
        "third_country_national": True, "detected_on": DETECTED_ON,
        "referred_on": DETECTED_ON, "follow_ups": 0, "source_installation": None,
        "source_reference": None, "assessment": None, "version": 1, **dates}
    return PathwayPublic(**{**values, **overrides})


def test_reflection_period_status_moves_with_the_day() -> None:
    end = date(2026, 6, 5)
    p = pathway(stage=Stage.REFLECTION, reflection_ends_on=end)
    statuses = [(day, clocks(p, day)[0].status) for day in
                (end - timedelta(days=8), end - timedelta(days=7), end, end + timedelta(days=1))]
    assert [s for _, s in statuses] == [ClockStatus.UPCOMING, ClockStatus.DUE, ClockStatus.DUE,
                                        ClockStatus.OVERDUE]
    item = clocks(p, end - timedelta(days=3))[0]
    assert item.kind is ClockKind.REFLECTION_ENDS and item.days_left == 3
    assert "B8/3" in item.basis
    assert clocks(pathway(stage=Stage.IDENTIFIED, reflection_ends_on=end), end) == []


@pytest.mark.parametrize(("country", "start", "end"), [
    ("NL", date(2026, 1, 31), date(2026, 4, 30)),  # three months, clamped to the month's end
    ("RO", date(2026, 1, 31), date(2026, 5, 1)),  # 90 days
    ("BE", date(2026, 1, 31), date(2026, 3, 17)),  # 45 days
])
def test_reflection_lengths_per_country(country: str, start: date, end: date) -> None:
    assert DEFAULT_RULES[country].reflection.after(start) == end


def test_guardian_is_due_on_the_day_of_detection_for_a_presumed_child() -> None:
    child = pathway(minority=Minority.PRESUMED_CHILD)
    (item,) = clocks(child, DETECTED_ON)
    assert (item.kind, item.status, item.deadline) == (ClockKind.GUARDIAN, ClockStatus.DUE,
                                                       DETECTED_ON)
    assert clocks(child, DETECTED_ON + timedelta(days=1))[0].status is ClockStatus.OVERDUE
    assert clocks(pathway(minority=Minority.PRESUMED_CHILD,
                          guardian_appointed_on=DETECTED_ON), DETECTED_ON) == []
    assert clocks(pathway(), DETECTED_ON) == []


def test_permit_renewal_and_return_follow_up() -> None:
    permit = pathway(stage=Stage.RESIDENCE_PERMIT, permit_valid_until=date(2026, 12, 31))
    (item,) = clocks(permit, date(2026, 12, 1))
    assert (item.kind, item.status, item.due_on) == (ClockKind.PERMIT_RENEWAL, ClockStatus.DUE,
                                                     date(2026, 12, 1))
    assert clocks(permit, date(2026, 11, 30))[0].status is ClockStatus.UPCOMING
    back = pathway(stage=Stage.RETURN, return_started_on=date(2026, 1, 15))
    assert clocks(back, date(2026, 1, 16))[0].deadline == date(2026, 4, 15)  # 3 months
    assert clocks(pathway(stage=Stage.RETURN, return_started_on=date(2026, 1, 15),
                          follow_ups=1), date(2026, 1, 16))[0].deadline == date(2026, 7, 15)
    assert clocks(pathway(stage=Stage.RETURN, return_started_on=date(2026, 1, 15),
                          follow_ups=3), date(2026, 1, 16)) == []


def test_reasonable_grounds_deadline_only_when_configured() -> None:
    assert clocks(pathway(), DETECTED_ON + timedelta(days=30)) == []
    rules = RulesBook({"NL": CountryRules("NL", Period(months=3), "test",
                                          reasonable_grounds_days=5)})
    (item,) = clocks(pathway(), DETECTED_ON + timedelta(days=6), rules)
    assert item.kind is ClockKind.REASONABLE_GROUNDS and item.status is ClockStatus.OVERDUE


@pytest.mark.parametrize(("rules", "message"), [
    (CountryRules("XX", Period(days=29), "x"), "30 days"),
    (CountryRules("XX", Period(months=1), "x"), "30 days"),  # February has 28
    (CountryRules("XX", Period(days=30), "x", permit_min_months=5), "six months|6 months"),
    (CountryRules("XX", Period(days=30), "x", guardian_within_days=-1), "negative"),
])
def test_rules_below_the_legal_floor_are_refused(rules: CountryRules, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        RulesBook({"XX": rules})


def test_operator_rules_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"DE": {"reflection_days": 90, "reflection_basis": "AufenthG"},
                                "NL": {"reasonable_grounds_days": 3}}), encoding="utf-8")
    book = RulesBook.from_json(path)
    assert book.for_country("DE").reflection == Period(days=90)
    assert book.for_country("NL").reflection == Period(months=3)
    assert book.for_country("NL").reasonable_grounds_days == 3
    path.write_text(json.dumps({"FR": {"reflection_days": 10}}), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="30 days"):
        RulesBook.from_json(path)


def test_due_items_of_an_organisation(registry: Registry, scope: Scope,
                                      make_pathway: Callable[..., PathwayPublic]) -> None:
    reflecting, child, quiet = make_pathway(), make_pathway(Minority.PRESUMED_CHILD), \
        make_pathway()
    with registry.transaction(scope) as tx:
        record(tx, reflecting.id, Referred(on=DETECTED_ON, reason="x"))
        record(tx, reflecting.id, ReasonableGroundsDecided(on=DETECTED_ON, reason="x",
                                                           positive=True, authority="NRM"))
        record(tx, reflecting.id, ReflectionStarted(on=DETECTED_ON, reason="x"))
    today = date(2026, 5, 30)  # reflection ends 2 June: due; the guardian is long overdue
    with registry.transaction(scope) as tx:
        items = due_items(tx, today)
        assert [(i.pathway_id, i.kind, i.status) for i in items] == [
            (child.id, ClockKind.GUARDIAN, ClockStatus.OVERDUE),
            (reflecting.id, ClockKind.REFLECTION_ENDS, ClockStatus.DUE)]
        assert due_items(tx, date(2026, 3, 1), horizon_days=0) == []
        record(tx, child.id, GuardianAppointed(on=DETECTED_ON, reason="x"))
        assert [i.pathway_id for i in due_items(tx, today)] == [reflecting.id]
    assert quiet.id not in {i.pathway_id for i in items}
