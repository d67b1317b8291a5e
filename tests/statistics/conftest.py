"""Fixtures for the statistics tests: synthetic registry tables and registries on both backends."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import create_engine, text

from haven.config import Settings
from haven.registry import SUSPECT_SCHEMA, VICTIM_SCHEMA, Registry
from haven.standard import AgeBand

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

_COUNTRIES = ["NL", "DE", "BE", "RO", "BG"]
_CITIZENSHIPS = ["NL", "DE", "RO", "BG", "HU", "NG", "CN", "UA", "STLS", "UNK"]
_FORMS = ["sexual", "labour", "domestic_servitude", "forced_criminality", "forced_begging",
          "other"]
_STATUSES = ["identified", "presumed", "reasonable_grounds", "declined"]


def _age_group(age: int | None) -> str:
    return "unknown" if age is None else "child" if age < 18 else "adult"


def victim_rows(n: int, seed: int, *, years: tuple[int, ...] = (2017, 2018, 2019)
                ) -> list[dict[str, object]]:
    """`n` victim registrations; about a third of the persons are registered more than once."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    persons: list[str | None] = []
    for i in range(n):
        linked = rng.random() < 0.8
        if linked and persons and rng.random() < 0.35:
            person = rng.choice([p for p in persons[-30:] if p] or [None])
        else:
            person = f"P{i:05d}" if linked else None
        persons.append(person)
        on = date(rng.choice(years), 1, 1) + timedelta(days=rng.randrange(365))
        age = None if rng.random() < 0.1 else rng.randrange(3, 70)
        forms = rng.sample(_FORMS, rng.choice([0, 1, 1, 1, 1, 2]))
        cits = [] if rng.random() < 0.1 else rng.sample(_CITIZENSHIPS[:-1], rng.choice([1, 1, 2]))
        if "STLS" in cits:
            cits = ["STLS"]
        if rng.random() < 0.05:
            cits = ["UNK"]
        rows.append({
            "record_id": str(uuid.UUID(int=rng.getrandbits(128))), "person_id": person,
            "organisation_id": "org", "organisation_country": rng.choice(_COUNTRIES),
            "organisation_type": "police", "registered_on": on, "year": on.year,
            "identification_status": rng.choice(_STATUSES),
            "sex": rng.choice(["female", "female", "male", "other", "unknown"]),
            "age": age, "age_group": _age_group(age), "age_band": AgeBand.for_age(age).value,
            "citizenships": cits,
            "country_of_exploitation": None if rng.random() < 0.1 else rng.choice(_COUNTRIES),
            "exploitation_forms": forms, "labour_sectors": [],
        })
    return rows


def victim_table(n: int = 400, seed: int = 7) -> pa.Table:
    return pa.Table.from_pylist(victim_rows(n, seed), schema=VICTIM_SCHEMA)


def suspect_table(n: int = 200, seed: int = 11) -> pa.Table:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        on = date(rng.choice((2017, 2018)), 1, 1) + timedelta(days=rng.randrange(365))
        natural = rng.random() < 0.95
        stages: list[str] = []
        dates: list[date] = []
        if rng.random() < 0.6:
            stages.append("prosecuted")
            dates.append(on + timedelta(days=rng.randrange(30, 500)))
            if rng.random() < 0.5:
                stages.append(rng.choice(["convicted", "acquitted"]))
                dates.append(dates[-1] + timedelta(days=rng.randrange(30, 400)))
        rows.append({
            "record_id": str(uuid.UUID(int=rng.getrandbits(128))), "organisation_id": "org",
            "organisation_country": rng.choice(_COUNTRIES), "registered_on": on,
            "person_kind": "natural" if natural else "legal",
            "sex": rng.choice(["male", "male", "female", None]) if natural else None,
            "age": None,
            "citizenship": rng.choice([*_CITIZENSHIPS[:-1], None]), "roles": [],
            "stage": stages[-1] if stages else "suspected",
            "justice_stages": stages, "justice_dates": dates,
        })
    return pa.Table.from_pylist(rows, schema=SUSPECT_SCHEMA)


@pytest.fixture(scope="session")
def victims() -> pa.Table:
    return victim_table()


@pytest.fixture(scope="session")
def suspects() -> pa.Table:
    return suspect_table()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    schema = f"haven_stats_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stats_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        return Settings(home=tmp_path)
    return Settings(home=tmp_path, database_url=request.getfixturevalue("pg_url"))


@pytest.fixture
def stats_registry(stats_settings: Settings) -> Iterator[Registry]:
    registry = Registry.open(stats_settings, initialise=True)
    yield registry
    registry.close()


MakeTable = Callable[[int, int], pa.Table]


def fill_registry(registry: Registry, victims: int = 150, seed: int = 5) -> dict[str, int]:
    """Organisations per country, victims and suspects from the row generators, linked."""
    from haven.registry import AdminScope, Scope
    from haven.standard import OrganisationCreate, SuspectCreate, VictimCreate, validate_record

    orgs = {}
    for country in _COUNTRIES:
        record = OrganisationCreate(name=f"Police {country}", country=country, type="police",
                                    code=f"{country.lower()}-police")
        orgs[country] = registry.create_organisation(AdminScope("test"), record)
    links: dict[uuid.UUID, str | None] = {}
    for i, row in enumerate(victim_rows(victims, seed)):
        record = validate_record(VictimCreate, {
            "external_id": f"V-{i:05d}", "identification_status": row["identification_status"],
            "sex": row["sex"], "age_at_registration": row["age"],
            "citizenships": row["citizenships"],
            "country_of_exploitation": row["country_of_exploitation"],
            "exploitation": [{"form": f} for f in row["exploitation_forms"]],  # type: ignore[attr-defined]
            "registered_on": row["registered_on"].isoformat(),  # type: ignore[attr-defined]
        })
        org = orgs[str(row["organisation_country"])]
        with registry.transaction(Scope("test", org.id)) as tx:
            created = tx.victims.create(record)
        links[created.id] = row["person_id"]  # type: ignore[assignment]
    registry.set_person_ids("test", links)
    for i, srow in enumerate(suspect_table(40, seed).to_pylist()):
        record = validate_record(SuspectCreate, {
            "external_id": f"S-{i:05d}", "registered_on": srow["registered_on"].isoformat(),
            "person_kind": srow["person_kind"], "sex": srow["sex"],
            "citizenship": srow["citizenship"],
            "justice": [{"stage": s, "on": d.isoformat()} for s, d in
                        zip(srow["justice_stages"], srow["justice_dates"], strict=True)],
        })
        with registry.transaction(Scope("test", orgs[srow["organisation_country"]].id)) as tx:
            tx.suspects.create(record)
    return {"victims": victims, "suspects": 40}
