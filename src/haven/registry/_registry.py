"""The registry: one database, one key ring, one audit log, and transactions bound to a scope."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from sqlalchemy import Engine, event, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from haven.config import Settings
from haven.exceptions import ConfigurationError, Conflict, NotFound
from haven.registry._analytics import AggregateScope, suspect_table, victim_table
from haven.registry._audit import AuditEvent, AuditLog, VerifyReport
from haven.registry._cases import CaseStore
from haven.registry._crypto import KeyRing, generate_key_file
from haven.registry._database import create_database_engine, current_revision, head_revision
from haven.registry._database import migrate as run_migrations
from haven.registry._grants import GrantStore
from haven.registry._rotation import RotationReport, rebuild_index, rotate_key
from haven.registry._scope import AdminScope, Scope
from haven.registry._stores import SuspectStore, VictimStore, flush_tokens
from haven.registry._tables import (
    CaseRow,
    IdentityRow,
    IdentityTokenRow,
    OrganisationRow,
    SuspectRow,
    VictimRow,
)
from haven.standard import OrganisationCreate, OrganisationPublic

__all__ = ["Holding", "Registry", "Transaction"]


@dataclass(frozen=True, slots=True)
class Holding:
    organisation: OrganisationPublic
    victims: int = 0
    suspects: int = 0
    cases: int = 0


@dataclass(frozen=True)
class Transaction:
    """One unit of work for one scope; commits on leaving the `with` block, else rolls back."""

    session: Session
    scope: Scope
    victims: VictimStore
    suspects: SuspectStore
    cases: CaseStore
    grants: GrantStore
    audit: AuditLog

    def record(self, event: AuditEvent) -> None:
        self.audit.append(self.session, event)


class Registry:
    def __init__(self, engine: Engine, keys: KeyRing, *, audit_anchor: Path | None = None):
        self.engine = engine
        self.keys = keys
        self.audit_log = AuditLog(keys)
        self.audit_anchor = audit_anchor
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Blind-index rows are queued by the stores and written in one statement.
        event.listen(self._sessions, "before_commit", flush_tokens)

    @classmethod
    def open(cls, settings: Settings, *, initialise: bool = False, demo_key: bool = False
             ) -> Registry:
        """Open the registry the settings describe.

        With `initialise`, a missing key file is created and the schema migrated to the latest
        revision; without, an unmigrated database is refused with the command that fixes it.
        """
        settings.check()
        if settings.data_key_b64:
            keys = KeyRing.from_b64(settings.data_key_b64)
        else:
            key_file = settings.resolved_key_file
            if initialise and not key_file.exists():
                generate_key_file(key_file, demo=demo_key)
            keys = KeyRing.from_file(key_file, production=settings.production)
        if settings.production and keys.is_demo_key:
            raise ConfigurationError("a demo key cannot be used in production")
        engine = create_database_engine(settings.resolved_database_url)
        if initialise:
            run_migrations(engine)
        elif current_revision(engine) != head_revision():
            raise ConfigurationError("the database schema is not up to date; run `haven init`")
        registry = cls(engine, keys, audit_anchor=settings.audit_anchor)
        if initialise:
            registry._index_if_missing()
        return registry

    def _index_if_missing(self) -> None:
        """Build the blind index once for identities stored before it existed (upgrade)."""
        with self._session() as session:
            identities = session.scalar(select(func.count()).select_from(IdentityRow)) or 0
            indexed = session.scalar(select(func.count(func.distinct(
                IdentityTokenRow.record_id)))) or 0
        if identities and not indexed:
            rebuild_index(self)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A plain unit of work (commits on exit) for packages that keep their own tables.

        Person records are never read through it: use `transaction(scope)`.
        """
        with self._session() as session:
            yield session

    @contextmanager
    def transaction(self, scope: Scope) -> Iterator[Transaction]:
        try:
            with self._session() as session:
                if session.get(OrganisationRow, scope.organisation_id) is None:
                    raise NotFound("organisation", scope.organisation_id)
                parts = (session, scope, self.keys, self.audit_log)
                yield Transaction(session, scope, VictimStore(*parts), SuspectStore(*parts),
                                  CaseStore(*parts), GrantStore(*parts), self.audit_log)
        except IntegrityError:
            # Writes are batched to commit; a concurrent transaction that created the same
            # external id first makes ours fail there. Nothing of ours was written.
            raise Conflict("a record with the same external id was created meanwhile; "
                           "nothing was written") from None

    # -- organisations (administration) -------------------------------------------------------
    def create_organisation(self, admin: AdminScope, record: OrganisationCreate
                            ) -> OrganisationPublic:
        try:
            with self._session() as session:
                row = OrganisationRow(**record.model_dump(mode="json"))
                session.add(row)
                session.flush()
                self.audit_log.append(session, AuditEvent(
                    actor=admin.actor, organisation_id=str(row.id), action="create",
                    entity_kind="organisation", entity_id=str(row.id), detail={"code": row.code}))
                return OrganisationPublic.model_validate(row)
        except IntegrityError:
            raise Conflict(f"an organisation with code {record.code} already exists") from None

    def organisations(self) -> list[OrganisationPublic]:
        """Organisations are not personal data: every user may see the directory."""
        with self._session() as session:
            rows = session.scalars(select(OrganisationRow).order_by(OrganisationRow.code)).all()
            return [OrganisationPublic.model_validate(r) for r in rows]

    def organisation(self, code_or_id: str) -> OrganisationPublic:
        with self._session() as session:
            statement = select(OrganisationRow).where(OrganisationRow.code == code_or_id)
            row = session.scalars(statement).one_or_none()
            if row is None:
                try:
                    row = session.get(OrganisationRow, uuid.UUID(code_or_id))
                except ValueError:
                    row = None
            if row is None:
                raise NotFound("organisation", code_or_id)
            return OrganisationPublic.model_validate(row)

    def holdings(self) -> list[Holding]:
        """How many records each organisation holds: aggregates, no person data."""
        with self._session() as session:
            counts: dict[uuid.UUID, dict[str, int]] = {}
            for row_type, name in ((VictimRow, "victims"), (SuspectRow, "suspects"),
                                   (CaseRow, "cases")):
                statement = select(row_type.organisation_id, func.count()).group_by(
                    row_type.organisation_id)
                for org_id, n in session.execute(statement):
                    counts.setdefault(org_id, {})[name] = n
            rows = session.scalars(select(OrganisationRow).order_by(OrganisationRow.code)).all()
            return [Holding(OrganisationPublic.model_validate(r), **counts.get(r.id, {}))
                    for r in rows]

    # -- aggregates and linkage ----------------------------------------------------------------
    def victim_table(self, scope: AggregateScope) -> pa.Table:
        """Statistical attributes of every victim record in scope, as an Arrow table."""
        with self._session() as session:
            return victim_table(session, self.audit_log, scope)

    def suspect_table(self, scope: AggregateScope) -> pa.Table:
        with self._session() as session:
            return suspect_table(session, self.audit_log, scope)

    def registration_years(self) -> list[int]:
        """The years in which victims were registered (not personal data), ascending."""
        with self._session() as session:
            dates = session.scalars(select(func.min(VictimRow.registered_on))).one(), \
                session.scalars(select(func.max(VictimRow.registered_on))).one()
        if dates[0] is None or dates[1] is None:
            return []
        return list(range(dates[0].year, dates[1].year + 1))

    def set_person_ids(self, actor: str, person_ids: Mapping[uuid.UUID, str | None]) -> int:
        """Store linkage results: the resolved person id of each victim record.

        Ids are opaque strings chosen by the linkage module; records not named keep theirs.
        Returns the number of records changed. Audited as one `link` entry.
        """
        changed = 0
        with self._session() as session:
            for record_id, person_id in person_ids.items():
                result = session.execute(
                    update(VictimRow).where(VictimRow.id == record_id)
                    .values(person_id=person_id)
                    .execution_options(synchronize_session=False))
                changed += result.rowcount  # type: ignore[attr-defined]
            self.audit_log.append(session, AuditEvent(
                actor=actor, organisation_id=None, action="link", entity_kind="victim",
                entity_id=None, detail={"records": changed}))
        return changed

    # -- audit --------------------------------------------------------------------------------
    def verify_audit(self) -> VerifyReport:
        with self._session() as session:
            return self.audit_log.verify(session, anchor=self.audit_anchor)

    def anchor_audit(self, path: Path) -> VerifyReport:
        with self._session() as session:
            return self.audit_log.write_anchor(session, path)

    # -- keys ----------------------------------------------------------------------------------
    def use_keys(self, ring: KeyRing) -> None:
        """Use `ring` from now on (after a key rotation rewrote the key file)."""
        self.keys = ring
        self.audit_log = AuditLog(ring)

    def rotate_key(self, key_file: Path, *, actor: str,
                   progress: Callable[[int], None] | None = None) -> RotationReport:
        """Rotate the data key of `key_file` and re-encrypt every identity (`_rotation.py`).

        Stop other Haven processes first (or restart them right after): one still holding
        the old key refuses to write once the rotation is recorded, and cannot read
        identities encrypted under the new key until it restarts.
        """
        return rotate_key(self, key_file, actor=actor, progress=progress)

    def key_usage(self) -> dict[str, int]:
        """Identities per key id: after a finished rotation, all are under the current key."""
        usage: dict[str, int] = {}
        with self._session() as session:
            for (blob,) in session.execute(select(func.substr(IdentityRow.ciphertext, 1, 9))):
                key_id = bytes(blob)[1:9].hex()
                usage[key_id] = usage.get(key_id, 0) + 1
        return usage

    # -- erasure -------------------------------------------------------------------------------
    def compact(self) -> None:
        """Make erased rows unrecoverable from the database files, as far as the backend can.

        SQLite overwrites deleted rows with zeros (`secure_delete`, set on every connection);
        what remains are the WAL's older copies of those pages, which a TRUNCATE checkpoint
        writes back and removes. PostgreSQL keeps deleted row versions until VACUUM marks
        their space free; it is run on the tables that hold person data. Neither reaches
        backups, replicas or PostgreSQL's WAL archive: those age out by the operator's
        rotation (docs/operations.md).
        """
        if self.engine.dialect.name == "sqlite":
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cursor.close()
            finally:
                raw.close()
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in _PERSON_TABLES:
                conn.exec_driver_sql(f"VACUUM {table}")

    def close(self) -> None:
        self.engine.dispose()


# Tables holding person data or links to it, vacuumed after erasure (constants, not input).
_PERSON_TABLES = ("identities", "victims", "suspects", "grants", "case_victims",
                  "case_suspects", "referral_pathways", "referral_transitions",
                  "referral_consents", "referral_referrals")
