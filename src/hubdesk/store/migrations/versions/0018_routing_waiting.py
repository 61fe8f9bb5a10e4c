"""Routing's waiting line read in order through an index, and agents a customer asked not to
be served by again.

Each ticket keeps the deadline of its running answer clock (first or next response) beside it,
filled here from the clocks and kept by the store whenever it writes them; a partial index over
the tickets that wait for an agent holds them in that order, so the most urgent page is read
without sorting the whole line.

Revision ID: 0018_routing_waiting
Revises: 0017_notifications
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

revision = "0018_routing_waiting"
down_revision = "0017_notifications"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# As `store/tables.py` `WAITING_FOR_AN_AGENT` says it.
WAITING = ("assignee_id IS NULL AND merged_into_id IS NULL "
           "AND status IN ('new', 'open')")
FILL = """
UPDATE tickets SET answer_due_at = (
    SELECT min(c.due_at) FROM ticket_sla_clocks c
    WHERE c.ticket_id = tickets.id AND c.status = 'running'
      AND c.target IN ('first_response', 'next_response'))
WHERE id IN (SELECT ticket_id FROM ticket_sla_clocks
             WHERE status = 'running' AND target IN ('first_response', 'next_response'))
"""


def upgrade() -> None:
    op.add_column("tickets", sa.Column("answer_due_at", UtcDateTime(timezone=True),
                                       nullable=True))
    op.execute(FILL)
    op.create_index("ix_tickets_waiting", "tickets", ["answer_due_at", "id"],
                    postgresql_where=sa.text(WAITING), sqlite_where=sa.text(WAITING))
    op.create_table(
        "customer_excluded_agents",
        sa.Column("customer_id", Id, sa.ForeignKey(
            "customers.id", ondelete="CASCADE",
            name="fk_customer_excluded_agents_customer_id_customers"), nullable=False),
        sa.Column("agent_id", Id, sa.ForeignKey(
            "agents.id", ondelete="CASCADE",
            name="fk_customer_excluded_agents_agent_id_agents"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", Id, sa.ForeignKey(
            "agents.id", ondelete="SET NULL",
            name="fk_customer_excluded_agents_created_by_id_agents"), nullable=True),
        sa.PrimaryKeyConstraint("customer_id", "agent_id", name="pk_customer_excluded_agents"),
    )


def downgrade() -> None:
    op.drop_table("customer_excluded_agents")
    op.drop_index("ix_tickets_waiting", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("answer_due_at")
