"""API tokens: a scope (full, or read only), an optional expiry, and when each was last used.
Tokens issued before keep full scope and never expire.

Revision ID: 0036_token_scope_expiry
Revises: 0035_rule_usage
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import UtcDateTime

revision = "0036_token_scope_expiry"
down_revision = "0035_rule_usage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no table rebuild on SQLite): the table is read on every token check.
    op.add_column("api_tokens", sa.Column("scope", sa.String(10), nullable=False,
                                          server_default="full"))
    op.add_column("api_tokens", sa.Column("expires_at", UtcDateTime(timezone=True),
                                          nullable=True))
    op.add_column("api_tokens", sa.Column("last_used_at", UtcDateTime(timezone=True),
                                          nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")
        batch.drop_column("scope")
