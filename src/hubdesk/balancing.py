"""Keeping keep-alive connections evenly spread over the server processes.

The kernel hands each new connection to one process's listener by a hash of its addresses
(`listeners.py`), which is fair over many connections and lopsided over few: eight keep-alive
clients (a proxy's pool, a few API integrations) land six on one process and two on the
other about one time in four. Each connection then stays where it landed, so one process
works at its core's limit while the other idles, and the desk runs at a fraction of its
speed for as long as the clients stay connected.

So the processes keep their counts of open connections in memory they share (made before
they fork), and a process holding at least two more than the least loaded one asks the
next client it answers to reconnect, by answering with ``Connection: close`` (which HTTP/1.1
clients follow, and which never cuts a request short). The new connection lands where the
kernel sends it; one client at a time per process is asked, until no process holds two more
than another. Live-update streams are never asked: their answer does not end.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
from collections.abc import Iterable

# A process this many connections above the least loaded one asks a client to move.
SPREAD = 2


class ConnectionShares:
    """Open connections per server process. Made once by the parent before it forks the
    processes; each process then `join`s it and reports its own connections."""

    def __init__(self, processes: int) -> None:
        context = multiprocessing.get_context("fork")
        self._counts = context.RawArray(ctypes.c_int, processes)
        self._owners = context.RawArray(ctypes.c_int, processes)
        self._lock = context.Lock()
        self._slot: int | None = None
        self._open = 0
        self._moving = False

    def join(self) -> None:
        """Take a slot in the calling process: a free one, or one whose process has ended
        (a process the supervisor started in its place takes over its slot)."""
        with self._lock:
            for slot, owner in enumerate(self._owners):
                if owner == 0 or not _alive(owner):
                    self._owners[slot] = os.getpid()
                    self._counts[slot] = 0
                    self._slot = slot
                    return

    def opened(self) -> None:
        self._open += 1
        self._publish()

    def closed(self) -> None:
        self._open = max(0, self._open - 1)
        self._moving = False
        self._publish()

    def should_move(self, headers: Iterable[tuple[bytes, bytes]]) -> bool:
        """Whether the client of the request with ``headers`` should be asked to reconnect;
        counted at once as gone, so one process asks one client at a time."""
        if self._slot is None or self._moving or self._open < SPREAD:
            return False
        others = [(count, owner) for slot, (count, owner)
                  in enumerate(zip(self._counts, self._owners, strict=True))
                  if slot != self._slot and owner != 0]
        if not others:
            return False
        fewest, owner = min(others)
        if self._open - fewest < SPREAD:
            return False
        if any(name == b"accept" and b"text/event-stream" in value for name, value in headers):
            return False
        if not _alive(owner):  # ended, and not yet replaced: its count is stale
            return False
        self._moving = True
        self._publish()
        return True

    def _publish(self) -> None:
        if self._slot is not None:
            self._counts[self._slot] = self._open - self._moving


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_shares: ConnectionShares | None = None


def use(shares: ConnectionShares) -> None:
    """Make ``shares`` this process's: called in each server process once it starts."""
    global _shares
    shares.join()
    _shares = shares


def current() -> ConnectionShares | None:
    """This process's shares, or None when the server runs as a single process."""
    return _shares
