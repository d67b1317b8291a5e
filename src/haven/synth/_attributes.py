"""The statistical attributes of synthetic victims, drawn column-wise with NumPy.

One draw serves both the registry generator (a few thousand persons with names) and the
benchmark table (millions of rows without names), so that both follow the same proportions.
The proportions are the EU strategy's figures for 2017-2018, EU-27 (COM(2021) 171 and the
Commission's data collection COM(2020) 661):

* 63.7 % identified and 36.3 % presumed victims;
* about 60 % sexual and 15 % labour exploitation, the rest spread over the other forms;
* 72 % women and girls overall, 92 % of victims of sexual exploitation, 78 % of children;
* almost a quarter children, of whom 60 % sexually exploited and 75 % EU citizens;
* about half EU citizens, many of them exploited in their own country.

Conditional tables are built so that those marginals hold by construction: the form of
exploitation depends on the age group only, sex on the form and age group, citizenship on the
age group, the registering country on the citizenship.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from haven.standard import ExploitationForm as F
from haven.standard import IdentificationStatus

__all__ = [
    "CHILD_SHARE",
    "CITIZENSHIPS",
    "FORMS",
    "ORG_COUNTRIES",
    "STATUSES",
    "Attributes",
    "conditional_choice",
    "draw_attributes",
]

IntArray = npt.NDArray[np.int64]

CHILD_SHARE = 0.23

STATUSES: tuple[IdentificationStatus, ...] = (
    IdentificationStatus.IDENTIFIED,
    IdentificationStatus.PRESUMED,
    IdentificationStatus.REASONABLE_GROUNDS,
)
_STATUS_P = (0.637, 0.280, 0.083)  # presumed + reasonable grounds = 36.3 %

FORMS: tuple[F, ...] = (
    F.SEXUAL, F.LABOUR, F.DOMESTIC_SERVITUDE, F.FORCED_CRIMINALITY, F.FORCED_BEGGING,
    F.FORCED_MARRIAGE, F.ORGAN_REMOVAL, F.ILLEGAL_ADOPTION, F.SURROGACY, F.OTHER,
)
_FORM_ALL = (0.600, 0.150, 0.060, 0.080, 0.050, 0.010, 0.003, 0.002, 0.001, 0.044)
# Children: as often sexually exploited, less often in labour, more in crime and begging.
_FORM_CHILD = (0.600, 0.060, 0.050, 0.120, 0.100, 0.025, 0.001, 0.008, 0.000, 0.036)
_FEMALE_SEXUAL = 0.92
_FEMALE_CHILD = 0.78
_FEMALE_ALL = 0.72
# Relative female shares of the non-sexual forms before calibration to the targets above.
_FEMALE_BASE = (0.0, 0.30, 0.80, 0.40, 0.50, 0.95, 0.30, 0.50, 0.99, 0.45)

# Citizenship of victims (ISO alpha-2, UNK unknown, STLS stateless); EU citizens 49 %.
_EU_SHARES = {"RO": 0.19, "BG": 0.08, "NL": 0.08, "HU": 0.06, "PL": 0.05, "PT": 0.03}
_NON_EU_SHARES = {"NG": 0.13, "UA": 0.05, "MD": 0.03, "RU": 0.02, "VN": 0.05, "AL": 0.04,
                  "MA": 0.05, "CN": 0.045, "BR": 0.03, "ER": 0.045}
_OTHER_SHARES = {"UNK": 0.015, "STLS": 0.005}
_EU_CHILD = 0.75  # three quarters of child victims are EU citizens
CITIZENSHIPS: tuple[str, ...] = (*_EU_SHARES, *_NON_EU_SHARES, *_OTHER_SHARES)

ORG_COUNTRIES: tuple[str, ...] = ("NL", "DE", "BE", "RO", "BG", "IT", "ES")
# Where a victim of each citizenship is registered (the countries of Haven's demo
# organisations): nationals of origin countries often at home, after return.
_REGISTERED_IN: dict[str, dict[str, float]] = {
    "RO": {"RO": 0.40, "DE": 0.18, "IT": 0.12, "ES": 0.10, "NL": 0.12, "BE": 0.08},
    "BG": {"BG": 0.45, "DE": 0.15, "NL": 0.15, "BE": 0.10, "ES": 0.10, "IT": 0.05},
    "NL": {"NL": 0.95, "BE": 0.05},
    "HU": {"NL": 0.35, "DE": 0.35, "BE": 0.20, "IT": 0.05, "ES": 0.05},
    "PL": {"DE": 0.50, "NL": 0.30, "BE": 0.20},
    "PT": {"ES": 0.40, "NL": 0.20, "BE": 0.20, "DE": 0.20},
    "NG": {"IT": 0.35, "ES": 0.15, "NL": 0.20, "DE": 0.15, "BE": 0.15},
    "UA": {"DE": 0.30, "NL": 0.20, "RO": 0.10, "BG": 0.10, "BE": 0.10, "ES": 0.10, "IT": 0.10},
    "MD": {"RO": 0.40, "IT": 0.20, "DE": 0.20, "NL": 0.20},
    "RU": {"DE": 0.40, "NL": 0.20, "BG": 0.20, "BE": 0.20},
    "VN": {"NL": 0.40, "DE": 0.30, "BE": 0.20, "IT": 0.10},
    "AL": {"IT": 0.35, "BE": 0.25, "DE": 0.20, "NL": 0.20},
    "MA": {"ES": 0.45, "BE": 0.25, "NL": 0.20, "IT": 0.10},
    "CN": {"ES": 0.30, "IT": 0.30, "NL": 0.20, "DE": 0.20},
    "BR": {"ES": 0.30, "NL": 0.30, "IT": 0.20, "DE": 0.10, "BE": 0.10},
    "ER": {"NL": 0.40, "DE": 0.30, "BE": 0.20, "IT": 0.10},
    "UNK": {"NL": 0.30, "DE": 0.20, "BE": 0.20, "IT": 0.15, "ES": 0.15},
    "STLS": {"NL": 0.40, "DE": 0.30, "BE": 0.30},
}
# Nationals registered at home were exploited at home this often, else abroad.
_HOME_EXPLOITED = {"RO": 0.55, "BG": 0.55, "NL": 0.97}
_ABROAD = {"DE": 0.25, "IT": 0.20, "ES": 0.15, "NL": 0.10, "FR": 0.10, "GB": 0.10,
           "AT": 0.05, "GR": 0.05}
# Victims registered in a destination country were mostly exploited there (88 %).
_IN_REGISTERING_COUNTRY = 0.88
_NEIGHBOURS = {
    "NL": ("BE", "DE", "FR", "GB"), "DE": ("NL", "AT", "PL", "FR"), "BE": ("NL", "FR", "DE"),
    "RO": ("HU", "MD", "BG"), "BG": ("GR", "RO", "TR"), "IT": ("FR", "ES", "AT"),
    "ES": ("FR", "PT", "IT"),
}
EXPLOITATION_COUNTRIES: tuple[str, ...] = tuple(
    sorted({*ORG_COUNTRIES, *_ABROAD, *(c for n in _NEIGHBOURS.values() for c in n)})
)

_CHILD_AGES = np.array([1.0] * 9 + [2.0] * 5 + [8.0] * 4)  # ages 0-17, most 14-17
_ADULT_AGES = np.concatenate([np.full(3, 6.0), np.full(6, 5.5), np.full(3, 4.5),
                              np.full(9, 2.6), np.full(9, 1.2), np.full(18, 0.35)])


@dataclass(frozen=True)
class Organisation:
    """A demo organisation and how often it registers each kind of victim.

    `weights` are relative weights for (sexual, labour, other forms) among the organisations
    of its country; `child_weight` is added for children (child protection services).
    """

    code: str
    country: str
    type: str
    name: str
    weights: tuple[float, float, float]
    child_weight: float = 0.0


ORGANISATIONS: tuple[Organisation, ...] = (
    Organisation("nl-police", "NL", "police", "Politie, afdeling mensenhandel (synthetisch)",
                 (0.40, 0.25, 0.40)),
    Organisation("nl-labour-inspectorate", "NL", "labour_inspectorate",
                 "Arbeidsinspectie, recherche (synthetisch)", (0.0, 0.45, 0.05)),
    Organisation("nl-ngo", "NL", "ngo", "Coördinatiecentrum mensenhandel (synthetisch)",
                 (0.40, 0.20, 0.35)),
    Organisation("nl-shelter", "NL", "shelter", "Opvang slachtoffers mensenhandel (synthetisch)",
                 (0.20, 0.10, 0.20)),
    Organisation("nl-child-protection", "NL", "child_protection",
                 "Jeugdbescherming (synthetisch)", (0.0, 0.0, 0.0), 0.30),
    Organisation("de-police", "DE", "police", "Landeskriminalamt, Menschenhandel (synthetisch)",
                 (0.50, 0.30, 0.50)),
    Organisation("de-labour-inspectorate", "DE", "labour_inspectorate",
                 "Finanzkontrolle Schwarzarbeit (synthetisch)", (0.0, 0.45, 0.05)),
    Organisation("de-ngo", "DE", "ngo", "Fachberatungsstelle Menschenhandel (synthetisch)",
                 (0.50, 0.25, 0.45)),
    Organisation("be-police", "BE", "police", "Federale politie, mensenhandel (synthetisch)",
                 (0.45, 0.30, 0.45)),
    Organisation("be-labour-inspectorate", "BE", "labour_inspectorate",
                 "Sociale inspectie (synthetisch)", (0.0, 0.40, 0.05)),
    Organisation("be-shelter", "BE", "shelter", "Centre d'accueil spécialisé (synthétique)",
                 (0.55, 0.30, 0.50)),
    Organisation("ro-police", "RO", "police", "Poliția, combaterea traficului (sintetic)",
                 (0.45, 0.40, 0.45)),
    Organisation("ro-ngo", "RO", "ngo", "Asociația anti-trafic (sintetic)", (0.35, 0.30, 0.35)),
    Organisation("ro-social-services", "RO", "social_services",
                 "Direcția de asistență socială (sintetic)", (0.20, 0.30, 0.20)),
    Organisation("ro-child-protection", "RO", "child_protection",
                 "Direcția de protecția copilului (sintetic)", (0.0, 0.0, 0.0), 0.40),
    Organisation("bg-police", "BG", "police", "Национална полиция, трафик на хора (синтетично)",
                 (0.55, 0.50, 0.55)),
    Organisation("bg-ngo", "BG", "ngo", "Фондация срещу трафика на хора (синтетично)",
                 (0.45, 0.50, 0.45)),
    Organisation("it-police", "IT", "police", "Polizia di Stato, squadra mobile (sintetico)",
                 (0.45, 0.40, 0.45)),
    Organisation("it-ngo", "IT", "ngo", "Associazione antitratta (sintetico)", (0.55, 0.35, 0.55)),
    Organisation("es-police", "ES", "police", "Policía Nacional, UCRIF (sintético)",
                 (0.50, 0.45, 0.50)),
    Organisation("es-ngo", "ES", "ngo", "Fundación contra la trata (sintético)",
                 (0.50, 0.25, 0.50)),
    Organisation("es-labour-inspectorate", "ES", "labour_inspectorate",
                 "Inspección de Trabajo (sintético)", (0.0, 0.30, 0.0)),
)
ORG_CODES: tuple[str, ...] = tuple(o.code for o in ORGANISATIONS)


@dataclass(frozen=True)
class Attributes:
    """Column-wise draws; each array holds indices into the named tuple (or the value)."""

    registered_on: IntArray  # proleptic Gregorian ordinal (date.toordinal)
    status: IntArray  # into STATUSES
    form: IntArray  # into FORMS
    sex_female: npt.NDArray[np.bool_]
    age: IntArray
    citizenship: IntArray  # into CITIZENSHIPS
    registering_country: IntArray  # into ORG_COUNTRIES
    exploitation_country: IntArray  # into EXPLOITATION_COUNTRIES
    organisation: IntArray  # into ORG_CODES


def _normalised(weights: npt.ArrayLike) -> npt.NDArray[np.float64]:
    array = np.asarray(weights, dtype=np.float64)
    return np.asarray(array / array.sum(), dtype=np.float64)


def conditional_choice(
    rng: np.random.Generator, group: IntArray, probabilities: npt.NDArray[np.float64]
) -> IntArray:
    """Draw one category per row from `probabilities[group[row]]`, vectorised.

    The cumulative rows are laid end to end, shifted by the group index, so that a single
    `searchsorted` serves every group at once.
    """
    n_groups, n_categories = probabilities.shape
    cdf = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    cdf[:, -1] = 1.0
    flat = (cdf + np.arange(n_groups)[:, None]).ravel()
    u = rng.random(group.shape[0])
    index = np.searchsorted(flat, group + u, side="right") - group * n_categories
    return np.asarray(np.minimum(index, n_categories - 1), dtype=np.int64)


def _forms_by_age() -> npt.NDArray[np.float64]:
    overall, child = np.asarray(_FORM_ALL), np.asarray(_FORM_CHILD)
    adult = (overall - CHILD_SHARE * child) / (1 - CHILD_SHARE)
    return np.stack([_normalised(adult), _normalised(child)])  # row 0 adult, row 1 child


def _calibrated_female(shares: npt.NDArray[np.float64], target: float) -> list[float]:
    """Female share per non-sexual form: the base shares shifted on the logit scale so that
    their weighted mean over `shares` equals `target`."""
    base = np.clip(np.asarray(_FEMALE_BASE[1:]), 1e-3, 1 - 1e-3)
    logits = np.log(base / (1 - base))
    weights = shares[1:] / shares[1:].sum()
    low, high = -10.0, 10.0
    for _ in range(60):
        shift = (low + high) / 2
        mean = float((weights / (1 + np.exp(-(logits + shift)))).sum())
        low, high = (shift, high) if mean < target else (low, shift)
    return [_FEMALE_SEXUAL, *(1 / (1 + math.exp(-(v + low))) for v in logits)]


def _female_by_form_and_age(forms: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    adult_target = (_FEMALE_ALL - CHILD_SHARE * _FEMALE_CHILD) / (1 - CHILD_SHARE)
    rows = []
    for shares, target in ((forms[0], adult_target), (forms[1], _FEMALE_CHILD)):
        non_sexual_target = (target - shares[0] * _FEMALE_SEXUAL) / (1 - shares[0])
        rows.append(_calibrated_female(shares, non_sexual_target))
    return np.asarray(rows)


def _citizenship_by_age() -> npt.NDArray[np.float64]:
    shares = {**_EU_SHARES, **_NON_EU_SHARES, **_OTHER_SHARES}
    overall = np.asarray([shares[c] for c in CITIZENSHIPS])
    eu = np.asarray([c in _EU_SHARES for c in CITIZENSHIPS])
    eu_total = overall[eu].sum()
    child = np.where(eu, overall * _EU_CHILD / eu_total, overall * (1 - _EU_CHILD) / (1 - eu_total))
    adult = (overall - CHILD_SHARE * child) / (1 - CHILD_SHARE)
    return np.stack([_normalised(adult), _normalised(child)])


def _matrix(rows: Sequence[Mapping[str, float]], columns: Sequence[str]) -> npt.NDArray[np.float64]:
    return np.asarray([[row.get(c, 0.0) for c in columns] for row in rows], dtype=np.float64)


def _exploitation_table() -> npt.NDArray[np.float64]:
    """Country of exploitation per (citizenship, registering country) pair."""
    rows: list[dict[str, float]] = []
    for citizenship in CITIZENSHIPS:
        for country in ORG_COUNTRIES:
            home = _HOME_EXPLOITED.get(country) if citizenship == country else None
            if home is not None:
                row = {c: (1 - home) * p for c, p in _ABROAD.items() if c != country}
                row[country] = home
            else:
                share = (1 - _IN_REGISTERING_COUNTRY) / len(_NEIGHBOURS[country])
                row = dict.fromkeys(_NEIGHBOURS[country], share)
                row[country] = _IN_REGISTERING_COUNTRY
            rows.append(row)
    return _matrix(rows, EXPLOITATION_COUNTRIES)


def _organisation_table() -> npt.NDArray[np.float64]:
    """Registering organisation per (country, form class, child) group."""
    rows = []
    for country in ORG_COUNTRIES:
        for form_class in range(3):
            for child in (False, True):
                rows.append({
                    o.code: o.weights[form_class] + (o.child_weight if child else 0.0)
                    for o in ORGANISATIONS if o.country == country
                })
    return _matrix(rows, ORG_CODES)


def _registration_days(rng: np.random.Generator, n: int, years: tuple[int, int]) -> IntArray:
    first = date(years[0], 1, 1).toordinal()
    last = min(date(years[1], 12, 31), date.today()).toordinal()
    return rng.integers(first, last + 1, size=n, dtype=np.int64)


def _ages(rng: np.random.Generator, child: npt.NDArray[np.bool_]) -> IntArray:
    ages = np.empty(child.shape[0], dtype=np.int64)
    n_child = int(child.sum())
    ages[child] = rng.choice(len(_CHILD_AGES), size=n_child, p=_normalised(_CHILD_AGES))
    ages[~child] = 18 + rng.choice(len(_ADULT_AGES), size=child.shape[0] - n_child,
                                   p=_normalised(_ADULT_AGES))
    return ages


def draw_attributes(rng: np.random.Generator, n: int, years: tuple[int, int]) -> Attributes:
    """Draw the statistical attributes of `n` victims (one row each)."""
    child = rng.random(n) < CHILD_SHARE
    age_group = child.astype(np.int64)
    form = conditional_choice(rng, age_group, _forms_by_age())
    female_p = _female_by_form_and_age(_forms_by_age())[age_group, form]
    citizenship = conditional_choice(rng, age_group, _citizenship_by_age())
    registering = conditional_choice(
        rng, citizenship, _matrix([_REGISTERED_IN[c] for c in CITIZENSHIPS], ORG_COUNTRIES)
    )
    exploitation = conditional_choice(
        rng, citizenship * len(ORG_COUNTRIES) + registering, _exploitation_table()
    )
    form_class = np.minimum(form, 2)  # sexual, labour, any other form
    organisation = conditional_choice(
        rng, (registering * 3 + form_class) * 2 + age_group, _organisation_table()
    )
    return Attributes(
        registered_on=_registration_days(rng, n, years),
        status=rng.choice(len(STATUSES), size=n, p=_normalised(_STATUS_P)).astype(np.int64),
        form=form,
        sex_female=rng.random(n) < female_p,
        age=_ages(rng, child),
        citizenship=citizenship,
        registering_country=registering,
        exploitation_country=exploitation,
        organisation=organisation,
    )
