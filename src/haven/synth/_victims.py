"""Registrations of the true victims: the first one, and deliberate duplicates elsewhere.

A duplicate is a later registration of the same person by another organisation: the NGO after
the police, the labour inspectorate after a raid, the home country's services after return.
Its statistical attributes agree with the person's (sex and citizenship may be missing); its
identifying data is written afresh by `_render.py`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from haven.standard import (
    Sex,
    VictimCreate,
    Vulnerability,
    age_from_date_of_birth,
    validate_record,
)
from haven.synth._attributes import ORG_COUNTRIES, ORGANISATIONS, STATUSES, Organisation
from haven.synth._people import Person, years_between
from haven.synth._render import render_identity

__all__ = ["Registration", "VictimRow", "plan_registrations", "victim_rows"]

_EXTRA_COPIES = (1, 2, 3)
_EXTRA_COPIES_P = (0.80, 0.15, 0.05)
_STATUS_P = (0.637, 0.280, 0.083)
_ORGS = {o.code: o for o in ORGANISATIONS}


@dataclass(frozen=True)
class Registration:
    person: int  # index into the people list
    organisation: str
    registered_on: date
    copy: int  # 0 for the first registration


@dataclass(frozen=True)
class VictimRow:
    organisation_code: str
    record: VictimCreate
    person_id: str
    noise: tuple[str, ...]


def _form_class(person: Person) -> int:
    return {"sexual": 0, "labour": 1}.get(person.form.value, 2)


def _org_in(
    rng: np.random.Generator, country: str, person: Person, exclude: set[str]
) -> str | None:
    candidates: list[Organisation] = [
        o for o in ORGANISATIONS if o.country == country and o.code not in exclude
    ]
    weights = np.asarray([o.weights[_form_class(person)] + (o.child_weight if person.age < 18
                          else 0.0) for o in candidates])
    if not candidates or weights.sum() == 0:
        return None
    return candidates[int(rng.choice(len(candidates), p=weights / weights.sum()))].code


def _next_organisation(rng: np.random.Generator, person: Person, seen: set[str]) -> str:
    """Where the same person turns up next: same country, another country, or an inspection."""
    here = _ORGS[person.organisation].country
    abroad = [c for c in (person.citizenship, person.exploitation_country)
              if c in ORG_COUNTRIES and c != here]
    if not abroad and rng.random() < 0.3:
        abroad = [c for c in ORG_COUNTRIES if c != here]
    u = rng.random()
    if abroad and u < 0.35:
        country = abroad[int(rng.integers(len(abroad)))]
    elif person.form.value == "labour" and u < 0.5:
        inspectorates = [o.code for o in ORGANISATIONS if o.type == "labour_inspectorate"
                         and o.country == here and o.code not in seen]
        if inspectorates:
            return inspectorates[0]
        country = here
    else:
        country = here
    found = _org_in(rng, country, person, seen) or _org_in(rng, here, person, seen)
    return found or _org_in(rng, here, person, set()) or person.organisation


def _later_day(rng: np.random.Generator, day: date, last_day: date) -> date:
    """A later registration: typically weeks to months after the previous one."""
    later = day + timedelta(days=int(rng.geometric(1 / 90)))
    if later <= last_day:
        return later
    if day >= last_day:
        # A relative registered together with a person can land a few days past the period
        # (see `_make_relative`); its copies are registered the same day, not before it.
        return day
    # Near the end of the period the copy falls somewhere in the days that remain.
    return day + timedelta(days=int(rng.integers(0, (last_day - day).days + 1)))


def plan_registrations(
    rng: np.random.Generator, people: list[Person], duplicate_rate: float, last_day: date
) -> list[Registration]:
    """The first registration of every person plus the copies of a `duplicate_rate` share."""
    plan = [Registration(i, p.organisation, p.registered_on, 0) for i, p in enumerate(people)]
    chosen = rng.random(len(people)) < duplicate_rate
    for i in np.flatnonzero(chosen):
        person = people[int(i)]
        extra = int(rng.choice(_EXTRA_COPIES, p=_EXTRA_COPIES_P))
        seen, day = {person.organisation}, person.registered_on
        for copy in range(1, extra + 1):
            org = _next_organisation(rng, person, seen)
            seen.add(org)
            day = _later_day(rng, day, last_day)
            plan.append(Registration(int(i), org, day, copy))
    return plan


def _age_fields(person: Person, dob: str | None, on: date) -> tuple[int, bool]:
    """Age at this registration as the schema will derive it, and whether to give it."""
    if dob is None:
        return years_between(person.identity.date_of_birth, on), True
    return age_from_date_of_birth(dob, on)[0], False


def _keep(rng: np.random.Generator, items: tuple[object, ...], share: float) -> list[object]:
    return [item for item in items if rng.random() < share]


def _record(
    rng: np.random.Generator, person: Person, reg: Registration, external_id: str,
    first_name: tuple[str, str] | None, today: date,
) -> tuple[VictimCreate, tuple[str, str], tuple[str, ...]]:
    org = _ORGS[reg.organisation]
    rendering = render_identity(
        rng, person.identity, org_country=org.country, org_type=org.type,
        citizenship=person.citizenship, registered_on=reg.registered_on, first=first_name,
    )
    age, give_age = _age_fields(person, rendering.identifying.date_of_birth, reg.registered_on)
    profile, copy = person.profile, reg.copy > 0
    vulnerabilities = list(_keep(rng, profile.vulnerabilities, 0.8 if copy else 1.0))
    if age >= 18 and Vulnerability.UNACCOMPANIED_MINOR in vulnerabilities:
        vulnerabilities.remove(Vulnerability.UNACCOMPANIED_MINOR)
    status = person.status if not copy else STATUSES[int(rng.choice(3, p=_STATUS_P))]
    data = {
        "external_id": external_id,
        "identification_status": status,
        "sex": Sex.UNKNOWN if rendering.sex_missing else
        (Sex.FEMALE if person.female else Sex.MALE),
        "age_at_registration": age if give_age else None,
        "citizenships": [] if rendering.citizenship_missing else [person.citizenship],
        "country_of_exploitation": person.exploitation_country,
        "exploitation": list(profile.exploitation[:1] if copy else profile.exploitation),
        "means_of_control": _keep(rng, profile.means_of_control, 0.7 if copy else 1.0),
        "recruitment": profile.recruitment if not copy or rng.random() < 0.8 else None,
        "vulnerabilities": vulnerabilities,
        "registered_on": reg.registered_on,
        "identifying": rendering.identifying,
    }
    record = validate_record(VictimCreate, data, today=today)
    return record, rendering.base_name, rendering.noise


def _external_ids(plan: list[Registration]) -> list[str]:
    """Ids per organisation in order of registration: NL-POLICE-V-2017-00042."""
    order = sorted(range(len(plan)), key=lambda k: (plan[k].organisation,
                                                   plan[k].registered_on, k))
    counters: dict[str, int] = defaultdict(int)
    ids = [""] * len(plan)
    for k in order:
        reg = plan[k]
        counters[reg.organisation] += 1
        ids[k] = (f"{reg.organisation.upper()}-V-{reg.registered_on.year}-"
                  f"{counters[reg.organisation]:05d}")
    return ids


def victim_rows(
    rng: np.random.Generator, people: list[Person], plan: list[Registration], today: date
) -> list[VictimRow]:
    """Validated victim records for a plan, sorted by organisation and registration."""
    ids = _external_ids(plan)
    first_names: dict[int, tuple[str, str]] = {}
    rows: list[tuple[tuple[str, date, str], VictimRow]] = []
    for k, reg in enumerate(plan):  # first registrations come first in the plan
        person = people[reg.person]
        record, name, noise = _record(rng, person, reg, ids[k], first_names.get(reg.person),
                                      today)
        first_names.setdefault(reg.person, name)
        row = VictimRow(reg.organisation, record, person.person_id, noise)
        rows.append(((reg.organisation, reg.registered_on, ids[k]), row))
    rows.sort(key=lambda item: item[0])
    return [row for _, row in rows]

