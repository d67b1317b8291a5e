from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from factories import VICTIM_FIELDS
from haven.exceptions import ValidationFailed
from haven.standard import (
    AgeGroup,
    VictimCreate,
    age_from_date_of_birth,
    validate_record,
)


def _victim(**changes: Any) -> VictimCreate:
    return validate_record(VictimCreate, {**VICTIM_FIELDS, **changes})


def _identifying(**changes: Any) -> dict[str, Any]:
    return {**VICTIM_FIELDS["identifying"], **changes}


def _problems(**changes: Any) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        _victim(**changes)
    return {p.field: p.reason for p in caught.value.problems}


def test_age_is_derived_from_the_date_of_birth() -> None:
    v = _victim(identifying=_identifying(date_of_birth="2001-07-30"), registered_on="2018-03-14")
    assert (v.age_at_registration, v.age_estimated) == (16, False)
    assert v.age_group is AgeGroup.CHILD
    assert v.age_band.value == "9-17"


def test_birthday_on_registration_day_counts() -> None:
    assert age_from_date_of_birth("2000-03-14", date(2018, 3, 14)) == (18, False)
    assert age_from_date_of_birth("2000-03-15", date(2018, 3, 14)) == (17, False)


def test_year_of_birth_only_gives_an_estimated_age() -> None:
    v = _victim(identifying=_identifying(date_of_birth="1990"), registered_on="2018-03-14")
    assert v.age_estimated
    assert v.age_at_registration in (27, 28)


def test_age_without_date_of_birth_is_kept() -> None:
    v = _victim(identifying=None, age_at_registration=34)
    assert (v.age_at_registration, v.age_group) == (34, AgeGroup.ADULT)


def test_unknown_age_is_its_own_group() -> None:
    v = _victim(identifying=None)
    assert v.age_group is AgeGroup.UNKNOWN
    assert v.age_band.value == "unknown"


def test_age_contradicting_the_date_of_birth_is_refused() -> None:
    problems = _problems(age_at_registration=30)
    assert "age_at_registration contradicts the date of birth" in problems["record"]


def test_date_of_birth_after_registration_is_refused() -> None:
    problems = _problems(identifying=_identifying(date_of_birth="2019-01-01"))
    assert "after the registration date" in problems["record"]


def test_future_registration_is_refused() -> None:
    assert "future" in _problems(registered_on="2999-01-01")["registered_on"]


def test_every_problem_is_reported_at_once() -> None:
    problems = _problems(
        identification_status="maybe", sex="?", citizenships=["RO", "QQ"],
        exploitation=[{"form": "sexual", "sector": "A"}, {"form": "labour", "sector": "Z"}],
        registered_on="2018-02-30",
    )
    assert set(problems) >= {
        "identification_status", "sex", "citizenships[2]", "exploitation[1]",
        "exploitation[2].sector", "registered_on",
    }


def test_sector_belongs_to_labour_only() -> None:
    v = _victim(exploitation=[{"form": "labour", "sector": "A"}, {"form": "sexual"}])
    assert [e.sector for e in v.exploitation] == ["A", None]
    assert "sector" in _problems(exploitation=[{"form": "sexual", "sector": "A"}])[
        "exploitation[1]"
    ]


def test_a_form_listed_twice_is_refused() -> None:
    assert "once" in _problems(exploitation=[{"form": "sexual"}, {"form": "SEX_EXP"}])[
        "exploitation"
    ]


def test_stateless_cannot_be_combined() -> None:
    assert "stateless" in _problems(citizenships=["STLS", "RO"])["citizenships"]


def test_platform_needs_online_recruitment() -> None:
    ok = _victim(recruitment={"method": "online_social_media", "platform": "instagram",
                              "relation": "stranger"})
    assert ok.recruitment is not None and ok.recruitment.platform == "instagram"
    assert "online" in _problems(recruitment={"method": "job_offer", "platform": "tiktok"})[
        "recruitment"
    ]


def test_unaccompanied_minor_must_be_a_child() -> None:
    problems = _problems(identifying=None, age_at_registration=25,
                         vulnerabilities=["unaccompanied_minor"])
    assert "unaccompanied_minor" in problems["record"]
    # The same flag derived via the date of birth is checked too.
    problems = _problems(identifying=_identifying(date_of_birth="1980-01-01"),
                         vulnerabilities=["unaccompanied_minor"])
    assert "unaccompanied_minor" in problems["record"]


def test_identifying_values_are_never_echoed_in_problems() -> None:
    with pytest.raises(ValidationFailed) as caught:
        _victim(identifying=_identifying(date_of_birth="Zăvoianu", phones=["call Ioana"]))
    shown = " ".join(str(p) for p in caught.value.problems)
    assert "Zăvoianu" not in shown
    assert "Ioana" not in shown
    assert "withheld" in shown


def test_long_values_are_truncated() -> None:
    with pytest.raises(ValidationFailed) as caught:
        _victim(sex="x" * 500)
    (problem,) = caught.value.problems
    assert problem.value is not None and len(problem.value) <= 40


def test_external_id_rejects_free_text() -> None:
    assert "letters, digits" in _problems(external_id="Ioana Popescu file")["external_id"]


def test_ctdc_and_eurostat_codes_in_one_record() -> None:
    v = _victim(identification_status="IDNT", sex="F", citizenships=["EL"],
                exploitation=[{"form": "Forced labour", "sector": "I"}],
                means_of_control=["meansOfControlWithholdsDocuments", "debt"])
    assert v.identification_status == "identified"
    assert v.citizenships == ["GR"]
    assert [m.value for m in v.means_of_control] == ["withholds_documents", "debt_bondage"]
