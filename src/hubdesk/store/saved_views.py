"""Agents' saved queue views."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from hubdesk.services.views import SavedView
from hubdesk.store import tables as t


class SqlSavedViews:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def put(self, agent_id: int, name: str, query: str, at: datetime) -> int:
        """Save a view; one of the agent's views of the same name is replaced."""
        sv = t.saved_views
        self.db.execute(delete(sv).where(sv.c.agent_id == agent_id, sv.c.name == name))
        return int(self.db.execute(insert(sv).values(
            agent_id=agent_id, name=name, query=query, created_at=at)
            .returning(sv.c.id)).scalar_one())

    def of_agent(self, agent_id: int) -> list[SavedView]:
        sv = t.saved_views
        rows = self.db.execute(select(sv.c.id, sv.c.name, sv.c.query)
                               .where(sv.c.agent_id == agent_id).order_by(sv.c.name)).all()
        return [SavedView(r.id, r.name, r.query) for r in rows]

    def remove(self, agent_id: int, view_id: int) -> bool:
        sv = t.saved_views
        gone = self.db.execute(delete(sv).where(sv.c.agent_id == agent_id, sv.c.id == view_id))
        return bool(gone.rowcount)
