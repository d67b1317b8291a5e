"""From answers to an explained recommendation: presumed victim or not, forms, urgent needs.

The rule (version-stamped with the checklists) weighs each observed indicator by its
strength (strong 3, medium 2, weak 1 point) and adds the points per element of the
definition. A person is a presumed victim when the means and the exploitation each reach
2 points; for a child the exploitation alone suffices, because the definition needs no means
for a child. Any observed sign short of that asks for further inquiry. The rule is a screening
aid: it explains itself, and the decision stays with the worker and the competent authority.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from haven._text import N_
from haven.exceptions import FieldProblem, ValidationFailed
from haven.identification._messages import render
from haven.identification._model import (
    Answer,
    Checklist,
    ChecklistKind,
    Element,
    Indicator,
    UrgentNeed,
)
from haven.identification._v2026_1 import CHECKLISTS as _V2026_1
from haven.identification._v2026_1 import VERSION as CURRENT_VERSION
from haven.standard import ExploitationForm

__all__ = [
    "CURRENT_VERSION",
    "Assessment",
    "Level",
    "Minority",
    "assess",
    "checklist",
    "checklists",
]

_VERSIONS: dict[str, dict[ChecklistKind, Checklist]] = {CURRENT_VERSION: _V2026_1}
THRESHOLD = 2
_URGENT_ORDER = list(UrgentNeed)


class Level(StrEnum):
    PRESUMED_VICTIM = "presumed_victim"
    FURTHER_INQUIRY = "further_inquiry"
    NO_INDICATION = "no_indication"


class Minority(StrEnum):
    """Whether the person is treated as a child (Directive 2011/36/EU art. 13(2))."""

    ADULT = "adult"
    CHILD = "child"
    PRESUMED_CHILD = "presumed_child"

    @property
    def is_child(self) -> bool:
        return self is not Minority.ADULT


def checklists(version: str = CURRENT_VERSION) -> dict[ChecklistKind, Checklist]:
    """Every checklist of one version; an unknown version is refused."""
    try:
        return _VERSIONS[version]
    except KeyError:
        raise ValidationFailed([FieldProblem(None, "version", N_("no such checklist version"),
                                             value=version[:20])]) from None


def checklist(kind: ChecklistKind | str, version: str = CURRENT_VERSION) -> Checklist:
    return checklists(version)[ChecklistKind(kind)]


@dataclass(frozen=True, slots=True)
class Assessment:
    """The result of one screening, with everything needed to explain and to act on it."""

    version: str
    level: Level
    minority: Minority
    points: dict[Element, int]
    observed: tuple[str, ...]
    forms: tuple[ExploitationForm, ...]
    urgent: tuple[UrgentNeed, ...]
    open_questions: tuple[str, ...]
    non_punishment: bool
    contributions: dict[Element, tuple[str, ...]] = field(default_factory=dict)

    @property
    def can_start_referral(self) -> bool:
        return self.level is Level.PRESUMED_VICTIM

    def explain(self, language: str = "en") -> list[str]:
        """The recommendation in plain sentences, in `language` ("en" or "nl")."""
        lines = [render(f"level.{self.level.value}", language)]
        if self.minority.is_child:
            why = "minor" if self.minority is Minority.CHILD else "age_uncertain"
            lines.append(render("child", language, why=render(f"why.{why}", language)))
        for element in (Element.MEANS, Element.PURPOSE):
            name = render(f"element.{element.value}", language)
            ids = self.contributions.get(element, ())
            lines.append(render("element", language, element=name,
                                points=str(self.points.get(element, 0)),
                                indicators=", ".join(ids)) if ids
                         else render("none_observed", language, element=name))
        lines.append(render("threshold", language, version=self.version))
        if self.level is not Level.NO_INDICATION:
            lines.append(render("forms", language, forms=", ".join(
                render(f"form.{f.value}", language) for f in self.forms)) if self.forms
                else render("form_unclear", language))
        if self.non_punishment:
            lines.append(render("non_punishment", language))
        if self.urgent:
            lines.append(render("urgent", language, needs=", ".join(
                render(f"need.{n.value}", language) for n in self.urgent)))
        if self.open_questions:
            lines.append(render("open", language, indicators=", ".join(self.open_questions)))
        return lines

    def summary(self) -> dict[str, Any]:
        """JSON-ready record of the assessment (ids and codes only, no free text)."""
        return {"version": self.version, "level": self.level.value,
                "minority": self.minority.value, "observed": list(self.observed),
                "forms": [f.value for f in self.forms], "urgent": [u.value for u in self.urgent],
                "points": {e.value: p for e, p in self.points.items()}}


def _index(version: str, kinds: Iterable[ChecklistKind]) -> dict[str, Indicator]:
    lists = checklists(version)
    return {i.id: i for kind in kinds for i in lists[kind].indicators}


def _parse(answers: Mapping[str, Answer | str], known: Mapping[str, Indicator]
           ) -> dict[str, Answer]:
    problems: list[FieldProblem] = []
    parsed: dict[str, Answer] = {}
    for key, value in answers.items():
        if key not in known:
            problems.append(FieldProblem(None, "answers", N_("not an indicator of the chosen "
                                         "checklists"), value=key[:40]))
            continue
        try:
            parsed[key] = Answer(value)
        except ValueError:
            problems.append(FieldProblem(None, f"answers.{key}", N_("yes, no or unknown"),
                                         value=str(value)[:20]))
    if problems:
        raise ValidationFailed(problems)
    return parsed


def _minority(observed: set[str], age: int | None) -> Minority:
    if "k-minor" in observed or (age is not None and age < 18):
        return Minority.CHILD
    if "k-age-uncertain" in observed:
        return Minority.PRESUMED_CHILD
    return Minority.ADULT


def _forms(hits: list[Indicator]) -> tuple[ExploitationForm, ...]:
    scores: dict[ExploitationForm, int] = {}
    for indicator in hits:
        if indicator.element is Element.PURPOSE:
            for form in indicator.forms:
                scores[form] = scores.get(form, 0) + indicator.strength.points
    ranked = sorted((f for f, p in scores.items() if p >= THRESHOLD),
                    key=lambda f: (-scores[f], f.value))
    return tuple(ranked)


def _level(points: dict[Element, int], minority: Minority) -> Level:
    purpose_met = points[Element.PURPOSE] >= THRESHOLD
    if purpose_met and (minority.is_child or points[Element.MEANS] >= THRESHOLD):
        return Level.PRESUMED_VICTIM
    if points[Element.MEANS] or points[Element.PURPOSE]:
        return Level.FURTHER_INQUIRY
    return Level.NO_INDICATION


def assess(answers: Mapping[str, Answer | str], *,
           kinds: Iterable[ChecklistKind | str] | None = None,
           version: str = CURRENT_VERSION, age: int | None = None) -> Assessment:
    """Assess one screening.

    Args:
        answers: indicator id -> "yes", "no" or "unknown"; indicators not asked may be left out.
        kinds: the checklists used (default: all of the version); answers outside them are
            refused, every problem at once.
        version: checklist version; the assessment records it.
        age: the person's age if known; under 18 makes the person a child.

    Example:
        >>> assess({"g-threats": "yes", "l-wages": "yes"}).level.value
        'presumed_victim'
    """
    chosen = [ChecklistKind(k) for k in kinds] if kinds is not None else list(ChecklistKind)
    known = _index(version, chosen)
    parsed = _parse(answers, known)
    hits = [known[i] for i, a in parsed.items() if a is Answer.YES]
    observed = {i.id for i in hits}
    minority = _minority(observed, age)
    points = {Element.MEANS: 0, Element.PURPOSE: 0}
    contributions: dict[Element, list[str]] = {Element.MEANS: [], Element.PURPOSE: []}
    for indicator in hits:
        if indicator.element in points:
            points[indicator.element] += indicator.strength.points
            contributions[indicator.element].append(indicator.id)
    urgent = {n for i in hits for n in i.urgent}
    if minority.is_child:
        urgent.add(UrgentNeed.GUARDIAN)
    open_questions = tuple(sorted(
        i for i, a in parsed.items()
        if a is Answer.UNKNOWN and known[i].strength.points >= THRESHOLD))
    forms = _forms(hits)
    return Assessment(
        version=version, level=_level(points, minority), minority=minority, points=points,
        observed=tuple(sorted(observed)), forms=forms,
        urgent=tuple(n for n in _URGENT_ORDER if n in urgent),
        open_questions=open_questions,
        non_punishment=ExploitationForm.FORCED_CRIMINALITY in forms or "c-crime-debt" in observed,
        contributions={e: tuple(sorted(ids)) for e, ids in contributions.items()},
    )
