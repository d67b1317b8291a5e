"""Shared fixtures: a registry on SQLite and on the real PostgreSQL server, and record factories.

Every test that takes `registry` runs twice, once per backend. PostgreSQL tests run on the
server at HAVEN_TEST_POSTGRES_URL (default: the CI machine's loopback server) and never skip:
a missing server is a failure.

Migrating a database takes about a second, so each test session (each xdist worker) migrates
once: SQLite tests start from a copy of a migrated file, PostgreSQL tests share one migrated
schema per worker that is emptied after every test.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from haven.config import Settings
from haven.registry import AdminScope, Registry, Scope, create_database_engine, migrate
from haven.standard import OrganisationCreate, OrganisationPublic

POSTGRES_URL = os.environ.get(
    "HAVEN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def _postgres_session_schema() -> Iterator[tuple[str, str]]:
    """One migrated schema for this test session (worker): (schema, URL)."""
    schema = f"haven_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    engine = create_database_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield schema, url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_schema_url(_postgres_session_schema: tuple[str, str]) -> Iterator[str]:
    """A URL whose search_path is a migrated schema, emptied after the test."""
    schema, url = _postgres_session_schema
    yield url
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        tables = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = :schema "
            "AND tablename <> 'alembic_version'"), {"schema": schema}).scalars().all()
        if tables:
            names = ", ".join(f'"{schema}"."{t}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        connection.execute(text(
            f'INSERT INTO "{schema}".audit_head (id, seq, mac, head_mac) '  # noqa: S608
            f"VALUES (1, 0, '{'0' * 64}', '')"))
    admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "haven.sqlite"
    engine = create_database_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        shutil.copyfile(template, tmp_path / "haven.sqlite")
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


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local[2] SparkSession per test process, shared by every package's Spark tests.

    Starting a JVM costs several seconds; linkage, screening and statistics used to start one
    each. The session carries what each of them needs: Splink's similarity jar, a checkpoint
    directory, UTC session time and two shuffle partitions.
    """
    if shutil.which("java") is None:
        pytest.fail("the Spark tests need Java (always available in CI)")
    from pyspark.sql import SparkSession  # a hard import: the Spark tests must run, not skip
    from splink.internals.spark.jar_location import similarity_jar_location

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (SparkSession.builder.master("local[2]").appName("haven-tests")
               .config("spark.jars", similarity_jar_location())
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.default.parallelism", "2")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("spark-checkpoints")))
    yield session
    session.stop()
