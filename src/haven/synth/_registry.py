"""`generate_registry`: a synthetic multi-agency, multi-country THB registry with ground truth.

The pipeline, each step in its own module and each drawing from its own seeded stream, so
that changing one parameter (say the duplicate rate) leaves the other draws alone:

1. `_attributes`: statistical attributes of every true victim, column-wise (NumPy);
2. `_people`: identities (names, birth, phone, document, aliases) and hard negatives;
3. `_victims`: the first registration of each person and deliberate duplicates elsewhere;
4. `_cases`, `_suspects`: cases per organisation, their routes, references and suspects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from haven.standard import (
    CaseCreate,
    OrganisationCreate,
    SuspectCreate,
    VictimCreate,
    validate_record,
)
from haven.synth._attributes import ORGANISATIONS, draw_attributes
from haven.synth._cases import CaseRow, group_cases
from haven.synth._people import HardNegative, draw_people
from haven.synth._suspects import SuspectRow, draw_suspects
from haven.synth._victims import plan_registrations, victim_rows

__all__ = [
    "HardNegative",
    "SyntheticCase",
    "SyntheticRegistry",
    "SyntheticSuspect",
    "SyntheticVictim",
    "generate_registry",
]


@dataclass(frozen=True)
class SyntheticVictim:
    """One victim record as an organisation registered it, with the true person behind it.

    Attributes:
        organisation_code: the registering organisation (`OrganisationCreate.code`).
        record: the record, valid against the standard.
        person_id: ground truth: records with the same id are the same person.
        noise: the kinds of noise in this record relative to the person's first record
            (see `NOISE_TYPES`); empty for a clean record.
    """

    organisation_code: str
    record: VictimCreate
    person_id: str
    noise: tuple[str, ...] = ()


@dataclass(frozen=True)
class SyntheticSuspect:
    """One suspect record; `person_id` is the ground truth, as for victims."""

    organisation_code: str
    record: SuspectCreate
    person_id: str
    noise: tuple[str, ...] = ()


@dataclass(frozen=True)
class SyntheticCase:
    """One case; its victims and suspects are records of the same organisation."""

    organisation_code: str
    record: CaseCreate


@dataclass(frozen=True)
class SyntheticRegistry:
    """Everything `generate_registry` made: organisations, records and the ground truth."""

    organisations: list[OrganisationCreate]
    victims: list[SyntheticVictim]
    suspects: list[SyntheticSuspect]
    cases: list[SyntheticCase]
    hard_negatives: list[HardNegative]
    seed: int


def _organisations() -> list[OrganisationCreate]:
    return [
        OrganisationCreate(name=o.name, country=o.country, type=o.type, code=o.code)
        for o in ORGANISATIONS
    ]


def _with_suspects(
    cases: list[CaseRow], suspects: list[SuspectRow], today: date
) -> list[SyntheticCase]:
    by_case: dict[str, list[str]] = {}
    for s in suspects:
        if s.case_id is not None:
            by_case.setdefault(s.case_id, []).append(s.record.external_id)
    out = []
    for case in cases:
        data = case.record.model_dump(mode="json")
        data["suspects"] = sorted(by_case.get(case.record.external_id, []))
        out.append(SyntheticCase(case.organisation_code,
                                 validate_record(CaseCreate, data, today=today)))
    return out


def generate_registry(
    persons: int = 2000,
    *,
    seed: int = 0,
    years: tuple[int, int] = (2017, 2018),
    duplicate_rate: float = 0.2,
    hard_negative_rate: float = 0.06,
) -> SyntheticRegistry:
    """Generate a reproducible synthetic registry of `persons` distinct victims.

    Args:
        persons: number of distinct (true) victims; the number of victim records is larger
            by the duplicates.
        seed: the same seed gives the same registry, byte for byte.
        years: first and last year of registration (inclusive).
        duplicate_rate: share of persons registered more than once (by another organisation,
            possibly in another country); 0.2 means about a fifth of persons have 2+ records.
        hard_negative_rate: share of persons made a sibling, twin or namesake of another.

    Returns:
        The registry, every record valid against `haven.standard`.

    Example:
        >>> reg = generate_registry(50, seed=1)
        >>> len({v.person_id for v in reg.victims})
        50
    """
    if persons < 1:
        raise ValueError("persons must be at least 1")
    if not 0 <= duplicate_rate <= 1 or not 0 <= hard_negative_rate <= 1:
        raise ValueError("rates must lie between 0 and 1")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    today = date.today()
    last_day = min(date(years[1], 12, 31), today)
    people, negatives = draw_people(
        streams[1], draw_attributes(streams[0], persons, years), hard_negative_rate
    )
    plan = plan_registrations(streams[2], people, duplicate_rate, last_day)
    victims = victim_rows(streams[3], people, plan, today)
    cases = group_cases(streams[4], victims, today)
    suspects = draw_suspects(streams[4], cases, today)
    return SyntheticRegistry(
        organisations=_organisations(),
        victims=[SyntheticVictim(v.organisation_code, v.record, v.person_id, v.noise)
                 for v in victims],
        suspects=[SyntheticSuspect(s.organisation_code, s.record, s.person_id, s.noise)
                  for s in suspects],
        cases=_with_suspects(cases, suspects, today),
        hard_negatives=negatives,
        seed=seed,
    )
