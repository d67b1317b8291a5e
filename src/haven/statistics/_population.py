"""SDG indicator 16.2.2: detected victims of trafficking per 100,000 population.

The denominators are Eurostat population figures shipped as package data
(`data/population.csv`, source in `data/POPULATION.md`); another file with the same columns
can be passed for sex and age splits. Rates are computed from a `Release`, so the policy
applies to their numerators: a suppressed count gives no rate.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from haven.exceptions import FieldProblem, ImportFailed, ValidationFailed
from haven.statistics._definitions import TOTAL
from haven.statistics._release import Release

__all__ = ["PopulationTable", "SdgRate", "load_population", "sdg_16_2_2"]

_SEX = {"female": "F", "male": "M", TOTAL: TOTAL}
_AGE = {"child": "Y_LT18", "adult": "Y_GE18", TOTAL: TOTAL}
PopulationTable = dict[tuple[str, int, str, str], int]


@dataclass(frozen=True, slots=True)
class SdgRate:
    """One row of indicator 16.2.2."""

    country: str
    year: int
    sex: str
    age_group: str
    exploitation: str
    victims: int | None
    population: int
    per_100k: float | None


def load_population(path: Path | None = None) -> PopulationTable:
    """Population by (country, year, sex, age); the shipped Eurostat figures by default.

    Raises:
        ImportFailed: the file is missing or lacks the columns geo, year, sex, age, population.
    """
    try:
        if path is None:
            text = resources.files("haven.statistics").joinpath("data/population.csv") \
                .read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
    except OSError:
        raise ImportFailed(f"cannot read population file {path}") from None
    rows = list(csv.DictReader(text.splitlines()))
    if not rows or not {"geo", "year", "sex", "age", "population"} <= set(rows[0]):
        raise ImportFailed("a population file needs columns geo, year, sex, age, population")
    try:
        return {(r["geo"].upper(), int(r["year"]), r["sex"], r["age"]): int(r["population"])
                for r in rows}
    except ValueError:
        raise ImportFailed("population and year must be whole numbers") from None


def sdg_16_2_2(release: Release, population: PopulationTable) -> list[SdgRate]:
    """Victims per 100,000 inhabitants for every published cell with a known population.

    The release must break down by `reporting_country` and `year`; `sex`, `age_group` and
    `exploitation` are optional. Cells of unknown or other sex or age have no denominator and
    are left out.

    Raises:
        ValidationFailed: the release lacks the country or year, or a denominator is missing.
    """
    by = release.dimensions
    if "reporting_country" not in by or "year" not in by:
        raise ValidationFailed([FieldProblem(
            None, "by", "SDG 16.2.2 needs a table by reporting_country and year")])
    rates: list[SdgRate] = []
    missing: set[str] = set()
    for key, value, _flag in release.cells():
        cell = dict(zip(by, key, strict=True))
        country, year = cell["reporting_country"], cell["year"]
        sex, age = cell.get("sex", TOTAL), cell.get("age_group", TOTAL)
        if TOTAL in (country, year) or sex not in _SEX or age not in _AGE:
            continue
        pop = population.get((country, int(year), _SEX[sex], _AGE[age]))
        if pop is None:
            missing.add(f"{country} {year} sex={_SEX[sex]} age={_AGE[age]}")
            continue
        rate = None if value is None else round(value / pop * 100_000, 4)
        rates.append(SdgRate(country, int(year), sex, age, cell.get("exploitation", TOTAL),
                             value, pop, rate))
    if missing:
        shown = ", ".join(sorted(missing)[:5])
        raise ValidationFailed([FieldProblem(
            None, "population", f"no population figure for {len(missing)} cell(s), e.g. "
            f"{shown}; pass a demo_pjan extract with --population")])
    return rates
