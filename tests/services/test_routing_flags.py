"""An agent's "Mark difficult" or "Mark abusive" on a customer's message counts for wellbeing
as triage's reading does, on both databases: once, for whoever holds the ticket."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.triage import Verdict
from tests import factories
from tests.routing_desk import agent, configure, later, ticket


@pytest.fixture
def desk(hub):
    configure(hub, wellbeing={"difficult_limit": 1})
    return factories.staff(hub, Role.COORDINATOR).agent


def _board(hub, desk, at):
    return {line.row.agent_id: line for line in hub.app.routing.board(desk, now=at)}


def _flag(hub, who, opened, verdict=Verdict.DIFFICULT, value=True, at=later(10)):
    hub.app.triage.correct(who, opened.ticket.id, opened.messages[0].id, verdict, value,
                           now=at)


def test_a_flagged_contact_counts_for_its_holder_and_spares_them_the_next_difficult_one(
        hub, desk):
    strong = agent(hub, desk, {"billing": 5})
    calm = agent(hub, desk, {"billing": 3})
    first = ticket(hub, desk)
    assert first.ticket.assignee_id == strong.agent.id
    assert _board(hub, desk, later(5))[strong.agent.id].difficult_today == 0

    _flag(hub, strong.agent, first)
    _flag(hub, desk, first, Verdict.ABUSIVE, at=later(11))  # the same contact: counted once
    line = _board(hub, desk, later(20))[strong.agent.id]
    assert line.difficult_today == 1 and line.guarded
    state, [flagged, routed] = hub.app.routing.decisions(desk, first.ticket.id)
    assert state.difficult and flagged.mode == "flagged" and flagged.difficult
    assert flagged.agent_id == strong.agent.id and flagged.decision["flagged_by"] == \
        strong.agent.id
    screen = hub.app.tickets.workspace(desk, first.ticket.id)
    assert screen.routing.latest.id == routed.id  # the page still says who it was routed to

    second = ticket(hub, desk, at=later(30))
    hub.app.tickets.assign(desk, second.ticket.id, None, now=later(31))
    _flag(hub, desk, second, at=later(32))  # unassigned: counted when routed
    assert _board(hub, desk, later(33))[calm.agent.id].difficult_today == 0
    decision = hub.app.routing.route(desk, second.ticket.id, now=later(34))
    assert decision.agent_id == calm.agent.id  # the guarded agent is spared
    assert decision.wellbeing_guarded == (strong.agent.id,)
    assert _board(hub, desk, later(35))[calm.agent.id].difficult_today == 1


def test_unflagging_makes_routing_treat_the_ticket_as_calm_again(hub, desk):
    agent(hub, desk, {"billing": 5})
    opened = ticket(hub, desk)
    hub.app.tickets.assign(desk, opened.ticket.id, None, now=later(1))
    _flag(hub, desk, opened, at=later(2))
    _flag(hub, desk, opened, value=False, at=later(3))
    state, _ = hub.app.routing.decisions(desk, opened.ticket.id)
    assert not state.difficult
    decision = hub.app.routing.route(desk, opened.ticket.id, now=later(4))
    assert decision.agent_id is not None
    _, [latest, *_] = hub.app.routing.decisions(desk, opened.ticket.id)
    assert latest.mode == "push" and not latest.difficult
