"""Queueing SQLite writers so they wake the moment the previous writer commits.

SQLite admits one writer at a time and makes the others poll with growing sleeps (up to
100 ms each), which shows as tail latency. Writers instead take an exclusive lock on a file
beside the database before they begin: the kernel queues them across threads and server
processes alike and wakes the next one at once, and a crashed process releases its lock.

The kernel hands the lock to whichever waiter asks first once it is free, and a writer that
has just left asks again within microseconds when it loops over batches (the SLA sweep, a
re-match run, a bulk change): the writers it woke would lose every race, and a sign-in could
wait for as long as the loop runs (seconds to minutes, on a large desk). So a writer that has
just left waits `REJOIN_GAP_S` before it joins again, time for the writers already waiting to
take their turn first; writers that come and go at a request's pace never wait for it.

The write-ahead log is copied back into the database (checkpointed) by the writers of the
queue, every `CHECKPOINT_EVERY` turns of a process, once they have left it. SQLite's own
automatic checkpoint runs inside the commit that crosses its threshold, while the queue's lock
is held: one write in thirty took several milliseconds copying pages and syncing files while
every other writer waited. Its threshold stays, raised to `SAFETY_NET_PAGES`, for writers
outside the queue (migrations, a bulk import).
"""

from __future__ import annotations

import itertools
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

try:
    import fcntl
except ImportError:  # not on this platform: SQLite's own busy handler still keeps order
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

# Turns of one process between checkpoints: a ticket adds a few dozen pages to the log, so
# the log stays near SQLite's default threshold of 1,000 pages.
CHECKPOINT_EVERY = 32
# SQLite's automatic checkpoint, for writers that do not queue (`store/engine.py`).
SAFETY_NET_PAGES = 10_000
# How long a writer that has just left waits before joining again (see above): enough for a
# woken writer to be scheduled, a fraction of any batch's own time.
REJOIN_GAP_S = 0.001


class WriterQueue:
    def __init__(self, lock_path: Path) -> None:
        self.lock_path = lock_path
        self._turns = itertools.count(1)  # next() is atomic under the GIL
        self._left = threading.local()  # when this thread last left the queue

    def checkpoint_due(self) -> bool:
        """Count one committed turn; whether the writer should checkpoint after leaving."""
        return next(self._turns) % CHECKPOINT_EVERY == 0

    def acquire(self) -> int:
        """Wait for this writer's turn; returns the handle to release."""
        left: float | None = getattr(self._left, "at", None)
        if left is not None:
            rest = left + REJOIN_GAP_S - time.monotonic()
            if rest > 0:
                time.sleep(rest)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # blocks without holding the GIL
        except BaseException:
            os.close(fd)
            raise
        return fd

    def release(self, fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
            self._left.at = time.monotonic()


def writer_queue(engine: Engine) -> WriterQueue | None:
    """The queue for ``engine``'s writers: file-backed SQLite only."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or fcntl is None or not database \
            or database == ":memory:":
        return None
    return WriterQueue(Path(f"{database}.writer-lock"))


def checkpoint(driver_connection: Any) -> None:
    """Copy what the log holds back into the database, as far as readers allow, without
    waiting for anyone (a PASSIVE checkpoint); outside any transaction and any queue turn. A
    checkpoint that cannot run now is left to the next one."""
    try:
        driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").close()
    except sqlite3.Error as error:
        log.debug("checkpoint skipped (%s)", type(error).__name__)
