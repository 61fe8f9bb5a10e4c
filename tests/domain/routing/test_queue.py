"""The waiting queue: urgency order, pull mode, relaxation after a wait."""

from __future__ import annotations

import math

from hubdesk.domain.routing import (
    Presence,
    Relax,
    RelaxationStep,
    RoutingPolicy,
    WaitingQueue,
)

from .helpers import NOW, agent, dispatcher, router, ticket


def test_waiting_work_is_ordered_by_deadline_then_priority_vip_and_age():
    queue = WaitingQueue()
    queue.push(ticket(1, arrived_at=NOW - 50), NOW)
    queue.push(ticket(2, arrived_at=NOW - 10, sla_due=NOW + 300), NOW)
    queue.push(ticket(3, arrived_at=NOW - 10, sla_due=NOW + 100), NOW)
    queue.push(ticket(4, arrived_at=NOW - 5, priority=3), NOW)
    queue.push(ticket(5, arrived_at=NOW - 5, priority=3, vip=2), NOW)
    queue.push(ticket(6, arrived_at=NOW - 90, priority=3, vip=2), NOW)
    assert [t.ticket_id for t in queue.ordered()] == [3, 2, 6, 5, 4, 1]


def test_pull_gives_the_most_urgent_ticket_the_agent_may_take():
    routing = router(agent(1, skills={"billing": 3}, languages="en es"))
    queue = WaitingQueue()
    queue.push(ticket(1, language="fr", sla_due=NOW + 10), NOW)  # not for this agent
    queue.push(ticket(2, needs={"billing": 4}, sla_due=NOW + 20), NOW)  # level too high
    queue.push(ticket(3, language="es", sla_due=NOW + 300), NOW)
    queue.push(ticket(4, needs={"billing": 2}, sla_due=NOW + 200), NOW)
    queue.push(ticket(5, channel="phone", sla_due=NOW + 30), NOW)
    queue.push(ticket(6, excluded_agents=frozenset({1}), sla_due=NOW + 40), NOW)
    state = routing.roster.state(1)
    assert queue.best_for(state, NOW).ticket_id == 5
    routing.assign(ticket(99, channel="chat"), 1, NOW)  # phone no longer fits
    assert queue.best_for(state, NOW).ticket_id == 4
    queue.remove(4)
    assert queue.best_for(state, NOW).ticket_id == 3


def test_a_freed_agent_pulls_work_until_full_and_a_new_agent_online_takes_the_backlog():
    desk, decisions = dispatcher(agent(1, capacity=6))
    for n in range(1, 5):
        desk.arrive(ticket(n, arrived_at=NOW + n), NOW + n)
    assert sorted(desk.held) == [1, 2] and len(desk.queue) == 2
    taken = desk.finish(1, NOW + 10)
    assert [t.ticket_id for t in taken] == [3]
    desk.router.roster.add(agent(2))
    taken = desk.set_presence(2, Presence.ONLINE, NOW + 11)
    assert [t.ticket_id for t in taken] == [4] and len(desk.queue) == 0
    assert [d.mode for d in decisions] == ["push"] * 4 + ["pull", "pull"]


def test_going_offline_returns_held_work_to_be_routed_again():
    desk, _ = dispatcher(agent(1), agent(2))
    desk.arrive(ticket(1), NOW)
    first = desk.held[1][0]
    desk.set_presence(first, Presence.OFFLINE, NOW + 5)
    assert desk.held[1][0] != first
    assert desk.router.roster.state(first).load == 0


def test_optional_requirements_relax_step_by_step_and_the_decision_records_it():
    policy = RoutingPolicy(relaxation=(
        RelaxationStep(60, Relax.LOWER_PROFICIENCY),
        RelaxationStep(120, Relax.SKILLS_BY_TIER, 2),
        RelaxationStep(300, Relax.FALLBACK_LANGUAGE, "en")))
    desk, decisions = dispatcher(agent(1, skills={"billing": 3}, languages="es"),
                                 agent(2, skills={"returns": 5}, tier=2, languages="es",
                                       capacity=3),
                                 policy=policy)
    desk.router.assign(ticket(50, channel="chat"), 2, NOW)  # agent 2 busy for now
    assert desk.arrive(ticket(1, needs={"billing": 4}, language="es"), NOW) is None
    assert desk.tick(NOW + 30) == []
    assert desk.tick(NOW + 60) == [(1, 1)]
    assert decisions[-1].relaxations == ("after 60 s: minimum proficiency lowered (billing 4→3)",)
    # Tier step: skills dropped, any Spanish-speaking tier-2 agent.
    desk.router.roster.release(2, 50)
    desk.router.roster.set_presence(1, Presence.AWAY)
    assert desk.arrive(ticket(2, needs={"technical": 5}, language="es"), NOW) is None
    assert desk.tick(NOW + 119) == []
    assert desk.tick(NOW + 121) == [(2, 2)]
    assert len(decisions[-1].relaxations) == 2
    assert decisions[-1].relaxations[1] == \
        "after 120 s: any agent of tier 2 or up speaking the language"


def test_a_queued_ticket_no_one_can_ever_serve_is_flagged_not_dropped():
    desk, decisions = dispatcher(agent(1, languages="en"))
    assert desk.arrive(ticket(1, language="fi"), NOW) is None
    assert desk.flagged == {1: "no agent speaks 'fi'"}
    assert 1 in desk.queue
    assert decisions[-1].unroutable == "no agent speaks 'fi'"
    lean, _ = dispatcher(agent(1, languages="en"), record=False)
    lean.arrive(ticket(1, language="fi"), NOW)
    assert lean.flagged == {1: "no agent speaks 'fi'"}


def test_a_ticket_with_a_fallback_language_is_not_unroutable():
    policy = RoutingPolicy(relaxation=(RelaxationStep(600, Relax.FALLBACK_LANGUAGE, "en"),))
    routing = router(agent(1, languages="en"), policy=policy, online=False)
    assert routing.never_served_because(ticket(language="fi")) is None


def test_an_abandoned_ticket_leaves_the_queue():
    desk, _ = dispatcher(agent(1, capacity=3))
    desk.arrive(ticket(1), NOW)
    desk.arrive(ticket(2), NOW)
    assert desk.abandon(2) and not desk.abandon(2)
    assert desk.finish(1, NOW + 1) == []
    assert desk.queue.next_relaxation_at() == math.inf


def test_a_relaxation_that_came_due_applies_even_when_rounding_puts_now_just_before_it():
    policy = RoutingPolicy(relaxation=(RelaxationStep(0.1, Relax.LOWER_PROFICIENCY),))
    queue = WaitingQueue(policy)
    queue.push(ticket(1, needs={"billing": 4}, arrived_at=0.7), 0.7)
    due = queue.next_relaxation_at()
    assert due - 0.7 < 0.1  # the float sum lands a hair short of the step
    moved = queue.refresh(due)
    assert [t.needs[0].min_level for t in moved] == [3]
    assert queue.next_relaxation_at() == math.inf
