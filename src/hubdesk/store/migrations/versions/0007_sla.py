"""Service-level agreements: calendars, policies, ticket clocks, their history, fired steps.

Revision ID: 0007_sla
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import JsonDocument, UtcDateTime

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0007_sla"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sla_calendars",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("form", JsonDocument, nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_sla_calendars_name"),
    )
    op.create_table(
        "sla_policies",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("calendar_id", Id, sa.ForeignKey(
            "sla_calendars.id", name="fk_sla_policies_calendar_id_sla_calendars"),
            nullable=True),
        sa.Column("form", JsonDocument, nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_sla_policies_name"),
    )
    op.create_index("ix_sla_policies_calendar_id", "sla_policies", ["calendar_id"])
    op.create_table(
        "ticket_sla_clocks",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", Id, sa.ForeignKey(
            "tickets.id", ondelete="CASCADE", name="fk_ticket_sla_clocks_ticket_id_tickets"),
            nullable=False),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("policy_id", Id, nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("goal_us", sa.BigInteger(), nullable=False),
        sa.Column("elapsed_us", sa.BigInteger(), nullable=False),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("since", UtcDateTime(timezone=True), nullable=True),
        sa.Column("due_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("next_due_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("breached_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("met_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("fired", JsonDocument, nullable=False),
        sa.UniqueConstraint("ticket_id", "target", name="uq_ticket_sla_clocks_ticket_id_target"),
    )
    running = sa.text("status = 'running'")
    op.create_index("ix_ticket_sla_clocks_next_due", "ticket_sla_clocks", ["next_due_at"],
                    postgresql_where=running, sqlite_where=running)
    op.create_index("ix_ticket_sla_clocks_policy", "ticket_sla_clocks", ["policy_id", "status"])
    op.create_table(
        "ticket_sla_clock_history",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("clock_id", Id, sa.ForeignKey(
            "ticket_sla_clocks.id", ondelete="CASCADE",
            name="fk_ticket_sla_clock_history_clock_id_ticket_sla_clocks"), nullable=False),
        sa.Column("ticket_id", Id, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("data", JsonDocument, nullable=False),
    )
    op.create_index("ix_ticket_sla_clock_history_ticket", "ticket_sla_clock_history",
                    ["ticket_id", "id"])
    op.create_table(
        "sla_step_firings",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("clock_id", Id, sa.ForeignKey(
            "ticket_sla_clocks.id", ondelete="CASCADE",
            name="fk_sla_step_firings_clock_id_ticket_sla_clocks"), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("at_percent", sa.Integer(), nullable=False),
        sa.Column("fired_at", UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("clock_id", "cycle", "at_percent",
                            name="uq_sla_step_firings_clock_id_cycle_at_percent"),
    )


def downgrade() -> None:
    op.drop_table("sla_step_firings")
    op.drop_index("ix_ticket_sla_clock_history_ticket", table_name="ticket_sla_clock_history")
    op.drop_table("ticket_sla_clock_history")
    op.drop_index("ix_ticket_sla_clocks_policy", table_name="ticket_sla_clocks")
    op.drop_index("ix_ticket_sla_clocks_next_due", table_name="ticket_sla_clocks")
    op.drop_table("ticket_sla_clocks")
    op.drop_index("ix_sla_policies_calendar_id", table_name="sla_policies")
    op.drop_table("sla_policies")
    op.drop_table("sla_calendars")
