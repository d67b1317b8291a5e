"""Table definitions as pure specifications: subjects, dimensions, public category keys.

A table is a count of units (persons or registrations) broken down by a few dimensions, with
every margin: the code `_T` (SDMX's "total") stands for "all categories" in a dimension. The
category keys are public (code lists from `haven.standard`), never taken from the data, so
that differential privacy can release every key and suppression can show true zeros.

A dimension is *multi-valued* when one unit can fall into several of its categories: a victim
exploited in two forms, a person registered in two years, a suspect prosecuted and convicted.
Its total then counts each unit once and is not the sum of the categories; the disclosure
audit and the DP post-processing treat such a dimension as a set of inequalities, not a sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import pycountry

from haven.exceptions import FieldProblem, ValidationFailed
from haven.standard import (
    STATELESS,
    UNKNOWN_CITIZENSHIP,
    AgeBand,
    AgeGroup,
    ExploitationForm,
    Sex,
)

__all__ = [
    "DIMENSIONS",
    "TOTAL",
    "Counting",
    "Dimension",
    "Subject",
    "TableSpec",
    "citizenship_codes",
    "country_codes",
]

TOTAL = "_T"


class Subject(StrEnum):
    VICTIMS = "victims"
    SUSPECTS = "suspects"


class Counting(StrEnum):
    """The counting unit: persons as resolved by linkage, or registrations (records)."""

    PERSONS = "persons"
    REGISTRATIONS = "registrations"


@cache
def country_codes() -> tuple[str, ...]:
    """ISO 3166-1 alpha-2 codes (and Kosovo's XK), sorted: the public keys of country dims."""
    return tuple(sorted({c.alpha_2 for c in pycountry.countries} | {"XK"}))


@cache
def citizenship_codes() -> tuple[str, ...]:
    return (*country_codes(), STATELESS, UNKNOWN_CITIZENSHIP)


@dataclass(frozen=True, slots=True)
class Dimension:
    """One breakdown of a table.

    Attributes:
        name: the dimension's code, as used in `--by`.
        label: English label for figures and exports.
        subjects: the subjects it applies to.
        multi: one unit may fall into several categories (registrations).
        codes: the public category keys, in display order; empty for years (given per table).
        person_multi: multi-valued only when counting persons (a person in several years).
        sdmx: the SDMX concept the dimension is exported as.
    """

    name: str
    label: str
    subjects: frozenset[Subject]
    multi: bool = False
    codes: tuple[str, ...] = ()
    person_multi: bool = False
    sdmx: str = ""

    def is_multi(self, counting: Counting) -> bool:
        return self.multi or (self.person_multi and counting is Counting.PERSONS)


_V = frozenset({Subject.VICTIMS})
_S = frozenset({Subject.SUSPECTS})
_VS = _V | _S
_UNKNOWN = "unknown"

CITIZENSHIP_GROUPS = ("national", "other_eu", "non_eu", _UNKNOWN)
EU_CITIZENSHIP = ("eu", "non_eu", _UNKNOWN)
STAGES = ("suspected", "prosecuted", "convicted")

DIMENSIONS: dict[str, Dimension] = {d.name: d for d in (
    Dimension("year", "Year", _VS, person_multi=True, sdmx="TIME_PERIOD"),
    Dimension("status", "Identification status", _V, codes=("identified", "presumed"),
              sdmx="LEG_STAT"),
    Dimension("sex", "Sex", _VS, codes=tuple(s.value for s in Sex), sdmx="SEX"),
    Dimension("age_group", "Age group", _V, codes=tuple(a.value for a in AgeGroup), sdmx="AGE"),
    Dimension("age_band", "Age band (CTDC)", _V, codes=tuple(a.value for a in AgeBand),
              sdmx="AGE_BAND"),
    Dimension("citizenship_group", "Citizenship", _VS, codes=CITIZENSHIP_GROUPS,
              sdmx="CITIZEN_GRP"),
    Dimension("eu_citizenship", "EU citizenship", _VS, codes=EU_CITIZENSHIP, sdmx="CITIZEN_EU"),
    Dimension("citizenship", "Country of citizenship", _V, multi=True,
              codes=citizenship_codes(), sdmx="CITIZEN"),
    Dimension("suspect_citizenship", "Country of citizenship", _S,
              codes=citizenship_codes(), sdmx="CITIZEN"),
    Dimension("exploitation", "Form of exploitation", _V, multi=True,
              codes=(*(f.value for f in ExploitationForm), _UNKNOWN), sdmx="EXPLOIT"),
    Dimension("country_of_exploitation", "Country of exploitation", _V,
              codes=(*country_codes(), _UNKNOWN), sdmx="GEO_EXPL"),
    Dimension("reporting_country", "Reporting country", _VS, codes=country_codes(),
              sdmx="GEO"),
    # A suspect reaches several stages, each in its own year: stage and year come as pairs.
    Dimension("stage", "Criminal-justice stage", _S, multi=True, codes=STAGES,
              sdmx="LEG_STAT"),
)}

# Suspect tables always break down by stage: suspected, prosecuted and convicted persons are
# different counts, never to be summed.
_ALIASES = {"form": "exploitation", "forms": "exploitation", "age": "age_group",
            "country": "reporting_country", "eu": "eu_citizenship"}


@dataclass(frozen=True, slots=True)
class TableSpec:
    """What to count: the subject, the breakdown, filters and the counting unit.

    Attributes:
        subject: victims or suspects.
        by: dimension names, in order (at most four).
        years: years to include; also the public keys of a `year` dimension.
        countries: reporting countries to include (the aggregate scope); None for all.
        counting: persons (linkage) or registrations.
    """

    subject: Subject
    by: tuple[str, ...]
    years: tuple[int, ...] | None = None
    countries: frozenset[str] | None = None
    counting: Counting = Counting.PERSONS

    @classmethod
    def parse(cls, subject: str, by: Sequence[str], *, years: Sequence[int] | None = None,
              countries: Sequence[str] | None = None, counting: str = "persons") -> TableSpec:
        """Build a spec from user input, reporting every problem at once.

        Raises:
            ValidationFailed: unknown subject, dimension, counting unit or country.
        """
        problems: list[FieldProblem] = []
        try:
            subj = Subject(subject.strip().lower())
        except ValueError:
            problems.append(FieldProblem(None, "subject", "must be victims or suspects",
                                         subject[:20]))
            subj = Subject.VICTIMS
        dims = _parse_dims(subj, by, problems)
        try:
            unit = Counting(counting.strip().lower())
        except ValueError:
            problems.append(FieldProblem(None, "counting", "must be persons or registrations",
                                         counting[:20]))
            unit = Counting.PERSONS
        codes = _parse_countries(countries, problems)
        if problems:
            raise ValidationFailed(problems)
        return cls(subj, dims, tuple(sorted(set(years))) if years else None, codes, unit)

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        return tuple(DIMENSIONS[name] for name in self.by)

    def keys(self, dimension: Dimension) -> tuple[str, ...]:
        """The public category keys of one dimension of this table."""
        if dimension.name == "year":
            if not self.years:
                raise ValidationFailed([FieldProblem(
                    None, "years", "a table by year needs the years to show (--year)")])
            return tuple(str(y) for y in self.years)
        return dimension.codes

    def is_multi(self, dimension: Dimension) -> bool:
        """Whether one unit can fall into several categories of `dimension` in this table."""
        if self.subject is Subject.SUSPECTS and dimension.name in ("stage", "year"):
            return True
        return dimension.is_multi(self.counting)

    def describe(self) -> str:
        years = f" {self.years[0]}-{self.years[-1]}" if self.years else ""
        return f"{self.subject.value} by {', '.join(self.by) or 'total'}{years}"


def _parse_dims(subject: Subject, by: Sequence[str], problems: list[FieldProblem]
                ) -> tuple[str, ...]:
    names: list[str] = []
    for raw in by:
        name = _ALIASES.get(raw.strip().lower(), raw.strip().lower())
        if subject is Subject.SUSPECTS and name == "citizenship":
            name = "suspect_citizenship"
        dim = DIMENSIONS.get(name)
        if dim is None or subject not in dim.subjects:
            problems.append(FieldProblem(None, "by", f"no dimension {raw[:30]!r} for "
                                         f"{subject.value}"))
        elif name not in names:
            names.append(name)
    if subject is Subject.SUSPECTS and "stage" not in names:
        names.insert(0, "stage")
    if len(names) > 4:
        problems.append(FieldProblem(None, "by", "at most four dimensions per table"))
    return tuple(names)


def _parse_countries(countries: Sequence[str] | None, problems: list[FieldProblem]
                     ) -> frozenset[str] | None:
    if not countries:
        return None
    known = set(country_codes())
    codes = {c.strip().upper() for c in countries}
    codes = {"GR" if c == "EL" else "GB" if c == "UK" else c for c in codes}
    for code in sorted(codes - known):
        problems.append(FieldProblem(None, "country", "not an ISO 3166-1 alpha-2 code",
                                     code[:4]))
    return frozenset(codes & known)
