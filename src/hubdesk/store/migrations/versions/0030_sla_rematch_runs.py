"""SLA re-matching runs: a change of policies or calendars (or of a customer's tier or
organisation) that may move more open tickets than one transaction should hold is recorded
here, with the calendars clocks ran on before it, and walked in ticket id order by a
background job that keeps its place in ``after_ticket_id``.

Revision ID: 0030_sla_rematch_runs
Revises: 0029_handoff_ladders
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import JsonDocument, UtcDateTime

revision = "0030_sla_rematch_runs"
down_revision = "0029_handoff_ladders"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sla_rematch_runs",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("scope", JsonDocument, nullable=False),
        sa.Column("before", JsonDocument, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("after_ticket_id", Id, nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("finished_at", UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sla_rematch_runs"),
    )
    op.create_index("ix_sla_rematch_runs_finished_at", "sla_rematch_runs",
                    ["finished_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_sla_rematch_runs_finished_at", table_name="sla_rematch_runs")
    op.drop_table("sla_rematch_runs")
