"""Notifications (domain/notifications.py) as rows: written once per agent and event (or
folded into an earlier one, domain/notice_folding.py), read latest first, marked read only by
their own agent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from hubdesk.domain.notifications import NoticeKind, Notification
from hubdesk.store import tables as t

_n = t.notifications.c


def _notification(row: Row[Any]) -> Notification:
    return Notification(int(row.id), int(row.agent_id), row.ticket_id, NoticeKind(row.kind),
                        row.text, row.created_at, row.read_at, row.source_event_id,
                        count=int(row._mapping["count"]), breached=bool(row.breached),
                        updated_at=row.updated_at, fold_key=row.fold_key)


class SqlNotificationRepository:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def add(self, notifications: Iterable[Notification]) -> list[Notification]:
        """Store each notification not stored yet for its agent and source event (nor, for
        one that starts a fold, its fold); returns those that were new (a relayed event seen
        again adds none). On PostgreSQL an insert that meets another transaction's row with
        the same key waits for it, so a fold two relays start at once is started once."""
        dialect = postgresql if self.db.dialect.name == "postgresql" else sqlite
        added = []
        for n in notifications:
            statement = (dialect.insert(t.notifications)
                         .values(agent_id=n.agent_id, ticket_id=n.ticket_id, kind=n.kind.value,
                                 text=n.text, created_at=n.created_at,
                                 source_event_id=n.source_event_id, count=n.count,
                                 breached=n.breached, updated_at=n.last_at,
                                 fold_key=n.fold_key)
                         .on_conflict_do_nothing()
                         .returning(_n.id))
            new_id = self.db.execute(statement).scalar()
            if new_id is not None:
                added.append(replace(n, id=int(new_id), read_at=None))
        return added

    def latest_about(self, agent_id: int, ticket_id: int,
                     kind: NoticeKind) -> Notification | None:
        """The agent's latest notice of ``kind`` about the ticket, locked (PostgreSQL) until
        the transaction ends, so that two relays fold into it one after the other."""
        query = (select(t.notifications)
                 .where(_n.agent_id == agent_id, _n.ticket_id == ticket_id,
                        _n.kind == kind.value)
                 .order_by(_n.id.desc()).limit(1))
        if self.db.dialect.name != "sqlite":
            query = query.with_for_update()
        row = self.db.execute(query).first()
        return _notification(row) if row is not None else None

    def refold(self, notification: Notification) -> None:
        """Write what folding changed: the text, the count, the breach, the latest time and
        event, and whether it is read."""
        self.db.execute(update(t.notifications).where(_n.id == notification.id).values(
            text=notification.text, count=notification.count,
            breached=notification.breached, updated_at=notification.last_at,
            source_event_id=notification.source_event_id, read_at=notification.read_at))

    def for_agent(self, agent_id: int, *, unread_only: bool = False,
                  limit: int = 50) -> list[Notification]:
        query = select(t.notifications).where(_n.agent_id == agent_id)
        if unread_only:
            query = query.where(_n.read_at.is_(None))
        rows = self.db.execute(query.order_by(_n.updated_at.desc(), _n.id.desc()).limit(limit))
        return [_notification(row) for row in rows]

    def unread_count(self, agent_id: int) -> int:
        return int(self.db.execute(select(func.count()).select_from(t.notifications).where(
            _n.agent_id == agent_id, _n.read_at.is_(None))).scalar_one())

    def mark_read(self, agent_id: int, notification_id: int, at: datetime) -> bool | None:
        """Mark one of the agent's notifications read: True if it was unread, False if read
        already, None if the agent has no such notification."""
        found = self.db.execute(select(_n.read_at).where(
            _n.id == notification_id, _n.agent_id == agent_id)).first()
        if found is None:
            return None
        if found.read_at is not None:
            return False
        self.db.execute(update(t.notifications).where(
            _n.id == notification_id, _n.read_at.is_(None)).values(read_at=at))
        return True

    def mark_all_read(self, agent_id: int, at: datetime) -> int:
        return int(self.db.execute(update(t.notifications).where(
            _n.agent_id == agent_id, _n.read_at.is_(None)).values(read_at=at)).rowcount)
