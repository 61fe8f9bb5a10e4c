"""The console: saved queue views per agent; indexes for the queue's filters and orders.

Revision ID: 0012_console
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0012_console"
down_revision = "0008_handoffs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_views",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("agent_id", Id, sa.ForeignKey("agents.id", ondelete="CASCADE",
                                                name="fk_saved_views_agent_id_agents"),
                  nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("query", sa.String(1000), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("agent_id", "name", name="uq_saved_views_agent_id_name"),
    )
    op.create_index("ix_tickets_priority_updated", "tickets", ["priority", "updated_at", "id"])
    op.create_index("ix_tickets_channel_updated", "tickets", ["channel", "updated_at", "id"])
    op.create_index("ix_tickets_created", "tickets", ["created_at", "id"])
    op.create_index("ix_tickets_tags", "tickets", ["tags"], postgresql_using="gin",
                    postgresql_ops={"tags": "jsonb_path_ops"})


def downgrade() -> None:
    op.drop_index("ix_tickets_tags", table_name="tickets")
    op.drop_index("ix_tickets_created", table_name="tickets")
    op.drop_index("ix_tickets_channel_updated", table_name="tickets")
    op.drop_index("ix_tickets_priority_updated", table_name="tickets")
    op.drop_table("saved_views")
