"""The service directory: capacity and matching by sex, age, language and accessibility."""

from __future__ import annotations

import pytest

from haven.exceptions import FieldProblem, NotFound, ValidationFailed
from haven.identification import assess
from haven.referral import (
    AssistanceKind,
    Needs,
    ServiceCreate,
    add_service,
    match_services,
    needs_from,
    services,
    set_capacity,
)
from haven.registry import Registry, Scope
from haven.standard import OrganisationPublic, Sex

K = AssistanceKind


@pytest.fixture
def directory(registry: Registry, scope: Scope, other_org: OrganisationPublic) -> Scope:
    shelter = Scope("user:shelter", other_org.id)
    with registry.transaction(shelter) as tx:
        add_service(tx, ServiceCreate(K.SHELTER, "Women's house", "NL", places_total=4,
                                      sexes=frozenset({Sex.FEMALE}), min_age=18,
                                      languages=frozenset({"en", "ro"})))
        add_service(tx, ServiceCreate(K.SHELTER, "Men's house", "NL", places_total=2,
                                      sexes=frozenset({Sex.MALE}), min_age=18,
                                      accessible=True))
        add_service(tx, ServiceCreate(K.SHELTER, "Youth shelter", "NL", places_total=3,
                                      max_age=17, languages=frozenset({"uk"})))
        add_service(tx, ServiceCreate(K.SHELTER, "Full house", "NL", places_total=0))
        add_service(tx, ServiceCreate(K.LEGAL_AID, "Legal clinic", "NL",
                                      languages=frozenset({"en"})))
    with registry.transaction(scope) as tx:
        add_service(tx, ServiceCreate(K.SHELTER, "Open house", "NL", places_total=10,
                                      languages=frozenset({"uk"})))
    return shelter


def _names(registry: Registry, scope: Scope, needs: Needs) -> list[str]:
    with registry.transaction(scope) as tx:
        return [m.service.name for m in match_services(tx, needs)]


def test_matching_by_sex_age_language_and_accessibility(
        registry: Registry, scope: Scope, directory: Scope) -> None:
    woman = Needs(frozenset({K.SHELTER}), Sex.FEMALE, 30, languages=frozenset({"ro"}))
    assert _names(registry, scope, woman) == ["Women's house", "Open house"]
    man = Needs(frozenset({K.SHELTER}), Sex.MALE, 40, accessibility=True)
    assert _names(registry, scope, man) == ["Men's house"]
    girl = Needs(frozenset({K.SHELTER}), Sex.FEMALE, None, minor=True,
                 languages=frozenset({"uk"}))
    assert _names(registry, scope, girl) == ["Open house", "Youth shelter"]
    unknown_sex = Needs(frozenset({K.SHELTER, K.LEGAL_AID}), Sex.UNKNOWN, 30)
    assert _names(registry, scope, unknown_sex) == ["Legal clinic", "Open house"]


def test_needs_from_a_screening() -> None:
    result = assess({"g-threats": "yes", "l-wages": "yes", "g-need-language": "yes",
                     "k-age-uncertain": "yes"})
    needs = needs_from(result, sex=Sex.FEMALE, languages=["uk"])
    assert needs.kinds == {K.SHELTER, K.INTERPRETATION, K.LEGAL_AID}
    assert needs.minor


def test_capacity_changes_and_only_own_services(
        registry: Registry, scope: Scope, directory: Scope) -> None:
    with registry.transaction(directory) as tx:
        house = next(s for s in services(tx, kind=K.SHELTER) if s.name == "Men's house")
        assert house.places_free == 2
        assert set_capacity(tx, house.id, places_total=5).places_free == 5
        set_capacity(tx, house.id, places_total=5, active=False)
        assert "Men's house" not in {s.name for s in services(tx)}
    with registry.transaction(scope) as tx, pytest.raises(NotFound):
        set_capacity(tx, house.id, places_total=1)


def test_invalid_services_report_every_problem(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx, pytest.raises(ValidationFailed) as caught:
        add_service(tx, ServiceCreate(K.SHELTER, " ", "nl", places_total=-1, min_age=20,
                                      max_age=10, languages=frozenset({"eng"})))
    assert caught.value.problems == (
        FieldProblem(None, "name", "1-200 characters"),
        FieldProblem(None, "country", "an ISO 3166-1 alpha-2 code"),
        FieldProblem(None, "places_total", "cannot be negative"),
        FieldProblem(None, "max_age", "below min_age"),
        FieldProblem(None, "languages", "an ISO 639-1 code", value="eng"))
