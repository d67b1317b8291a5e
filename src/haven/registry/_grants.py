"""Grants: the one way a record is seen outside its organisation.

A grant lets one other organisation read named fields of one record (a referral grants what
the receiving service needs, no more), until it is revoked or expires. Only the owning
organisation can grant or revoke; the grantee reads through `GrantedReader`, which returns
the granted fields only — identifying fields only to a scope allowed to read identifying
data — and audits every read in the owner's name and the grantee's. The grantee may give its
own access up (`relinquish`), never extend it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven._text import N_
from haven.exceptions import FieldProblem, NotFound, ValidationFailed
from haven.registry._audit import AuditEvent, AuditLog
from haven.registry._crypto import KeyRing
from haven.registry._scope import Scope
from haven.registry._tables import GrantRow, IdentityRow, SuspectRow, VictimRow
from haven.standard import IDENTIFYING_FIELDS, IdentifyingData, SuspectPublic, VictimPublic

__all__ = ["GRANTABLE_FIELDS", "GrantPublic", "GrantStore"]

_ROWS: dict[str, type[VictimRow] | type[SuspectRow]] = {"victim": VictimRow, "suspect": SuspectRow}
_PUBLIC: dict[str, type[BaseModel]] = {"victim": VictimPublic, "suspect": SuspectPublic}
_NEVER = {"id", "organisation_id", "version", "person_id"}

GRANTABLE_FIELDS: dict[str, frozenset[str]] = {
    kind: frozenset(set(_PUBLIC[kind].model_fields) - _NEVER
                    | set(_PUBLIC[kind].model_computed_fields)
                    | (IDENTIFYING_FIELDS - {"identifying"}))
    for kind in _ROWS
}


class GrantPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    record_kind: str
    record_id: uuid.UUID
    owner_organisation_id: uuid.UUID
    grantee_organisation_id: uuid.UUID
    fields: list[str]
    reason: str
    granted_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


class GrantStore:
    def __init__(self, session: Session, scope: Scope, keys: KeyRing, audit: AuditLog) -> None:
        self._session = session
        self._scope = scope
        self._keys = keys
        self._audit = audit

    def _event(self, action: str, entity_id: uuid.UUID, detail: dict[str, Any],
               organisation_id: uuid.UUID | None = None) -> None:
        self._audit.append(self._session, AuditEvent(
            actor=self._scope.actor,
            organisation_id=str(organisation_id or self._scope.organisation_id),
            action=action,  # type: ignore[arg-type]
            entity_kind="grant" if action != "read_granted" else detail.pop("kind"),
            entity_id=str(entity_id), detail=detail))

    def grant(self, record_kind: str, record_id: uuid.UUID, grantee_organisation_id: uuid.UUID,
              fields: frozenset[str], reason: str, *, expires_at: datetime | None = None
              ) -> GrantPublic:
        """Let another organisation read `fields` of an own record."""
        row_type = _ROWS.get(record_kind)
        if row_type is None:
            raise ValidationFailed([FieldProblem(None, "record_kind", N_("victim or suspect"))])
        unknown = sorted(set(fields) - GRANTABLE_FIELDS[record_kind])
        problems = [FieldProblem(None, "fields", N_("not a grantable field"), value=f)
                    for f in unknown]
        if not fields:
            problems.append(FieldProblem(None, "fields", N_("grant at least one field")))
        if grantee_organisation_id == self._scope.organisation_id:
            problems.append(FieldProblem(None, "grantee",
                                         N_("an organisation sees its own records")))
        if not reason.strip():
            problems.append(FieldProblem(None, "reason", N_("say why the record is shared")))
        if problems:
            raise ValidationFailed(problems)
        owned = self._session.scalars(select(row_type.id).where(
            row_type.id == record_id,
            row_type.organisation_id == self._scope.organisation_id)).one_or_none()
        if owned is None:
            raise NotFound(record_kind, record_id)
        row = GrantRow(id=uuid.uuid4(), record_kind=record_kind, record_id=record_id,
                       owner_organisation_id=self._scope.organisation_id,
                       grantee_organisation_id=grantee_organisation_id,
                       fields=sorted(fields), reason=reason.strip()[:200],
                       granted_by=self._scope.actor, created_at=datetime.now(UTC),
                       expires_at=expires_at)
        self._session.add(row)
        self._session.flush()
        self._event("grant", row.id, {"record": str(record_id), "fields": sorted(fields),
                                      "grantee": str(grantee_organisation_id)})
        return GrantPublic.model_validate(row)

    def revoke(self, grant_id: uuid.UUID, *, context: dict[str, str] | None = None) -> None:
        """The owner ends a grant it gave; `context` (ids only) goes into the audit entry."""
        row = self._session.get(GrantRow, grant_id)
        if row is None or row.owner_organisation_id != self._scope.organisation_id:
            raise NotFound("grant", grant_id)
        if row.revoked_at is None:
            row.revoked_at = datetime.now(UTC)
            self._event("revoke", row.id, {"record": str(row.record_id), **(context or {})})

    def relinquish(self, grant_id: uuid.UUID, *, context: dict[str, str] | None = None
                   ) -> None:
        """The grantee gives its own access up (a referral rejected or done).

        Only the grantee organisation can do this (the owner calls `revoke`). Both
        organisations' logs record it, as the owner's data stops being shared.
        """
        row = self._session.get(GrantRow, grant_id, with_for_update=True)
        if row is None or row.grantee_organisation_id != self._scope.organisation_id:
            raise NotFound("grant", grant_id)
        if row.revoked_at is not None:
            return
        row.revoked_at = datetime.now(UTC)
        detail = {"record": str(row.record_id), "by": "grantee", **(context or {})}
        self._event("revoke", row.id, dict(detail))
        self._event("revoke", row.id, dict(detail), organisation_id=row.owner_organisation_id)

    def given(self, record_id: uuid.UUID | None = None) -> list[GrantPublic]:
        """Grants the scope's organisation has given (on one record, or all)."""
        statement = select(GrantRow).where(
            GrantRow.owner_organisation_id == self._scope.organisation_id)
        if record_id is not None:
            statement = statement.where(GrantRow.record_id == record_id)
        return [GrantPublic.model_validate(r)
                for r in self._session.scalars(statement.order_by(GrantRow.created_at))]

    def received(self) -> list[GrantPublic]:
        """Active grants the scope's organisation holds."""
        rows = self._session.scalars(select(GrantRow).where(
            GrantRow.grantee_organisation_id == self._scope.organisation_id,
            GrantRow.revoked_at.is_(None)).order_by(GrantRow.created_at))
        now = datetime.now(UTC)
        return [GrantPublic.model_validate(r) for r in rows
                if (_aware(r.expires_at) or now) >= now]

    def _active_fields(self, record_kind: str, record_id: uuid.UUID) -> set[str]:
        rows = self._session.scalars(select(GrantRow).where(
            GrantRow.grantee_organisation_id == self._scope.organisation_id,
            GrantRow.record_id == record_id, GrantRow.record_kind == record_kind,
            GrantRow.revoked_at.is_(None)))
        now = datetime.now(UTC)
        fields: set[str] = set()
        for row in rows:
            if (_aware(row.expires_at) or now) >= now:
                fields.update(row.fields)
        return fields

    def read(self, record_kind: str, record_id: uuid.UUID) -> dict[str, Any]:
        """The granted fields of another organisation's record; NotFound without a grant."""
        fields = self._active_fields(record_kind, record_id)
        row_type = _ROWS.get(record_kind)
        row: Any = self._session.get(row_type, record_id) if fields and row_type else None
        if row is None:
            raise NotFound(record_kind, record_id)
        public = _PUBLIC[record_kind].model_validate(row).model_dump(mode="json")
        shown: dict[str, Any] = {"id": str(row.id), "external_id": row.external_id}
        shown.update({k: v for k, v in public.items() if k in fields})
        wanted_identity = fields & IDENTIFYING_FIELDS
        if wanted_identity and self._scope.identifying:
            identity_row = self._session.get(IdentityRow, row.id)
            if identity_row is not None:
                plain = self._keys.decrypt(identity_row.ciphertext,
                                           f"haven:{record_kind}:{row.id}".encode("ascii"))
                identity = IdentifyingData.model_validate_json(plain).model_dump(mode="json")
                shown.update({k: v for k, v in identity.items() if k in wanted_identity})
        self._event("read_granted", row.id, {"kind": record_kind, "fields": sorted(shown)})
        # The owner's log records the read too: its data left its organisation.
        self._event("read_granted", row.id, {"kind": record_kind, "fields": sorted(shown),
                                             "by": str(self._scope.organisation_id)},
                    organisation_id=row.organisation_id)
        return shown
