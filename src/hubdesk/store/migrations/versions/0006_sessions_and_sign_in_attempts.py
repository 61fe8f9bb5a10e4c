"""Revocable console sessions; sign-in attempts for throttling.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agent_sessions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("agent_id", Id, sa.ForeignKey("agents.id", ondelete="CASCADE",
                                                name="fk_agent_sessions_agent_id_agents"),
                  nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("user_agent", sa.String(120), nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_agent_sessions_token_hash"),
    )
    op.create_index("ix_agent_sessions_agent_id", "agent_sessions", ["agent_id"])
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sign_in_attempts_email", "sign_in_attempts", ["email", "at"])
    op.create_index("ix_sign_in_attempts_address", "sign_in_attempts", ["address", "at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_attempts_address", table_name="sign_in_attempts")
    op.drop_index("ix_sign_in_attempts_email", table_name="sign_in_attempts")
    op.drop_table("sign_in_attempts")
    op.drop_index("ix_agent_sessions_agent_id", table_name="agent_sessions")
    op.drop_table("agent_sessions")
