"""An outbound mail names the files that go with it (an agent's reply with attachments):
their names, types and blob digests.

Revision ID: 0026_mail_files
Revises: 0025_ticket_reads
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import JsonDocument

revision = "0026_mail_files"
down_revision = "0025_ticket_reads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_deliveries") as batch:
        batch.add_column(sa.Column("files", JsonDocument, nullable=False,
                                   server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("mail_deliveries") as batch:
        batch.drop_column("files")
