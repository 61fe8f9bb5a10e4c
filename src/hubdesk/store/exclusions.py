"""Agents a customer asked not to be served by again, in SQL."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete, insert, select

from hubdesk.domain.tickets import UNRESOLVED
from hubdesk.services.routing_records import AgentExclusion
from hubdesk.store import tables as t
from hubdesk.store.types import among


class SqlExclusionRepository:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def of_customer(self, customer_id: int) -> list[AgentExclusion]:
        x, a = t.customer_excluded_agents, t.agents
        rows = self.db.execute(
            select(x.c.customer_id, x.c.agent_id, a.c.name, x.c.reason, x.c.created_at,
                   x.c.created_by_id)
            .select_from(x.join(a, a.c.id == x.c.agent_id))
            .where(x.c.customer_id == customer_id).order_by(a.c.name, x.c.agent_id))
        return [AgentExclusion(customer_id=int(r.customer_id), agent_id=int(r.agent_id),
                               agent_name=r.name, reason=r.reason, created_at=r.created_at,
                               created_by_id=r.created_by_id) for r in rows]

    def agent_ids(self, customer_ids: Iterable[int]) -> dict[int, frozenset[int]]:
        """The agents each customer excludes (customers excluding nobody are left out)."""
        ids = sorted(set(customer_ids))
        if not ids:
            return {}
        x = t.customer_excluded_agents
        found: dict[int, set[int]] = {}
        for customer, agent in self.db.execute(
                select(x.c.customer_id, x.c.agent_id).where(among(self.db, x.c.customer_id,
                                                                  ids))):
            found.setdefault(int(customer), set()).add(int(agent))
        return {customer: frozenset(agents) for customer, agents in found.items()}

    def add(self, exclusion: AgentExclusion) -> bool:
        """False when the customer already excludes the agent (the first reason stays)."""
        x = t.customer_excluded_agents
        if self.db.execute(select(x.c.agent_id).where(
                x.c.customer_id == exclusion.customer_id,
                x.c.agent_id == exclusion.agent_id).with_for_update()).first() is not None:
            return False
        self.db.execute(insert(x).values(
            customer_id=exclusion.customer_id, agent_id=exclusion.agent_id,
            reason=exclusion.reason, created_at=exclusion.created_at,
            created_by_id=exclusion.created_by_id))
        return True

    def remove(self, customer_id: int, agent_id: int) -> bool:
        x = t.customer_excluded_agents
        return bool(self.db.execute(delete(x).where(x.c.customer_id == customer_id,
                                                    x.c.agent_id == agent_id)).rowcount)

    def held_by(self, customer_id: int, agent_id: int) -> list[int]:
        """The customer's unresolved tickets the agent holds, oldest first."""
        tk = t.tickets
        rows = self.db.execute(
            select(tk.c.id).where(tk.c.requester_id == customer_id,
                                  tk.c.assignee_id == agent_id, tk.c.merged_into_id.is_(None),
                                  tk.c.status.in_([s.value for s in UNRESOLVED]))
            .order_by(tk.c.id))
        return [int(row.id) for row in rows]
