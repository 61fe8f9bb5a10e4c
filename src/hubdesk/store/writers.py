"""Queueing SQLite writers so they wake the moment the previous writer commits.

SQLite admits one writer at a time and makes the others poll with growing sleeps (up to
100 ms each), which shows as tail latency. Writers instead take an exclusive lock on a file
beside the database before they begin: the kernel queues them across threads and server
processes alike and wakes the next one at once, and a crashed process releases its lock.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine

try:
    import fcntl
except ImportError:  # not on this platform: SQLite's own busy handler still keeps order
    fcntl = None  # type: ignore[assignment]


class WriterQueue:
    def __init__(self, lock_path: Path) -> None:
        self.lock_path = lock_path

    def acquire(self) -> int:
        """Wait for this writer's turn; returns the handle to release."""
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


def writer_queue(engine: Engine) -> WriterQueue | None:
    """The queue for ``engine``'s writers: file-backed SQLite only."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or fcntl is None or not database \
            or database == ":memory:":
        return None
    return WriterQueue(Path(f"{database}.writer-lock"))
