"""identity tokens: a blind index of names and dates of birth

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 16:10:00

Owned by haven.registry (IdentityTokenRow in haven/registry/_tables.py). The tokens need the
data key, so they are built by `Registry.open(initialise=True)` (`haven init`), not here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_tokens",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("record_kind", sa.String(length=10), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", "token", name=op.f("pk_identity_tokens")),
    )
    op.create_index("ix_identity_tokens_org_token", "identity_tokens",
                    ["organisation_id", "token"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_identity_tokens_org_token", table_name="identity_tokens")
    op.drop_table("identity_tokens")
