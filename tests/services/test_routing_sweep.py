"""The re-offer sweep on both databases: tickets nobody could ever serve do not crowd out
work that can be served, the sweep pages on until capacity is used, and an unroutable ticket
is looked at again once the roster changes."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Priority
from hubdesk.services.routing_records import UNROUTABLE, WAITING, ProfileChange
from hubdesk.services.routing_sweep import reoffer_waiting
from tests import factories
from tests.routing_desk import agent, configure, later, ticket


@pytest.fixture
def desk(hub):
    configure(hub, relaxation=[{"after_s": 600, "kind": "lower_proficiency"}])
    return factories.staff(hub, Role.COORDINATOR).agent


def _state(hub, desk, opened):
    state, _ = hub.app.routing.decisions(desk, opened.ticket.id)
    return state.state


def test_unroutable_tickets_do_not_starve_the_work_behind_them(hub, desk):
    person = agent(hub, desk, {"billing": 2})  # billing needs 3: served once relaxed
    flagged = [ticket(hub, desk, category="hardware", priority=Priority.URGENT, at=later(n))
               for n in range(3)]
    served = ticket(hub, desk, at=later(5))
    assert all(_state(hub, desk, t) == UNROUTABLE for t in flagged)
    assert _state(hub, desk, served) == WAITING

    # two tickets a page: the three urgent unroutable ones come first, yet are passed over
    routed, _ = reoffer_waiting(hub.uows, now=later(700), limit=2)
    assert routed == 1
    assert hub.app.tickets.get(desk, served.ticket.id).ticket.assignee_id == person.agent.id


def test_the_sweep_pages_on_until_capacity_is_used(hub, desk):
    person = agent(hub, desk, {"billing": 2}, capacity=3, channel_costs={"api": 1})
    opened = [ticket(hub, desk, at=later(n)) for n in range(5)]
    routed, still_waiting = reoffer_waiting(hub.uows, now=later(700), limit=2)
    assert routed == 3 and still_waiting == 0  # stopped once the agent was full
    assignees = [hub.app.tickets.get(desk, t.ticket.id).ticket.assignee_id for t in opened]
    assert assignees == [person.agent.id] * 3 + [None, None]


def test_an_unroutable_ticket_is_looked_at_again_once_the_roster_changes(hub, desk):
    agent(hub, desk, {"billing": 4})
    flagged = ticket(hub, desk, category="hardware")
    assert _state(hub, desk, flagged) == UNROUTABLE
    assert reoffer_waiting(hub.uows, now=later(60)) == (0, 0)  # settled: not looked at
    expert = factories.staff(hub).agent  # a tier-3 technician joins, offline for now
    hub.app.routing.update_profile(desk, expert.id, ProfileChange(
        skills={"technical": 5}, tier=3, languages=("en",)), now=later(90))
    assert reoffer_waiting(hub.uows, now=later(120)) == (0, 1)  # looked at again
    assert _state(hub, desk, flagged) == WAITING  # someone could serve it now
