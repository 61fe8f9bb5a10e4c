"""Costly reports taken in turns: an agent with as many reports under way as one may have is
refused another at once (429 with a wait), while other agents' reports still run and the
agent's next one runs once theirs are done."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.errors import Busy
from hubdesk.services.fair_share import PER_AGENT, FairShare
from tests import factories

UNTIL = datetime(2026, 6, 30, tzinfo=UTC)
SINCE = UNTIL - timedelta(days=30)


def _reports(hub, agent: Agent) -> dict[str, object]:
    """Each costly report of the desk, read by ``agent``."""
    app = hub.app
    return {"sla": lambda: app.sla.report(agent, SINCE, UNTIL),
            "satisfaction": lambda: app.satisfaction.report(agent, SINCE, UNTIL),
            "flow": lambda: app.flow.report(agent, SINCE, UNTIL, now=UNTIL),
            "handoffs": lambda: app.handoffs.report(agent, SINCE, UNTIL, now=UNTIL)}


def test_an_agent_with_all_their_reports_under_way_is_told_to_wait(hub):
    manager = factories.staff(hub, Role.MANAGER).agent
    colleague = factories.staff(hub, Role.MANAGER).agent
    share = hub.app.deps.heavy_reads
    with share.turn(manager), share.turn(manager):  # two of the manager's reports run
        for name, read in _reports(hub, manager).items():
            with pytest.raises(Busy) as refused:
                read()
            assert refused.value.status == 429 and refused.value.retry_after >= 1, name
            assert "being prepared" in str(refused.value)
        for read in _reports(hub, colleague).values():
            read()  # nobody else waits for the manager's reports
    for read in _reports(hub, manager).values():
        read()  # theirs done, the manager's next ones run


def test_turns_are_counted_across_threads_and_given_back_when_a_report_fails():
    share = FairShare()
    agent = Agent(7, "a@hubdesk.test", "A")
    entered = threading.Barrier(PER_AGENT + 1)
    finish = threading.Event()

    def report() -> None:
        with share.turn(agent):
            entered.wait(timeout=10)
            finish.wait(timeout=10)

    running = [threading.Thread(target=report) for _ in range(PER_AGENT)]
    for thread in running:
        thread.start()
    entered.wait(timeout=10)
    with pytest.raises(Busy), share.turn(agent):
        pass
    finish.set()
    for thread in running:
        thread.join(timeout=10)
    with pytest.raises(ZeroDivisionError), share.turn(agent):
        raise ZeroDivisionError  # a report that fails still gives its turn back
    with share.turn(agent), share.turn(agent):
        pass
    operator = Agent(None, "operator@localhost", "Operator")
    with share.turn(operator), share.turn(operator), share.turn(operator):
        pass  # the command line's operator is not counted
