"""Indicator checklists for first-line workers, and the explained assessment they lead to.

Five checklists (general, sexual exploitation, labour exploitation, forced criminality and
begging, child-specific), versioned, each indicator cited to published guidance and worded in
English and Dutch. `assess` turns answers into a recommendation that explains itself and, for
a presumed victim, can start a referral (`haven.referral.open_pathway`).

>>> from haven.identification import assess
>>> result = assess({"g-documents": "yes", "l-wages": "yes", "k-age-uncertain": "yes"})
>>> result.level.value, result.minority.value, [n.value for n in result.urgent]
('presumed_victim', 'presumed_child', ['guardian'])
"""

from haven.identification._assess import (
    CURRENT_VERSION,
    Assessment,
    Level,
    Minority,
    assess,
    checklist,
    checklists,
)
from haven.identification._model import (
    Answer,
    Checklist,
    ChecklistKind,
    Element,
    Indicator,
    Strength,
    UrgentNeed,
)
from haven.identification._sources import SOURCES, Citation, Source

__all__ = [
    "CURRENT_VERSION",
    "SOURCES",
    "Answer",
    "Assessment",
    "Checklist",
    "ChecklistKind",
    "Citation",
    "Element",
    "Indicator",
    "Level",
    "Minority",
    "Source",
    "Strength",
    "UrgentNeed",
    "assess",
    "checklist",
    "checklists",
]
