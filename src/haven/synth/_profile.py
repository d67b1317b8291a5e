"""Per-victim details beyond the headline figures: sector, means of control, recruitment,
vulnerabilities.

Frequencies are plausible rather than official: the strategy gives none, so they follow the
patterns CTDC and the Commission's reports describe (lover-boy recruitment and intimate
partners in sexual exploitation, agencies and job offers in labour exploitation, online
recruitment on social media and messengers, debt and withheld documents in labour cases).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from haven.standard import EU27, Exploitation, Recruitment
from haven.standard import ExploitationForm as F
from haven.standard import IsicSection as S
from haven.standard import MeansOfControl as M
from haven.standard import OnlinePlatform as P
from haven.standard import RecruiterRelation as R
from haven.standard import RecruitmentMethod as RM
from haven.standard import Vulnerability as V

__all__ = ["SECTOR_SHARES", "Profile", "draw_profile"]

K = TypeVar("K")

SECTOR_SHARES = {S.A: 0.25, S.F: 0.18, S.C: 0.14, S.I: 0.14, S.S: 0.08, S.N: 0.08, S.T: 0.06,
                 S.H: 0.04, S.G: 0.03}
_SECOND_FORM = {F.SEXUAL: F.FORCED_CRIMINALITY, F.LABOUR: F.DOMESTIC_SERVITUDE,
                F.FORCED_BEGGING: F.FORCED_CRIMINALITY, F.FORCED_MARRIAGE: F.SEXUAL,
                F.DOMESTIC_SERVITUDE: F.SEXUAL}
_SECOND_FORM_P = 0.05

_CONTROL_ANY = {M.THREATS: 0.40, M.PSYCHOLOGICAL_ABUSE: 0.45, M.PHYSICAL_ABUSE: 0.30,
                M.TAKES_EARNINGS: 0.45, M.FALSE_PROMISES: 0.50, M.RESTRICTS_MOVEMENT: 0.30,
                M.DEBT_BONDAGE: 0.30, M.WITHHOLDS_DOCUMENTS: 0.20,
                M.RESTRICTS_FINANCIAL_ACCESS: 0.15, M.WITHHOLDS_NECESSITIES: 0.08,
                M.RESTRICTS_MEDICAL_CARE: 0.05}
_CONTROL_BY_FORM: dict[F, dict[M, float]] = {
    F.SEXUAL: {M.SEXUAL_ABUSE: 0.25, M.PSYCHOACTIVE_SUBSTANCES: 0.10},
    F.LABOUR: {M.DEBT_BONDAGE: 0.50, M.WITHHOLDS_DOCUMENTS: 0.40,
               M.EXCESSIVE_WORKING_HOURS: 0.50, M.WITHHOLDS_NECESSITIES: 0.15},
    F.DOMESTIC_SERVITUDE: {M.EXCESSIVE_WORKING_HOURS: 0.50, M.WITHHOLDS_DOCUMENTS: 0.40},
    F.FORCED_CRIMINALITY: {M.USES_CHILDREN: 0.10, M.THREAT_OF_LAW_ENFORCEMENT: 0.30},
}
_CONTROL_UNKNOWN = 0.15  # no means of control recorded at all

_METHODS: dict[str, dict[RM, float]] = {
    "sexual": {RM.LOVERBOY: 0.22, RM.PERSONAL_CONTACT: 0.18, RM.JOB_OFFER: 0.15,
               RM.ONLINE_SOCIAL_MEDIA: 0.12, RM.ONLINE_DATING: 0.06, RM.ONLINE_ADVERT: 0.05,
               RM.ONLINE_MESSAGING: 0.04, RM.SOLD_BY_FAMILY: 0.02, RM.ABDUCTION: 0.01,
               RM.UNKNOWN: 0.15},
    "labour": {RM.JOB_OFFER: 0.30, RM.RECRUITMENT_AGENCY: 0.25, RM.PERSONAL_CONTACT: 0.15,
               RM.ONLINE_ADVERT: 0.12, RM.ONLINE_SOCIAL_MEDIA: 0.05, RM.UNKNOWN: 0.13},
    "other": {RM.PERSONAL_CONTACT: 0.30, RM.SOLD_BY_FAMILY: 0.10, RM.JOB_OFFER: 0.15,
              RM.ONLINE_SOCIAL_MEDIA: 0.08, RM.ONLINE_MESSAGING: 0.05, RM.ABDUCTION: 0.02,
              RM.OTHER: 0.05, RM.UNKNOWN: 0.25},
}
# The method largely fixes the recruiter's relation; the rest is drawn.
_RELATION_OF_METHOD = {RM.LOVERBOY: R.INTIMATE_PARTNER, RM.RECRUITMENT_AGENCY: R.AGENCY,
                       RM.SOLD_BY_FAMILY: R.FAMILY, RM.ABDUCTION: R.STRANGER}
_RELATIONS = {R.FRIEND: 0.25, R.FAMILY: 0.10, R.EMPLOYER: 0.15, R.AGENCY: 0.05,
              R.STRANGER: 0.15, R.INTIMATE_PARTNER: 0.08, R.OTHER: 0.05, R.UNKNOWN: 0.17}
_PLATFORMS: dict[RM, dict[P, float]] = {
    RM.ONLINE_SOCIAL_MEDIA: {P.FACEBOOK: 0.45, P.INSTAGRAM: 0.25, P.TIKTOK: 0.15,
                             P.SNAPCHAT: 0.10, P.VK: 0.05},
    RM.ONLINE_DATING: {P.DATING_APP: 0.80, P.INSTAGRAM: 0.10, P.OTHER: 0.10},
    RM.ONLINE_ADVERT: {P.CLASSIFIEDS_SITE: 0.40, P.JOB_PORTAL: 0.35, P.ESCORT_SITE: 0.10,
                       P.FACEBOOK: 0.15},
    RM.ONLINE_MESSAGING: {P.WHATSAPP: 0.45, P.TELEGRAM: 0.30, P.SIGNAL: 0.05,
                          P.SNAPCHAT: 0.10, P.OTHER: 0.10},
}
_PLATFORM_MISSING = 0.15
_RECRUITMENT_MISSING = 0.10


@dataclass(frozen=True)
class Profile:
    exploitation: tuple[Exploitation, ...]
    means_of_control: tuple[M, ...]
    recruitment: Recruitment | None
    vulnerabilities: tuple[V, ...]


def _pick(rng: np.random.Generator, weights: Mapping[K, float]) -> K:
    """One key, chosen with probability proportional to its weight."""
    u = rng.random() * sum(weights.values())
    for key, weight in weights.items():
        u -= weight
        if u < 0:
            return key
    return next(reversed(list(weights)))


def _exploitation(rng: np.random.Generator, form: F) -> tuple[Exploitation, ...]:
    sector = None
    if form is F.LABOUR:
        sector = _pick(rng, SECTOR_SHARES)
    elif form is F.DOMESTIC_SERVITUDE and rng.random() < 0.8:
        sector = S.T
    first = Exploitation(form=form, sector=sector)
    second = _SECOND_FORM.get(form)
    if second is not None and rng.random() < _SECOND_FORM_P:
        return (first, Exploitation(form=second))
    return (first,)


def _means_of_control(rng: np.random.Generator, form: F, foreign: bool) -> tuple[M, ...]:
    if rng.random() < _CONTROL_UNKNOWN:
        return ()
    chances = {**_CONTROL_ANY, **_CONTROL_BY_FORM.get(form, {})}
    if foreign:
        chances[M.THREAT_OF_LAW_ENFORCEMENT] = max(chances.get(M.THREAT_OF_LAW_ENFORCEMENT, 0), 0.2)
    draws = rng.random(len(chances))
    return tuple(m for m, u in zip(chances, draws, strict=True) if u < chances[m])


def _recruitment(rng: np.random.Generator, form: F) -> Recruitment | None:
    if rng.random() < _RECRUITMENT_MISSING:
        return None
    kind = form.value if form in (F.SEXUAL, F.LABOUR) else "other"
    method = _pick(rng, _METHODS[kind])
    relation = _RELATION_OF_METHOD.get(method) or _pick(rng, _RELATIONS)
    platform = None
    if method in _PLATFORMS and rng.random() >= _PLATFORM_MISSING:
        platform = _pick(rng, _PLATFORMS[method])
    return Recruitment(method=method, platform=platform, relation=relation)


def _vulnerabilities(
    rng: np.random.Generator, *, age: int, female: bool, citizenship: str, foreign: bool
) -> tuple[V, ...]:
    eu = citizenship in EU27
    chances = {
        V.POVERTY: 0.30, V.DEBT: 0.15, V.DOMESTIC_VIOLENCE: 0.08, V.SUBSTANCE_DEPENDENCE: 0.06,
        V.MENTAL_HEALTH: 0.07, V.INTELLECTUAL_DISABILITY: 0.03, V.PHYSICAL_DISABILITY: 0.01,
        V.HOMELESSNESS: 0.06, V.LGBTIQ: 0.02,
        V.IRREGULAR_MIGRATION_STATUS: 0.0 if eu else 0.35,
        V.ASYLUM_SEEKER: 0.0 if eu else 0.15,
        V.LANGUAGE_BARRIER: 0.35 if foreign else 0.0,
        V.ETHNIC_MINORITY: 0.20 if citizenship in ("RO", "BG", "HU") else 0.03,
        V.CARE_LEAVER: 0.10 if age <= 21 else 0.0,
        V.PREGNANCY: 0.03 if female and 16 <= age <= 45 else 0.0,
        # Only children can be unaccompanied minors; most are migrant children.
        V.UNACCOMPANIED_MINOR: (0.10 if eu else 0.40) if foreign and age < 18 else 0.0,
    }
    draws = rng.random(len(chances))
    return tuple(v for v, u in zip(chances, draws, strict=True) if u < chances[v])


def draw_profile(
    rng: np.random.Generator, *, form: F, age: int, female: bool, citizenship: str,
    registering_country: str,
) -> Profile:
    """Draw one victim's details given the attributes `draw_attributes` fixed."""
    foreign = citizenship != registering_country
    return Profile(
        exploitation=_exploitation(rng, form),
        means_of_control=_means_of_control(rng, form, foreign),
        recruitment=_recruitment(rng, form),
        vulnerabilities=_vulnerabilities(
            rng, age=age, female=female, citizenship=citizenship, foreign=foreign
        ),
    )
