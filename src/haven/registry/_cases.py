"""The case store: cases link an organisation's own victims and suspects, with route and refs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm.exc import StaleDataError

from haven._text import N_
from haven.exceptions import Conflict, FieldProblem, NotFound, ValidationFailed
from haven.registry._stores import (
    MAX_PAGE,
    HistoryEntry,
    Outcome,
    Page,
    RowT,
    _Audited,
    _validated,
)
from haven.registry._tables import CaseRow, SuspectRow, VictimRow, case_suspects, case_victims
from haven.standard import CaseCreate, CasePublic, CaseUpdate

__all__ = ["CaseStore"]


class CaseStore(_Audited):
    kind = "case"

    def _scoped(self) -> Select[CaseRow]:
        return select(CaseRow).where(CaseRow.organisation_id == self._scope.organisation_id)

    def _public(self, row: CaseRow) -> CasePublic:
        return CasePublic(
            id=row.id, organisation_id=row.organisation_id, version=row.version,
            external_id=row.external_id, opened_on=row.opened_on,
            victims=sorted(v.external_id for v in row.victims),
            suspects=sorted(s.external_id for s in row.suspects),
            route=row.route, references=row.references,
        )

    def _members(self, row_type: type[RowT], field: str, external_ids: list[str]) -> list[RowT]:
        if not external_ids:
            return []
        found: Sequence[RowT] = self._session.scalars(
            select(row_type).where(row_type.organisation_id == self._scope.organisation_id,
                                   row_type.external_id.in_(external_ids))
        ).all()
        missing = sorted(set(external_ids) - {r.external_id for r in found})
        if missing:
            raise ValidationFailed([
                FieldProblem(None, field, N_("no such record in this organisation"), value=m)
                for m in missing
            ])
        return list(found)

    def _row(self, case_id: uuid.UUID, *, for_update: bool = False) -> CaseRow:
        statement = self._scoped().where(CaseRow.id == case_id)
        if for_update:
            statement = statement.with_for_update()
        row = self._session.scalars(statement).one_or_none()
        if row is None:
            raise NotFound("case", case_id)
        return row

    def _fill(self, row: CaseRow, record: CaseCreate) -> None:
        row.opened_on = record.opened_on
        row.route = [e.model_dump(mode="json") for e in record.route]
        row.references = [r.model_dump(mode="json") for r in record.references]
        row.victims = self._members(VictimRow, "victims", record.victims)
        row.suspects = self._members(SuspectRow, "suspects", record.suspects)
        # Membership lives in association tables; touching the row bumps the case's version.
        row.updated_at = datetime.now(UTC)

    def create(self, record: CaseCreate) -> CasePublic:
        if self._by_external_id(record.external_id) is not None:
            raise Conflict(f"case {record.external_id} already exists in this organisation")
        row = CaseRow(organisation_id=self._scope.organisation_id, external_id=record.external_id)
        self._fill(row, record)
        self._session.add(row)
        self._session.flush()
        self._record("create", "case", row.id, {"victims": len(row.victims),
                                                "suspects": len(row.suspects)})
        return self._public(row)

    def _by_external_id(self, external_id: str) -> CaseRow | None:
        return self._session.scalars(
            self._scoped().where(CaseRow.external_id == external_id)).one_or_none()

    def get(self, case_id: uuid.UUID) -> CasePublic:
        row = self._row(case_id)
        self._record("read", "case", row.id)
        return self._public(row)

    def find(self, external_id: str) -> CasePublic | None:
        row = self._by_external_id(external_id)
        if row is None:
            return None
        self._record("read", "case", row.id)
        return self._public(row)

    def page(self, *, offset: int = 0, limit: int = 50,
             external_id_prefix: str | None = None) -> Page[CasePublic]:
        limit = max(1, min(limit, MAX_PAGE))
        statement = self._scoped()
        if external_id_prefix:
            statement = statement.where(CaseRow.external_id.startswith(external_id_prefix,
                                                                        autoescape=True))
        total = self._session.scalar(select(func.count()).select_from(statement.subquery())) or 0
        rows = self._session.scalars(
            statement.order_by(CaseRow.opened_on.desc(), CaseRow.external_id)
            .offset(offset).limit(limit)).all()
        if rows:
            self._record("list", "case", None, {"ids": [str(r.id) for r in rows]})
        return Page([self._public(r) for r in rows], total, offset, limit)

    def _write(self, row: CaseRow, record: CaseCreate) -> list[str]:
        old = self._public(row).model_dump(mode="json", include=set(CaseCreate.model_fields))
        new = record.model_dump(mode="json")
        changed = sorted(name for name in new if new[name] != old.get(name))
        if changed:
            self._fill(row, record)
            try:
                self._session.flush()
            except StaleDataError:
                raise Conflict(f"case {row.id} was changed meanwhile; reload it") from None
        return changed

    def update(self, case_id: uuid.UUID, changes: CaseUpdate) -> CasePublic:
        row = self._row(case_id, for_update=True)
        if row.version != changes.version:
            raise Conflict(
                f"case {row.id} is at version {row.version}, the update was made against "
                f"version {changes.version}; reload it and apply the change again")
        current = self._public(row).model_dump(mode="json", include=set(CaseCreate.model_fields))
        given = changes.model_dump(mode="json", exclude_unset=True, exclude={"version"})
        record: CaseCreate = _validated(CaseCreate, {**current, **given}, row.id)
        changed = self._write(row, record)
        if changed:
            self._record("update", "case", row.id, {"fields": changed, "version": row.version})
        return self._public(row)

    def with_member(self, kind: str, record_id: uuid.UUID) -> list[CasePublic]:
        """The own organisation's cases that a victim or suspect belongs to."""
        link = case_victims if kind == "victim" else case_suspects
        column = link.c.victim_id if kind == "victim" else link.c.suspect_id
        rows = self._session.scalars(
            self._scoped().join(link, link.c.case_id == CaseRow.id).where(column == record_id)
            .order_by(CaseRow.opened_on)).all()
        return [self._public(r) for r in rows]

    def history(self, case_id: uuid.UUID) -> list[HistoryEntry]:
        row = self._row(case_id)
        self._record("read", "case", row.id, {"fields": ["history"]})
        return self._history(row.id)

    def records(self) -> Iterator[CaseCreate]:
        """Every case of the organisation in its create form, for exports."""
        for row in self._session.scalars(self._scoped().order_by(CaseRow.external_id)):
            yield CaseCreate.model_validate(
                self._public(row).model_dump(mode="json", include=set(CaseCreate.model_fields)))

    def upsert(self, record: CaseCreate) -> tuple[CasePublic, Outcome]:
        row = self._by_external_id(record.external_id)
        if row is None:
            return self.create(record), "created"
        changed = self._write(row, record)
        if not changed:
            return self._public(row), "unchanged"
        self._record("update", "case", row.id, {"fields": changed, "version": row.version,
                                                "via": "import"})
        return self._public(row), "updated"
