"""Routing's waiting line read in order through an index for tickets without a deadline too.

A desk without an SLA policy gives no ticket an answer deadline, and the line orders them by
priority, the requester's VIP level and age. The requester's tier is kept beside each ticket
(filled here from the customers), and a partial index over the waiting tickets without a
deadline holds each priority and tier oldest first: a page merges those few runs instead of
sorting the whole line.

Revision ID: 0022_routing_urgency
Revises: 0020_workforce_requests
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_routing_urgency"
down_revision = "0021_team_time_zones"
branch_labels = None
depends_on = None

# As `store/tables.py` `UNDATED_WAITING` says it.
UNDATED_WAITING = ("assignee_id IS NULL AND merged_into_id IS NULL "
                   "AND status IN ('new', 'open') AND answer_due_at IS NULL")
FILL = """
UPDATE tickets SET requester_tier = (
    SELECT c.tier FROM customers c WHERE c.id = tickets.requester_id)
WHERE requester_id IN (SELECT id FROM customers WHERE tier <> 'standard')
"""


def upgrade() -> None:
    op.add_column("tickets", sa.Column("requester_tier", sa.String(20), nullable=False,
                                       server_default="standard"))
    op.execute(FILL)
    op.create_index("ix_tickets_waiting_undated", "tickets",
                    ["priority", "requester_tier", "created_at", "id"],
                    postgresql_where=sa.text(UNDATED_WAITING),
                    sqlite_where=sa.text(UNDATED_WAITING))


def downgrade() -> None:
    op.drop_index("ix_tickets_waiting_undated", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("requester_tier")
