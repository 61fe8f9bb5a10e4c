"""The score among eligible agents: each part, and weights per team."""

from __future__ import annotations

import pytest

from hubdesk.domain.routing import RoutingPolicy, ScoreWeights, score_parts

from .helpers import NOW, agent, router, ticket


def _parts(routing, agent_id, wanted, now=NOW):
    state = routing.roster.state(agent_id)
    return score_parts(state, wanted, state.profile.channel_costs[wanted.channel], now,
                       routing.policy)


def test_a_specialist_fits_better_than_a_generalist_of_the_same_level():
    routing = router(agent(1, skills={"billing": 4, "returns": 4, "technical": 4}),
                     agent(2, skills={"billing": 4}))
    wanted = ticket(needs={"billing": 3})
    assert _parts(routing, 2, wanted).skill_fit == pytest.approx(0.5 * 0.8 + 0.5)
    assert _parts(routing, 1, wanted).skill_fit == pytest.approx(0.5 * 0.8 + 0.5 / 3)
    assert routing.choose(wanted, NOW) == 2


def test_higher_proficiency_fits_better():
    routing = router(agent(1, skills={"billing": 3}), agent(2, skills={"billing": 5}))
    assert routing.choose(ticket(needs={"billing": 2}), NOW) == 2


def test_spare_capacity_counts_after_taking_the_ticket():
    routing = router(agent(1), agent(2))
    routing.assign(ticket(10, channel="chat"), 1, NOW - 5000)
    routing.roster.state(2).last_assigned_at = NOW - 5000
    assert _parts(routing, 1, ticket()).spare_capacity == pytest.approx(0.4)
    assert _parts(routing, 2, ticket()).spare_capacity == pytest.approx(0.7)
    assert routing.choose(ticket(), NOW) == 2


def test_time_since_the_last_assignment_counts_up_to_the_horizon():
    routing = router(agent(1), agent(2))
    routing.roster.state(1).last_assigned_at = NOW - 450
    routing.roster.state(2).last_assigned_at = NOW - 10_000
    assert _parts(routing, 1, ticket()).idle_time == pytest.approx(0.5)
    assert _parts(routing, 2, ticket()).idle_time == 1.0
    assert routing.choose(ticket(), NOW) == 2


def test_a_returning_customer_goes_back_to_their_agent_within_the_grace_period():
    policy = RoutingPolicy(affinity_grace_s=3600)
    routing = router(agent(1), agent(2), policy=policy)
    recent = ticket(previous_agent=2, previous_served_at=NOW - 600)
    stale = ticket(previous_agent=2, previous_served_at=NOW - 7200)
    assert _parts(routing, 2, recent).affinity == 1.0
    assert routing.choose(recent, NOW) == 2
    assert _parts(routing, 2, stale).affinity == 0.0
    assert routing.choose(stale, NOW) == 1  # a tie, to the lower id


def test_weights_are_chosen_by_the_tickets_team():
    affinity_only = ScoreWeights(skill_fit=0, spare_capacity=0, readiness=0, idle_time=0,
                                 affinity=1, wellbeing=0)
    policy = RoutingPolicy(team_weights={"vip": affinity_only})
    routing = router(agent(1, teams="vip", skills={"billing": 5}),
                     agent(2, teams="vip", skills={"billing": 1, "returns": 1}), policy=policy)
    loyal = ticket(team="vip", needs={"billing": 1}, previous_agent=2,
                   previous_served_at=NOW - 60)
    assert _parts(routing, 2, loyal).total == 1.0
    assert routing.choose(loyal, NOW) == 2
    # With the default weights, skill fit outweighs a lost affinity.
    assert routing.choose(ticket(needs={"billing": 1}), NOW) == 1


def test_the_decision_lists_the_top_candidates_best_first_with_their_parts():
    routing = router(*(agent(i, skills={"billing": i}) for i in range(1, 6)),
                     policy=RoutingPolicy(top_candidates=3))
    decision = routing.route(ticket(needs={"billing": 1}), NOW)
    assert [c.agent_id for c in decision.candidates] == [5, 4, 3]
    totals = [c.score.total for c in decision.candidates]
    assert totals == sorted(totals, reverse=True)
    listed = decision.to_dict()["candidates"]
    assert set(listed[0]) == {"agent_id", "skill_fit", "spare_capacity", "readiness",
                              "idle_time", "affinity", "wellbeing", "total"}


def test_small_work_goes_to_an_agent_already_busy_rather_than_closing_an_idle_ones_room():
    routing = router(agent(1), agent(2))
    routing.assign(ticket(10, channel="chat"), 1, NOW - 60)
    routing.roster.state(2).last_assigned_at = NOW - 60
    email = ticket(channel="email")
    assert _parts(routing, 1, email).readiness == 1.0  # could take no call before either
    assert _parts(routing, 2, email).readiness == 0.0  # would lose the room for a call
    assert routing.choose(email, NOW) == 1
