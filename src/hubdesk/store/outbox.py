"""The transactional outbox: messages for the outside world, written with the change itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Integer, bindparam, insert, select, update

from hubdesk.store.tables import outbox

# Built once: the relay runs these on every pass, and building a statement costs about as
# much of the relay's time as running it.
_CLAIM = (select(outbox.c.id, outbox.c.topic, outbox.c.payload)
          .where(outbox.c.published_at.is_(None))
          .order_by(outbox.c.id).limit(bindparam("limit", type_=Integer)))
_CLAIM_SKIPPING_LOCKED = _CLAIM.with_for_update(skip_locked=True)
_MARK_PUBLISHED = (update(outbox).where(outbox.c.id.in_(bindparam("ids", expanding=True)))
                   .values(published_at=bindparam("at", type_=outbox.c.published_at.type),
                           attempts=outbox.c.attempts + 1))


class SqlOutbox:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def put(self, topic: str, payload: dict[str, Any], at: datetime) -> None:
        self.db.execute(insert(outbox).values(topic=topic, payload=payload, created_at=at,
                                              attempts=0))

    def claim(self, limit: int) -> list[tuple[int, str, dict[str, Any]]]:
        """The oldest unpublished entries; on PostgreSQL concurrent relays skip each other's."""
        query = _CLAIM if self.db.dialect.name == "sqlite" else _CLAIM_SKIPPING_LOCKED
        return [(r.id, r.topic, dict(r.payload))
                for r in self.db.execute(query, {"limit": limit})]

    def mark_published(self, entry_ids: list[int], at: datetime) -> None:
        if entry_ids:
            self.db.execute(_MARK_PUBLISHED, {"ids": entry_ids, "at": at})

    def mark_failed(self, entry_id: int, error: str) -> None:
        self.db.execute(update(outbox).where(outbox.c.id == entry_id)
                        .values(attempts=outbox.c.attempts + 1, last_error=error[:2000]))
