"""The CSV form: to_nested and to_flat are inverse on valid records (property-tested)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from haven.standard import (
    COLUMNS,
    ExploitationForm,
    IsicSection,
    MeansOfControl,
    SuspectCreate,
    VictimCreate,
    to_flat,
    to_nested,
    validate_record,
)

_names = st.text(
    alphabet=st.characters(categories=["L"], exclude_characters=";:|"), min_size=1, max_size=12
)
_countries = st.sampled_from(["RO", "BG", "NL", "NG", "VN", "UA", "HU", "STLS"])


@st.composite
def victims(draw: st.DrawFn) -> VictimCreate:
    forms = draw(st.lists(st.sampled_from(list(ExploitationForm)), unique=True, max_size=3))
    exploitation = [
        {"form": f, "sector": draw(st.sampled_from([None, *IsicSection]))
         if f == ExploitationForm.LABOUR else None}
        for f in forms
    ]
    identifying = {
        "given_names": draw(_names), "family_name": draw(st.none() | _names),
        "aliases": draw(st.lists(_names, max_size=2, unique=True)),
        "date_of_birth": draw(st.none() | st.sampled_from(["1990", "1999-04", "2002-11-30"])),
        "documents": [{"kind": "passport", "issuing_country": "RO", "number": "AB123456"}],
        "phones": draw(st.lists(st.sampled_from(["+40 721 555 019", "0612345678"]), max_size=2,
                                unique=True)),
    }
    return validate_record(VictimCreate, {
        "external_id": draw(st.from_regex(r"[A-Z][A-Z0-9-]{0,10}", fullmatch=True)),
        "identification_status": draw(st.sampled_from(["presumed", "identified"])),
        "sex": draw(st.sampled_from(["female", "male", "unknown"])),
        "citizenships": [draw(_countries)],
        "exploitation": exploitation,
        "means_of_control": draw(st.lists(st.sampled_from(list(MeansOfControl)), unique=True,
                                          max_size=3)),
        "registered_on": draw(st.dates(date(2015, 1, 1), date(2020, 12, 31))).isoformat(),
        "identifying": identifying,
    }, today=date(2021, 1, 1))


@settings(max_examples=150, deadline=None)
@given(victims())
def test_victim_round_trips_through_csv(record: VictimCreate) -> None:
    row = to_flat("victim", record, identifying=True)
    assert list(row) == COLUMNS["victim"]
    again = validate_record(VictimCreate, to_nested("victim", row), today=date(2021, 1, 1))
    assert again == record


def test_flat_form_without_identifying_columns() -> None:
    record = validate_record(SuspectCreate, {
        "external_id": "S-9", "sex": "M", "registered_on": "2018-02-02",
        "justice": [{"stage": "suspected", "on": "2018-02-02"}],
        "identifying": {"given_names": "Dmytro", "family_name": "Коваленко"}})
    row = to_flat("suspect", record, identifying=False)
    assert "given_names" not in row
    assert row["justice"] == "suspected:2018-02-02"


def test_cells_parse_lists_and_parts() -> None:
    nested = to_nested("victim", {
        "external_id": "V-7", "identification_status": "presumed", "registered_on": "2018-01-01",
        "citizenships": "RO; MD", "exploitation": "labour:A;sexual",
        "documents": "passport:RO:058812345;X1234567", "recruitment_method": "online_advert",
        "recruitment_platform": "", "aliases": "",
    })
    assert nested["citizenships"] == ["RO", "MD"]
    assert nested["exploitation"] == [{"form": "labour", "sector": "A"},
                                      {"form": "sexual", "sector": None}]
    assert nested["identifying"]["documents"][1] == {"kind": "other", "issuing_country": None,
                                                     "number": "X1234567"}
    assert nested["recruitment"] == {"method": "online_advert"}
