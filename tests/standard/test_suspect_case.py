from __future__ import annotations

from typing import Any

import pytest

from haven.exceptions import ValidationFailed
from haven.standard import CaseCreate, JusticeStage, SuspectCreate, validate_record

SUSPECT: dict[str, Any] = {
    "external_id": "S-1", "person_kind": "natural", "sex": "M", "age": 41,
    "citizenship": "BG", "roles": ["recruiter", "exploiter"], "registered_on": "2018-01-10",
    "justice": [{"stage": "suspected", "on": "2018-01-10"},
                {"stage": "prosecuted", "on": "2018-06-01"}],
}


def test_stage_is_the_furthest_reached() -> None:
    s = validate_record(SuspectCreate, SUSPECT)
    assert s.stage is JusticeStage.PROSECUTED
    convicted = validate_record(SuspectCreate, {**SUSPECT, "justice": [
        *SUSPECT["justice"], {"stage": "CONV", "on": "2019-02-01"}]})
    assert convicted.stage is JusticeStage.CONVICTED


def test_stages_out_of_order_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="1 problem"):
        validate_record(SuspectCreate, {**SUSPECT, "justice": [
            {"stage": "convicted", "on": "2018-01-01"}, {"stage": "prosecuted", "on": "2018-06-01"}
        ]})


def test_convicted_and_acquitted_are_exclusive() -> None:
    with pytest.raises(ValidationFailed):
        validate_record(SuspectCreate, {**SUSPECT, "justice": [
            {"stage": "convicted", "on": "2019-01-01"}, {"stage": "acquitted", "on": "2019-02-01"}
        ]})


def test_legal_person_has_no_sex_age_or_given_names() -> None:
    legal = {**SUSPECT, "person_kind": "company", "sex": None, "age": None,
             "identifying": {"organisation_name": "Agro Invest SRL",
                             "registration_number": "J40/1234/2015"}}
    assert validate_record(SuspectCreate, legal).person_kind == "legal"
    with pytest.raises(ValidationFailed):
        validate_record(SuspectCreate, {**legal, "sex": "M"})
    with pytest.raises(ValidationFailed):
        validate_record(SuspectCreate, {**legal, "identifying": {"given_names": "Ion"}})


def test_case_route_must_be_in_date_order() -> None:
    case = {"external_id": "C-1", "opened_on": "2018-04-01", "victims": ["V-1", "V-1"],
            "route": [{"kind": "recruitment", "country": "RO", "place": "Iași", "on": "2018-01-01"},
                      {"kind": "transit", "country": "HU"},
                      {"kind": "exploitation", "country": "NL", "on": "2018-02-01"}],
            "references": [{"system": "police", "reference": "PL-2018-0042", "country": "NL"}]}
    parsed = validate_record(CaseCreate, case)
    assert parsed.victims == ["V-1"]
    case["route"] = list(reversed(case["route"]))
    with pytest.raises(ValidationFailed, match="1 problem"):
        validate_record(CaseCreate, case)
