"""Mail templates: the words of the mail sent to customers, per team or for the whole desk.

Revision ID: 0019_mail_templates
Revises: 0018_routing_waiting
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

revision = "0019_mail_templates"
down_revision = "0018_routing_waiting"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "mail_templates",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("team_id", Id, sa.ForeignKey(
            "teams.id", ondelete="CASCADE", name="fk_mail_templates_team_id_teams"),
            nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "kind", name="uq_mail_templates_team_id_kind"),
    )
    op.create_index("ix_mail_templates_desk_kind", "mail_templates", ["kind"], unique=True,
                    postgresql_where=sa.text("team_id IS NULL"),
                    sqlite_where=sa.text("team_id IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_mail_templates_desk_kind", table_name="mail_templates")
    op.drop_table("mail_templates")
