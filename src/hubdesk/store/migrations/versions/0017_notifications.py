"""Notifications: notices in an agent's console, made from committed events.

Revision ID: 0017_notifications
Revises: 0016_workforce
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

revision = "0017_notifications"
down_revision = "0016_workforce"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("agent_id", Id, sa.ForeignKey(
            "agents.id", ondelete="CASCADE", name="fk_notifications_agent_id_agents"),
            nullable=False),
        sa.Column("ticket_id", Id, sa.ForeignKey(
            "tickets.id", ondelete="CASCADE", name="fk_notifications_ticket_id_tickets"),
            nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("read_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("source_event_id", Id, nullable=True),
        sa.UniqueConstraint("agent_id", "source_event_id", "created_at",
                            name="uq_notifications_agent_source"),
    )
    op.create_index("ix_notifications_agent", "notifications", ["agent_id", "id"])
    op.create_index("ix_notifications_agent_unread", "notifications", ["agent_id", "read_at"])


def downgrade() -> None:
    op.drop_index("ix_notifications_agent_unread", table_name="notifications")
    op.drop_index("ix_notifications_agent", table_name="notifications")
    op.drop_table("notifications")
