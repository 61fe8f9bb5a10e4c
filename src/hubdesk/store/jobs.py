"""The store side of background jobs: claims of periodic ticks and the rows housekeeping prunes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert

from hubdesk.store.tables import outbox, periodic_runs


class SqlPeriodicRuns:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def claim(self, name: str, tick_at: datetime, claimed_at: datetime, worker: str) -> None:
        # A plain insert: a second claim of the tick hits the primary key, and on PostgreSQL
        # it waits for the first claimant's transaction before failing, so there is no window.
        self.db.execute(insert(periodic_runs).values(name=name, tick_at=tick_at,
                                                     claimed_at=claimed_at, worker=worker))

    def forget_ticks_before(self, before: datetime) -> int:
        result = self.db.execute(delete(periodic_runs).where(periodic_runs.c.tick_at < before))
        return result.rowcount

    def prune_published_outbox(self, before: datetime) -> int:
        """Entries published before ``before``; unpublished ones stay whatever their age."""
        result = self.db.execute(delete(outbox).where(outbox.c.published_at.is_not(None),
                                                      outbox.c.published_at < before))
        return result.rowcount
