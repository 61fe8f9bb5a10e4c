"""Blocked senders; agents' corrections of triage verdicts.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("blocked_at", UtcDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("blocked_by_id", Id, nullable=True))
        batch.add_column(sa.Column("block_reason", sa.Text(), nullable=True))
    op.create_table(
        "triage_feedback",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("message_id", Id, sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("agent_id", Id, sa.ForeignKey("agents.id"), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("value", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("message_id", "verdict", name="uq_triage_feedback_message_verdict"),
    )
    op.create_index("ix_triage_feedback_verdict", "triage_feedback", ["verdict", "id"])


def downgrade() -> None:
    op.drop_index("ix_triage_feedback_verdict", table_name="triage_feedback")
    op.drop_table("triage_feedback")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("block_reason")
        batch.drop_column("blocked_by_id")
        batch.drop_column("blocked_at")
