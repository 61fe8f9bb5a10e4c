"""Pooled skills in team scheduling: with pools, an agent who has several skills counts for
each of them, so a set of skills needs only its pooled requirement (smaller than the sum of
its parts) and the week needs fewer shifts; without pools each agent serves one skill at a
time, as before. Infeasibility and shortfalls follow the same requirements."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.shift_schedule import ScheduleInfeasible
from hubdesk.workforce.team_checks import explain_infeasible
from hubdesk.workforce.team_instance import TeamAgent
from hubdesk.workforce.team_schedule import shortfalls, solve_team
from tests.workforce.test_team_schedule import check, demand_at, team

BOTH = frozenset({"billing", "returns"})


def need(amount: int) -> tuple[int, ...]:
    """``amount`` agents from 09:00 to 11:00 on the first day."""
    return demand_at(3, {(0, 9): amount, (0, 10): amount})


def people(count: int, skills: frozenset[str] = BOTH) -> list[TeamAgent]:
    return [TeamAgent(f"A{n}", "any", skills) for n in range(count)]


def test_pooled_agents_count_for_every_skill_they_serve():
    apart = team(people(5), {"billing": need(2), "returns": need(2)})
    pooled = replace(apart, pools={BOTH: need(3)})
    # Apart, each agent serves one skill at a time: four are needed; pooled, three.
    separate, together = solve_team(apart, time_limit_s=10), solve_team(pooled, time_limit_s=10)
    assert (len(separate.assignments), len(together.assignments)) == (4, 3)
    assert separate.feasible and together.feasible
    check(apart, separate)
    check(pooled, together)
    # Two agents are one short for the pool (each skill alone has its two).
    assert [(s.skills, s.missing) for s in shortfalls(pooled, list(together.assignments[:2]))
            ] == [(("billing", "returns"), 1)] * 2


def test_each_skill_still_needs_its_own_minimum_from_those_who_serve_it():
    # A pool of 3 for the two skills, but returns alone needs 2 and only the two generalists
    # serve it: the third agent is a billing specialist, not a third of the same.
    agents = [TeamAgent("G1", "any", BOTH), TeamAgent("G2", "any", BOTH),
              *people(3, frozenset({"billing"}))]
    pooled = replace(team(agents, {"billing": need(1), "returns": need(2)}),
                     pools={BOTH: need(3)})
    result = solve_team(pooled, time_limit_s=10)
    working = {a.agent for a in result.assignments}
    assert {"G1", "G2"} <= working and len(working) == 3 and result.feasible
    check(pooled, result)


def test_a_pooled_week_is_feasible_where_the_sum_of_its_parts_is_not():
    apart = team(people(3), {"billing": need(2), "returns": need(2)})
    assert any("needs 4 agents for billing or returns but only 3" in p
               for p in explain_infeasible(apart))
    with pytest.raises(ScheduleInfeasible):
        solve_team(apart, time_limit_s=10)
    pooled = replace(apart, pools={BOTH: need(3)})
    assert explain_infeasible(pooled) == []
    assert len(solve_team(pooled, time_limit_s=10).assignments) == 3
    assert explain_infeasible(replace(apart, pools={BOTH: need(4)})) != []


@pytest.mark.parametrize("pools", [{frozenset({"billing"}): need(1)},
                                   {frozenset({"billing", "fr"}): need(1)},
                                   {BOTH: need(1)[:-1]}])
def test_a_pool_must_name_two_skills_with_demand_and_cover_the_horizon(pools):
    with pytest.raises(ValidationFailed):
        replace(team(people(1), {"billing": need(1), "returns": need(1)}), pools=pools)
