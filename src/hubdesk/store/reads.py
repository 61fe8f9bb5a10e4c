"""How far each agent has read each ticket: one row per (agent, ticket), moved forward only.

Written by one upsert on both databases (``INSERT … ON CONFLICT … DO UPDATE``, which SQLite
and PostgreSQL share), so two tabs of one agent opening a ticket at once never collide, and a
late write never takes the mark back to an older message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from hubdesk.store import tables as t

_r = t.ticket_reads.c


class SqlReadMarks:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def mark(self, agent_id: int, ticket_id: int, message_id: int, at: datetime) -> None:
        """``agent_id`` has read ``ticket_id`` up to ``message_id`` (kept if further)."""
        dialect = postgresql if self.db.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(t.ticket_reads).values(
            agent_id=agent_id, ticket_id=ticket_id, last_message_id=message_id, read_at=at)
        # A mark that is not further is left alone: no row is rewritten on a page seen again.
        self.db.execute(statement.on_conflict_do_update(
            index_elements=[_r.agent_id, _r.ticket_id],
            set_={"last_message_id": statement.excluded.last_message_id,
                  "read_at": statement.excluded.read_at},
            where=statement.excluded.last_message_id > _r.last_message_id))

    def last_read(self, agent_id: int, ticket_id: int) -> int | None:
        return self.db.execute(
            t.ticket_reads.select().with_only_columns(_r.last_message_id)
            .where(_r.agent_id == agent_id, _r.ticket_id == ticket_id)).scalar_one_or_none()
