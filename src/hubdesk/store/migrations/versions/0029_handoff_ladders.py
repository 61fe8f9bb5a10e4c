"""A department's OLA may name the steps of its handoffs' escalation ladder; without them
(every OLA stored before) its handoffs climb the default ladder.

Revision ID: 0029_handoff_ladders
Revises: 0028_notification_folding
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import JsonDocument

revision = "0029_handoff_ladders"
down_revision = "0028_notification_folding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("department_olas") as batch:
        batch.add_column(sa.Column("ladder", JsonDocument, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("department_olas") as batch:
        batch.drop_column("ladder")
