"""Checklists: complete, cited, translated, versioned."""

from __future__ import annotations

import pytest

from haven.exceptions import ValidationFailed
from haven.identification import (
    CURRENT_VERSION,
    SOURCES,
    ChecklistKind,
    Element,
    Strength,
    checklist,
    checklists,
)


def _all() -> list:  # type: ignore[type-arg]
    return [i for c in checklists().values() for i in c.indicators]


def test_every_kind_has_a_checklist_with_indicators() -> None:
    lists = checklists()
    assert set(lists) == set(ChecklistKind)
    for kind, found in lists.items():
        assert found.version == CURRENT_VERSION
        assert len(found.indicators) >= 5, kind
        assert found.title("nl") != found.title("en")


def test_ids_are_unique_and_prefixed_by_checklist() -> None:
    ids = [i.id for i in _all()]
    assert len(ids) == len(set(ids))
    prefix = {ChecklistKind.GENERAL: "g-", ChecklistKind.SEXUAL: "s-",
              ChecklistKind.LABOUR: "l-", ChecklistKind.CRIMINALITY_BEGGING: "c-",
              ChecklistKind.CHILD: "k-"}
    for indicator in _all():
        assert indicator.id.startswith(prefix[indicator.checklist])


@pytest.mark.parametrize("indicator", _all(), ids=lambda i: i.id)
def test_each_indicator_is_cited_and_translated(indicator) -> None:  # type: ignore[no-untyped-def]
    assert indicator.citations
    for citation in indicator.citations:
        assert citation.source in SOURCES
        assert citation.section.strip()
        assert str(SOURCES[citation.source].year) in citation.render()
    assert set(indicator.texts) == {"en", "nl"}
    assert indicator.text("en") != indicator.text("nl")
    assert indicator.text("fr") == indicator.text("en")  # falls back to English
    # Questions about needs weigh nothing; signs of trafficking weigh something.
    assert (indicator.strength is Strength.NONE) == (
        indicator.element in {Element.NEED, Element.CHILD_STATUS})


def test_purpose_indicators_name_a_form_except_the_child_catch_all() -> None:
    without = {i.id for i in _all() if i.element is Element.PURPOSE and not i.forms}
    assert without == {"g-earnings", "k-working", "k-no-school"}


def test_unknown_version_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        checklist("general", version="1999.1")
