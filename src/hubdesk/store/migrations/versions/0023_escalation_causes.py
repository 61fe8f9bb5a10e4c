"""Causes: an escalation made by an SLA policy's ladder names the policy and step instead of a
person, and a handoff sent back says why.

Revision ID: 0023_escalation_causes
Revises: 0020_workforce_requests
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import JsonDocument

revision = "0023_escalation_causes"
down_revision = "0022_routing_urgency"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("ticket_tiers") as batch:
        # Nobody escalated when an SLA ladder did: the policy and its step say what did.
        batch.alter_column("escalated_by_id", existing_type=Id, nullable=True)
        batch.add_column(sa.Column("sla_cause", JsonDocument, nullable=True))
    with op.batch_alter_table("handoffs") as batch:
        # The cause of the latest send-back; each send-back's own is on its event.
        batch.add_column(sa.Column("send_back_cause", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("send_back_cause")
    with op.batch_alter_table("ticket_tiers") as batch:
        batch.drop_column("sla_cause")
        batch.alter_column("escalated_by_id", existing_type=Id, nullable=False)
