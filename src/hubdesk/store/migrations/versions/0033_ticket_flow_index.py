"""The ticket flow report's indexes: the tickets' history read by instant, for status changes
and merges only (the other kinds, a ticket's creation among them, are never read by time).

Revision ID: 0033_ticket_flow_index
Revises: 0032_satisfaction_surveys
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033_ticket_flow_index"
down_revision = "0032_satisfaction_surveys"
branch_labels = None
depends_on = None

_INDEXES = {"ix_ticket_events_status_changes": "status_changed",
            "ix_ticket_events_merges": "merged_into"}


def upgrade() -> None:
    for name, kind in _INDEXES.items():
        only = sa.text(f"kind = '{kind}'")
        op.create_index(name, "ticket_events", ["created_at"], postgresql_where=only,
                        sqlite_where=only)


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="ticket_events")
