"""Waiting work offered the moment an agent has room, on both databases: units freed by a
solved, reassigned or escalated ticket, an agent coming online or unpaused — without waiting
for the periodic sweep, bounded by the units they have."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.routing import Presence
from hubdesk.domain.tickets import Status
from hubdesk.services.routing import PULL_BATCH, PULL_BATCHES
from hubdesk.services.routing_records import ProfileChange
from hubdesk.store import tables as t
from tests import factories
from tests.routing_desk import agent, configure, later, ticket


@pytest.fixture
def desk(hub):
    configure(hub)
    return factories.staff(hub, Role.COORDINATOR).agent


def _load(hub, person):
    with hub.uows(write=False) as uow:
        return uow.routing.load(person.agent.id)[0]


def _assignee(hub, desk, opened):
    return hub.app.tickets.get(desk, opened.ticket.id).ticket.assignee_id


def test_solving_a_ticket_gives_the_freed_units_to_waiting_work_at_once(hub, desk):
    person = agent(hub, desk, {"billing": 4}, capacity=1)
    first = ticket(hub, desk)
    waiting = ticket(hub, desk, at=later(1))
    assert _assignee(hub, desk, first) == person.agent.id
    assert _assignee(hub, desk, waiting) is None and _load(hub, person) == 1

    hub.app.tickets.change_status(person.agent, first.ticket.id, Status.SOLVED, now=later(60))
    assert _assignee(hub, desk, waiting) == person.agent.id  # no sweep ran
    assert _load(hub, person) == 1
    state, [decision, _] = hub.app.routing.decisions(desk, waiting.ticket.id)
    assert state.agent_id == person.agent.id and state.held == 1
    assert decision.mode == "offer" and decision.agent_id == person.agent.id


def test_reassigning_away_offers_the_freed_agent_other_work_never_the_same_ticket(hub, desk):
    person = agent(hub, desk, {"billing": 4}, capacity=1)
    other = agent(hub, desk, {"returns": 1}, capacity=1, presence=Presence.OFFLINE)
    first = ticket(hub, desk)
    waiting = ticket(hub, desk, at=later(1))
    hub.app.tickets.assign(desk, first.ticket.id, other.agent.id, now=later(10))
    assert _assignee(hub, desk, first) == other.agent.id
    assert _assignee(hub, desk, waiting) == person.agent.id
    assert _load(hub, person) == 1 and _load(hub, other) == 1

    hub.app.tickets.assign(desk, waiting.ticket.id, None, now=later(20))  # taken off by hand
    assert _assignee(hub, desk, waiting) is None and _load(hub, person) == 0


def test_an_agent_coming_online_takes_waiting_work_up_to_their_units(hub, desk):
    person = agent(hub, desk, {"billing": 4}, capacity=2, presence=Presence.OFFLINE)
    opened = [ticket(hub, desk, at=later(n)) for n in range(3)]
    hub.app.routing.set_presence(person.agent, person.agent.id, Presence.ONLINE,
                                 now=later(30))
    assignees = [_assignee(hub, desk, t) for t in opened]
    assert assignees == [person.agent.id, person.agent.id, None]  # oldest first, two units
    assert _load(hub, person) == 2


def test_an_unpaused_agent_takes_waiting_work_at_once(hub, desk):
    person = agent(hub, desk, {"billing": 4}, paused=True)
    opened = ticket(hub, desk)
    assert _assignee(hub, desk, opened) is None
    hub.app.routing.update_profile(desk, person.agent.id, ProfileChange(paused=False),
                                   now=later(30))
    assert _assignee(hub, desk, opened) == person.agent.id and _load(hub, person) == 1


def test_an_escalating_agent_is_offered_the_next_waiting_ticket(hub, desk):
    person = agent(hub, desk, {"billing": 4}, capacity=1)
    agent(hub, desk, {"billing": 4}, tier=2, presence=Presence.OFFLINE)
    first = ticket(hub, desk)
    waiting = ticket(hub, desk, at=later(1))
    hub.app.escalations.escalate(person.agent, first.ticket.id, "Needs tier 2",
                                 now=later(30))
    assert _assignee(hub, desk, first) is None  # waits for tier 2
    assert _assignee(hub, desk, waiting) == person.agent.id and _load(hub, person) == 1


def test_freed_units_reach_a_ticket_the_agent_serves_behind_a_long_line_of_others(hub, desk):
    # More tickets in a language the agent does not speak wait ahead than one walk of the
    # line would read unfiltered (8 pages of 25): the store keeps to the agent's lines.
    person = agent(hub, desk, {"billing": 4}, capacity=1, languages=("en",))
    held = ticket(hub, desk)
    assert _assignee(hub, desk, held) == person.agent.id
    ahead = [ticket(hub, desk, at=later(1 + n)).ticket.id
             for n in range(PULL_BATCH * PULL_BATCHES + 5)]
    with hub.engine.begin() as db:
        db.execute(t.tickets.update().where(t.tickets.c.id.in_(ahead)).values(language="de"))
    english = ticket(hub, desk, at=later(600))
    with hub.engine.begin() as db:
        db.execute(t.tickets.update().where(t.tickets.c.id == english.ticket.id)
                   .values(language="en"))

    hub.app.tickets.change_status(person.agent, held.ticket.id, Status.SOLVED,
                                  now=later(900))
    assert _assignee(hub, desk, english) == person.agent.id
    assert _load(hub, person) == 1


def test_an_agent_speaking_a_fallback_language_is_offered_tickets_in_any_language(hub, desk):
    configure(hub, relaxation=[{"after_s": 60, "kind": "fallback_language", "value": "en"}])
    person = agent(hub, desk, {"billing": 4}, capacity=1, languages=("en",),
                   presence=Presence.OFFLINE)
    german = ticket(hub, desk)
    with hub.engine.begin() as db:
        db.execute(t.tickets.update().where(t.tickets.c.id == german.ticket.id)
                   .values(language="de"))
    hub.app.routing.set_presence(desk, person.agent.id, Presence.ONLINE, now=later(120))
    assert _assignee(hub, desk, german) == person.agent.id  # waited past the step
    _, [decision, *_] = hub.app.routing.decisions(desk, german.ticket.id)
    assert decision.decision["relaxations"]


def test_freed_units_find_work_behind_more_pages_of_other_skills_than_the_walk_reads(hub,
                                                                                    desk):
    # The tickets ahead need a skill and tier the agent lacks: were skills and tiers left to
    # the policy alone, the walk would end after its 8 pages of 25 with nothing offered.
    person = agent(hub, desk, {"billing": 4}, capacity=1)
    held = ticket(hub, desk)
    assert _assignee(hub, desk, held) == person.agent.id
    ahead = [ticket(hub, desk, category="hardware", at=later(1 + n)).ticket.id
             for n in range(PULL_BATCH * PULL_BATCHES + 5)]
    billing = ticket(hub, desk, at=later(600))

    hub.app.tickets.change_status(person.agent, held.ticket.id, Status.SOLVED,
                                  now=later(900))
    assert _assignee(hub, desk, billing) == person.agent.id
    with hub.uows(write=False) as uow:
        assert {w.ticket_id for w in uow.routing.waiting(500)} == set(ahead)


def test_freed_units_find_work_behind_more_pages_escalated_above_the_agents_tier(hub, desk):
    person = agent(hub, desk, {"billing": 4}, capacity=1)
    held = ticket(hub, desk)
    ahead = [ticket(hub, desk, at=later(1 + n)).ticket.id
             for n in range(PULL_BATCH * PULL_BATCHES + 5)]
    with hub.engine.begin() as db:  # escalated to tier 2 before anyone could take them
        db.execute(t.ticket_tiers.insert(), [
            {"ticket_id": ticket_id, "tier": 2, "reason": "needs a specialist",
             "escalated_by_id": desk.id, "escalated_at": later(2)} for ticket_id in ahead])
    front_line = ticket(hub, desk, at=later(600))

    hub.app.tickets.change_status(person.agent, held.ticket.id, Status.SOLVED,
                                  now=later(900))
    assert _assignee(hub, desk, front_line) == person.agent.id
    specialist = agent(hub, desk, {"billing": 4}, capacity=1, tier=2,
                       presence=Presence.OFFLINE)
    hub.app.routing.set_presence(desk, specialist.agent.id, Presence.ONLINE, now=later(901))
    assert _load(hub, specialist) == 1  # the escalated ones are still theirs to take


def test_a_category_within_reach_only_after_relaxation_is_still_offered(hub, desk):
    configure(hub, relaxation=[{"after_s": 60, "kind": "lower_proficiency"}])
    person = agent(hub, desk, {"returns": 1, "billing": 2}, capacity=1,
                   presence=Presence.OFFLINE)
    billing = ticket(hub, desk)  # needs billing 3
    hub.app.routing.set_presence(desk, person.agent.id, Presence.ONLINE, now=later(120))
    assert _assignee(hub, desk, billing) == person.agent.id
