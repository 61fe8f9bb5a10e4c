"""Routing and tiered escalation, on both databases: an escalated ticket gives its agent's
units back and goes to (or waits for) an agent of the tier it reached, never below it; a
de-escalated one is for its previous tier again."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from hubdesk.domain.agents import Role
from hubdesk.domain.routing import Presence
from hubdesk.services.routing_records import MANUAL, ROUTED, WAITING
from tests import factories
from tests.routing_desk import agent, configure, later, ticket


@pytest.fixture
def desk(hub):
    configure(hub)
    return factories.staff(hub, Role.COORDINATOR).agent


def _load(hub, person):
    with hub.uows(write=False) as uow:
        return uow.routing.load(person.agent.id)[0]


def _assignee(hub, desk, ticket_id):
    return hub.app.tickets.get(desk, ticket_id).ticket.assignee_id


def test_an_escalated_ticket_gives_back_its_units_and_waits_for_the_next_tier(hub, desk):
    front = agent(hub, desk, {"billing": 5})
    other_front = agent(hub, desk, {"billing": 4})
    expert = agent(hub, desk, {"billing": 3}, tier=2, presence=Presence.OFFLINE)
    opened = ticket(hub, desk)
    assert opened.ticket.assignee_id == front.agent.id and _load(hub, front) == 1

    escalated = hub.app.escalations.escalate(front.agent, opened.ticket.id, "Needs tier 2",
                                             now=later(10))
    assert escalated.tier == 2 and escalated.ticket.assignee_id is None
    assert _load(hub, front) == 0 and _load(hub, other_front) == 0
    state, decisions = hub.app.routing.decisions(desk, opened.ticket.id)
    assert state.state == WAITING and state.held == 0 and state.agent_id is None
    assert decisions[0].agent_id is None  # nobody of tier 2 is online: it waits

    # the sweep never gives it back to the front line, only to the tier-2 expert
    assert hub.app.routing.sweep(now=later(20)).routed == 0
    assert _assignee(hub, desk, opened.ticket.id) is None
    with hub.uows() as uow:
        uow.routing.set_presence(expert.agent.id, Presence.ONLINE.value, later(30))
        uow.commit()
    assert hub.app.routing.sweep(now=later(40)).routed == 1
    assert _assignee(hub, desk, opened.ticket.id) == expert.agent.id
    assert _load(hub, expert) == 1 and _load(hub, front) == 0


def test_an_escalated_ticket_goes_at_once_to_an_online_agent_of_the_next_tier(hub, desk):
    front = agent(hub, desk, {"billing": 5})
    expert = agent(hub, desk, {"billing": 3}, tier=2)
    opened = ticket(hub, desk)
    assert opened.ticket.assignee_id == front.agent.id
    agent(hub, desk, {"billing": 5}, capacity=20)  # tier 1, a better fit: not eligible now
    escalated = hub.app.escalations.escalate(front.agent, opened.ticket.id, "Needs tier 2",
                                             now=later(10))
    assert escalated.ticket.assignee_id == expert.agent.id
    assert _load(hub, front) == 0 and _load(hub, expert) == 1
    state, decisions = hub.app.routing.decisions(desk, opened.ticket.id)
    assert state.state == ROUTED and state.agent_id == expert.agent.id and state.held == 1
    assert decisions[0].decision["agent_id"] == expert.agent.id
    assert {c["agent_id"] for c in decisions[0].decision["candidates"]} == {expert.agent.id}


def test_de_escalating_hands_back_units_and_makes_the_front_line_eligible_again(hub, desk):
    front = agent(hub, desk, {"billing": 5})
    expert = agent(hub, desk, {"billing": 3}, tier=2)
    opened = ticket(hub, desk)
    hub.app.escalations.escalate(front.agent, opened.ticket.id, "Needs tier 2", now=later(10))
    assert _assignee(hub, desk, opened.ticket.id) == expert.agent.id

    back = hub.app.escalations.deescalate(expert.agent, opened.ticket.id, "Fixed",
                                          now=later(20))
    assert back.tier == 1 and back.ticket.assignee_id == front.agent.id
    assert _load(hub, expert) == 0 and _load(hub, front) == 1
    state, _ = hub.app.routing.decisions(desk, opened.ticket.id)
    assert state.state == MANUAL and state.agent_id == front.agent.id and state.held == 1

    # at tier 1 again, routing may give it to the front line
    hub.app.tickets.assign(desk, opened.ticket.id, None, now=later(30))
    hub.app.routing.set_presence(desk, expert.agent.id, Presence.OFFLINE, now=later(30))
    decision = hub.app.routing.route(desk, opened.ticket.id, now=later(40))
    assert decision.agent_id == front.agent.id
    assert _load(hub, front) == 1 and _load(hub, expert) == 0


def test_a_de_escalated_ticket_whose_owner_left_goes_to_the_front_line(hub, desk):
    front = agent(hub, desk, {"billing": 5})
    other_front = agent(hub, desk, {"billing": 4})
    expert = agent(hub, desk, {"billing": 3}, tier=2)
    opened = ticket(hub, desk)
    hub.app.escalations.escalate(front.agent, opened.ticket.id, "Needs tier 2", now=later(10))
    with hub.engine.begin() as connection:  # the first owner leaves the desk
        connection.execute(text("UPDATE agents SET active = :no WHERE id = :id"),
                           {"no": False, "id": front.agent.id})
    hub.app.routing.set_presence(desk, expert.agent.id, Presence.OFFLINE, now=later(15))
    back = hub.app.escalations.deescalate(expert.agent, opened.ticket.id, "Fixed",
                                          now=later(20))
    assert back.tier == 1 and back.ticket.assignee_id == other_front.agent.id
    assert _load(hub, expert) == 0 and _load(hub, other_front) == 1
