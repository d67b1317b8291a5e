"""Spellings of Haven's codes found in Eurostat and CTDC/HTCDS exports, mapped to Haven's codes.

Matching is forgiving about case, spaces, hyphens and underscores ("Sexual exploitation",
"SEXUAL_EXPLOITATION" and "sexual-exploitation" are the same key) and strict about meaning: an
unknown spelling is an error, never a silent "other".
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from typing import TypeVar

from pydantic_core import PydanticCustomError

from haven._text import N_
from haven.standard._codes import (
    AgeBand,
    ExploitationForm,
    IdentificationStatus,
    JusticeStage,
    MeansOfControl,
    PersonKind,
    RecruiterRelation,
    RecruitmentMethod,
    Sex,
)

__all__ = ["normalise_key", "parse_code"]

E = TypeVar("E", bound=StrEnum)

_NON_ALNUM = re.compile(r"[^0-9a-z+]+")


def normalise_key(raw: str) -> str:
    """Fold a spelling to a comparison key: lower case, runs of other characters to '_'."""
    return _NON_ALNUM.sub("_", raw.strip().lower()).strip("_")


# Keys are already normalised. Only spellings that differ from Haven's own code need listing.
_ALIASES: dict[type[StrEnum], dict[str, str]] = {
    Sex: {
        "f": "female", "w": "female", "woman": "female", "women": "female", "girl": "female",
        "v": "female", "vrouw": "female",
        "m": "male", "man": "male", "men": "male", "boy": "male",
        "t": "other", "x": "other", "transgender_nonconforming": "other",
        "transgender": "other", "non_binary": "other", "diverse": "other",
        "u": "unknown", "unk": "unknown", "nap": "unknown", "not_specified": "unknown",
    },
    IdentificationStatus: {
        "pres": "presumed", "presumed_victim": "presumed", "vermoedelijk": "presumed",
        "idnt": "identified", "ident": "identified", "identified_victim": "identified",
        "rg": "reasonable_grounds", "reasonable_grounds_decision": "reasonable_grounds",
        "positive_reasonable_grounds": "reasonable_grounds",
        "not_identified": "declined", "negative_decision": "declined", "rejected": "declined",
    },
    ExploitationForm: {
        # Eurostat crim_thb_* exploitation codes and labels
        "sex_exp": "sexual", "exp_sex": "sexual", "sexexp": "sexual", "sex": "sexual",
        "sexual_exploitation": "sexual", "forced_prostitution": "sexual",
        "lab_exp": "labour", "exp_lab": "labour", "lab": "labour", "labor": "labour",
        "labour_exploitation": "labour", "labor_exploitation": "labour",
        "forced_labour": "labour", "forced_labor": "labour",
        "forced_labour_or_services": "labour", "forced_labor_or_services": "labour",
        "org_rem": "organ_removal", "exp_org": "organ_removal", "org": "organ_removal",
        "removal_of_organs": "organ_removal", "organ_trafficking": "organ_removal",
        "domestic": "domestic_servitude", "domestic_work": "domestic_servitude",
        "crim": "forced_criminality", "forced_criminal_activities": "forced_criminality",
        "forced_criminal_activity": "forced_criminality",
        "criminal_activities": "forced_criminality",
        "exploitation_of_criminal_activities": "forced_criminality",
        "begging": "forced_begging", "beg": "forced_begging",
        "adoption": "illegal_adoption", "forced_marriage_": "forced_marriage",
        "marriage": "forced_marriage", "surrogacy_exploitation": "surrogacy",
        "exploitation_of_surrogacy": "surrogacy",
        "oth": "other", "exp_oth": "other", "other_forms": "other",
        "slavery_and_similar_practices": "other", "forced_military": "other",
    },
    AgeBand: {
        "0_8": "0-8", "9_17": "9-17", "18_20": "18-20", "21_23": "21-23", "24_26": "24-26",
        "27_29": "27-29", "30_38": "30-38", "39_47": "39-47", "48+": "48+", "48_": "48+",
        "48_plus": "48+", "unk": "unknown",
    },
    MeansOfControl: {
        "meansofcontroldebtbondage": "debt_bondage",
        "meansofcontroltakesearnings": "takes_earnings",
        "meansofcontrolrestrictsfinancialaccess": "restricts_financial_access",
        "meansofcontrolthreats": "threats",
        "meansofcontrolpsychologicalabuse": "psychological_abuse",
        "meansofcontrolphysicalabuse": "physical_abuse",
        "meansofcontrolsexualabuse": "sexual_abuse",
        "meansofcontrolfalsepromises": "false_promises",
        "meansofcontrolpsychoactivesubstances": "psychoactive_substances",
        "meansofcontrolrestrictsmovement": "restricts_movement",
        "meansofcontrolrestrictsmedicalcare": "restricts_medical_care",
        "meansofcontrolexcessiveworkinghours": "excessive_working_hours",
        "meansofcontroluseschildren": "uses_children",
        "meansofcontrolthreatoflawenforcement": "threat_of_law_enforcement",
        "meansofcontrolwithholdsnecessities": "withholds_necessities",
        "meansofcontrolwithholdsdocuments": "withholds_documents",
        "meansofcontrolother": "other",
        "debt": "debt_bondage", "confiscation_of_documents": "withholds_documents",
        "drugs": "psychoactive_substances", "violence": "physical_abuse",
    },
    RecruiterRelation: {
        "recruiterrelationintimatepartner": "intimate_partner",
        "recruiterrelationfriend": "friend",
        "recruiterrelationfamily": "family",
        "recruiterrelationother": "other",
        "recruiterrelationunknown": "unknown",
        "partner": "intimate_partner", "boyfriend": "intimate_partner",
        "relative": "family", "acquaintance": "other", "recruitment_agency": "agency",
    },
    RecruitmentMethod: {
        "lover_boy": "loverboy", "romance": "loverboy",
        "online": "online_advert", "internet": "online_advert", "advert": "online_advert",
        "social_media": "online_social_media", "dating": "online_dating",
        "job": "job_offer", "false_job_offer": "job_offer", "agency": "recruitment_agency",
    },
    JusticeStage: {
        "suspect": "suspected", "susp": "suspected",
        "prosecution": "prosecuted", "pros": "prosecuted", "prosecuted_persons": "prosecuted",
        "conviction": "convicted", "conv": "convicted", "convicted_persons": "convicted",
        "acquittal": "acquitted",
    },
    PersonKind: {
        "person": "natural", "natural_person": "natural", "individual": "natural",
        "legal_person": "legal", "company": "legal", "organisation": "legal",
        "organization": "legal",
    },
}


def parse_code(enum_cls: type[E], raw: str | E) -> E:
    """Map a spelling from Haven, Eurostat or CTDC to a member of `enum_cls`.

    >>> parse_code(ExploitationForm, "Forced labour")
    <ExploitationForm.LABOUR: 'labour'>

    Raises:
        ValueError: the spelling is not known (a `PydanticCustomError` of type
            "unknown_code"; its message lists the valid codes).
    """
    if isinstance(raw, enum_cls):
        return raw
    member = _lookup_table(enum_cls).get(normalise_key(str(raw)))
    if member is not None:
        return member  # type: ignore[return-value]
    valid = ", ".join(member.value for member in enum_cls)
    raise PydanticCustomError("unknown_code", N_("unknown code; expected one of: {expected}"),
                              {"expected": valid})


@cache
def _lookup_table(enum_cls: type[StrEnum]) -> dict[str, StrEnum]:
    table: dict[str, StrEnum] = {
        key: enum_cls(value) for key, value in _ALIASES.get(enum_cls, {}).items()
    }
    table.update({normalise_key(member.value): member for member in enum_cls})
    return table
