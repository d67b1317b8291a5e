"""Deduplicating the registry in the clear: person ids stored, counted, kept on re-runs."""

from __future__ import annotations

import pytest

from haven.linkage import count_persons, dedupe_registry, evaluate
from haven.registry import AdminScope, AggregateScope, Registry, Scope


def _load(registry: Registry, persons: int, seed: int) -> dict[str, str]:
    from haven.synth import generate_registry

    synthetic = generate_registry(persons, seed=seed)
    ids = {}
    for org in synthetic.organisations:
        ids[org.code] = registry.create_organisation(AdminScope("test"), org).id
    truth = {}
    for victim in synthetic.victims:
        scope = Scope("test", ids[victim.organisation_code], identifying=True)
        with registry.transaction(scope) as tx:
            tx.victims.create(victim.record)
        truth[f"{victim.organisation_code}:{victim.record.external_id}"] = victim.person_id
    return truth


@pytest.mark.slow
def test_dedupe_registry_stores_person_ids(registry: Registry) -> None:
    truth = _load(registry, 120, seed=21)
    result = dedupe_registry(registry, "test:linkage")
    quality = evaluate(result.person_ids, truth)
    assert quality.records == len(truth)
    assert quality.f1 >= 0.75, quality.as_dict()

    table = registry.victim_table(AggregateScope("test"))
    assert table.column("person_id").null_count == 0
    assert count_persons(table) == result.persons
    assert count_persons(table) < table.num_rows  # persons, not registrations

    again = dedupe_registry(registry, "test:linkage")
    assert again.person_ids == result.person_ids  # stored persons keep their ids
