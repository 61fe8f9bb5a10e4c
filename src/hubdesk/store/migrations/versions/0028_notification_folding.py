"""SLA notices about one ticket are folded into one per agent and window: how many a notice
folds, whether one was a breach, when the latest came (the list's order) and the fold's key.
A notice stored before keeps its own time as its latest.

Revision ID: 0028_notification_folding
Revises: 0027_settings_versions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

revision = "0028_notification_folding"
down_revision = "0027_settings_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("count", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("breached", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("updated_at", UtcDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("fold_key", sa.String(40), nullable=True))
    op.execute("UPDATE notifications SET updated_at = created_at")
    with op.batch_alter_table("notifications") as batch:
        batch.alter_column("updated_at", existing_type=UtcDateTime(timezone=True),
                           nullable=False)
        batch.create_unique_constraint("uq_notifications_agent_fold", ["agent_id", "fold_key"])
        batch.create_index("ix_notifications_agent_latest", ["agent_id", "updated_at", "id"])
        batch.create_index("ix_notifications_agent_ticket", ["agent_id", "ticket_id", "id"])


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index("ix_notifications_agent_ticket")
        batch.drop_index("ix_notifications_agent_latest")
        batch.drop_constraint("uq_notifications_agent_fold", type_="unique")
        batch.drop_column("fold_key")
        batch.drop_column("updated_at")
        batch.drop_column("breached")
        batch.drop_column("count")
