"""Routing wired into the product, on both databases: push on arrival, units held and given
back, pull, locks, the re-offer job, relaxation and the wellbeing guard."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hubdesk.bootstrap import assemble
from hubdesk.domain.agents import Role
from hubdesk.domain.errors import Conflict, PermissionDenied
from hubdesk.domain.events import EventKind
from hubdesk.domain.routing import Presence
from hubdesk.domain.tickets import Channel, Priority, Status
from hubdesk.services.routing_records import (
    MANUAL,
    ROUTED,
    UNROUTABLE,
    WAITING,
    ProfileChange,
)
from tests import factories
from tests.routing_desk import NOW, agent, configure, later, ticket


@pytest.fixture
def desk(hub):
    configure(hub)
    return factories.staff(hub, Role.COORDINATOR).agent


def _load(hub, person):
    return next(row for row in hub.app.routing.board(
        factories.staff(hub, Role.COORDINATOR).agent, now=NOW) if row.row.agent_id ==
        person.agent.id).row.load


def _assignments(hub, coordinator, ticket_id):
    return [e.event for e in hub.app.tickets.history(coordinator, ticket_id)
            if e.event.kind is EventKind.ASSIGNED]


def test_a_new_ticket_goes_to_the_best_eligible_agent_with_its_why(hub, desk):
    expert = agent(hub, desk, {"billing": 5})
    agent(hub, desk, {"billing": 3, "returns": 4, "technical": 2})
    agent(hub, desk, {"returns": 5})
    opened = ticket(hub, desk)
    assert opened.ticket.assignee_id == expert.agent.id
    assert opened.ticket.status is Status.OPEN
    [assigned] = _assignments(hub, desk, opened.ticket.id)
    assert tuple(assigned.changes["assignee_id"]) == (None, expert.agent.id)
    state, decisions = hub.app.routing.decisions(desk, opened.ticket.id)
    assert state.state == ROUTED and state.agent_id == expert.agent.id and state.held == 1
    [decision] = decisions
    assert decision.decision["agent_id"] == expert.agent.id
    assert decision.decision["candidates"][0]["agent_id"] == expert.agent.id
    assert len(decision.decision["candidates"]) == 2
    assert decision.decision["screened_out"]["skill:billing>=3"] == 1
    assert _load(hub, expert) == 1


def test_with_nobody_online_the_ticket_waits_unassigned_with_the_reason(hub, desk):
    agent(hub, desk, {"billing": 4}, presence=Presence.OFFLINE)
    opened = ticket(hub, desk)
    assert opened.ticket.assignee_id is None and opened.ticket.status is Status.NEW
    state, [decision] = hub.app.routing.decisions(desk, opened.ticket.id)
    assert state.state == WAITING and "no eligible agent" in state.reason
    assert decision.agent_id is None and decision.decision["unroutable"] is None
    assert hub.app.routing.unroutable(desk) == []


def test_a_ticket_nobody_could_ever_serve_is_flagged_to_coordinators(hub, desk):
    agent(hub, desk, {"technical": 4}, tier=3)
    opened = ticket(hub, desk, category="hardware")
    [flagged] = hub.app.routing.unroutable(desk)
    assert flagged.ticket_id == opened.ticket.id and flagged.state == UNROUTABLE
    assert "'technical' at level 5" in flagged.reason
    assert opened.ticket.assignee_id is None


def test_units_go_back_when_the_ticket_is_solved(hub, desk):
    person = agent(hub, desk, {"billing": 4}, channel_costs={"api": 4, "email": 1})
    opened = ticket(hub, desk)
    assert _load(hub, person) == 4
    hub.app.tickets.change_status(desk, opened.ticket.id, Status.SOLVED, now=later(60))
    assert _load(hub, person) == 0
    state, _ = hub.app.routing.decisions(desk, opened.ticket.id)
    assert state.held == 0


def test_a_full_agent_is_passed_over_for_the_next_candidate(hub, desk):
    best = agent(hub, desk, {"billing": 5}, capacity=2, channel_costs={"api": 2})
    second = agent(hub, desk, {"billing": 3}, presence=Presence.OFFLINE)
    first = ticket(hub, desk)
    assert first.ticket.assignee_id == best.agent.id
    hub.app.routing.set_presence(desk, second.agent.id, Presence.ONLINE, now=NOW)
    after = ticket(hub, desk)
    assert after.ticket.assignee_id == second.agent.id
    assert _load(hub, best) == 2
    _, [decision] = hub.app.routing.decisions(desk, after.ticket.id)
    assert [c["agent_id"] for c in decision.decision["candidates"]] == [second.agent.id]


def test_reassigning_by_hand_moves_the_units_and_records_the_choice(hub, desk):
    first = agent(hub, desk, {"billing": 5})
    other = agent(hub, desk, {"returns": 1}, channel_costs={"api": 3})
    opened = ticket(hub, desk)
    hub.app.tickets.assign(desk, opened.ticket.id, other.agent.id, now=later(5))
    assert _load(hub, first) == 0 and _load(hub, other) == 3
    state, decisions = hub.app.routing.decisions(desk, opened.ticket.id)
    assert state.state == MANUAL and state.agent_id == other.agent.id and state.held == 3
    assert decisions[0].mode == "manual"
    hub.app.tickets.assign(desk, opened.ticket.id, None, now=later(10))
    assert _load(hub, other) == 0


def test_the_database_refuses_a_load_beyond_capacity(hub, desk):
    person = agent(hub, desk, {"billing": 4}, capacity=3)
    with pytest.raises(IntegrityError), hub.engine.begin() as connection:
        connection.execute(text("UPDATE agent_loads SET load = 4 WHERE agent_id = :id"),
                           {"id": person.agent.id})
    with pytest.raises(IntegrityError), hub.engine.begin() as connection:
        connection.execute(text("UPDATE agent_loads SET load = -1 WHERE agent_id = :id"),
                           {"id": person.agent.id})


@pytest.fixture
def pull_only(hub):
    """The same desk served by a server that does not push (routing_enabled off): agents
    take their work by pulling, and coming online offers them nothing."""
    return assemble(hub.settings.model_copy(update={"routing_enabled": False}), hub.engine)


def test_pull_gives_the_most_urgent_ticket_the_agent_can_serve(pull_only, desk):
    hub = pull_only
    person = agent(hub, desk, {"billing": 4, "returns": 2}, presence=Presence.OFFLINE)
    ticket(hub, desk, category="hardware")
    normal = ticket(hub, desk, at=later(1))
    urgent = ticket(hub, desk, category="refund", priority=Priority.URGENT, at=later(2))
    hub.app.routing.set_presence(person.agent, person.agent.id, Presence.ONLINE, now=later(3))
    assert _load(hub, person) == 0  # a desk that does not push offers nothing by itself
    first = hub.app.routing.next(person.agent, now=later(4))
    second = hub.app.routing.next(person.agent, now=later(5))
    assert [first.ticket.id, second.ticket.id] == [urgent.ticket.id, normal.ticket.id]
    assert second.ticket.assignee_id == person.agent.id
    assert hub.app.routing.next(person.agent, now=later(6)) is None
    _, [decision] = hub.app.routing.decisions(desk, urgent.ticket.id)
    assert decision.mode == "pull" and _load(hub, person) == 2


def test_pull_asks_for_presence_online(hub, desk):
    person = agent(hub, desk, {"billing": 4}, presence=Presence.ON_BREAK)
    with pytest.raises(Conflict, match="set your presence to online"):
        hub.app.routing.next(person.agent, now=NOW)


def test_a_paused_agent_is_told_who_resumes_them_not_to_go_online(hub, desk):
    person = agent(hub, desk, {"billing": 4})
    hub.app.routing.update_profile(desk, person.agent.id, ProfileChange(paused=True), now=NOW)
    with pytest.raises(Conflict) as refused:
        hub.app.routing.next(person.agent, now=NOW)
    assert "paused" in str(refused.value) and "coordinator" in str(refused.value)
    assert "presence" not in str(refused.value)


def test_the_job_returns_unattended_work_of_an_agent_gone_offline(hub, desk):
    leaving = agent(hub, desk, {"billing": 5})
    kept = ticket(hub, desk)
    locked = ticket(hub, desk)
    hub.app.routing.lock(desk, locked.ticket.id, True, now=NOW)
    staying = agent(hub, desk, {"billing": 3}, presence=Presence.OFFLINE)
    hub.app.routing.set_presence(desk, leaving.agent.id, Presence.OFFLINE, now=later(10))
    hub.app.routing.set_presence(desk, staying.agent.id, Presence.ONLINE, now=later(10))
    assert hub.app.routing.sweep(now=later(30)).returned == 0  # within the grace
    result = hub.app.routing.sweep(now=later(120))
    assert (result.returned, result.routed) == (1, 1)
    assert hub.app.tickets.get(desk, kept.ticket.id).ticket.assignee_id == staying.agent.id
    assert hub.app.tickets.get(desk, locked.ticket.id).ticket.assignee_id == leaving.agent.id
    assert _load(hub, leaving) == 1 and _load(hub, staying) == 1


def test_waiting_work_is_offered_the_moment_someone_comes_online(hub, desk):
    opened = ticket(hub, desk, channel=Channel.EMAIL)
    person = agent(hub, desk, {"billing": 4})
    assert hub.app.tickets.get(desk, opened.ticket.id).ticket.assignee_id == person.agent.id
    assert hub.app.routing.sweep(now=later(60)).routed == 0  # nothing left for the job


def test_after_a_wait_the_needs_relax_and_the_relaxation_is_recorded(hub):
    configure(hub, relaxation=[{"after_s": 600, "kind": "lower_proficiency"}])
    desk = factories.staff(hub, Role.COORDINATOR).agent
    agent(hub, desk, {"billing": 2})
    opened = ticket(hub, desk)
    assert opened.ticket.assignee_id is None
    assert hub.app.routing.sweep(now=later(300)).routed == 0
    assert hub.app.routing.sweep(now=later(601)).routed == 1
    state, decisions = hub.app.routing.decisions(desk, opened.ticket.id)
    assert state.relaxations and "billing 3→2" in state.relaxations[0]
    assert decisions[0].decision["relaxations"] == state.relaxations
    assert len(decisions) == 2  # the unchanged wait at 300 s was not recorded again


def test_a_guarded_agent_is_spared_the_next_difficult_contact(hub, desk):
    configure(hub, wellbeing={"difficult_limit": 1})
    calm = agent(hub, desk, {"billing": 3})
    strong = agent(hub, desk, {"billing": 5})
    first = ticket(hub, desk)
    assert first.ticket.assignee_id == strong.agent.id
    second = ticket(hub, desk, at=later(1))
    hub.app.tickets.assign(desk, second.ticket.id, None, now=later(1))
    with hub.uows() as uow:  # triage read both customers as difficult
        uow.routing.add_decision(first.ticket.id, strong.agent.id, "push", True, {}, NOW)
        state = uow.routing.ticket_state(second.ticket.id)
        state.difficult = True
        uow.routing.put_ticket_state(state, later(1))
        uow.commit()
    decision = hub.app.routing.route(desk, second.ticket.id, now=later(2))
    assert decision.agent_id == calm.agent.id
    assert decision.wellbeing_guarded == (strong.agent.id,)
    board = {line.row.agent_id: line for line in hub.app.routing.board(desk, now=later(3))}
    assert board[strong.agent.id].guarded and board[strong.agent.id].difficult_today == 1


def test_only_coordinators_change_profiles_and_only_admins_the_config(hub, desk):
    rep = factories.staff(hub)
    with pytest.raises(PermissionDenied):
        agent(hub, rep.agent, {"billing": 1})
    with pytest.raises(PermissionDenied):
        hub.app.routing.update_config(desk, {}, now=NOW)
    with pytest.raises(PermissionDenied):
        hub.app.routing.set_presence(rep.agent, desk.id, Presence.ONLINE, now=NOW)


def test_a_desk_without_routing_profiles_keeps_no_routing_record_per_ticket(hub):
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    opened = ticket(hub, coordinator)
    assert opened.ticket.assignee_id is None
    assert hub.app.routing.decisions(coordinator, opened.ticket.id) == (None, [])
    assert hub.app.routing.sweep(now=later(60)).routed == 0
