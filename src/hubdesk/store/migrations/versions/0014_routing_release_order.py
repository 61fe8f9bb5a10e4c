"""Tickets' routing state indexed by state and last change: the most recent releases (how
long work holds an agent's units, for breach forecasts) are read without sorting every one.

Revision ID: 0014_routing_release_order
Revises: 0009_automations
"""

from __future__ import annotations

from alembic import op

revision = "0014_routing_release_order"
down_revision = "0009_automations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_ticket_routing_state", table_name="ticket_routing")
    op.create_index("ix_ticket_routing_state_updated", "ticket_routing", ["state", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_routing_state_updated", table_name="ticket_routing")
    op.create_index("ix_ticket_routing_state", "ticket_routing", ["state"])
