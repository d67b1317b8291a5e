"""generate_registry: reproducibility, validity, organisations, ids and case links."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
from pydantic import BaseModel

from haven.standard import (
    CaseCreate,
    SuspectCreate,
    VictimCreate,
    validate_record,
)
from haven.synth import (
    SyntheticRegistry,
    generate_registry,
    write_linkage_csv,
    write_registry_files,
)


def _dump(registry: SyntheticRegistry) -> list[object]:
    return [
        [(v.organisation_code, v.person_id, v.noise, v.record.model_dump(mode="json"))
         for v in registry.victims],
        [(s.organisation_code, s.person_id, s.record.model_dump(mode="json"))
         for s in registry.suspects],
        [(c.organisation_code, c.record.model_dump(mode="json")) for c in registry.cases],
        registry.hard_negatives,
    ]


def test_same_seed_gives_the_same_registry() -> None:
    assert _dump(generate_registry(150, seed=5)) == _dump(generate_registry(150, seed=5))


def test_different_seeds_give_different_registries() -> None:
    assert _dump(generate_registry(150, seed=5)) != _dump(generate_registry(150, seed=6))


def test_files_are_byte_identical_for_the_same_seed(tmp_path: Path) -> None:
    first, second = (generate_registry(120, seed=9) for _ in range(2))
    a = write_registry_files(first, tmp_path / "a")
    b = write_registry_files(second, tmp_path / "b")
    assert [p.name for p in a] == [p.name for p in b]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b, strict=True))
    write_linkage_csv(first, tmp_path / "a.csv", with_truth=True)
    write_linkage_csv(second, tmp_path / "b.csv", with_truth=True)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_persons_counts_distinct_victims(small_registry: SyntheticRegistry) -> None:
    assert len({v.person_id for v in small_registry.victims}) == 300
    assert len(small_registry.victims) > 300


def _payload(record: BaseModel) -> dict[str, object]:
    """The record as JSON, without the computed fields (age group, stage) a dump adds."""
    computed = set(type(record).model_computed_fields)
    return record.model_dump(mode="json", exclude=computed)


def test_every_record_validates(small_registry: SyntheticRegistry) -> None:
    for v in small_registry.victims:
        validate_record(VictimCreate, _payload(v.record))
    for s in small_registry.suspects:
        validate_record(SuspectCreate, _payload(s.record))
    for c in small_registry.cases:
        validate_record(CaseCreate, _payload(c.record))


def test_organisations_cover_countries_and_types(small_registry: SyntheticRegistry) -> None:
    orgs = small_registry.organisations
    assert {"NL", "RO", "BE", "DE", "BG"} <= {o.country for o in orgs}
    assert {"police", "ngo", "labour_inspectorate", "shelter"} <= {o.type.value for o in orgs}
    assert "nl-police" in {o.code for o in orgs}
    assert len({o.code for o in orgs}) == len(orgs)


def test_records_belong_to_known_organisations(small_registry: SyntheticRegistry) -> None:
    codes = {o.code for o in small_registry.organisations}
    owners = {v.organisation_code for v in small_registry.victims}
    owners |= {s.organisation_code for s in small_registry.suspects}
    owners |= {c.organisation_code for c in small_registry.cases}
    assert owners <= codes


@pytest.mark.parametrize("kind", ["victims", "suspects", "cases"])
def test_external_ids_unique_per_organisation(
    big_registry: SyntheticRegistry, kind: str
) -> None:
    items = getattr(big_registry, kind)
    counts = Counter((item.organisation_code, item.record.external_id) for item in items)
    assert max(counts.values()) == 1


def test_cases_link_records_of_their_own_organisation(small_registry: SyntheticRegistry) -> None:
    victims = defaultdict(set)
    suspects = defaultdict(set)
    for v in small_registry.victims:
        victims[v.organisation_code].add(v.record.external_id)
    for s in small_registry.suspects:
        suspects[s.organisation_code].add(s.record.external_id)
    assert small_registry.cases
    for case in small_registry.cases:
        assert case.record.victims
        assert set(case.record.victims) <= victims[case.organisation_code]
        assert set(case.record.suspects) <= suspects[case.organisation_code]


def test_cases_have_routes_and_references(big_registry: SyntheticRegistry) -> None:
    kinds = Counter(e.kind.value for c in big_registry.cases for e in c.record.route)
    assert {"recruitment", "transit", "exploitation"} <= set(kinds)
    systems = {r.system.value for c in big_registry.cases for r in c.record.references}
    assert {"police", "prosecution", "europol"} <= systems
    assert any(len(c.record.victims) > 3 for c in big_registry.cases)
    assert any(len(c.record.suspects) > 1 for c in big_registry.cases)


def test_registration_years_default_and_parameter() -> None:
    default = generate_registry(100, seed=1)
    assert {v.record.registered_on.year for v in default.victims} == {2017, 2018}
    other = generate_registry(100, seed=1, years=(2020, 2020))
    assert {v.record.registered_on.year for v in other.victims} == {2020}


def test_rates_are_parameters() -> None:
    none = generate_registry(200, seed=2, duplicate_rate=0.0, hard_negative_rate=0.0)
    assert len(none.victims) == 200
    assert not none.hard_negatives
    many = generate_registry(200, seed=2, duplicate_rate=0.6)
    assert len(many.victims) > 300


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="persons"):
        generate_registry(0)
    with pytest.raises(ValueError, match="rates"):
        generate_registry(10, duplicate_rate=1.5)
