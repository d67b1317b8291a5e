"""Persistence of organisations, victims, suspects and cases.

SQLAlchemy 2 with Alembic migrations; SQLite (WAL) by default, PostgreSQL through
HAVEN_DATABASE_URL. Identifying data is encrypted with AES-256-GCM under a key kept outside the
database; every access to a person record is written to a hash-chained audit log; every query
takes the caller's `Scope`.

>>> from haven.config import Settings
>>> registry = Registry.open(Settings(home=Path(tmp)), initialise=True)   # doctest: +SKIP
>>> with registry.transaction(scope) as tx:                                # doctest: +SKIP
...     tx.victims.create(victim)
"""

from haven.registry._analytics import SUSPECT_SCHEMA, VICTIM_SCHEMA, AggregateScope
from haven.registry._audit import AuditEvent, VerifyReport
from haven.registry._crypto import KeyRing, generate_key_file
from haven.registry._database import create_database_engine, migrate
from haven.registry._export import (
    ExportFormat,
    export_records,
    export_xlsx,
    neutralise_cell,
    write_xlsx,
)
from haven.registry._grants import GRANTABLE_FIELDS, GrantPublic
from haven.registry._import import ImportReport, detect_kind, import_file
from haven.registry._registry import Registry, Transaction
from haven.registry._scope import AdminScope, Scope
from haven.registry._stores import HistoryEntry, Outcome, Page, VictimFilter

__all__ = [
    "GRANTABLE_FIELDS",
    "SUSPECT_SCHEMA",
    "VICTIM_SCHEMA",
    "AdminScope",
    "AggregateScope",
    "AuditEvent",
    "ExportFormat",
    "GrantPublic",
    "HistoryEntry",
    "ImportReport",
    "KeyRing",
    "Outcome",
    "Page",
    "Registry",
    "Scope",
    "Transaction",
    "VerifyReport",
    "VictimFilter",
    "create_database_engine",
    "detect_kind",
    "export_records",
    "export_xlsx",
    "generate_key_file",
    "import_file",
    "migrate",
    "neutralise_cell",
    "write_xlsx",
]
