from __future__ import annotations

import pytest

from haven.standard import (
    AgeBand,
    ExploitationForm,
    IdentificationStatus,
    MeansOfControl,
    RecruiterRelation,
    Sex,
    country_name,
    is_eu27,
    parse_citizenship,
    parse_code,
    parse_country,
)


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("SEX_EXP", ExploitationForm.SEXUAL),  # Eurostat
        ("Sexual exploitation", ExploitationForm.SEXUAL),  # CTDC label
        ("Forced labour", ExploitationForm.LABOUR),
        ("forced-labor", ExploitationForm.LABOUR),
        ("ORG_REM", ExploitationForm.ORGAN_REMOVAL),
        ("Removal of organs", ExploitationForm.ORGAN_REMOVAL),
        ("domestic_servitude", ExploitationForm.DOMESTIC_SERVITUDE),
        ("Exploitation of surrogacy", ExploitationForm.SURROGACY),
        ("OTH", ExploitationForm.OTHER),
    ],
)
def test_exploitation_spellings_map_to_haven_codes(
    spelling: str, expected: ExploitationForm
) -> None:
    assert parse_code(ExploitationForm, spelling) is expected


@pytest.mark.parametrize(
    ("enum_cls", "spelling", "expected"),
    [
        (Sex, "F", Sex.FEMALE),
        (Sex, "Transgender/NonConforming", Sex.OTHER),
        (Sex, "UNK", Sex.UNKNOWN),
        (IdentificationStatus, "IDNT", IdentificationStatus.IDENTIFIED),
        (IdentificationStatus, "PRES", IdentificationStatus.PRESUMED),
        (MeansOfControl, "meansOfControlDebtBondage", MeansOfControl.DEBT_BONDAGE),
        (MeansOfControl, "meansOfControlUsesChildren", MeansOfControl.USES_CHILDREN),
        (RecruiterRelation, "recruiterRelationIntimatePartner",
         RecruiterRelation.INTIMATE_PARTNER),
        (AgeBand, "9--17", AgeBand.B9_17),
        (AgeBand, "48+", AgeBand.B48_PLUS),
    ],
)
def test_eurostat_and_ctdc_spellings(enum_cls: type, spelling: str, expected: object) -> None:
    assert parse_code(enum_cls, spelling) is expected


def test_unknown_spelling_is_an_error_listing_valid_codes() -> None:
    with pytest.raises(ValueError, match="expected one of: female, male, other, unknown"):
        parse_code(Sex, "yes")


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "0-8"), (8, "0-8"), (9, "9-17"), (17, "9-17"), (18, "18-20"), (29, "27-29"),
     (30, "30-38"), (47, "39-47"), (48, "48+"), (99, "48+"), (None, "unknown")],
)
def test_ctdc_age_bands(age: int | None, band: str) -> None:
    assert AgeBand.for_age(age).value == band


def test_registered_victims_are_identified_plus_presumed() -> None:
    assert IdentificationStatus.REASONABLE_GROUNDS.eurostat_category == "presumed"
    assert IdentificationStatus.IDENTIFIED.eurostat_category == "identified"
    assert IdentificationStatus.DECLINED.eurostat_category is None
    assert not IdentificationStatus.DECLINED.is_registered_victim


@pytest.mark.parametrize(
    ("spelling", "code"),
    [("nl", "NL"), ("NLD", "NL"), ("EL", "GR"), ("UK", "GB"), (" ro ", "RO"), ("XK", "XK")],
)
def test_country_spellings(spelling: str, code: str) -> None:
    assert parse_country(spelling) == code


def test_citizenship_accepts_stateless_and_unknown() -> None:
    assert parse_citizenship("stateless") == "STLS"
    assert parse_citizenship("UNK") == "UNK"
    with pytest.raises(ValueError, match="ISO 3166-1"):
        parse_citizenship("QQ")


def test_eu_membership_and_names() -> None:
    assert is_eu27("RO")
    assert not is_eu27("GB")
    assert not is_eu27("UA")
    assert country_name("NL") == "Netherlands"
    assert country_name("STLS") == "Stateless"
