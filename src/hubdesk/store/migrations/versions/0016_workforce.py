"""Workforce: teams' published schedules, agents' requests to change them, and the presence
log adherence is measured from.

Revision ID: 0016_workforce
Revises: 0015_macros
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

revision = "0016_workforce"
down_revision = "0015_macros"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _agent(column: str, table: str, ondelete: str, nullable: bool) -> sa.Column[int]:
    return sa.Column(column, Id, sa.ForeignKey("agents.id", ondelete=ondelete,
                                               name=f"fk_{table}_{column}_agents"),
                     nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "wfm_schedules",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("team_id", Id, sa.ForeignKey("teams.id", ondelete="CASCADE",
                                               name="fk_wfm_schedules_team_id_teams"),
                  nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _agent("created_by_id", "wfm_schedules", "SET NULL", True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        _agent("updated_by_id", "wfm_schedules", "SET NULL", True),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "week_start", name="uq_wfm_schedules_team_week"),
    )
    op.create_table(
        "wfm_shifts",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("schedule_id", Id, sa.ForeignKey(
            "wfm_schedules.id", ondelete="CASCADE",
            name="fk_wfm_shifts_schedule_id_wfm_schedules"), nullable=False),
        _agent("agent_id", "wfm_shifts", "CASCADE", False),
        sa.Column("starts_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("break_starts_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("break_ends_at", UtcDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_wfm_shifts_schedule", "wfm_shifts", ["schedule_id", "starts_at"])
    op.create_index("ix_wfm_shifts_agent", "wfm_shifts", ["agent_id", "starts_at"])
    op.create_table(
        "wfm_presence_log",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        _agent("agent_id", "wfm_presence_log", "CASCADE", False),
        sa.Column("presence", sa.String(16), nullable=False),
        sa.Column("since", UtcDateTime(timezone=True), nullable=False),
        sa.Column("until", UtcDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_wfm_presence_log_agent", "wfm_presence_log", ["agent_id", "since"])
    op.create_table(
        "wfm_schedule_requests",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        _agent("agent_id", "wfm_schedule_requests", "CASCADE", False),
        sa.Column("shift_id", Id, sa.ForeignKey(
            "wfm_shifts.id", ondelete="SET NULL",
            name="fk_wfm_schedule_requests_shift_id_wfm_shifts"), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        _agent("answered_by_id", "wfm_schedule_requests", "SET NULL", True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", UtcDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_wfm_schedule_requests_status", "wfm_schedule_requests",
                    ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_wfm_schedule_requests_status", table_name="wfm_schedule_requests")
    op.drop_table("wfm_schedule_requests")
    op.drop_index("ix_wfm_presence_log_agent", table_name="wfm_presence_log")
    op.drop_table("wfm_presence_log")
    op.drop_index("ix_wfm_shifts_agent", table_name="wfm_shifts")
    op.drop_index("ix_wfm_shifts_schedule", table_name="wfm_shifts")
    op.drop_table("wfm_shifts")
    op.drop_table("wfm_schedules")
