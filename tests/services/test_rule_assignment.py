"""A rule that assigns an agent, on both databases: the ticket is theirs with the change that
set the rule off, and routing's units stay true (the assignee holds the ticket's units, the
agent it was taken from has them back, an unassignment gives them back)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.events import EventKind
from hubdesk.domain.tickets import Priority, Status
from hubdesk.services.routing_records import MANUAL
from hubdesk.services.tickets import TicketChanges
from tests import factories
from tests.routing_desk import NOW, agent, configure, later, ticket


@pytest.fixture
def desk(hub):
    configure(hub)
    return factories.staff(hub, Role.COORDINATOR).agent


@pytest.fixture
def admin(hub):
    return factories.staff(hub, Role.ADMIN).agent


def _load(hub, person):
    return next(row for row in hub.app.routing.board(
        factories.staff(hub, Role.COORDINATOR).agent, now=NOW) if row.row.agent_id ==
        person.agent.id).row.load


def _assign_rule(hub, admin, name, on, conditions, agent_id):
    hub.app.rules.create(admin, {
        "name": name, "trigger": {"type": "event", "on": on}, "conditions": conditions,
        "actions": [{"type": "set", "field": "assignee_id", "value": agent_id}]})


def test_a_rule_assigns_a_new_ticket_and_the_assignee_holds_its_units(hub, desk, admin):
    routed_to = agent(hub, desk, {"billing": 5})
    vip_desk = agent(hub, desk, {"returns": 1}, channel_costs={"api": 3})
    _assign_rule(hub, admin, "VIPs to the VIP desk", ["created"],
                 {"field": "ticket.subject", "op": "contains", "value": "vip"},
                 vip_desk.agent.id)

    opened = ticket(hub, desk, subject="VIP: charged twice")

    assert opened.ticket.assignee_id == vip_desk.agent.id
    assert opened.ticket.status is Status.OPEN
    assert _load(hub, vip_desk) == 3 and _load(hub, routed_to) == 0
    state, _ = hub.app.routing.decisions(desk, opened.ticket.id)
    assert state.agent_id == vip_desk.agent.id and state.held == 3
    # The units go back with the ticket, as for any assignment.
    hub.app.tickets.change_status(desk, opened.ticket.id, Status.SOLVED, now=later(60))
    assert _load(hub, vip_desk) == 0


def test_a_rule_overriding_routings_pick_on_arrival_moves_the_units_to_its_agent(hub, desk,
                                                                                  admin):
    routed_to = agent(hub, desk, {"billing": 5}, channel_costs={"api": 2})
    night = agent(hub, desk, {"returns": 1}, channel_costs={"api": 5})
    _assign_rule(hub, admin, "Urgent goes to the night desk", ["assigned"],
                 {"field": "ticket.priority", "op": ">=", "value": "urgent"}, night.agent.id)

    urgent = ticket(hub, desk, priority=Priority.URGENT)
    usual = ticket(hub, desk)

    assert urgent.ticket.assignee_id == night.agent.id
    assert usual.ticket.assignee_id == routed_to.agent.id
    assert _load(hub, night) == 5 and _load(hub, routed_to) == 2
    state, _ = hub.app.routing.decisions(desk, urgent.ticket.id)
    assert state.agent_id == night.agent.id and state.held == 5


def test_a_rule_reassigns_a_routed_ticket_and_the_units_move_with_it(hub, desk, admin):
    routed_to = agent(hub, desk, {"billing": 5}, channel_costs={"api": 2})
    specialist = agent(hub, desk, {"returns": 1}, channel_costs={"api": 4})
    _assign_rule(hub, admin, "Chargebacks to the specialist", ["updated"],
                 {"field": "ticket.tags", "op": "contains", "value": "chargeback"},
                 specialist.agent.id)
    opened = ticket(hub, desk)
    assert opened.ticket.assignee_id == routed_to.agent.id and _load(hub, routed_to) == 2

    hub.app.tickets.update(desk, opened.ticket.id, TicketChanges(
        fields_set=frozenset({"tags"}), tags=("chargeback",)), now=later(30))

    stored = hub.app.tickets.get(desk, opened.ticket.id).ticket
    assert stored.assignee_id == specialist.agent.id and stored.tags == ("chargeback",)
    assert _load(hub, routed_to) == 0 and _load(hub, specialist) == 4
    state, decisions = hub.app.routing.decisions(desk, opened.ticket.id)
    assert state.state == MANUAL and state.agent_id == specialist.agent.id and state.held == 4
    assert decisions[0].mode == "manual" and decisions[0].agent_id == specialist.agent.id
    [assigned] = [e.event for e in hub.app.tickets.history(desk, opened.ticket.id)
                  if e.event.kind is EventKind.ASSIGNED and e.event.at == later(30)]
    assert tuple(assigned.changes["assignee_id"]) == (routed_to.agent.id,
                                                      specialist.agent.id)


def test_a_time_rule_unassigns_a_stale_ticket_and_its_units_go_back(hub, desk, admin):
    person = agent(hub, desk, {"billing": 5}, channel_costs={"api": 2})
    hub.app.rules.create(admin, {
        "name": "Free stale tickets", "trigger": {"type": "time", "status": "on_hold",
                                                  "hours": 24},
        "actions": [{"type": "set", "field": "assignee_id", "value": None}]})
    opened = ticket(hub, desk)
    hub.app.tickets.change_status(desk, opened.ticket.id, Status.ON_HOLD, now=later(60))
    assert _load(hub, person) == 2

    assert hub.app.rules.run_automations(now=NOW + timedelta(hours=25)).fired == 1

    assert hub.app.tickets.get(desk, opened.ticket.id).ticket.assignee_id is None
    assert _load(hub, person) == 0
