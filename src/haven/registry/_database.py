"""Engines and migrations: SQLite (WAL) by default, PostgreSQL through HAVEN_DATABASE_URL."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from haven.exceptions import ConfigurationError

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["create_database_engine", "current_revision", "head_revision", "migrate"]

_MIGRATIONS = Path(__file__).parent / "migrations"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions, so that BEGIN IMMEDIATE below
        # takes the write lock at the start: a read-then-write transaction can then never be
        # overtaken between its read and its write, which is what optimistic locking relies on.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, not left in free pages: erasure must be
        # real (`Registry.compact` then checkpoints the WAL, which still holds old pages).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_database_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`; for SQLite, the file's directory is created if missing."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo)
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        if importlib.util.find_spec("psycopg") is None:
            raise ConfigurationError(
                "PostgreSQL needs the postgres extra: pip install 'haven[postgres]'"
            )
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, echo=echo, pool_pre_ping=True)
    raise ConfigurationError(f"unsupported database backend {backend!r}; use sqlite or postgresql")


# Alembic is imported where it is used: it costs half a second, and most commands never migrate.
def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (Alembic)."""
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(create_engine("sqlite://"))).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
