"""How often each rule fired, per rule and hour (UTC), for the rules page and the API.

Revision ID: 0035_rule_usage
Revises: 0034_mail_unfiled_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0035_rule_usage"
down_revision = "0034_mail_unfiled_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_usage",
        sa.Column("rule_id", Id, sa.ForeignKey(
            "rules.id", ondelete="CASCADE", name="fk_rule_usage_rule_id_rules"),
            nullable=False),
        sa.Column("hour", UtcDateTime(timezone=True), nullable=False),
        sa.Column("fired", sa.Integer(), nullable=False),
        sa.Column("last_fired_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("rule_id", "hour", name="pk_rule_usage"),
    )


def downgrade() -> None:
    op.drop_table("rule_usage")
