"""Mail templates may carry an HTML body (sanitised when saved).

Revision ID: 0024_mail_template_html
Revises: 0020_workforce_requests
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024_mail_template_html"
down_revision = "0023_escalation_causes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_templates") as batch:
        batch.add_column(sa.Column("html", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mail_templates") as batch:
        batch.drop_column("html")
