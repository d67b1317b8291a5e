"""The registry's proportions follow the EU strategy's 2017-2018 figures within 3 points."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from haven.standard import EU27, SuspectCreate, VictimCreate
from haven.synth import SyntheticRegistry

TOLERANCE = 3.0


def _share(records: Iterable[VictimCreate], test: Callable[[VictimCreate], bool]) -> float:
    population = list(records)
    return 100 * sum(1 for r in population if test(r)) / len(population)


def _victims(registry: SyntheticRegistry) -> list[VictimCreate]:
    return [v.record for v in registry.victims]


def _first_records(registry: SyntheticRegistry) -> list[VictimCreate]:
    """One record per person: the earliest registration."""
    first: dict[str, VictimCreate] = {}
    for v in registry.victims:
        if v.person_id not in first or v.record.registered_on < first[v.person_id].registered_on:
            first[v.person_id] = v.record
    return list(first.values())


def _form(record: VictimCreate) -> str:
    return record.exploitation[0].form.value


def _known_sex(records: list[VictimCreate]) -> list[VictimCreate]:
    return [r for r in records if r.sex.value != "unknown"]


CHECKS: dict[str, tuple[float, Callable[[list[VictimCreate]], float]]] = {
    "identified": (63.7, lambda rs: _share(rs, lambda r: r.identification_status.value
                                           == "identified")),
    "female": (72.0, lambda rs: _share(_known_sex(rs), lambda r: r.sex.value == "female")),
    "female among sexual exploitation": (92.0, lambda rs: _share(
        [r for r in _known_sex(rs) if _form(r) == "sexual"], lambda r: r.sex.value == "female")),
    "sexual exploitation": (60.0, lambda rs: _share(rs, lambda r: _form(r) == "sexual")),
    "labour exploitation": (15.0, lambda rs: _share(rs, lambda r: _form(r) == "labour")),
    "children": (23.0, lambda rs: _share(rs, lambda r: r.age_group.value == "child")),
    "EU citizens": (49.0, lambda rs: _share([r for r in rs if r.citizenships],
                                            lambda r: r.citizenships[0] in EU27)),
}


@pytest.mark.parametrize("name", list(CHECKS))
@pytest.mark.parametrize("unit", ["records", "persons"])
def test_marginal_within_three_points(
    big_registry: SyntheticRegistry, name: str, unit: str
) -> None:
    target, measure = CHECKS[name]
    records = _victims(big_registry) if unit == "records" else _first_records(big_registry)
    assert measure(records) == pytest.approx(target, abs=TOLERANCE), name


def test_children_mostly_girls_and_eu_citizens(big_registry: SyntheticRegistry) -> None:
    children = [r for r in _first_records(big_registry) if r.age_group.value == "child"]
    girls = _share(_known_sex(children), lambda r: r.sex.value == "female")
    eu = _share([r for r in children if r.citizenships], lambda r: r.citizenships[0] in EU27)
    assert girls == pytest.approx(78.0, abs=5.0)
    assert eu == pytest.approx(75.0, abs=5.0)


def test_other_forms_spread_over_the_rest(big_registry: SyntheticRegistry) -> None:
    forms = {_form(r) for r in _victims(big_registry)}
    assert {"domestic_servitude", "forced_criminality", "forced_begging", "other"} <= forms


def test_many_eu_citizens_exploited_in_their_own_country(big_registry: SyntheticRegistry) -> None:
    eu = [r for r in _victims(big_registry) if r.citizenships and r.citizenships[0] in EU27]
    own = _share(eu, lambda r: r.citizenships[0] == r.country_of_exploitation)
    assert 15 < own < 45


def test_labour_exploitation_names_a_sector(big_registry: SyntheticRegistry) -> None:
    labour = [r.exploitation[0] for r in _victims(big_registry) if _form(r) == "labour"]
    assert all(e.sector is not None for e in labour)
    assert {"A", "C", "F", "I", "S", "T"} <= {e.sector.value for e in labour if e.sector}


def test_unaccompanied_minors_only_among_children(big_registry: SyntheticRegistry) -> None:
    flagged = [r for r in _victims(big_registry)
               if any(v.value == "unaccompanied_minor" for v in r.vulnerabilities)]
    assert flagged
    assert all(r.age_at_registration is not None and r.age_at_registration < 18 for r in flagged)


def test_recruitment_includes_online_platforms(big_registry: SyntheticRegistry) -> None:
    recruitments = [r.recruitment for r in _victims(big_registry) if r.recruitment]
    online = [r for r in recruitments if r.method.is_online]
    assert 10 < 100 * len(online) / len(recruitments) < 35
    assert {"facebook", "instagram", "whatsapp", "telegram"} <= {
        r.platform.value for r in online if r.platform}
    assert all(r.relation.value == "intimate_partner" for r in recruitments
               if r.method.value == "loverboy")


def test_means_of_control_recorded_for_most(big_registry: SyntheticRegistry) -> None:
    assert 75 < _share(_victims(big_registry), lambda r: bool(r.means_of_control)) < 95


def _natural(registry: SyntheticRegistry) -> list[SuspectCreate]:
    return [s.record for s in registry.suspects if s.record.person_kind.value == "natural"]


def test_suspects_mostly_men_and_eu_citizens(big_registry: SyntheticRegistry) -> None:
    natural = _natural(big_registry)
    with_sex = [s for s in natural if s.sex is not None]
    men = 100 * sum(1 for s in with_sex if s.sex is not None and s.sex.value == "male")
    assert men / len(with_sex) == pytest.approx(73.0, abs=TOLERANCE)
    with_citizenship = [s for s in natural if s.citizenship]
    eu = 100 * sum(1 for s in with_citizenship if s.citizenship in EU27)
    assert 55 < eu / len(with_citizenship) < 72


def test_some_suspects_are_companies(big_registry: SyntheticRegistry) -> None:
    legal = [s.record for s in big_registry.suspects if s.record.person_kind.value == "legal"]
    assert legal
    assert all(s.identifying and s.identifying.organisation_name for s in legal)
