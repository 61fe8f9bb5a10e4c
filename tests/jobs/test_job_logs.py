"""The periodic jobs run every minute: a tick that found nothing to do says so only at debug
level, so an idle desk's log (and the demo's terminal) is not a line per job per minute,
while a tick that did something is still told at info."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from hubdesk import logs
from hubdesk.domain.agents import Role
from hubdesk.domain.routing import Presence
from hubdesk.jobs.automations import run_time_rules
from hubdesk.jobs.mail import poll_mailboxes
from hubdesk.jobs.routing import reoffer_waiting_work
from hubdesk.jobs.sla import sweep_clocks
from tests import factories
from tests.routing_desk import agent, configure, later, ticket


def _job_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "hubdesk.jobs"]


def test_idle_ticks_log_only_at_debug(hub, caplog):
    caplog.set_level(logging.DEBUG, logger="hubdesk.jobs")
    tick = datetime.now(UTC)
    for job in (sweep_clocks, reoffer_waiting_work, poll_mailboxes, run_time_rules):
        job(hub, tick)
    lines = _job_lines(caplog)
    assert {message for _, message in lines} == {
        "swept SLA clocks", "routing sweep", "polled mailboxes", "ran time-based rules"}
    assert all(level == logging.DEBUG for level, _ in lines)


def test_a_tick_that_returned_work_logs_at_info(hub, caplog):
    configure(hub)
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    person = agent(hub, coordinator, {"billing": 3})
    opened = ticket(hub, coordinator)
    assert opened.ticket.assignee_id == person.agent.id
    hub.app.routing.set_presence(coordinator, person.agent.id, Presence.OFFLINE, now=later(5))
    caplog.set_level(logging.INFO, logger="hubdesk.jobs")
    reoffer_waiting_work(hub, later(86_400))
    assert (logging.INFO, "routing sweep") in _job_lines(caplog)
    assert hub.app.tickets.get(coordinator, opened.ticket.id).ticket.assignee_id is None


@pytest.fixture
def restored_logging():
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("huey").level)
    yield
    root.handlers[:], root.level = saved[0], saved[1]
    logging.getLogger("huey").setLevel(saved[2])


@pytest.mark.usefixtures("restored_logging")
@pytest.mark.parametrize(("level", "huey_level"), [("INFO", logging.WARNING),
                                                   ("DEBUG", logging.DEBUG)])
def test_the_job_queues_own_line_per_run_shows_only_when_debugging(level, huey_level):
    logs.configure(level)
    assert logging.getLogger("huey").getEffectiveLevel() == huey_level
