"""Costly work taken in turns: the reports (SLA, satisfaction, flow, handoff turnaround) and
their CSV downloads read every ticket, clock or answer of their window, and drafting a
team's week solves a scheduling program for up to half a minute. One agent, or a script
with their API token, asking for many at once would hold the server's worker threads,
processor and database connections while everyone else's pages waited; so each agent has
at most `PER_AGENT` of them under way at once, and one more is refused at once (`Busy`, 429
with ``Retry-After``) instead of waiting. Agents do not share a turn, so nobody's report
waits for someone else's.

The turns are slots that are held, not counted: held in this process by default, or in
whatever `Slots` the composition root gives, such as files every worker process of the
server locks (`store/turn_files.py`), so that N workers still allow an agent `PER_AGENT`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import Busy

PER_AGENT = 2  # a report page and its CSV download side by side
RETRY_AFTER_SECONDS = 2

Release = Callable[[], None]


class Slots(Protocol):
    def hold(self, name: str) -> Release | None:
        """Hold the slot called ``name`` if nobody holds it: the function that lets it go;
        None when it is held already."""
        ...


class ProcessSlots:
    """Slots held by the threads of this process."""

    def __init__(self) -> None:
        self._held: set[str] = set()
        self._lock = threading.Lock()

    def hold(self, name: str) -> Release | None:
        with self._lock:
            if name in self._held:
                return None
            self._held.add(name)
        return lambda: self._let_go(name)

    def _let_go(self, name: str) -> None:
        with self._lock:
            self._held.discard(name)


class FairShare:
    """Which of their turns each agent has under way."""

    def __init__(self, per_agent: int = PER_AGENT, slots: Slots | None = None) -> None:
        self._per_agent = per_agent
        self._slots = slots if slots is not None else ProcessSlots()

    @contextmanager
    def turn(self, agent: Agent) -> Iterator[None]:
        """Run the body as one of ``agent``'s turns; raise `Busy` when they have none left.
        The desk's own operator (no id: the command line) is not counted."""
        if agent.id is None:
            yield
            return
        release = self._take(agent.id)
        try:
            yield
        finally:
            release()

    def _take(self, agent_id: int) -> Release:
        for slot in range(self._per_agent):
            release = self._slots.hold(f"agent-{agent_id}-{slot}")
            if release is not None:
                return release
        raise Busy(f"you already have {self._per_agent} reports or week drafts being "
                   f"prepared; wait for them, then try again in {RETRY_AFTER_SECONDS} "
                   "seconds", RETRY_AFTER_SECONDS)
