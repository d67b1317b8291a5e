"""Suspects of the synthetic cases, with names, roles and criminal-justice histories.

About 73 % of natural-person suspects are men and about 63 % are EU citizens, often nationals
of the country that registers them or compatriots of their victims. A few per cent are
companies used as fronts (more in labour cases). Some suspects are registered again by
another organisation, with the same noise as victims, so that linkage can be scored on them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from haven.standard import (
    EU27,
    IdentifyingData,
    JusticeEvent,
    JusticeStage,
    PersonKind,
    Sex,
    SuspectCreate,
    SuspectRole,
    validate_record,
)
from haven.synth._attributes import ORG_COUNTRIES, ORGANISATIONS
from haven.synth._cases import CaseRow
from haven.synth._identity import Identity, birth_date, draw_identity
from haven.synth._people import years_between
from haven.synth._render import render_identity

__all__ = ["SuspectRow", "draw_suspects"]

_ORGS = {o.code: o for o in ORGANISATIONS}
MALE_SHARE = 0.73
EU_SHARE = 0.63
_LEGAL_P = {"labour": 0.15}
_LEGAL_P_OTHER = 0.02
_DUPLICATE_P = 0.10
_EU_ORIGINS = ("RO", "BG", "HU", "PL", "NL", "DE", "IT", "ES", "BE", "PT")
_NON_EU_ORIGINS = ("NG", "AL", "MA", "CN", "VN", "UA", "MD", "RU", "BR", "ER")
_ROLES = {SuspectRole.RECRUITER: 0.35, SuspectRole.EXPLOITER: 0.25,
          SuspectRole.CONTROLLER: 0.20, SuspectRole.TRANSPORTER: 0.15,
          SuspectRole.FINANCIER: 0.05}
_COMPANY_WORDS = ("Agro", "Flex", "Euro", "Star", "Prima", "Nova", "Global", "Delta", "Top")
_COMPANY_KINDS = ("Staffing", "Services", "Logistics", "Construct", "Clean", "Beauty", "Food")
_COMPANY_FORMS = {"NL": "B.V.", "DE": "GmbH", "BE": "BV", "RO": "S.R.L.", "BG": "ЕООД",
                  "IT": "S.r.l.", "ES": "S.L."}


@dataclass(frozen=True)
class SuspectRow:
    organisation_code: str
    record: SuspectCreate
    person_id: str
    noise: tuple[str, ...]
    case_id: str | None  # the case of that organisation the suspect belongs to


@dataclass(frozen=True)
class _Truth:
    person_id: str
    identity: Identity | None  # None for a company
    company: tuple[str, str] | None  # (name, registration number)
    male: bool
    citizenship: str
    roles: tuple[SuspectRole, ...]


def _pick(rng: np.random.Generator, items: tuple[str, ...]) -> str:
    return items[int(rng.integers(len(items)))]


def _citizenship(rng: np.random.Generator, org_country: str, victim_citizenship: str) -> str:
    if rng.random() < EU_SHARE:
        if victim_citizenship in EU27 and rng.random() < 0.4:
            return victim_citizenship
        return org_country if rng.random() < 0.7 else _pick(rng, _EU_ORIGINS)
    if victim_citizenship and victim_citizenship not in EU27 and rng.random() < 0.7 and (
        victim_citizenship in _NON_EU_ORIGINS
    ):
        return victim_citizenship
    return _pick(rng, _NON_EU_ORIGINS)


def _roles(rng: np.random.Generator, first: bool) -> tuple[SuspectRole, ...]:
    keys = list(_ROLES)
    p = np.asarray(list(_ROLES.values()))
    roles = [SuspectRole.EXPLOITER] if first else [keys[int(rng.choice(len(keys), p=p))]]
    if rng.random() < 0.2:
        roles.append(keys[int(rng.choice(len(keys), p=p))])
    return tuple(dict.fromkeys(roles))


def _truth(
    rng: np.random.Generator, person_id: str, case: CaseRow, first: bool, opened: date
) -> _Truth:
    org = _ORGS[case.organisation_code]
    victim = case.victims[0]
    if first and rng.random() < _LEGAL_P.get(victim.form, _LEGAL_P_OTHER):
        name = (f"{_pick(rng, _COMPANY_WORDS)} {_pick(rng, _COMPANY_KINDS)} "
                f"{_COMPANY_FORMS[org.country]}")
        number = "".join(str(d) for d in rng.integers(0, 10, size=8))
        return _Truth(person_id, None, (name, number), False, org.country,
                      (SuspectRole.EXPLOITER,))
    citizenship = _citizenship(rng, org.country, victim.citizenship)
    male = rng.random() < MALE_SHARE
    identity = draw_identity(
        rng, origin=citizenship, female=not male,
        born=birth_date(rng, int(rng.integers(19, 63)), opened), eu=citizenship in EU27,
        sexual=False, local_country=org.country,
    )
    return _Truth(person_id, identity, None, male, citizenship, _roles(rng, first))


def _justice(rng: np.random.Generator, registered: date, today: date) -> list[JusticeEvent]:
    events = [JusticeEvent(stage=JusticeStage.SUSPECTED, on=registered)]
    if rng.random() >= 0.45:
        return events
    prosecuted = registered + timedelta(days=int(rng.integers(60, 400)))
    if prosecuted > today:
        return events
    events.append(JusticeEvent(stage=JusticeStage.PROSECUTED, on=prosecuted))
    verdict_on = prosecuted + timedelta(days=int(rng.integers(120, 600)))
    u = rng.random()
    if verdict_on <= today and u < 0.67:
        stage = JusticeStage.CONVICTED if u < 0.55 else JusticeStage.ACQUITTED
        events.append(JusticeEvent(stage=stage, on=verdict_on))
    return events


def _record(
    rng: np.random.Generator, truth: _Truth, org_code: str, external_id: str,
    registered: date, today: date, first: tuple[str, str] | None,
) -> tuple[SuspectCreate, tuple[str, str] | None, tuple[str, ...]]:
    data: dict[str, object] = {
        "external_id": external_id, "registered_on": registered, "roles": list(truth.roles),
        "justice": _justice(rng, registered, today),
    }
    if truth.identity is None:
        name, number = truth.company or ("", "")
        data |= {"person_kind": PersonKind.LEGAL, "citizenship": truth.citizenship,
                 "identifying": IdentifyingData(organisation_name=name,
                                                registration_number=number)}
        return validate_record(SuspectCreate, data, today=today), None, ()
    org = _ORGS[org_code]
    rendering = render_identity(
        rng, truth.identity, org_country=org.country, org_type=org.type,
        citizenship=truth.citizenship, registered_on=registered, first=first,
    )
    data |= {
        "person_kind": PersonKind.NATURAL,
        "sex": None if rendering.sex_missing else (Sex.MALE if truth.male else Sex.FEMALE),
        "age": years_between(truth.identity.date_of_birth, registered),
        "citizenship": None if rendering.citizenship_missing else truth.citizenship,
        "identifying": rendering.identifying.model_copy(update={"aliases": []}),
    }
    return validate_record(SuspectCreate, data, today=today), rendering.base_name, rendering.noise


def _suspect_count(rng: np.random.Generator, org_type: str) -> int:
    if org_type in ("police", "labour_inspectorate"):
        return int(rng.choice((1, 2, 3, 4, 5), p=(0.55, 0.28, 0.10, 0.04, 0.03)))
    return int(rng.random() < 0.4)


def _copy_organisation(rng: np.random.Generator, org_code: str) -> str:
    """Police elsewhere (cross-border investigation) or another agency at home."""
    here = _ORGS[org_code].country
    if rng.random() < 0.5:
        country = _pick(rng, tuple(c for c in ORG_COUNTRIES if c != here))
        return f"{country.lower()}-police"
    others = tuple(o.code for o in ORGANISATIONS if o.country == here and o.code != org_code
                   and o.type in ("police", "labour_inspectorate", "ngo"))
    return _pick(rng, others) if others else f"{here.lower()}-police"


@dataclass(frozen=True)
class _Planned:
    truth: _Truth
    organisation: str
    registered_on: date
    case_id: str | None
    copy: int


def draw_suspects(
    rng: np.random.Generator, cases: list[CaseRow], today: date
) -> list[SuspectRow]:
    """Suspects for every case, plus re-registrations of some of them elsewhere."""
    planned: list[_Planned] = []
    for case in cases:
        org = _ORGS[case.organisation_code]
        opened = case.record.opened_on
        for k in range(_suspect_count(rng, org.type)):
            truth = _truth(rng, f"S{len(planned) + 1:06d}", case, k == 0, opened)
            registered = opened + timedelta(days=int(rng.integers(0, 30)))
            planned.append(_Planned(truth, case.organisation_code, registered,
                                    case.record.external_id, 0))
    for first in list(planned):
        if first.truth.identity is not None and rng.random() < _DUPLICATE_P:
            later = first.registered_on + timedelta(days=int(rng.integers(10, 400)))
            planned.append(_Planned(first.truth, _copy_organisation(rng, first.organisation),
                                    min(later, today), None, 1))
    return _rows(rng, planned, today)


def _order(planned: list[_Planned]) -> list[int]:
    return sorted(range(len(planned)),
                  key=lambda k: (planned[k].organisation, planned[k].registered_on, k))


def _rows(rng: np.random.Generator, planned: list[_Planned], today: date) -> list[SuspectRow]:
    seq: dict[str, int] = defaultdict(int)
    ids: dict[int, str] = {}
    for k in _order(planned):  # ids per organisation in order of registration
        p = planned[k]
        seq[p.organisation] += 1
        ids[k] = f"{p.organisation.upper()}-S-{p.registered_on.year}-{seq[p.organisation]:05d}"
    first_names: dict[str, tuple[str, str] | None] = {}
    rows: dict[int, SuspectRow] = {}
    for k in sorted(range(len(planned)), key=lambda k: planned[k].copy):
        p = planned[k]
        record, name, noise = _record(rng, p.truth, p.organisation, ids[k], p.registered_on,
                                      today, first_names.get(p.truth.person_id))
        first_names.setdefault(p.truth.person_id, name)
        rows[k] = SuspectRow(p.organisation, record, p.truth.person_id, noise, p.case_id)
    return [rows[k] for k in _order(planned)]
