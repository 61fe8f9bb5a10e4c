"""E-mail: received messages, known Message-IDs, outbound deliveries, IMAP mailboxes.

Revision ID: 0010_mail
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import JsonDocument, UtcDateTime

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0010_mail"
down_revision = "0012_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_inbound",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("dedupe_key", sa.String(80), nullable=False),
        sa.Column("raw_sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("envelope", JsonDocument, nullable=False),
        sa.Column("sender", sa.String(320), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("ticket_id", Id, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", UtcDateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("dedupe_key", name="uq_mail_inbound_dedupe_key"),
    )
    op.create_index("ix_mail_inbound_status", "mail_inbound", ["status", "id"])
    op.create_index("ix_mail_inbound_sender", "mail_inbound", ["sender", "received_at"])
    op.create_table(
        "mail_message_ids",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("ticket_id", Id, nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("key", name="uq_mail_message_ids_key"),
    )
    op.create_index("ix_mail_message_ids_ticket_id", "mail_message_ids", ["ticket_id"])
    op.create_table(
        "mail_deliveries",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("ticket_id", Id, nullable=False),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("from_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("in_reply_to", sa.Text(), nullable=True),
        sa.Column("references_header", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UtcDateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("key", name="uq_mail_deliveries_key"),
    )
    op.create_index("ix_mail_deliveries_ticket_id", "mail_deliveries", ["ticket_id"])
    op.create_index("ix_mail_deliveries_due", "mail_deliveries", ["status", "next_attempt_at"])
    op.create_table(
        "mail_mailboxes",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("tls", sa.Boolean(), nullable=False),
        sa.Column("username", sa.String(320), nullable=False),
        sa.Column("sealed_password", sa.Text(), nullable=False),
        sa.Column("folder", sa.String(255), nullable=False),
        sa.Column("move_to", sa.String(255), nullable=True),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_polled_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.UniqueConstraint("name", name="uq_mail_mailboxes_name"),
    )


def downgrade() -> None:
    op.drop_table("mail_mailboxes")
    op.drop_index("ix_mail_deliveries_due", table_name="mail_deliveries")
    op.drop_index("ix_mail_deliveries_ticket_id", table_name="mail_deliveries")
    op.drop_table("mail_deliveries")
    op.drop_index("ix_mail_message_ids_ticket_id", table_name="mail_message_ids")
    op.drop_table("mail_message_ids")
    op.drop_index("ix_mail_inbound_sender", table_name="mail_inbound")
    op.drop_index("ix_mail_inbound_status", table_name="mail_inbound")
    op.drop_table("mail_inbound")
