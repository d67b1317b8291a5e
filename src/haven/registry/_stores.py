"""Stores for victims, suspects and cases, each bound to one session and one scope.

Every statement filters on the scope's organisation; a record of another organisation is
reported as not found, so that its existence is not revealed either. Every create, update and
read is audited in the same transaction. Updates carry the version the caller read: a stale one
is refused with `Conflict`, never silently applied.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from haven.exceptions import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationFailed
from haven.registry._audit import AuditAction, AuditEvent, AuditLog
from haven.registry._crypto import KeyRing
from haven.registry._name_index import index_values, query_values
from haven.registry._scope import Scope
from haven.registry._tables import (
    AuditEntryRow,
    GrantRow,
    IdentityRow,
    IdentityTokenRow,
    SuspectRow,
    VictimRow,
    case_suspects,
    case_victims,
)
from haven.standard import (
    IdentifyingData,
    SuspectCreate,
    SuspectDetail,
    SuspectPublic,
    SuspectUpdate,
    VictimCreate,
    VictimDetail,
    VictimPublic,
    VictimUpdate,
    problems_from,
)

__all__ = [
    "HistoryEntry",
    "Outcome",
    "Page",
    "SuspectStore",
    "VictimFilter",
    "VictimStore",
]

Outcome = Literal["created", "updated", "unchanged"]
T = TypeVar("T")
CreateT = TypeVar("CreateT", VictimCreate, SuspectCreate)
RowT = TypeVar("RowT", VictimRow, SuspectRow)
PublicT = TypeVar("PublicT", VictimPublic, SuspectPublic)
DetailT = TypeVar("DetailT", VictimDetail, SuspectDetail)

MAX_PAGE = 500
_PREFETCH = 500


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class VictimFilter:
    identification_status: str | None = None
    sex: str | None = None
    country_of_exploitation: str | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    external_id_prefix: str | None = None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One audit entry about a record, as a case worker reads it: who did what, when."""

    seq: int
    at: str
    actor: str
    action: str
    fields: list[str]


class _Audited:
    def __init__(self, session: Session, scope: Scope, keys: KeyRing, audit: AuditLog) -> None:
        self._session = session
        self._scope = scope
        self._keys = keys
        self._audit = audit

    def _record(self, action: AuditAction, kind: str, entity_id: object,
                detail: Mapping[str, Any] | None = None) -> None:
        self._audit.append(self._session, AuditEvent(
            actor=self._scope.actor,
            organisation_id=str(self._scope.organisation_id),
            action=action,
            entity_kind=kind,
            entity_id=None if entity_id is None else str(entity_id),
            detail=detail or {},
        ))

    def _history(self, record_id: uuid.UUID) -> list[HistoryEntry]:
        rows = self._session.scalars(
            select(AuditEntryRow).where(AuditEntryRow.entity_id == str(record_id))
            .order_by(AuditEntryRow.seq))
        entries = []
        for row in rows:
            detail = json.loads(row.detail)
            fields = detail.get("fields", []) if isinstance(detail, dict) else []
            entries.append(HistoryEntry(row.seq, row.at, row.actor, row.action, list(fields)))
        return entries


