"""Indicators and checklists: the data first-line workers screen a person against."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from haven.identification._sources import Citation
from haven.standard import ExploitationForm

__all__ = [
    "Answer",
    "Checklist",
    "ChecklistKind",
    "Element",
    "Indicator",
    "Language",
    "Strength",
    "UrgentNeed",
]

Language = str  # "en" or "nl"; texts fall back to English


class ChecklistKind(StrEnum):
    GENERAL = "general"
    SEXUAL = "sexual_exploitation"
    LABOUR = "labour_exploitation"
    CRIMINALITY_BEGGING = "forced_criminality_begging"
    CHILD = "child"


class Element(StrEnum):
    """Which element of the trafficking definition an indicator speaks to.

    The definition (CoE Convention art. 4(a); Directive 2011/36/EU art. 2(1)) has an act, a
    means and an exploitative purpose; for a child the means are not needed (CoE art. 4(c),
    Directive art. 2(5)). `CHILD_STATUS` marks indicators about age and care, `NEED` marks
    questions about urgent needs that say nothing about trafficking itself.
    """

    MEANS = "means"
    PURPOSE = "purpose"
    CHILD_STATUS = "child_status"
    NEED = "need"


class Strength(StrEnum):
    """How much one observed indicator weighs (after the ILO-EC 2009 strong/medium/weak scale)."""

    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"
    NONE = "none"

    @property
    def points(self) -> int:
        return {"strong": 3, "medium": 2, "weak": 1, "none": 0}[self.value]


class UrgentNeed(StrEnum):
    """Needs to meet before anything else (CoE Convention art. 12(1); Directive art. 11(5))."""

    SAFETY = "safety"
    MEDICAL = "medical"
    SHELTER = "shelter"
    INTERPRETATION = "interpretation"
    GUARDIAN = "guardian"


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Indicator:
    """One sign a first-line worker can observe or ask about."""

    id: str
    checklist: ChecklistKind
    element: Element
    strength: Strength
    texts: dict[Language, str]
    citations: tuple[Citation, ...]
    forms: tuple[ExploitationForm, ...] = ()
    urgent: tuple[UrgentNeed, ...] = ()

    def text(self, language: Language = "en") -> str:
        return self.texts.get(language) or self.texts["en"]


@dataclass(frozen=True, slots=True)
class Checklist:
    """A versioned list of indicators for one situation."""

    kind: ChecklistKind
    version: str
    titles: dict[Language, str]
    indicators: tuple[Indicator, ...] = field(default=())

    def title(self, language: Language = "en") -> str:
        return self.titles.get(language) or self.titles["en"]
