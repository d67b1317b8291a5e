"""The registry's tables (SQLAlchemy 2 declarative), the same on SQLite and PostgreSQL.

Multi-valued codes (citizenships, forms of exploitation, ...) are JSON columns: the registry is
operational, and the statistics engine unnests them. Identifying data is never in these
columns: it lives encrypted in `identities`, one row per person record, so that erasure is a
delete and database grants can keep it from analysts' accounts.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "AuditEntryRow",
    "AuditHeadRow",
    "Base",
    "CaseRow",
    "GrantRow",
    "IdentityRow",
    "IdentityTokenRow",
    "OrganisationRow",
    "SuspectRow",
    "VictimRow",
    "case_suspects",
    "case_victims",
]

# Explicit constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=_NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


def _now() -> datetime:
    return datetime.now(UTC)


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    type: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class _PersonRecord:
    """Columns every person record has: owner, external id, optimistic-lock version."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    external_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    registered_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )


class VictimRow(_PersonRecord, Base):
    __tablename__ = "victims"
    __table_args__ = (
        UniqueConstraint("organisation_id", "external_id", name="uq_victims_org_external_id"),
        Index("ix_victims_org_registered", "organisation_id", "registered_on"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    identification_status: Mapped[str] = mapped_column(String(30))
    sex: Mapped[str] = mapped_column(String(10))
    age_at_registration: Mapped[int | None] = mapped_column(Integer)
    age_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    citizenships: Mapped[list[Any]] = mapped_column(default=list)
    country_of_exploitation: Mapped[str | None] = mapped_column(String(2))
    exploitation: Mapped[list[Any]] = mapped_column(default=list)
    means_of_control: Mapped[list[Any]] = mapped_column(default=list)
    recruitment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    vulnerabilities: Mapped[list[Any]] = mapped_column(default=list)
    # Set by the linkage module: the resolved person this registration belongs to.
    person_id: Mapped[str | None] = mapped_column(String(64), index=True)

    __mapper_args__ = {"version_id_col": _PersonRecord.version}  # noqa: RUF012


class SuspectRow(_PersonRecord, Base):
    __tablename__ = "suspects"
    __table_args__ = (
        UniqueConstraint("organisation_id", "external_id", name="uq_suspects_org_external_id"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    person_kind: Mapped[str] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(10))
    age: Mapped[int | None] = mapped_column(Integer)
    citizenship: Mapped[str | None] = mapped_column(String(4))
    roles: Mapped[list[Any]] = mapped_column(default=list)
    justice: Mapped[list[Any]] = mapped_column(default=list)
    stage: Mapped[str] = mapped_column(String(12))

    __mapper_args__ = {"version_id_col": _PersonRecord.version}  # noqa: RUF012


class CaseRow(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("organisation_id", "external_id", name="uq_cases_org_external_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    external_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    opened_on: Mapped[date] = mapped_column(Date)
    route: Mapped[list[Any]] = mapped_column(default=list)
    references: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )

    victims: Mapped[list[VictimRow]] = relationship(secondary="case_victims", lazy="selectin")
    suspects: Mapped[list[SuspectRow]] = relationship(secondary="case_suspects", lazy="selectin")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


case_victims = Table(
    "case_victims",
    Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("victim_id", ForeignKey("victims.id", ondelete="CASCADE"), primary_key=True),
)
case_suspects = Table(
    "case_suspects",
    Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("suspect_id", ForeignKey("suspects.id", ondelete="CASCADE"), primary_key=True),
)


class IdentityRow(Base):
    """The encrypted identifying part of one person record (victim or suspect)."""

    __tablename__ = "identities"

    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(10))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class IdentityTokenRow(Base):
    """A blind index of an identity: keyed HMACs of its name tokens and date of birth.

    Lets a case worker find "is this person registered already?" by name without decrypting
    every identity. The tokens reveal only which records share a token, to whoever reads
    the database; without the data key they cannot be tested against a guessed name.
    """

    __tablename__ = "identity_tokens"
    __table_args__ = (Index("ix_identity_tokens_org_token", "organisation_id", "token"),)

    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(10))
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)


class AuditEntryRow(Base):
    """One entry of the append-only, hash-chained audit log.

    `mac` = HMAC(audit key, prev_mac | canonical entry), so an entry cannot be changed, and a
    chain cannot be recomputed, without the key that lives outside the database.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC, exactly as MAC'd
    actor: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(20))
    entity_kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly as MAC'd
    key_id: Mapped[str] = mapped_column(String(16))
    prev_mac: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The chain's head, one row: locked while appending, MAC'd so a rewind is detected."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    mac: Mapped[str] = mapped_column(String(64))
    head_mac: Mapped[str] = mapped_column(String(64))


class GrantRow(Base):
    """Organisation B may read record R of organisation A, only these fields, until revoked.

    Referrals create grants; the grantee reads through `get_granted`, which returns the granted
    fields only and audits the read.
    """

    __tablename__ = "grants"
    __table_args__ = (Index("ix_grants_grantee_record", "grantee_organisation_id", "record_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    record_kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    owner_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    grantee_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    fields: Mapped[list[Any]] = mapped_column(default=list)
    reason: Mapped[str] = mapped_column(String(200))
    granted_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