def _fields_of(model: BaseModel, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A model's own fields as JSON-ready data: computed fields left out, so it re-validates."""
    return model.model_dump(mode="json", exclude=set(type(model).model_computed_fields) | exclude)


def _validated(schema: type[BaseModel], data: Mapping[str, Any], record_id: object) -> Any:
    try:
        # Stored records were valid on the day they were registered; re-checking the
        # registration date against today's date would refuse nothing useful.
        return schema.model_validate(data, context={"today": date.max})
    except ValidationError as error:
        problems = [
            FieldProblem(row=None, field=p.field, reason=f"{p.reason} (record {record_id})",
                         value=p.value)
            for p in problems_from(error)
        ]
        raise ValidationFailed(problems) from None


ErasedPart = Literal["identity", "record"]


_PENDING_TOKENS = "haven.pending_tokens"


def index_rows(keys: KeyRing, kind: str, record_id: uuid.UUID, organisation_id: uuid.UUID,
               identifying: IdentifyingData) -> list[dict[str, Any]]:
    """The blind-index rows of one identity (`_name_index.py`), as plain values."""
    tokens = {keys.blind_token(v) for v in index_values(identifying)}
    return [{"record_id": record_id, "token": t, "record_kind": kind,
             "organisation_id": organisation_id} for t in sorted(tokens)]


def queue_tokens(session: Session, rows: list[dict[str, Any]]) -> None:
    """Queue index rows for one executemany before the transaction commits: an ORM object
    per token made imports half as fast (profiled: 14,000 objects for 2,000 records)."""
    session.info.setdefault(_PENDING_TOKENS, []).extend(rows)


def unqueue_tokens(session: Session, record_id: uuid.UUID) -> None:
    pending = session.info.get(_PENDING_TOKENS)
    if pending:
        pending[:] = [r for r in pending if r["record_id"] != record_id]


def flush_tokens(session: Session) -> None:
    """Write the queued index rows (the registry calls this before every commit)."""
    pending = session.info.pop(_PENDING_TOKENS, None)
    if pending:
        session.execute(insert(IdentityTokenRow), pending)


def reindex(session: Session, keys: KeyRing, identities: Sequence[IdentityRow],
            plaintexts: Sequence[bytes]) -> None:
    """Rebuild the blind index of these identities (after a key rotation or an upgrade)."""
    if not identities:
        return
    ids = [row.record_id for row in identities]
    owner: dict[uuid.UUID, uuid.UUID] = {}
    for table in (VictimRow, SuspectRow):
        owner.update(session.execute(select(table.id, table.organisation_id)
                                     .where(table.id.in_(ids))).all())
    session.execute(delete(IdentityTokenRow).where(IdentityTokenRow.record_id.in_(ids)))
    for row, plaintext in zip(identities, plaintexts, strict=True):
        if row.record_id in owner:
            queue_tokens(session, index_rows(keys, row.record_kind, row.record_id,
                                             owner[row.record_id],
                                             IdentifyingData.model_validate_json(plaintext)))


def identity_associated(kind: str, record_id: uuid.UUID) -> bytes:
    """The associated data binding an identity's ciphertext to its record."""
    return f"haven:{kind}:{record_id}".encode("ascii")
_IN_LIST = 500  # ids per IN (...) list: well under every backend's parameter limit


def _chunks(ids: list[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), _IN_LIST):
        yield ids[start:start + _IN_LIST]


class _PersonStore(_Audited, Generic[CreateT, RowT, PublicT, DetailT]):
    """What victims and suspects share: identity encryption, scoping, audit, versions."""

    def __init__(self, session: Session, scope: Scope, keys: KeyRing, audit: AuditLog) -> None:
        super().__init__(session, scope, keys, audit)
        # Rows by external id (None: known absent) for this transaction: creates and imports
        # check for duplicates without a query per record.
        self._known: dict[str, RowT | None] = {}

    kind: ClassVar[str]
    row_type: type[RowT]
    create_schema: type[CreateT]
    public_schema: type[PublicT]
    detail_schema: type[DetailT]

    # -- mapping between schemas and rows -----------------------------------------------------
    def _values(self, record: CreateT) -> dict[str, Any]:
        raise NotImplementedError

    def _as_create(self, row: RowT, identifying: IdentifyingData | None) -> CreateT:
        data = _fields_of(self.public_schema.model_validate(row),
                          exclude=frozenset({"id", "organisation_id", "version", "person_id"}))
        data["identifying"] = identifying.model_dump(mode="json") if identifying else None
        result: CreateT = _validated(self.create_schema, data, row.id)
        return result

    # -- identity -----------------------------------------------------------------------------
    def _associated(self, record_id: uuid.UUID) -> bytes:
        return identity_associated(self.kind, record_id)

    def _ciphertext(self, record_id: uuid.UUID, identifying: IdentifyingData) -> bytes:
        plaintext = json.dumps(identifying.model_dump(mode="json"), ensure_ascii=False).encode()
        return self._keys.encrypt(plaintext, self._associated(record_id))

    def _add_identity(self, record_id: uuid.UUID, identifying: IdentifyingData | None) -> None:
        """The identity of a new record (which has none yet), and its blind index."""
        if identifying is not None and not identifying.is_empty():
            self._session.add(IdentityRow(record_id=record_id, record_kind=self.kind,
                                          ciphertext=self._ciphertext(record_id, identifying)))
            queue_tokens(self._session, index_rows(self._keys, self.kind, record_id,
                                                   self._scope.organisation_id, identifying))

    def _write_identity(self, record_id: uuid.UUID, identifying: IdentifyingData | None) -> None:
        existing = self._session.get(IdentityRow, record_id)
        unqueue_tokens(self._session, record_id)
        self._session.execute(delete(IdentityTokenRow).where(
            IdentityTokenRow.record_id == record_id))
        if identifying is None or identifying.is_empty():
            if existing is not None:
                self._session.delete(existing)
            return
        if existing is None:
            self._add_identity(record_id, identifying)
        else:
            existing.ciphertext = self._ciphertext(record_id, identifying)
            queue_tokens(self._session, index_rows(self._keys, self.kind, record_id,
                                                   self._scope.organisation_id, identifying))

    def _read_identity(self, record_id: uuid.UUID) -> IdentifyingData | None:
        row = self._session.get(IdentityRow, record_id)
        if row is None:
            return None
        plaintext = self._keys.decrypt(row.ciphertext, self._associated(record_id))
        return IdentifyingData.model_validate_json(plaintext)

    # -- queries ------------------------------------------------------------------------------
    def _scoped(self) -> Select[RowT]:
        return select(self.row_type).where(
            self.row_type.organisation_id == self._scope.organisation_id
        )

    def _row(self, record_id: uuid.UUID, *, for_update: bool = False) -> RowT:
        statement = self._scoped().where(self.row_type.id == record_id)
        if for_update:
            statement = statement.with_for_update()
        row = self._session.scalars(statement).one_or_none()
        if row is None:
            raise NotFound(self.kind, record_id)
        return row

    def _by_external_id(self, external_id: str) -> RowT | None:
        if external_id in self._known:
            return self._known[external_id]
        row = self._session.scalars(
            self._scoped().where(self.row_type.external_id == external_id)
        ).one_or_none()
        self._known[external_id] = row
        return row

    def prefetch(self, external_ids: Sequence[str]) -> None:
        """Look up many external ids in a few queries (imports), instead of one per record."""
        wanted = [e for e in dict.fromkeys(external_ids) if e not in self._known]
        for start in range(0, len(wanted), _PREFETCH):
            chunk = wanted[start : start + _PREFETCH]
            rows = self._session.scalars(
                self._scoped().where(self.row_type.external_id.in_(chunk))).all()
            found = {r.external_id: r for r in rows}
            self._known.update({e: found.get(e) for e in chunk})

    def get(self, record_id: uuid.UUID) -> PublicT:
        row = self._row(record_id)
        self._record("read", self.kind, row.id)
        return self.public_schema.model_validate(row)

    def get_granted(self, record_id: uuid.UUID) -> dict[str, Any]:
        """Another organisation's record, as far as a grant to this scope's organisation goes."""
        from haven.registry._grants import GrantStore

        store = GrantStore(self._session, self._scope, self._keys, self._audit)
        return store.read(self.kind, record_id)

    def history(self, record_id: uuid.UUID) -> list[HistoryEntry]:
        """Every audit entry about an own record (reading it is audited too)."""
        row = self._row(record_id)
        self._record("read", self.kind, row.id, {"fields": ["history"]})
        return self._history(row.id)

    def get_detail(self, record_id: uuid.UUID) -> DetailT:
        """The record with its identifying data; needs the scope's identifying permission."""
        if not self._scope.identifying:
            raise PermissionDenied("reading identifying data needs that permission")
        row = self._row(record_id)
        identifying = self._read_identity(row.id)
        self._record("read_identifying", self.kind, row.id)
        detail = self.detail_schema.model_validate(row)
        detail.identifying = identifying
        return detail

    def find(self, external_id: str) -> PublicT | None:
        row = self._by_external_id(external_id)
        if row is None:
            return None
        self._record("read", self.kind, row.id)
        return self.public_schema.model_validate(row)

    def _page(self, statement: Select[RowT], offset: int, limit: int) -> Page[PublicT]:
        limit = max(1, min(limit, MAX_PAGE))
        total = self._session.scalar(select(func.count()).select_from(statement.subquery())) or 0
        rows = self._session.scalars(
            statement.order_by(self.row_type.registered_on.desc(), self.row_type.external_id)
            .offset(offset).limit(limit)
        ).all()
        if rows:
            self._record("list", self.kind, None, {"ids": [str(r.id) for r in rows]})
        return Page([self.public_schema.model_validate(r) for r in rows], total, offset, limit)

    # -- writes -------------------------------------------------------------------------------
    def create(self, record: CreateT) -> PublicT:
        if self._by_external_id(record.external_id) is not None:
            raise Conflict(f"{self.kind} {record.external_id} already exists in this organisation")
        return self._insert(record)

    def _insert(self, record: CreateT) -> PublicT:
        # The id is drawn here, not by the database, so nothing needs flushing per record and
        # a batch of creates reaches the database as one batched statement at commit.
        row = self.row_type(id=uuid.uuid4(), organisation_id=self._scope.organisation_id,
                            version=1, **self._values(record))
        self._session.add(row)
        self._known[record.external_id] = row
        self._add_identity(row.id, record.identifying)
        fields = sorted(record.model_dump(exclude_defaults=True, exclude={"identifying"}))
        if record.identifying is not None:
            fields.append("identifying")
        self._record("create", self.kind, row.id, {"fields": fields})
        return self.public_schema.model_validate(row)

    def _apply(self, row: RowT, record: CreateT, current: CreateT) -> list[str]:
        """Write `record` over `row`; return the names of the fields that changed."""
        old, new = current.model_dump(mode="json"), record.model_dump(mode="json")
        changed = sorted(name for name in new if new[name] != old.get(name))
        if not changed:
            return []
        for name, value in self._values(record).items():
            setattr(row, name, value)
        # Touching the row makes every change, identifying data included, bump the version.
        row.updated_at = datetime.now(UTC)
        if "identifying" in changed:
            self._write_identity(row.id, record.identifying)
        try:
            self._session.flush()
        except StaleDataError:
            raise Conflict(f"{self.kind} {row.id} was changed meanwhile; reload it") from None
        return changed

    def update(self, record_id: uuid.UUID, changes: VictimUpdate | SuspectUpdate) -> PublicT:
        row = self._row(record_id, for_update=True)
        if row.version != changes.version:
            raise Conflict(
                f"{self.kind} {row.id} is at version {row.version}, the update was made "
                f"against version {changes.version}; reload it and apply the change again"
            )
        given = changes.model_dump(mode="json", exclude_unset=True, exclude={"version"})
        current = self._as_create(row, self._read_identity(row.id))
        merged = _validated(self.create_schema, {**_fields_of(current), **given}, row.id)
        changed = self._apply(row, merged, current)
        if changed:
            self._record("update", self.kind, row.id, {"fields": changed,
                                                        "version": row.version})
        return self.public_schema.model_validate(row)

    def upsert(self, record: CreateT) -> tuple[PublicT, Outcome]:
        """Create, or bring an existing record with the same external id up to date (imports)."""
        row = self._by_external_id(record.external_id)
        if row is None:
            return self._insert(record), "created"
        current = self._as_create(row, self._read_identity(row.id))
        changed = self._apply(row, record, current)
        if not changed:
            return self.public_schema.model_validate(row), "unchanged"
        self._record("update", self.kind, row.id, {"fields": changed, "version": row.version,
                                                    "via": "import"})
        return self.public_schema.model_validate(row), "updated"

    def erase(self, record_ids: Sequence[uuid.UUID], *, part: ErasedPart, reason: str,
              context: Mapping[uuid.UUID, Mapping[str, int]] | None = None
              ) -> dict[uuid.UUID, dict[str, int]]:
        """Erase records of this organisation, or only their identifying data; return the
        rows deleted per record and table.

        `part="identity"` deletes the encrypted identity and keeps the statistical record;
        `part="record"` deletes the record with its identity, the grants on it and its case
        links (and, through the database's cascades, what other packages keep on it: support
        pathways with their transitions, consents and referrals). Nothing is kept to restore
        it; the audit log keeps, per record, that an erasure happened, its reason and the row
        counts (`context` adds counts the caller deleted itself), never a value. Deletes run
        set-wise, a few statements per call whatever the number of records. The freed space
        is overwritten on SQLite and vacuumed on PostgreSQL by `Registry.compact`.

        Raises:
            NotFound: a record that is not this organisation's (nothing is erased then:
                the caller's transaction rolls back).
        """
        ids = list(dict.fromkeys(record_ids))
        rows: dict[uuid.UUID, RowT] = {}
        for chunk in _chunks(ids):
            rows.update((r.id, r) for r in self._session.scalars(
                self._scoped().where(self.row_type.id.in_(chunk)).with_for_update()))
        missing = next((i for i in ids if i not in rows), None)
        if missing is not None:
            raise NotFound(self.kind, missing)
        counts = {i: dict((context or {}).get(i, {})) for i in ids}
        flush_tokens(self._session)
        self._count_and_delete(counts, IdentityRow.record_id, "identities")
        self._count_and_delete(counts, IdentityTokenRow.record_id, "identity_tokens")
        if part == "record":
            self._count_and_delete(counts, GrantRow.record_id, "grants",
                                   GrantRow.record_kind == self.kind)
            links = case_victims if self.kind == "victim" else case_suspects
            column = links.c.victim_id if self.kind == "victim" else links.c.suspect_id
            self._count_and_delete(counts, column, "case_links")
            for chunk in _chunks(ids):
                self._session.execute(delete(self.row_type).where(self.row_type.id.in_(chunk)))
            for record_id, row in rows.items():
                counts[record_id][self.row_type.__tablename__] = 1
                self._known.pop(row.external_id, None)
                self._session.expunge(row)
        for record_id in ids:
            self._record("erase", self.kind, record_id, {
                "part": part, "reason": reason, "rows": dict(sorted(counts[record_id].items()))})
        return counts

    def _count_and_delete(self, counts: dict[uuid.UUID, dict[str, int]], column: Any,
                          name: str, *where: Any) -> None:
        """Count rows per record in `column`'s table, then delete them (chunks of ids)."""
        table = column.table
        for chunk in _chunks(list(counts)):
            found = self._session.execute(select(column, func.count()).where(
                column.in_(chunk), *where).group_by(column)).all()
            for record_id, n in found:
                counts[record_id][name] = int(n)
            self._session.execute(delete(table).where(column.in_(chunk), *where))
        for record_counts in counts.values():
            record_counts.setdefault(name, 0)

    def search_identifying(self, name: str, *, date_of_birth: str | None = None,
                           limit: int = 50) -> list[PublicT]:
        """Records of this organisation whose identity has every name part of `name` (in
        any order, script or common romanisation) and, if given, that date of birth (a
        full date, or a year), through the blind index: nothing is decrypted.

        Needs the identifying permission; audited as a search with the number of parts and
        results, never the query.
        """
        if not self._scope.identifying:
            raise PermissionDenied("searching by name needs the identifying permission")
        values = query_values(name, date_of_birth)
        if not any(v.startswith("n:") for v in values):
            return []
        tokens = sorted({self._keys.blind_token(v) for v in values})
        flush_tokens(self._session)  # records created earlier in this transaction
        matching = (select(IdentityTokenRow.record_id)
                    .where(IdentityTokenRow.organisation_id == self._scope.organisation_id,
                           IdentityTokenRow.record_kind == self.kind,
                           IdentityTokenRow.token.in_(tokens))
                    .group_by(IdentityTokenRow.record_id)
                    .having(func.count() == len(tokens)))
        rows = self._session.scalars(self._scoped().where(self.row_type.id.in_(matching))
                                     .order_by(self.row_type.registered_on.desc())
                                     .limit(max(1, min(limit, 500)))).all()
        self._record("list", self.kind, None, {"search": "identifying", "parts": len(tokens),
                                               "results": len(rows)})
        return [self.public_schema.model_validate(r) for r in rows]

    def records(self, *, identifying: bool = False) -> Iterator[CreateT]:
        """Every record of the organisation in its create form, for exports.

        The caller audits the export as a whole; identifying data needs the permission.
        """
        if identifying and not self._scope.identifying:
            raise PermissionDenied("reading identifying data needs that permission")
        rows = self._session.scalars(self._scoped().order_by(self.row_type.external_id))
        for row in rows:
            yield self._as_create(row, self._read_identity(row.id) if identifying else None)


class VictimStore(_PersonStore[VictimCreate, VictimRow, VictimPublic, VictimDetail]):
    kind = "victim"
    row_type = VictimRow
    create_schema = VictimCreate
    public_schema = VictimPublic
    detail_schema = VictimDetail

    def _values(self, record: VictimCreate) -> dict[str, Any]:
        data = record.model_dump(mode="json", exclude={"identifying", "age_group", "age_band"})
        data["registered_on"] = record.registered_on
        return data

    def page(self, filters: VictimFilter | None = None, *, offset: int = 0,
             limit: int = 50) -> Page[VictimPublic]:
        f = filters or VictimFilter()
        statement = self._scoped()
        if f.identification_status:
            statement = statement.where(VictimRow.identification_status == f.identification_status)
        if f.sex:
            statement = statement.where(VictimRow.sex == f.sex)
        if f.country_of_exploitation:
            statement = statement.where(
                VictimRow.country_of_exploitation == f.country_of_exploitation)
        if f.registered_from:
            statement = statement.where(VictimRow.registered_on >= f.registered_from)
        if f.registered_to:
            statement = statement.where(VictimRow.registered_on <= f.registered_to)
        if f.external_id_prefix:
            statement = statement.where(VictimRow.external_id.startswith(f.external_id_prefix,
                                                                          autoescape=True))
        return self._page(statement, offset, limit)


class SuspectStore(_PersonStore[SuspectCreate, SuspectRow, SuspectPublic, SuspectDetail]):
    kind = "suspect"
    row_type = SuspectRow
    create_schema = SuspectCreate
    public_schema = SuspectPublic
    detail_schema = SuspectDetail

    def _values(self, record: SuspectCreate) -> dict[str, Any]:
        data = record.model_dump(mode="json", exclude={"identifying"})
        data["registered_on"] = record.registered_on
        return data

    def page(self, *, offset: int = 0, limit: int = 50, stage: str | None = None,
             external_id_prefix: str | None = None) -> Page[SuspectPublic]:
        statement = self._scoped()
        if stage:
            statement = statement.where(SuspectRow.stage == stage)
        if external_id_prefix:
            statement = statement.where(SuspectRow.external_id.startswith(external_id_prefix,
                                                                           autoescape=True))
        return self._page(statement, offset, limit)
