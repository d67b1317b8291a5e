"""Deliberate duplicates, their noise, the ground truth, and hard negatives."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import numpy as np

from haven.synth import NOISE_TYPES, SyntheticRegistry, SyntheticVictim
from haven.synth._attributes import draw_attributes
from haven.synth._people import draw_people
from haven.synth._victims import _later_day


def _by_person(registry: SyntheticRegistry) -> dict[str, list[SyntheticVictim]]:
    persons: dict[str, list[SyntheticVictim]] = defaultdict(list)
    for v in registry.victims:
        persons[v.person_id].append(v)
    return persons


def test_a_fifth_of_persons_have_several_records(big_registry: SyntheticRegistry) -> None:
    persons = _by_person(big_registry)
    share = sum(1 for records in persons.values() if len(records) > 1) / len(persons)
    assert 0.15 <= share <= 0.25


def test_duplicates_across_agencies_and_countries(big_registry: SyntheticRegistry) -> None:
    countries = {o.code: o.country for o in big_registry.organisations}
    types = {o.code: o.type.value for o in big_registry.organisations}
    cross_country = police_and_ngo = inspectorate = 0
    for records in _by_person(big_registry).values():
        orgs = {r.organisation_code for r in records}
        cross_country += len({countries[o] for o in orgs}) > 1
        kinds = {types[o] for o in orgs}
        police_and_ngo += {"police", "ngo"} <= kinds
        inspectorate += len(orgs) > 1 and "labour_inspectorate" in kinds
    assert cross_country > 50
    assert police_and_ngo > 50
    assert inspectorate > 20


def test_every_noise_type_occurs(big_registry: SyntheticRegistry) -> None:
    seen = Counter(n for v in big_registry.victims for n in v.noise)
    assert set(NOISE_TYPES) <= set(seen), set(NOISE_TYPES) - set(seen)
    assert {n for v in big_registry.victims for n in v.noise} <= set(NOISE_TYPES)


def test_transliteration_only_on_later_records(big_registry: SyntheticRegistry) -> None:
    for records in _by_person(big_registry).values():
        if len(records) == 1:
            assert "transliteration" not in records[0].noise


def test_records_of_a_person_agree_where_present(big_registry: SyntheticRegistry) -> None:
    for records in _by_person(big_registry).values():
        sexes = {r.record.sex.value for r in records} - {"unknown"}
        assert len(sexes) <= 1
        citizenships = {tuple(r.record.citizenships) for r in records} - {()}
        assert len(citizenships) <= 1
        years = {int(r.record.identifying.date_of_birth[:4]) for r in records
                 if r.record.identifying and r.record.identifying.date_of_birth}
        assert not years or max(years) - min(years) == 0


def test_later_registrations_come_later(big_registry: SyntheticRegistry) -> None:
    spans = [max(r.record.registered_on for r in records) - min(r.record.registered_on
                                                                for r in records)
             for records in _by_person(big_registry).values() if len(records) > 1]
    assert sum(1 for s in spans if s.days > 0) / len(spans) > 0.9


def test_suspects_have_ground_truth_and_some_duplicates(big_registry: SyntheticRegistry) -> None:
    counts = Counter(s.person_id for s in big_registry.suspects)
    assert sum(1 for c in counts.values() if c > 1) > 50
    sexes: dict[str, set[str]] = defaultdict(set)
    for s in big_registry.suspects:
        if s.record.sex is not None:
            sexes[s.person_id].add(s.record.sex.value)
    assert all(len(v) == 1 for v in sexes.values())
    assert not {s.person_id for s in big_registry.suspects} & {
        v.person_id for v in big_registry.victims}


def test_hard_negatives_are_distinct_persons(big_registry: SyntheticRegistry) -> None:
    negatives = big_registry.hard_negatives
    assert {"sibling", "twin", "namesake"} == {h.kind for h in negatives}
    known = {v.person_id for v in big_registry.victims}
    for h in negatives:
        a, b = h.person_ids
        assert a != b
        assert {a, b} <= known
    assert any(h.same_organisation for h in negatives if h.kind == "sibling")
    assert any(h.same_organisation for h in negatives if h.kind == "twin")


def test_hard_negatives_look_alike_on_paper() -> None:
    rng = np.random.default_rng(4)
    people, negatives = draw_people(rng, draw_attributes(rng, 3000, (2017, 2018)), 0.08)
    by_id = {p.person_id: p for p in people}
    assert len(negatives) > 150
    for h in negatives:
        a, b = (by_id[i].identity for i in h.person_ids)
        assert by_id[h.person_ids[0]].citizenship == by_id[h.person_ids[1]].citizenship
        if h.kind == "namesake":
            assert (a.given, a.family) == (b.given, b.family)
            assert a.date_of_birth != b.date_of_birth
        else:
            assert a.family == b.family
            assert a.given[0] != b.given[0]
        if h.kind == "twin":
            assert a.date_of_birth == b.date_of_birth
        if h.kind == "sibling":
            assert 365 <= abs((a.date_of_birth - b.date_of_birth).days) <= 6 * 366


def test_copies_of_a_registration_past_the_period_stay_on_its_day() -> None:
    # a relative registered "together" with a person can land a few days past the last day
    # of the period; its copies used to crash the generator (an empty range of days)
    rng = np.random.default_rng(3)
    last_day = date(2020, 12, 31)
    for day in (date(2021, 1, 2), last_day):
        assert {_later_day(rng, day, last_day) for _ in range(200)} == {day}
    earlier = [_later_day(rng, date(2020, 12, 1), last_day) for _ in range(200)]
    assert all(date(2020, 12, 1) <= d <= last_day for d in earlier)
