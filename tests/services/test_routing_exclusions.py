"""A customer's wish not to be served by an agent again, on both databases: coordinators
record it, routing keeps to it in push, offers and the picker and names it in its
explanation, and a ticket only excluded agents could serve is flagged."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.routing import Presence
from hubdesk.domain.tickets import Status
from hubdesk.services.routing_view import CUSTOMERS_WISH
from hubdesk.services.tickets import NewTicket
from tests import factories
from tests.routing_desk import agent, configure, later, ticket

EMAIL = "returning@example.com"


@pytest.fixture
def desk(hub):
    configure(hub)
    return factories.staff(hub, Role.COORDINATOR).agent


def _open(hub, by, at):
    detail, _ = hub.app.tickets.open(by, NewTicket(
        subject="Charged twice again", body="Please look at my invoice.", category="billing",
        requester_email=EMAIL), now=at)
    return detail


def _customer_id(hub, desk):
    first = _open(hub, desk, later(0))
    return first, first.ticket.requester_id


def test_an_excluded_agent_is_not_offered_the_customers_tickets_and_the_why_says_so(hub, desk):
    disliked = agent(hub, desk, {"billing": 5}, capacity=5)
    other = agent(hub, desk, {"billing": 3}, capacity=5)
    first, customer_id = _customer_id(hub, desk)
    assert first.ticket.assignee_id == disliked.agent.id  # the best fit, before the wish

    hub.app.routing.exclude_agent(desk, customer_id, disliked.agent.id,
                                  "Customer asked for someone else", now=later(10))
    second = _open(hub, desk, later(20))
    assert second.ticket.assignee_id == other.agent.id
    _, [decision] = hub.app.routing.decisions(desk, second.ticket.id)
    assert decision.decision["excluded"] == {"excluded": [disliked.agent.id]}

    screen = hub.app.tickets.workspace(desk, second.ticket.id)
    assert screen.routing.excluded_on_request == [disliked.agent.id]
    [entry] = [e for e in screen.routing.picker if e.agent_id == disliked.agent.id]
    assert not entry.eligible and entry.reason == CUSTOMERS_WISH
    unrelated = ticket(hub, desk, at=later(40))  # another customer's: no exclusion
    assert unrelated.ticket.assignee_id == disliked.agent.id


def test_freed_units_skip_the_customers_tickets_and_lifting_the_wish_lets_them_through(hub,
                                                                                     desk):
    disliked = agent(hub, desk, {"billing": 5}, capacity=1)
    held = ticket(hub, desk)
    first, customer_id = _customer_id(hub, desk)
    hub.app.routing.exclude_agent(desk, customer_id, disliked.agent.id, "Rude last time",
                                  now=later(5))
    hub.app.tickets.change_status(disliked.agent, held.ticket.id, Status.SOLVED,
                                  now=later(10))
    assert hub.app.tickets.get(desk, first.ticket.id).ticket.assignee_id is None

    hub.app.routing.allow_agent(desk, customer_id, disliked.agent.id)
    hub.app.routing.set_presence(desk, disliked.agent.id, Presence.OFFLINE, now=later(20))
    hub.app.routing.set_presence(desk, disliked.agent.id, Presence.ONLINE, now=later(30))
    assert hub.app.tickets.get(desk, first.ticket.id).ticket.assignee_id == disliked.agent.id


def test_a_ticket_only_excluded_agents_could_serve_is_flagged_unroutable(hub, desk):
    disliked = agent(hub, desk, {"billing": 5}, presence=Presence.OFFLINE)
    agent(hub, desk, {"returns": 5})
    _, customer_id = _customer_id(hub, desk)
    hub.app.routing.exclude_agent(desk, customer_id, disliked.agent.id, "Asked",
                                  now=later(5))
    second = _open(hub, desk, later(10))
    state, _ = hub.app.routing.decisions(desk, second.ticket.id)
    assert state.state == "unroutable"
    assert state.reason == ("the only agents who could serve it are excluded at the "
                            "customer's request")
    assert [s.ticket_id for s in hub.app.routing.unroutable(desk)] == [second.ticket.id]


def test_only_coordinators_and_up_manage_exclusions_and_bad_ones_are_refused(hub, desk):
    person = agent(hub, desk, {"billing": 5})
    _, customer_id = _customer_id(hub, desk)
    lead = factories.staff(hub, Role.TEAM_LEAD).agent
    with pytest.raises(PermissionDenied):
        hub.app.routing.exclude_agent(lead, customer_id, person.agent.id, "Asked")
    with pytest.raises(PermissionDenied):
        hub.app.routing.excluded_agents(person.agent, customer_id)
    assert hub.app.routing.excluded_agents(desk, customer_id) == []  # nothing was stored

    with pytest.raises(ValidationFailed) as blank:
        hub.app.routing.exclude_agent(desk, customer_id, person.agent.id, "   ")
    assert blank.value.fields == {"reason": "required"}
    with pytest.raises(ValidationFailed) as unknown:
        hub.app.routing.exclude_agent(desk, customer_id, 999_999, "Asked")
    assert unknown.value.fields == {"agent_id": "unknown"}
    with pytest.raises(NotFound):
        hub.app.routing.exclude_agent(desk, 999_999, person.agent.id, "Asked")

    hub.app.routing.exclude_agent(desk, customer_id, person.agent.id, "Asked  twice",
                                  now=later(1))
    with pytest.raises(Conflict):
        hub.app.routing.exclude_agent(desk, customer_id, person.agent.id, "Again")
    [stored] = hub.app.routing.excluded_agents(desk, customer_id)
    assert (stored.agent_id, stored.agent_name, stored.reason, stored.created_by_id) == (
        person.agent.id, person.agent.name, "Asked twice", desk.id)
    hub.app.routing.allow_agent(desk, customer_id, person.agent.id)
    with pytest.raises(NotFound):
        hub.app.routing.allow_agent(desk, customer_id, person.agent.id)
    assert hub.app.routing.excluded_agents(desk, customer_id) == []


def _loads(hub, desk):
    return {line.row.agent_id: line.row.load for line in hub.app.routing.board(desk,
                                                                              now=later(99))}


def _reasons(hub, desk, ticket_id):
    return [(e.event.changes["assignee_id"], e.event.data.get("reason"))
            for e in hub.app.tickets.history(desk, ticket_id)
            if e.event.kind == "assigned" and "assignee_id" in e.event.changes]


def test_excluding_an_agent_routes_the_customers_tickets_they_hold_to_someone_else(hub,
                                                                                   desk):
    disliked = agent(hub, desk, {"billing": 5}, capacity=5)
    other = agent(hub, desk, {"billing": 3}, capacity=5, presence=Presence.OFFLINE)
    first, customer_id = _customer_id(hub, desk)
    second = _open(hub, desk, later(1))
    solved = _open(hub, desk, later(2))
    unrelated = ticket(hub, desk, at=later(3))  # another customer's
    hub.app.tickets.change_status(disliked.agent, solved.ticket.id, Status.SOLVED,
                                  now=later(4))
    hub.app.routing.set_presence(desk, other.agent.id, Presence.ONLINE, now=later(5))
    assert {t.ticket.assignee_id for t in (first, second, unrelated)} == {disliked.agent.id}
    assert _loads(hub, desk) == {disliked.agent.id: 3, other.agent.id: 0}

    made = hub.app.routing.exclude_agent(desk, customer_id, disliked.agent.id,
                                         "Customer asked for someone else", now=later(10))
    assert [(m.ticket_id, m.agent_id, m.unlocked) for m in made.moved] == [
        (first.ticket.id, other.agent.id, False), (second.ticket.id, other.agent.id, False)]
    for moved in (first, second):
        assert hub.app.tickets.get(desk, moved.ticket.id).ticket.assignee_id == other.agent.id
        why = f"the customer asked not to be served by {disliked.agent.name} again"
        assert _reasons(hub, desk, moved.ticket.id)[-2:] == [
            ((disliked.agent.id, None), why), ((None, other.agent.id), None)]
        state, [latest, *_] = hub.app.routing.decisions(desk, moved.ticket.id)
        assert (latest.mode, latest.agent_id, latest.decision["moved_from"]) == (
            "moved", other.agent.id, disliked.agent.id)
        assert latest.decision["excluded"] == {"excluded": [disliked.agent.id]}
        assert (state.state, state.agent_id, state.held) == ("routed", other.agent.id, 1)
    assert hub.app.tickets.get(desk, solved.ticket.id).ticket.assignee_id == \
        disliked.agent.id
    assert hub.app.tickets.get(desk, unrelated.ticket.id).ticket.assignee_id == \
        disliked.agent.id
    assert _loads(hub, desk) == {disliked.agent.id: 1, other.agent.id: 2}


def test_a_locked_ticket_moves_with_its_lock_lifted_and_the_history_says_so(hub, desk):
    disliked = agent(hub, desk, {"billing": 5}, capacity=5)
    other = agent(hub, desk, {"billing": 3}, capacity=5)
    first, customer_id = _customer_id(hub, desk)
    hub.app.routing.lock(desk, first.ticket.id, True, now=later(1))

    made = hub.app.routing.exclude_agent(desk, customer_id, disliked.agent.id, "Asked",
                                         now=later(10))
    assert [(m.ticket_id, m.agent_id, m.unlocked) for m in made.moved] == [
        (first.ticket.id, other.agent.id, True)]
    state, _ = hub.app.routing.decisions(desk, first.ticket.id)
    assert not state.locked and state.agent_id == other.agent.id
    [(_, why), _] = _reasons(hub, desk, first.ticket.id)[-2:]
    assert why.endswith("(its lock was lifted)")
    assert _loads(hub, desk) == {disliked.agent.id: 0, other.agent.id: 1}


def test_with_nobody_else_to_serve_it_the_ticket_waits_and_the_units_come_back(hub, desk):
    disliked = agent(hub, desk, {"billing": 5}, capacity=1)
    first, customer_id = _customer_id(hub, desk)
    waiting = ticket(hub, desk, at=later(1))  # another customer's, waiting for room
    assert waiting.ticket.assignee_id is None
    assert _loads(hub, desk) == {disliked.agent.id: 1}

    made = hub.app.routing.exclude_agent(desk, customer_id, disliked.agent.id, "Asked",
                                         now=later(10))
    assert [(m.ticket_id, m.agent_id) for m in made.moved] == [(first.ticket.id, None)]
    assert hub.app.tickets.get(desk, first.ticket.id).ticket.assignee_id is None
    state, _ = hub.app.routing.decisions(desk, first.ticket.id)
    assert state.state == "unroutable" and state.agent_id is None and state.held == 0
    # the freed units went to the other customer's waiting ticket at once
    assert hub.app.tickets.get(desk, waiting.ticket.id).ticket.assignee_id == \
        disliked.agent.id
    assert _loads(hub, desk) == {disliked.agent.id: 1}


def test_a_pending_ticket_moves_too_so_the_customers_reply_reaches_someone_else(hub, desk):
    disliked = agent(hub, desk, {"billing": 5}, capacity=5)
    other = agent(hub, desk, {"billing": 3}, capacity=5, presence=Presence.OFFLINE)
    first, customer_id = _customer_id(hub, desk)
    hub.app.tickets.change_status(disliked.agent, first.ticket.id, Status.PENDING,
                                  now=later(1))
    hub.app.routing.set_presence(desk, other.agent.id, Presence.ONLINE, now=later(2))

    made = hub.app.routing.exclude_agent(desk, customer_id, disliked.agent.id, "Asked",
                                         now=later(10))
    assert [(m.ticket_id, m.agent_id) for m in made.moved] == [
        (first.ticket.id, other.agent.id)]
    moved = hub.app.tickets.get(desk, first.ticket.id).ticket
    assert (moved.assignee_id, moved.status) == (other.agent.id, Status.PENDING)
    assert _loads(hub, desk) == {disliked.agent.id: 0, other.agent.id: 1}
