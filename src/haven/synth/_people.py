"""The true victims behind a synthetic registry, and the hard negatives among them.

Hard negatives are different persons who look alike on paper and must not be merged by
linkage: siblings (same family name and origin, other given name, born a few years apart),
twins (same family name and date of birth, other given name) and namesakes (same common
names, other date of birth). Siblings and twins are often registered together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from haven.standard import EU27, ExploitationForm, IdentificationStatus
from haven.synth._attributes import (
    CITIZENSHIPS,
    EXPLOITATION_COUNTRIES,
    FORMS,
    ORG_CODES,
    ORG_COUNTRIES,
    STATUSES,
    Attributes,
)
from haven.synth._identity import (
    NAME_ORIGINS_FOR_UNKNOWN,
    Identity,
    birth_date,
    common_name,
    draw_identity,
    relative_of,
)
from haven.synth._profile import Profile, draw_profile

__all__ = ["HARD_NEGATIVE_KINDS", "HardNegative", "Person", "draw_people", "years_between"]

HARD_NEGATIVE_KINDS: dict[str, float] = {"sibling": 0.45, "twin": 0.15, "namesake": 0.40}
_TOGETHER_P = 0.5  # siblings and twins registered by the same organisation, days apart


@dataclass(frozen=True)
class HardNegative:
    """Two different persons that look alike; linkage must keep them apart."""

    kind: str
    person_ids: tuple[str, str]
    same_organisation: bool


@dataclass(frozen=True)
class Person:
    """One true victim: what every registration of this person starts from."""

    person_id: str
    identity: Identity
    citizenship: str
    form: ExploitationForm
    status: IdentificationStatus
    age: int
    registered_on: date
    organisation: str
    registering_country: str
    exploitation_country: str
    profile: Profile

    @property
    def female(self) -> bool:
        return self.identity.female


def years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _person(rng: np.random.Generator, attrs: Attributes, i: int) -> Person:
    citizenship = CITIZENSHIPS[int(attrs.citizenship[i])]
    form = FORMS[int(attrs.form[i])]
    female = bool(attrs.sex_female[i])
    age = int(attrs.age[i])
    registered_on = date.fromordinal(int(attrs.registered_on[i]))
    country = ORG_COUNTRIES[int(attrs.registering_country[i])]
    exploited_in = EXPLOITATION_COUNTRIES[int(attrs.exploitation_country[i])]
    origin = citizenship
    if citizenship in ("UNK", "STLS"):
        origin = NAME_ORIGINS_FOR_UNKNOWN[int(rng.integers(len(NAME_ORIGINS_FOR_UNKNOWN)))]
    identity = draw_identity(
        rng, origin=origin, female=female, born=birth_date(rng, age, registered_on),
        eu=citizenship in EU27, sexual=form is ExploitationForm.SEXUAL,
        local_country=exploited_in, documented=citizenship not in ("UNK", "STLS"),
    )
    return Person(
        person_id=f"P{i + 1:06d}",
        identity=identity,
        citizenship=citizenship,
        form=form,
        status=STATUSES[int(attrs.status[i])],
        age=age,
        registered_on=registered_on,
        organisation=ORG_CODES[int(attrs.organisation[i])],
        registering_country=country,
        exploitation_country=exploited_in,
        profile=draw_profile(rng, form=form, age=age, female=female, citizenship=citizenship,
                             registering_country=country),
    )


def _related_birth(rng: np.random.Generator, kind: str, first: Person, other: Person) -> date:
    born = first.identity.date_of_birth
    if kind == "twin":
        return born
    if kind == "sibling":
        gap = timedelta(days=int(rng.integers(400, 6 * 365)))
        later = born + gap
        return later if later <= other.registered_on else born - gap
    own = other.identity.date_of_birth
    if abs((own - born).days) < 60:  # namesakes are born on clearly different days
        return own - timedelta(days=400)
    return own


def _make_relative(rng: np.random.Generator, kind: str, first: Person, other: Person) -> Person:
    together = kind != "namesake" and rng.random() < _TOGETHER_P
    if together:
        other = replace(
            other, organisation=first.organisation,
            registering_country=first.registering_country,
            exploitation_country=first.exploitation_country,
            registered_on=first.registered_on + timedelta(days=int(rng.integers(0, 4))),
        )
    born = _related_birth(rng, kind, first, other)
    female = first.female if kind == "namesake" else other.female
    identity = relative_of(
        rng, first.identity, female=female, born=born, kind=kind,
        eu=other.citizenship in EU27, local_country=other.exploitation_country,
    )
    return replace(other, identity=identity, age=years_between(born, other.registered_on))


def _pairs(
    rng: np.random.Generator, people: list[Person], rate: float
) -> list[tuple[str, int, int]]:
    """Choose (kind, first, other) index pairs among persons of the same origin."""
    groups: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
    for i, p in enumerate(people):
        groups[(p.citizenship, p.identity.origin, p.female)].append(i)
    kinds = list(HARD_NEGATIVE_KINDS)
    weights = np.asarray(list(HARD_NEGATIVE_KINDS.values()))
    used: set[int] = set()
    pairs = []
    for other in rng.permutation(len(people))[: round(rate * len(people))]:
        other = int(other)
        kind = kinds[int(rng.choice(len(kinds), p=weights))]
        key = (people[other].citizenship, people[other].identity.origin, people[other].female)
        candidates = [i for i in groups[key] if i != other and i not in used]
        if other in used or not candidates:
            continue
        first = candidates[int(rng.integers(len(candidates)))]
        used.update((first, other))
        pairs.append((kind, first, other))
    return pairs


def draw_people(
    rng: np.random.Generator, attrs: Attributes, hard_negative_rate: float
) -> tuple[list[Person], list[HardNegative]]:
    """Build every true person, then turn some into relatives or namesakes of others."""
    people = [_person(rng, attrs, i) for i in range(attrs.age.shape[0])]
    negatives = []
    for kind, first, other in _pairs(rng, people, hard_negative_rate):
        if kind == "namesake":
            # Namesakes are a problem with the names everybody has: Maria Popescu, Mohamed.
            people[first] = replace(people[first],
                                    identity=common_name(rng, people[first].identity))
        people[other] = _make_relative(rng, kind, people[first], people[other])
        negatives.append(HardNegative(
            kind, (people[first].person_id, people[other].person_id),
            people[first].organisation == people[other].organisation,
        ))
    return people, negatives
