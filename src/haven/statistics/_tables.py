"""The statistics tables on the registry's `Base`: privacy budgets, their spending, releases.

Created by migration 0002 (`haven/registry/migrations/versions/0002_statistics.py`). A release
row is written for every table that leaves Haven, whatever the policy; a spend row ties each
differentially private release to the budget of its dataset.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from haven.registry._tables import Base

__all__ = ["PrivacyBudgetRow", "PrivacySpendRow", "ReleaseRow"]


def _now() -> datetime:
    return datetime.now(UTC)


class PrivacyBudgetRow(Base):
    """The total privacy loss (epsilon) a dataset may ever spend."""

    __tablename__ = "stats_privacy_budgets"

    dataset: Mapped[str] = mapped_column(String(40), primary_key=True)
    epsilon_total: Mapped[float] = mapped_column(Float)
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ReleaseRow(Base):
    """One table that left Haven: what, when, by whom, under which policy, through which path."""

    __tablename__ = "stats_releases"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    actor: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(20))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    policy: Mapped[str] = mapped_column(String(20))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    cells: Mapped[int] = mapped_column(Integer)
    hidden: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))


class PrivacySpendRow(Base):
    """Epsilon spent by one release against its dataset's budget."""

    __tablename__ = "stats_privacy_spends"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    dataset: Mapped[str] = mapped_column(ForeignKey("stats_privacy_budgets.dataset"), index=True)
    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stats_releases.id"))
    epsilon: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
