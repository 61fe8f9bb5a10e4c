"""Automation rules, the log that makes time-based ones fire once per stay in a status, and
when each ticket entered its status.

Revision ID: 0009_automations
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import JsonDocument, UtcDateTime

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0009_automations"
down_revision = "0013_routing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("status_changed_at", UtcDateTime(timezone=True),
                                   nullable=True))
    # Existing tickets entered their status at their last status change, or when opened.
    op.execute("""
        UPDATE tickets SET status_changed_at = COALESCE(
            (SELECT MAX(e.created_at) FROM ticket_events e
             WHERE e.ticket_id = tickets.id AND e.kind = 'status_changed'),
            created_at)
    """)
    op.create_index("ix_tickets_status_changed", "tickets",
                    ["status", "status_changed_at", "id"])
    op.create_table(
        "rules",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("definition", JsonDocument, nullable=False),
        sa.Column("created_by_id", Id, sa.ForeignKey(
            "agents.id", ondelete="SET NULL", name="fk_rules_created_by_id_agents"),
            nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rules_kind_order", "rules", ["kind", "enabled", "position", "id"])
    op.create_table(
        "rule_firings",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("rule_id", Id, sa.ForeignKey(
            "rules.id", ondelete="CASCADE", name="fk_rule_firings_rule_id_rules"),
            nullable=False),
        sa.Column("ticket_id", Id, sa.ForeignKey(
            "tickets.id", ondelete="CASCADE", name="fk_rule_firings_ticket_id_tickets"),
            nullable=False),
        sa.Column("entered_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("fired_at", UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("rule_id", "ticket_id", "entered_at",
                            name="uq_rule_firings_rule_ticket_entry"),
    )
    op.create_index("ix_rule_firings_ticket_id", "rule_firings", ["ticket_id"])


def downgrade() -> None:
    op.drop_table("rule_firings")
    op.drop_table("rules")
    op.drop_index("ix_tickets_status_changed", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("status_changed_at")
