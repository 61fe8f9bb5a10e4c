"""How far each agent has read each ticket (the queue's per-agent "Unread").

Revision ID: 0025_ticket_reads
Revises: 0024_mail_template_html
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

revision = "0025_ticket_reads"
down_revision = "0024_mail_template_html"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ticket_reads",
        sa.Column("agent_id", Id, sa.ForeignKey(
            "agents.id", ondelete="CASCADE", name="fk_ticket_reads_agent_id_agents"),
            nullable=False),
        sa.Column("ticket_id", Id, sa.ForeignKey(
            "tickets.id", ondelete="CASCADE", name="fk_ticket_reads_ticket_id_tickets"),
            nullable=False),
        sa.Column("last_message_id", Id, nullable=False),
        sa.Column("read_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agent_id", "ticket_id", name="pk_ticket_reads"),
    )


def downgrade() -> None:
    op.drop_table("ticket_reads")
