"""Alembic environment: runs on the engine Haven hands over in `config.attributes`."""

from __future__ import annotations

import importlib
import importlib.util

from alembic import context

from haven.registry._tables import Base

# Packages that keep tables on the registry's metadata; importing them lets autogenerate see
# every table (the migrations themselves are plain scripts and need none of this).
for _module in ("haven.access._tables", "haven.statistics._tables", "haven.referral._tables"):
    if importlib.util.find_spec(_module.rsplit(".", 1)[0]) is not None:
        importlib.import_module(_module)

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
