"""Routing's periodic job is declared with the desk's jobs, offers waiting work once a tick,
and does nothing when routing is switched off; the arrival handler follows the setting."""

from __future__ import annotations

from hubdesk.bootstrap import assemble
from hubdesk.domain.agents import Role
from hubdesk.domain.routing import Presence
from hubdesk.jobs import build_jobs
from hubdesk.jobs.routing import reoffer_waiting_work
from tests import factories
from tests.routing_desk import agent, configure, later, ticket


def test_the_reoffer_job_is_declared(hub):
    assert "routing-reoffer" in build_jobs(hub).names


def test_a_tick_gives_waiting_work_to_an_agent_who_came_online(hub):
    configure(hub)
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    person = agent(hub, coordinator, {"billing": 3}, presence=Presence.OFFLINE)
    opened = ticket(hub, coordinator)
    assert opened.ticket.assignee_id is None
    hub.app.routing.set_presence(coordinator, person.agent.id, Presence.ONLINE, now=later(5))
    reoffer_waiting_work(hub, later(60))
    assert hub.app.tickets.get(coordinator, opened.ticket.id).ticket.assignee_id == \
        person.agent.id


def test_with_routing_switched_off_new_tickets_wait_for_a_person(hub):
    manual = assemble(hub.settings.model_copy(update={"routing_enabled": False}), hub.engine)
    configure(manual)
    coordinator = factories.staff(manual, Role.COORDINATOR).agent
    person = agent(manual, coordinator, {"billing": 3})
    opened = ticket(manual, coordinator)
    assert opened.ticket.assignee_id is None
    reoffer_waiting_work(manual, later(60))
    assert manual.app.tickets.get(coordinator, opened.ticket.id).ticket.assignee_id is None
    # Units are still kept true for assignments by hand.
    manual.app.tickets.assign(coordinator, opened.ticket.id, person.agent.id)
    [line] = [line for line in manual.app.routing.board(coordinator)
              if line.row.agent_id == person.agent.id]
    assert line.row.load == 1
    subscribed = manual.bus.subscriptions
    assert "in transaction: created" in subscribed
    assert not any("route_on_arrival" in name for name in subscribed["in transaction: created"])
    assert any("keep_units_true" in name for name in subscribed["in transaction: assigned"])
