"""The SLA report's index: the clocks' history read by instant, for deadlines passed and
cycles met only (the marks the report counts; the other kinds are never read by time).

Revision ID: 0031_sla_report_index
Revises: 0030_sla_rematch_runs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031_sla_report_index"
down_revision = "0030_sla_rematch_runs"
branch_labels = None
depends_on = None

_DECIDED = sa.text("kind IN ('met', 'breached')")


def upgrade() -> None:
    op.create_index("ix_ticket_sla_clock_history_decided", "ticket_sla_clock_history", ["at"],
                    postgresql_where=_DECIDED, sqlite_where=_DECIDED)


def downgrade() -> None:
    op.drop_index("ix_ticket_sla_clock_history_decided", table_name="ticket_sla_clock_history")
