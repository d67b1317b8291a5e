"""The pure state machine: every event at every stage, allowed or refused with a reason."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest

from haven.identification import Minority
from haven.referral import (
    DEFAULT_RULES,
    AgeAssessed,
    AssistanceKind,
    AssistanceStarted,
    ClaimRoute,
    ClaimStatus,
    Closed,
    CloseReason,
    CompensationClaimed,
    CountryRules,
    FollowUpRecorded,
    ForbiddenTransition,
    GuardianAppointed,
    IdentificationDecided,
    InclusionStarted,
    NonPunishmentDecided,
    NonPunishmentOutcome,
    PathwayEvent,
    Period,
    ReasonableGroundsDecided,
    Referred,
    ReflectionStarted,
    ResidencePermitGranted,
    ResidencePermitRenewed,
    ReturnStarted,
    ServiceProvided,
    Stage,
)
from haven.referral._machine import PathwayState, advance, allowed

NL = DEFAULT_RULES["NL"]
XX = CountryRules("XX", Period(days=30), "CETS 197 art. 13(1): at least 30 days")
D = date(2026, 3, 2)
ON = D + timedelta(days=10)
S = Stage
ALL = set(Stage)
OPEN = ALL - {S.CLOSED}

# Written out by hand from the issue, not derived from the implementation's table.
EXPECTED: dict[str, tuple[set[Stage], Stage | None]] = {
    "referred": ({S.DETECTED}, S.REFERRED),
    "reasonable_grounds_decided": ({S.REFERRED}, S.REASONABLE_GROUNDS),
    "reflection_started": ({S.REASONABLE_GROUNDS}, S.REFLECTION),
    "identification_decided": ({S.REASONABLE_GROUNDS, S.REFLECTION}, S.IDENTIFIED),
    "assistance_started": ({S.IDENTIFIED}, S.ASSISTANCE),
    "service_provided": ({S.REFERRED, S.REASONABLE_GROUNDS, S.REFLECTION, S.IDENTIFIED,
                          S.ASSISTANCE, S.RESIDENCE_PERMIT, S.INCLUSION, S.RETURN}, None),
    "residence_permit_granted": ({S.REFLECTION, S.IDENTIFIED, S.ASSISTANCE},
                                 S.RESIDENCE_PERMIT),
    "residence_permit_renewed": ({S.RESIDENCE_PERMIT, S.INCLUSION}, None),
    "inclusion_started": ({S.ASSISTANCE, S.RESIDENCE_PERMIT}, S.INCLUSION),
    "return_started": ({S.IDENTIFIED, S.ASSISTANCE, S.RESIDENCE_PERMIT}, S.RETURN),
    "follow_up_recorded": ({S.RETURN}, None),
    "guardian_appointed": (OPEN, None),
    "age_assessed": (OPEN, None),
    "non_punishment_decided": (OPEN, None),
    "compensation_claimed": (OPEN, None),
    "closed": (OPEN, S.CLOSED),
}

EVENTS: list[PathwayEvent] = [
    Referred(on=ON, reason="r"),
    ReasonableGroundsDecided(on=ON, reason="r", positive=True, authority="NRM"),
    ReflectionStarted(on=ON, reason="r"),
    IdentificationDecided(on=ON, reason="r", positive=True, authority="NRM"),
    AssistanceStarted(on=ON, reason="r", kinds=frozenset({AssistanceKind.SHELTER})),
    ServiceProvided(on=ON, reason="r", service=AssistanceKind.MEDICAL),
    ResidencePermitGranted(on=ON, reason="r", valid_until=ON + timedelta(days=365)),
    ResidencePermitRenewed(on=ON, reason="r", valid_until=ON + timedelta(days=800)),
    InclusionStarted(on=ON, reason="r"),
    ReturnStarted(on=ON, reason="r", country="UA", risk_assessed=True),
    FollowUpRecorded(on=ON, reason="r", country="UA"),
    GuardianAppointed(on=ON, reason="r"),
    AgeAssessed(on=ON, reason="r", minor=True),
    NonPunishmentDecided(on=ON, reason="r", outcome=NonPunishmentOutcome.APPLIED,
                         authority="OM"),
    CompensationClaimed(on=ON, reason="r", status=ClaimStatus.FILED,
                        route=ClaimRoute.CRIMINAL_PROCEEDINGS, amount_eur=12000),
    Closed(on=ON, reason="r", close_reason=CloseReason.WITHDREW),
]


def state_at(stage: Stage) -> PathwayState:
    """A state at `stage` whose guards let every event through that the table allows."""
    return PathwayState(stage=stage, minority=Minority.PRESUMED_CHILD,
                        third_country_national=True, detected_on=D,
                        permit_valid_until=ON + timedelta(days=200), follow_ups=1)


def test_the_expected_table_covers_every_event() -> None:
    assert {e.kind for e in EVENTS} == set(EXPECTED)


@pytest.mark.parametrize("stage", list(Stage), ids=str)
@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.kind)
def test_every_event_at_every_stage(event: PathwayEvent, stage: Stage) -> None:
    stages, target = EXPECTED[event.kind]
    state = state_at(stage)
    if stage in stages:
        after = advance(state, event, XX, "p1")
        assert after.stage is (target or stage)
        assert event.kind in allowed(state, XX)
    else:
        with pytest.raises(ForbiddenTransition) as caught:
            advance(state, event, XX, "p1")
        assert caught.value.stage == stage.value
        assert caught.value.step == event.kind
        assert caught.value.reason
        assert caught.value.status_code == 409
        assert f"pathway p1: {event.kind} is not allowed at stage {stage.value}" in str(
            caught.value)
        assert event.kind not in allowed(state, XX)


def test_where_the_country_offers_it_reflection_starts_on_referral() -> None:
    start = ReflectionStarted(on=ON, reason="offered by the police (B8/3)")
    assert advance(state_at(S.REFERRED), start, NL).stage is S.REFLECTION
    assert "reflection_started" in allowed(state_at(S.REFERRED), NL)
    with pytest.raises(ForbiddenTransition, match="or on referral where"):
        advance(state_at(S.REFERRED), start, DEFAULT_RULES["BE"])


def test_negative_decisions_lead_to_declined() -> None:
    rg = ReasonableGroundsDecided(on=ON, reason="r", positive=False, authority="NRM")
    assert advance(state_at(S.REFERRED), rg, NL).stage is S.DECLINED
    ident = IdentificationDecided(on=ON, reason="r", positive=False, authority="NRM")
    assert advance(state_at(S.REFLECTION), ident, NL).stage is S.DECLINED


def test_reflection_start_sets_the_end_by_the_country_rules() -> None:
    after = advance(state_at(S.REASONABLE_GROUNDS), ReflectionStarted(on=date(2026, 3, 31),
                    reason="r"), NL)
    assert after.reflection_starts_on == date(2026, 3, 31)
    assert after.reflection_ends_on == date(2026, 6, 30)  # three months, clamped to June
    be = advance(state_at(S.REASONABLE_GROUNDS), ReflectionStarted(on=ON, reason="r"),
                 DEFAULT_RULES["BE"])
    assert be.reflection_ends_on == ON + timedelta(days=45)


def _refused(state: PathwayState, event: PathwayEvent, words: str) -> None:
    with pytest.raises(ForbiddenTransition) as caught:
        advance(state, event, NL)
    assert words in caught.value.reason


def test_permit_only_for_third_country_nationals_and_at_least_six_months() -> None:
    grant = ResidencePermitGranted(on=ON, reason="r", valid_until=ON + timedelta(days=365))
    _refused(replace(state_at(S.IDENTIFIED), third_country_national=False), grant,
             "third-country nationals")
    short = ResidencePermitGranted(on=date(2026, 4, 1), reason="r",
                                   valid_until=date(2026, 9, 30))
    _refused(state_at(S.IDENTIFIED), short, "at least 6 months")
    exact = ResidencePermitGranted(on=date(2026, 4, 1), reason="r",
                                   valid_until=date(2026, 10, 1))
    assert advance(state_at(S.IDENTIFIED), exact, NL).permit_valid_until == date(2026, 10, 1)


def test_renewal_must_extend_and_run_six_months() -> None:
    state = state_at(S.RESIDENCE_PERMIT)
    assert state.permit_valid_until is not None
    _refused(state, ResidencePermitRenewed(on=ON, reason="r",
                                           valid_until=state.permit_valid_until), "extend")
    _refused(replace(state, permit_valid_until=ON + timedelta(days=30)),
             ResidencePermitRenewed(on=ON, reason="r", valid_until=ON + timedelta(days=150)),
             "6 months")
    _refused(replace(state, permit_valid_until=None),
             ResidencePermitRenewed(on=ON, reason="r", valid_until=ON + timedelta(days=900)),
             "no permit")


def test_guardian_only_for_a_child_and_once() -> None:
    appoint = GuardianAppointed(on=ON, reason="r")
    _refused(replace(state_at(S.REFERRED), minority=Minority.ADULT), appoint, "child")
    after = advance(state_at(S.REFERRED), appoint, NL)
    assert after.guardian_appointed_on == ON
    _refused(after, appoint, "already")


def test_age_assessment_ends_the_presumption() -> None:
    adult = advance(state_at(S.REFERRED), AgeAssessed(on=ON, reason="r", minor=False), NL)
    assert adult.minority is Minority.ADULT
    child = advance(adult, AgeAssessed(on=ON, reason="r", minor=True), NL)
    assert child.minority is Minority.CHILD


def test_return_needs_a_risk_assessment_and_counts_follow_ups() -> None:
    _refused(state_at(S.ASSISTANCE),
             ReturnStarted(on=ON, reason="r", country="UA", risk_assessed=False), "risk")
    back = advance(state_at(S.ASSISTANCE),
                   ReturnStarted(on=ON, reason="r", country="UA", risk_assessed=True), NL)
    back = replace(back, follow_ups=0)
    assert back.return_started_on == ON
    _refused(back, Closed(on=ON, reason="r", close_reason=CloseReason.COMPLETED), "follow-up")
    back = advance(back, FollowUpRecorded(on=ON, reason="r", country="UA"), NL)
    assert back.follow_ups == 1
    assert advance(back, Closed(on=ON, reason="r", close_reason=CloseReason.COMPLETED),
                   NL).stage is S.CLOSED


def test_close_reasons() -> None:
    completed = Closed(on=ON, reason="r", close_reason=CloseReason.COMPLETED)
    assert advance(state_at(S.INCLUSION), completed, NL).closed_on == ON
    _refused(state_at(S.ASSISTANCE), completed, "completed after")
    declined = Closed(on=ON, reason="r", close_reason=CloseReason.DECLINED)
    _refused(state_at(S.REFERRED), declined, "declined")
    assert advance(state_at(S.DECLINED), declined, NL).stage is S.CLOSED


def test_no_event_before_the_detection() -> None:
    _refused(state_at(S.DETECTED), Referred(on=D - timedelta(days=1), reason="r"),
             "before the detection")


def test_ids_in_messages_never_personal_data() -> None:
    pathway_id = uuid.uuid4()
    with pytest.raises(ForbiddenTransition) as caught:
        advance(state_at(S.CLOSED), Referred(on=ON, reason="Ana Pop moved"), NL, pathway_id)
    assert str(pathway_id) in str(caught.value)
    assert "Ana" not in str(caught.value)
