"""Workforce: what an agent's change request asks for (a swap with another agent's shift, a
day off, new times), so that approving it changes the schedule.

Revision ID: 0020_workforce_requests
Revises: 0019_mail_templates
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

revision = "0020_workforce_requests"
down_revision = "0019_mail_templates"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("wfm_schedule_requests") as batch:
        # Requests made before kinds existed are free notes, as they were.
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False,
                                   server_default="note"))
        batch.add_column(sa.Column("swap_shift_id", Id, nullable=True))
        batch.add_column(sa.Column("new_starts_at", UtcDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("new_ends_at", UtcDateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_wfm_schedule_requests_swap_shift_id_wfm_shifts",
                                 "wfm_shifts", ["swap_shift_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("wfm_schedule_requests") as batch:
        batch.drop_constraint("fk_wfm_schedule_requests_swap_shift_id_wfm_shifts",
                              type_="foreignkey")
        batch.drop_column("new_ends_at")
        batch.drop_column("new_starts_at")
        batch.drop_column("swap_shift_id")
        batch.drop_column("kind")
