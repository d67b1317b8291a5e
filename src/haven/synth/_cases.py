"""Cases and suspects: victims of one organisation grouped with their traffickers.

Victims exploited in the same way, in the same country, from the same origin and registered
close together are grouped into one case, as an investigation would find them. Each case
follows the route (recruitment in the country of origin, sometimes transit, exploitation) and
may cite another agency's file number. Suspects are almost three quarters men and mostly EU
citizens, as the strategy reports; some are companies used as fronts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from haven.standard import (
    EU27,
    CaseCreate,
    ExternalReference,
    RouteEvent,
    validate_record,
)
from haven.synth._attributes import ORGANISATIONS
from haven.synth._names import CITIES, TRANSIT
from haven.synth._victims import VictimRow

__all__ = ["CaseRow", "CaseVictim", "group_cases"]

_ORGS = {o.code: o for o in ORGANISATIONS}
_INVESTIGATING = {"police", "labour_inspectorate", "border_guard", "prosecution"}
_CASE_SIZES = {  # (sizes, probabilities) per form of exploitation
    "sexual": ((1, 2, 3, 4, 5, 6), (0.50, 0.25, 0.10, 0.07, 0.05, 0.03)),
    "labour": ((1, 2, 3, 4, 6, 8, 12), (0.30, 0.15, 0.15, 0.10, 0.12, 0.10, 0.08)),
}
_OTHER_SIZES = ((1, 2, 3), (0.6, 0.3, 0.1))


@dataclass(frozen=True)
class CaseVictim:
    """What grouping needs to know about a victim record."""

    external_id: str
    form: str
    country: str
    citizenship: str
    registered_on: date


@dataclass(frozen=True)
class CaseRow:
    organisation_code: str
    record: CaseCreate
    victims: tuple[CaseVictim, ...]


def _case_victim(row: VictimRow) -> CaseVictim:
    rec = row.record
    return CaseVictim(
        external_id=rec.external_id,
        form=rec.exploitation[0].form.value if rec.exploitation else "other",
        country=rec.country_of_exploitation or "",
        citizenship=rec.citizenships[0] if rec.citizenships else "",
        registered_on=rec.registered_on,
    )


def _chunks(rng: np.random.Generator, members: list[CaseVictim]) -> list[list[CaseVictim]]:
    chunks: list[list[CaseVictim]] = []
    i = 0
    while i < len(members):
        sizes, p = _CASE_SIZES.get(members[i].form, _OTHER_SIZES)
        size = int(rng.choice(sizes, p=p))
        chunk = [members[i]]
        for member in members[i + 1 : i + size]:
            same = (member.form, member.country, member.citizenship) == (
                chunk[0].form, chunk[0].country, chunk[0].citizenship)
            if not same or (member.registered_on - chunk[0].registered_on).days > 120:
                break
            chunk.append(member)
        chunks.append(chunk)
        i += len(chunk)
    return chunks


def _city(rng: np.random.Generator, country: str) -> str | None:
    cities = CITIES.get(country)
    return cities[int(rng.integers(len(cities)))] if cities else None


def _route(rng: np.random.Generator, victim: CaseVictim, opened: date) -> list[RouteEvent]:
    exploited_on = opened - timedelta(days=int(rng.integers(0, 180)))
    recruited_on = exploited_on - timedelta(days=int(rng.integers(14, 540)))
    events = []
    origin = victim.citizenship if len(victim.citizenship) == 2 else ""
    if origin:
        events.append(RouteEvent(kind="recruitment", country=origin, place=_city(rng, origin),
                                 on=recruited_on))
    transit = [c for c in TRANSIT.get(origin, ()) if c != victim.country]
    if origin and origin != victim.country and transit and rng.random() < 0.4:
        middle = recruited_on + (exploited_on - recruited_on) / 2
        country = transit[int(rng.integers(len(transit)))]
        events.append(RouteEvent(kind="transit", country=country, place=_city(rng, country),
                                 on=middle))
    if victim.country:
        events.append(RouteEvent(kind="exploitation", country=victim.country,
                                 place=_city(rng, victim.country), on=exploited_on))
    return events


def _references(
    rng: np.random.Generator, org_code: str, victim: CaseVictim, opened: date
) -> list[ExternalReference]:
    org = _ORGS[org_code]
    number = int(rng.integers(1, 99_999))
    refs = []
    if org.type in _INVESTIGATING and rng.random() < 0.3:
        refs.append(ExternalReference(system="prosecution", country=org.country,
                                      reference=f"PR-{opened.year}-{number:05d}"))
    elif org.type not in _INVESTIGATING and rng.random() < 0.5:
        refs.append(ExternalReference(system="police", country=org.country,
                                      reference=f"PV/{opened.year}/{number:06d}"))
    cross_border = victim.citizenship != org.country and victim.citizenship in EU27
    if cross_border and rng.random() < 0.25:
        refs.append(ExternalReference(system="europol",
                                      reference=f"EP-{opened.year}-{number * 7 % 999_999:06d}"))
    return refs


def group_cases(
    rng: np.random.Generator, victims: list[VictimRow], today: date
) -> list[CaseRow]:
    """Group victim records of each organisation into validated cases (without suspects)."""
    by_org: dict[str, list[CaseVictim]] = defaultdict(list)
    for row in victims:
        investigating = _ORGS[row.organisation_code].type in _INVESTIGATING
        if investigating or rng.random() < 0.5:
            by_org[row.organisation_code].append(_case_victim(row))
    cases = []
    for org_code in sorted(by_org):
        members = sorted(by_org[org_code], key=lambda v: (
            v.form, v.country, v.citizenship, v.registered_on, v.external_id))
        chunks = sorted(_chunks(rng, members), key=lambda c: (c[0].registered_on,
                                                               c[0].external_id))
        for seq, chunk in enumerate(chunks, start=1):
            opened = min(v.registered_on for v in chunk)
            data = {
                "external_id": f"{org_code.upper()}-C-{opened.year}-{seq:04d}",
                "opened_on": opened,
                "victims": [v.external_id for v in chunk],
                "route": _route(rng, chunk[0], opened),
                "references": _references(rng, org_code, chunk[0], opened),
            }
            record = validate_record(CaseCreate, data, today=today)
            cases.append(CaseRow(org_code, record, tuple(chunk)))
    return cases
