"""Tables on `haven.synth` registry data equal a straightforward computation, exactly.

The synthetic registry is imported into a real registry, linked with its ground-truth person
ids, and counted through the audited aggregate path. The expected counts are computed in
pure Python from the synthetic records themselves, not from the registry's extraction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from tests.statistics.reference import reference_counts

from haven.config import Settings
from haven.registry import VICTIM_SCHEMA, AdminScope, Registry, Scope
from haven.standard import AgeBand
from haven.statistics._definitions import TableSpec
from haven.statistics._release import SuppressionPolicy, count_table, release_table
from haven.synth import generate_registry

YEARS = [2017, 2018]


def _row(record: Any, record_id: uuid.UUID, person: str, org: Any) -> dict[str, Any]:
    age = record.age_at_registration
    return {
        "record_id": str(record_id), "person_id": person, "organisation_id": str(org.id),
        "organisation_country": org.country, "organisation_type": org.type.value,
        "registered_on": record.registered_on, "year": record.registered_on.year,
        "identification_status": record.identification_status.value, "sex": record.sex.value,
        "age": age, "age_group": "unknown" if age is None else "child" if age < 18 else "adult",
        "age_band": AgeBand.for_age(age).value, "citizenships": list(record.citizenships),
        "country_of_exploitation": record.country_of_exploitation,
        "exploitation_forms": [e.form.value for e in record.exploitation],
        "labour_sectors": [],
    }


@pytest.fixture(scope="module")
def synth_registry(tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[tuple[Registry, pa.Table]]:
    data = generate_registry(400, seed=13, years=(2017, 2018))
    registry = Registry.open(Settings(home=Path(tmp_path_factory.mktemp("synth"))),
                             initialise=True)
    orgs = {o.code: registry.create_organisation(AdminScope("test"), o)
            for o in data.organisations}
    rows, links = [], {}
    for victim in data.victims:
        org = orgs[victim.organisation_code]
        with registry.transaction(Scope("test", org.id)) as tx:
            created = tx.victims.create(victim.record)
        links[created.id] = victim.person_id
        rows.append(_row(victim.record, created.id, victim.person_id, org))
    registry.set_person_ids("test", links)
    yield registry, pa.Table.from_pylist(rows, schema=VICTIM_SCHEMA)
    registry.close()


@pytest.mark.parametrize(("by", "counting"), [
    (("exploitation",), "persons"), (("sex", "age_group"), "persons"),
    (("eu_citizenship",), "persons"), (("year", "status"), "persons"),
    (("citizenship", "country_of_exploitation"), "persons"),
    (("reporting_country", "sex", "exploitation"), "registrations"),
])
def test_synthetic_tables_equal_the_straightforward_count(
        synth_registry: tuple[Registry, pa.Table], by: tuple[str, ...], counting: str) -> None:
    registry, truth = synth_registry
    spec = TableSpec.parse("victims", by, years=YEARS, counting=counting)
    table = count_table(registry, spec, "test")
    assert {k: v for k, v in table.cells.items() if v} == reference_counts(spec, truth)


def test_persons_are_fewer_than_registrations_on_synthetic_data(
        synth_registry: tuple[Registry, pa.Table]) -> None:
    registry, _ = synth_registry
    persons = count_table(registry, TableSpec.parse("victims", [], years=YEARS), "t").total
    records = count_table(registry, TableSpec.parse("victims", [], years=YEARS,
                                                    counting="registrations"), "t").total
    assert 0 < persons < records


def test_a_synthetic_release_hides_every_small_cell(
        synth_registry: tuple[Registry, pa.Table]) -> None:
    registry, truth = synth_registry
    spec = TableSpec.parse("victims", ["reporting_country", "exploitation"], years=YEARS)
    release = release_table(registry, spec, SuppressionPolicy(), actor="t")
    expected = reference_counts(spec, truth)
    for key, value in release.values.items():
        true = expected.get(key, 0)
        assert value is None or value == true
        if 0 < true < 5:
            assert value is None
