"""Department handoffs with their OLAs, threads and escalation ladder; ticket tiers.

Revision ID: 0008_handoffs
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import JsonDocument, UtcDateTime

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0008_handoffs"
down_revision = "0007_sla"
branch_labels = None
depends_on = None


def _fk(column: str, table: str, target: str, ondelete: str | None = None) -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", ondelete=ondelete,
                         name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "department_olas",
        sa.Column("department_id", Id, _fk("department_id", "department_olas", "departments",
                                           "CASCADE"), nullable=False),
        sa.Column("target_minutes", sa.Integer(), nullable=False),
        sa.Column("coordinator_after_minutes", sa.Integer(), nullable=False),
        sa.Column("calendar", JsonDocument, nullable=True),
        sa.Column("lead_id", Id, _fk("lead_id", "department_olas", "agents", "SET NULL"),
                  nullable=True),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("department_id", name="pk_department_olas"),
    )
    op.create_table(
        "handoffs",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", Id, _fk("ticket_id", "handoffs", "tickets"), nullable=False),
        sa.Column("department_id", Id, _fk("department_id", "handoffs", "departments"),
                  nullable=False),
        sa.Column("requested_by_id", Id, _fk("requested_by_id", "handoffs", "agents"),
                  nullable=False),
        sa.Column("assignee_id", Id, _fk("assignee_id", "handoffs", "agents"), nullable=True),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("blocking", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ola", JsonDocument, nullable=True),
        sa.Column("due_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("next_escalation_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("opened_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_handoffs_ticket", "handoffs", ["ticket_id", "id"])
    op.create_index("ix_handoffs_department_queue", "handoffs",
                    ["department_id", "status", "due_at"])
    op.create_index("ix_handoffs_next_escalation", "handoffs", ["next_escalation_at"])
    op.create_index("ix_handoffs_opened", "handoffs", ["opened_at"])
    op.create_table(
        "handoff_notes",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("handoff_id", Id, _fk("handoff_id", "handoff_notes", "handoffs", "CASCADE"),
                  nullable=False),
        sa.Column("author_id", Id, _fk("author_id", "handoff_notes", "agents"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_handoff_notes_handoff", "handoff_notes", ["handoff_id", "id"])
    op.create_table(
        "handoff_escalations",
        sa.Column("handoff_id", Id, _fk("handoff_id", "handoff_escalations", "handoffs",
                                        "CASCADE"), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(40), nullable=False),
        sa.Column("notified", JsonDocument, nullable=False),
        sa.Column("fired_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("handoff_id", "level", name="pk_handoff_escalations"),
    )
    op.create_table(
        "ticket_tiers",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", Id, _fk("ticket_id", "ticket_tiers", "tickets"), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("previous_assignee_id", Id, nullable=True),
        sa.Column("previous_team_id", Id, nullable=True),
        sa.Column("escalated_by_id", Id, _fk("escalated_by_id", "ticket_tiers", "agents"),
                  nullable=False),
        sa.Column("escalated_at", UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ticket_tiers_ticket", "ticket_tiers", ["ticket_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_tiers_ticket", table_name="ticket_tiers")
    op.drop_table("ticket_tiers")
    op.drop_table("handoff_escalations")
    op.drop_index("ix_handoff_notes_handoff", table_name="handoff_notes")
    op.drop_table("handoff_notes")
    for name in ("ix_handoffs_opened", "ix_handoffs_next_escalation",
                 "ix_handoffs_department_queue", "ix_handoffs_ticket"):
        op.drop_index(name, table_name="handoffs")
    op.drop_table("handoffs")
    op.drop_table("department_olas")
