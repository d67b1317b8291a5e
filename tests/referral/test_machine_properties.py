"""Properties of the state machine over random event sequences (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from haven.identification import Minority
from haven.referral import DEFAULT_RULES, ForbiddenTransition, Stage
from haven.referral._machine import PathwayState, advance, allowed
from referral.support import DETECTED_ON
from referral.test_machine import EVENTS

NL = DEFAULT_RULES["NL"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(EVENTS), max_size=25), st.booleans(),
       st.sampled_from(list(Minority)))
def test_random_sequences_keep_the_invariants(events: list, tcn: bool,  # type: ignore[type-arg]
                                              minority: Minority) -> None:
    state = PathwayState(stage=Stage.DETECTED, minority=minority, third_country_national=tcn,
                         detected_on=DETECTED_ON)
    for event in events:
        before = state
        try:
            state = advance(state, event, NL)
        except ForbiddenTransition:  # refused steps change nothing; other errors escape
            continue
        assert event.kind in allowed(before, NL)
        # Closed is final; a permit only ever for a third-country national.
        assert before.stage is not Stage.CLOSED
        if state.permit_valid_until is not None:
            assert state.third_country_national
        if state.stage is Stage.REFLECTION:
            assert state.reflection_ends_on is not None
        if state.guardian_appointed_on is not None:
            assert before.guardian_appointed_on is not None or before.minority.is_child
        assert state.follow_ups <= len(events)
    if state.stage is Stage.CLOSED:
        assert allowed(state, NL) == []
