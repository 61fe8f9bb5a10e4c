"""Workforce: a team's own time zone (an IANA name; none: the desk's), which its forecast
days, shift templates and workforce screens follow.

Revision ID: 0021_team_time_zones
Revises: 0020_workforce_requests
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_team_time_zones"
down_revision = "0020_workforce_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("time_zone")
