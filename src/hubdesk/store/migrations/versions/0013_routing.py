"""Routing: agents' profiles and loads, tickets' routing state, decisions, the desk's config.

Revision ID: 0013_routing
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hubdesk.store.types import JsonDocument, UtcDateTime

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = JsonDocument

revision = "0013_routing"
down_revision = "0010_mail"
branch_labels = None
depends_on = None


def _agent(table: str, ondelete: str = "CASCADE") -> sa.ForeignKey:
    return sa.ForeignKey("agents.id", ondelete=ondelete, name=f"fk_{table}_agent_id_agents")


def upgrade() -> None:
    op.create_table(
        "agent_routing",
        sa.Column("agent_id", Id, _agent("agent_routing"), nullable=False),
        sa.Column("skills", Json, nullable=False),
        sa.Column("channel_costs", Json, nullable=False),
        sa.Column("presence", sa.String(16), nullable=False),
        sa.Column("presence_since", UtcDateTime(timezone=True), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("shift_starts_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("shift_ends_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agent_id", name="pk_agent_routing"),
    )
    op.create_index("ix_agent_routing_presence", "agent_routing", ["presence"])
    op.create_table(
        "agent_loads",
        sa.Column("agent_id", Id, _agent("agent_loads"), nullable=False),
        sa.Column("load", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("last_assigned_at", UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("agent_id", name="pk_agent_loads"),
        sa.CheckConstraint("load <= capacity", name="ck_agent_loads_load_within_capacity"),
        sa.CheckConstraint("load >= 0", name="ck_agent_loads_load_not_negative"),
    )
    op.create_table(
        "ticket_routing",
        sa.Column("ticket_id", Id, sa.ForeignKey(
            "tickets.id", ondelete="CASCADE", name="fk_ticket_routing_ticket_id_tickets"),
            nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("agent_id", Id, _agent("ticket_routing", "SET NULL"), nullable=True),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("difficult", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("relaxations", Json, nullable=False),
        sa.Column("assigned_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("waiting_since", UtcDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_ticket_routing"),
        sa.CheckConstraint("held >= 0", name="ck_ticket_routing_held_not_negative"),
    )
    op.create_index("ix_ticket_routing_agent", "ticket_routing", ["agent_id"])
    op.create_index("ix_ticket_routing_state", "ticket_routing", ["state"])
    op.create_table(
        "routing_decisions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", Id, sa.ForeignKey(
            "tickets.id", ondelete="CASCADE", name="fk_routing_decisions_ticket_id_tickets"),
            nullable=False),
        sa.Column("agent_id", Id, _agent("routing_decisions", "SET NULL"), nullable=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("difficult", sa.Boolean(), nullable=False),
        sa.Column("decision", Json, nullable=False),
        sa.Column("decided_at", UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_routing_decisions_ticket", "routing_decisions", ["ticket_id", "id"])
    op.create_index("ix_routing_decisions_agent", "routing_decisions",
                    ["agent_id", "decided_at"])
    op.create_table(
        "routing_config",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document", Json, nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", Id, _agent("routing_config", "SET NULL"), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_routing_config"),
    )


def downgrade() -> None:
    op.drop_table("routing_config")
    op.drop_index("ix_routing_decisions_agent", table_name="routing_decisions")
    op.drop_index("ix_routing_decisions_ticket", table_name="routing_decisions")
    op.drop_table("routing_decisions")
    op.drop_index("ix_ticket_routing_state", table_name="ticket_routing")
    op.drop_index("ix_ticket_routing_agent", table_name="ticket_routing")
    op.drop_table("ticket_routing")
    op.drop_table("agent_loads")
    op.drop_index("ix_agent_routing_presence", table_name="agent_routing")
    op.drop_table("agent_routing")
