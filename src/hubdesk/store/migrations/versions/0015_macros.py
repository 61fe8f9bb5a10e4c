"""Macros: canned replies for the whole desk or one team.

Revision ID: 0015_macros
Revises: 0014_routing_release_order
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import JsonDocument, UtcDateTime

revision = "0015_macros"
down_revision = "0014_routing_release_order"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "macros",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("team_id", Id, sa.ForeignKey("teams.id", ondelete="CASCADE",
                                               name="fk_macros_team_id_teams"), nullable=True),
        sa.Column("then_status", sa.String(16), nullable=True),
        sa.Column("add_tags", JsonDocument, nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_macros_team_name", "macros", ["team_id", "name"])


def downgrade() -> None:
    op.drop_index("ix_macros_team_name", table_name="macros")
    op.drop_table("macros")
