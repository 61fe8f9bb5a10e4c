"""Claims of periodic job ticks, so each tick runs once across all workers.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "periodic_runs",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("tick_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("worker", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("name", "tick_at", name="pk_periodic_runs"),
    )


def downgrade() -> None:
    op.drop_table("periodic_runs")
