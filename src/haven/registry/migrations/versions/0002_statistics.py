"""statistics: privacy budgets, privacy spends, releases

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:10:00.000000

Owned by haven.statistics (tables in haven/statistics/_tables.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stats_privacy_budgets",
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("epsilon_total", sa.Float(), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("dataset", name=op.f("pk_stats_privacy_budgets")),
    )
    op.create_table(
        "stats_releases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("policy", sa.String(length=20), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("hidden", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stats_releases")),
    )
    op.create_table(
        "stats_privacy_spends",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("release_id", sa.Uuid(), nullable=False),
        sa.Column("epsilon", sa.Float(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset"],
            ["stats_privacy_budgets.dataset"],
            name=op.f("fk_stats_privacy_spends_dataset_stats_privacy_budgets"),
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["stats_releases.id"],
            name=op.f("fk_stats_privacy_spends_release_id_stats_releases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stats_privacy_spends")),
    )
    with op.batch_alter_table("stats_privacy_spends", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stats_privacy_spends_dataset"), ["dataset"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("stats_privacy_spends", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stats_privacy_spends_dataset"))
    op.drop_table("stats_privacy_spends")
    op.drop_table("stats_releases")
    op.drop_table("stats_privacy_budgets")
