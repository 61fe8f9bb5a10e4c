"""Many free agents and many waiting tickets at once, on both databases: the sweep gives
them out together as the batch-optimal assignment does, where one by one would leave a
ticket unserved."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.routing import Router, instant
from hubdesk.routing.batch import assign_greedy, assign_optimal
from hubdesk.services.routing_records import ProfileChange
from hubdesk.services.routing_roster import available_roster, requirements_for, settings_in
from tests import factories
from tests.routing_desk import CONFIG, NOW, agent, configure, later, ticket

# A dispute needs billing at level 5; plain billing, level 3.
CATEGORIES = {**CONFIG["categories"], "dispute": {"skills": {"billing": 5}}}
SHIFT_STARTS = NOW + timedelta(minutes=10)


@pytest.fixture
def desk(hub):
    configure(hub, categories=CATEGORIES)
    return factories.staff(hub, Role.COORDINATOR).agent


def _on_shift_from_ten(hub, desk, skills):
    person = agent(hub, desk, skills, capacity=1)
    hub.app.routing.update_profile(desk, person.agent.id, ProfileChange(
        shift_starts_at=SHIFT_STARTS, shift_ends_at=SHIFT_STARTS + timedelta(hours=8)),
        now=NOW)
    return person


def test_at_the_start_of_a_shift_the_sweep_assigns_together_what_one_by_one_would_not(
        hub, desk):
    expert = _on_shift_from_ten(hub, desk, {"billing": 5})
    generalist = _on_shift_from_ten(hub, desk, {"billing": 3})
    # Both wait: nobody's shift has started.
    billing = ticket(hub, desk, category="billing", at=later(60))
    dispute = ticket(hub, desk, category="dispute", at=later(120))
    assert billing.ticket.assignee_id is None and dispute.ticket.assignee_id is None

    start = SHIFT_STARTS + timedelta(minutes=1)
    with hub.uows(write=False) as uow:  # the policy's own answers, one by one and together
        settings = settings_in(uow)
        needs = [requirements_for(uow, settings, w, False, start)
                 for w in uow.routing.waiting(10)]
        roster = available_roster(uow, settings, start)
    greedy = assign_greedy(Router(roster, settings.policy), needs, instant(start))
    optimal = assign_optimal(Router(roster, settings.policy), needs, instant(start))
    # One by one the billing ticket, more urgent, takes the expert the dispute needs.
    assert greedy.assignments == ((billing.ticket.id, expert.agent.id),)
    assert optimal.assignments == ((billing.ticket.id, generalist.agent.id),
                                   (dispute.ticket.id, expert.agent.id))

    result = hub.app.routing.sweep(now=start)
    assert result.routed == 2 and result.still_waiting == 0
    assignees = {opened.ticket.id: hub.app.tickets.get(desk, opened.ticket.id)
                 .ticket.assignee_id for opened in (billing, dispute)}
    assert tuple(sorted(assignees.items())) == optimal.assignments
    _, [decision, *_] = hub.app.routing.decisions(desk, dispute.ticket.id)
    assert decision.mode == "batch"
    assert decision.decision["batch"] == {"tickets": 2, "agents": 2, "assigned": 2,
                                          "total_score": round(optimal.total_score, 4)}
    with hub.uows(write=False) as uow:
        assert uow.routing.load(expert.agent.id) == (1, 1)
        assert uow.routing.load(generalist.agent.id) == (1, 1)


def test_with_one_free_agent_the_sweep_routes_one_by_one(hub, desk):
    person = _on_shift_from_ten(hub, desk, {"billing": 5})
    hub.app.routing.update_profile(desk, person.agent.id, ProfileChange(capacity=2), now=NOW)
    opened = [ticket(hub, desk, at=later(n)) for n in (1, 2)]
    result = hub.app.routing.sweep(now=SHIFT_STARTS + timedelta(minutes=1))
    assert result.routed == 2
    for each in opened:
        assert hub.app.tickets.get(desk, each.ticket.id).ticket.assignee_id == person.agent.id
        _, [decision, *_] = hub.app.routing.decisions(desk, each.ticket.id)
        assert decision.mode == "push" and "batch" not in decision.decision
