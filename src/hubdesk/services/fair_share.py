"""Costly work taken in turns: the reports (SLA, satisfaction, flow, handoff turnaround) and
their CSV downloads read every ticket, clock or answer of their window, and drafting a
team's week solves a scheduling program for up to half a minute. One agent, or a script
with their API token, asking for many at once would hold the server's worker threads,
processor and database connections while everyone else's pages waited; so each agent has
at most `PER_AGENT` of them under way at once in a server process, and one more is refused
at once (`Busy`, 429 with ``Retry-After``) instead of waiting. Agents do not share a turn,
so nobody's report waits for someone else's."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import Busy

PER_AGENT = 2  # a report page and its CSV download side by side
RETRY_AFTER_SECONDS = 2


class FairShare:
    """How many costly reads each agent has under way in this process."""

    def __init__(self, per_agent: int = PER_AGENT) -> None:
        self._per_agent = per_agent
        self._running: Counter[int] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def turn(self, agent: Agent) -> Iterator[None]:
        """Run the body as one of ``agent``'s turns; raise `Busy` when they have none left.
        The desk's own operator (no id: the command line) is not counted."""
        if agent.id is None:
            yield
            return
        with self._lock:
            if self._running[agent.id] >= self._per_agent:
                raise Busy(f"you already have {self._per_agent} reports or week drafts being "
                           f"prepared; wait for them, then try again in {RETRY_AFTER_SECONDS} "
                           "seconds", RETRY_AFTER_SECONDS)
            self._running[agent.id] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[agent.id] -= 1
                if not self._running[agent.id]:
                    del self._running[agent.id]
