"""The assessment: level, forms, urgent needs, open questions, explanation."""

from __future__ import annotations

import pytest

from haven.exceptions import ValidationFailed
from haven.identification import Level, Minority, UrgentNeed, assess
from haven.standard import ExploitationForm


def test_nothing_observed_is_no_indication() -> None:
    result = assess({"g-documents": "no", "l-wages": "no"})
    assert result.level is Level.NO_INDICATION
    assert not result.can_start_referral
    assert result.forms == ()


def test_adult_needs_means_and_exploitation() -> None:
    only_exploitation = assess({"l-wages": "yes", "l-hours": "yes"})
    assert only_exploitation.level is Level.FURTHER_INQUIRY
    only_means = assess({"g-threats": "yes"})
    assert only_means.level is Level.FURTHER_INQUIRY
    both = assess({"l-wages": "yes", "l-hours": "yes", "g-threats": "yes"})
    assert both.level is Level.PRESUMED_VICTIM
    assert both.can_start_referral
    assert both.forms == (ExploitationForm.LABOUR,)
    assert both.points == {"means": 3, "purpose": 5}
    assert UrgentNeed.SAFETY in both.urgent


def test_weak_signs_alone_do_not_reach_the_threshold() -> None:
    result = assess({"g-scripted": "yes", "k-no-school": "yes"})
    assert result.level is Level.FURTHER_INQUIRY


def test_for_a_child_no_means_are_needed_and_a_guardian_is_urgent() -> None:
    adult = assess({"c-begging-handover": "yes"})
    assert adult.level is Level.FURTHER_INQUIRY
    child = assess({"c-begging-handover": "yes"}, age=15)
    assert child.level is Level.PRESUMED_VICTIM
    assert child.minority is Minority.CHILD
    assert UrgentNeed.GUARDIAN in child.urgent
    assert child.forms == (ExploitationForm.FORCED_BEGGING,)


def test_uncertain_age_is_presumed_a_child() -> None:
    result = assess({"k-age-uncertain": "yes", "s-earnings": "yes"})
    assert result.minority is Minority.PRESUMED_CHILD
    assert result.level is Level.PRESUMED_VICTIM
    assert "presumed a child" in " ".join(result.explain())


def test_forms_are_ranked_by_points() -> None:
    result = assess({"g-threats": "yes", "s-no-refuse": "yes", "s-quota": "yes",
                     "l-hours": "yes"})
    assert result.forms == (ExploitationForm.SEXUAL, ExploitationForm.LABOUR)


def test_forced_criminality_raises_non_punishment() -> None:
    result = assess({"c-crime-instructed": "yes", "c-crime-debt": "yes"})
    assert result.non_punishment
    assert any("art. 26" in line for line in result.explain())
    assert not assess({"l-wages": "yes", "g-debt": "yes"}).non_punishment


def test_open_questions_are_the_unknown_medium_and_strong_indicators() -> None:
    result = assess({"g-documents": "unknown", "g-scripted": "unknown", "l-wages": "yes"})
    assert result.open_questions == ("g-documents",)


def test_need_questions_add_urgent_needs_but_no_points() -> None:
    result = assess({"g-need-shelter": "yes", "g-need-language": "yes"})
    assert result.level is Level.NO_INDICATION
    assert result.urgent == (UrgentNeed.SHELTER, UrgentNeed.INTERPRETATION)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as caught:
        assess({"x-unknown": "yes", "g-documents": "maybe", "l-wages": "yes"},
               kinds=["general"])
    fields = sorted(p.field for p in caught.value.problems)
    assert fields == ["answers", "answers", "answers.g-documents"]


def test_explanation_in_dutch_and_english() -> None:
    result = assess({"g-threats": "yes", "l-wages": "yes"})
    english, dutch = result.explain("en"), result.explain("nl")
    assert english[0].startswith("Presumed victim")
    assert dutch[0].startswith("Vermoedelijk slachtoffer")
    assert len(english) == len(dutch)
    assert "arbeidsuitbuiting" in " ".join(dutch)


def test_summary_is_json_ready_and_records_the_version() -> None:
    summary = assess({"g-threats": "yes", "l-wages": "yes"}).summary()
    assert summary["version"] == "2026.1"
    assert summary["level"] == "presumed_victim"
    assert summary["observed"] == ["g-threats", "l-wages"]
