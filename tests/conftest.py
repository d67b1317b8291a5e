"""Shared fixtures: a registry on SQLite and on the real PostgreSQL server, and record factories.

Every test that takes `registry` runs twice, once per backend. PostgreSQL tests use a fresh
schema per test on the server at HAVEN_TEST_POSTGRES_URL (default: the CI machine's loopback
server) and never skip: a missing server is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from haven.config import Settings
from haven.registry import AdminScope, Registry, Scope
from haven.standard import OrganisationCreate, OrganisationPublic

POSTGRES_URL = os.environ.get(
    "HAVEN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A URL whose search_path is a fresh schema, dropped afterwards."""
    schema = f"haven_test_{uuid.uuid4().hex[:12]}"
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
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        return Settings(home=tmp_path)
    url: str = request.getfixturevalue("postgres_schema_url")
    return Settings(home=tmp_path, database_url=url)


@pytest.fixture
def registry(settings: Settings) -> Iterator[Registry]:
    registry = Registry.open(settings, initialise=True)
    yield registry
    registry.close()


@pytest.fixture
def make_org(registry: Registry) -> Callable[..., OrganisationPublic]:
    def make(code: str = "nl-police", country: str = "NL", type_: str = "police"
             ) -> OrganisationPublic:
        record = OrganisationCreate(name=f"Organisation {code}", country=country, type=type_,
                                    code=code)
        return registry.create_organisation(AdminScope("test"), record)

    return make


@pytest.fixture
def org(make_org: Callable[..., OrganisationPublic]) -> OrganisationPublic:
    return make_org()


@pytest.fixture
def other_org(make_org: Callable[..., OrganisationPublic]) -> OrganisationPublic:
    return make_org("ro-ngo", "RO", "ngo")


@pytest.fixture
def scope(org: OrganisationPublic) -> Scope:
    return Scope("user:tester", org.id, identifying=True)
