"""Received mail that opened no ticket, by status and outcome, newest first: the mail set
aside as machine-written is read through it, so the quarantine page (refreshed live) does not
walk every message the desk has filed.

Revision ID: 0034_mail_unfiled_index
Revises: 0033_ticket_flow_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034_mail_unfiled_index"
down_revision = "0033_ticket_flow_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    unfiled = sa.text("ticket_id IS NULL")
    op.create_index("ix_mail_inbound_unfiled", "mail_inbound", ["status", "outcome", "id"],
                    postgresql_where=unfiled, sqlite_where=unfiled)


def downgrade() -> None:
    op.drop_index("ix_mail_inbound_unfiled", table_name="mail_inbound")
