"""Customer satisfaction surveys: one per ticket, offered when it is solved.

Revision ID: 0032_satisfaction_surveys
Revises: 0031_sla_report_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

revision = "0032_satisfaction_surveys"
down_revision = "0031_sla_report_index"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "satisfaction_surveys",
        sa.Column("ticket_id", Id, sa.ForeignKey(
            "tickets.id", ondelete="CASCADE",
            name="fk_satisfaction_surveys_ticket_id_tickets"), nullable=False),
        sa.Column("offered_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("agent_id", Id, sa.ForeignKey(
            "agents.id", ondelete="SET NULL",
            name="fk_satisfaction_surveys_agent_id_agents"), nullable=True),
        sa.Column("team_id", Id, sa.ForeignKey(
            "teams.id", ondelete="SET NULL",
            name="fk_satisfaction_surveys_team_id_teams"), nullable=True),
        sa.Column("rating", sa.String(8), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("answers", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_satisfaction_surveys"),
    )
    op.create_index("ix_satisfaction_surveys_offered", "satisfaction_surveys", ["offered_at"])


def downgrade() -> None:
    op.drop_index("ix_satisfaction_surveys_offered", table_name="satisfaction_surveys")
    op.drop_table("satisfaction_surveys")
