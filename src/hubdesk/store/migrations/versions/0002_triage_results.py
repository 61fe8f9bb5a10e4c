"""Triage results and sealed originals on messages; sensitive-data access for agents.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("triage", Json, nullable=True))
        batch.add_column(sa.Column("sealed_body", sa.Text(), nullable=True))
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("sensitive_access", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("sensitive_access")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("sealed_body")
        batch.drop_column("triage")
