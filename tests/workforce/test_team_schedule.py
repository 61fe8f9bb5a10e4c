"""Team scheduling on teams small enough to reason about: rest, skills, contracts, fairness,
preferences, and infeasibility named by rule or interval."""

from __future__ import annotations

from collections import Counter

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.shift_schedule import ScheduleInfeasible
from hubdesk.workforce.team_checks import explain_infeasible, rule_breaks
from hubdesk.workforce.team_instance import Contract, ShiftTemplate, TeamAgent, TeamInstance
from hubdesk.workforce.team_sample import sample_team
from hubdesk.workforce.team_schedule import TeamSchedule, shortfalls, solve_team

DAY = ShiftTemplate("day", 8 * 60, 8)  # 08:00-16:00
LATE = ShiftTemplate("late", 15 * 60, 8)  # 15:00-23:00, an evening shift
TEMPLATES = (DAY, LATE)
ANY = Contract("any", 0, 24, 3, ("day", "late"))
HOURLY = 24  # intervals a day at 60 minutes


def demand_at(days: int, cells: dict[tuple[int, int], int]) -> tuple[int, ...]:
    values = [0] * (days * HOURLY)
    for (day, hour), need in cells.items():
        values[day * HOURLY + hour] = need
    return tuple(values)


def team(agents: list[TeamAgent], demand: dict[str, tuple[int, ...]], *, days: int = 3,
         contracts: tuple[Contract, ...] = (ANY,), weekend: tuple[int, ...] = ()) \
        -> TeamInstance:
    return TeamInstance(60, days, TEMPLATES, contracts, tuple(agents), demand,
                        weekend_days=weekend)


def worked(result: TeamSchedule) -> Counter[tuple[str, int, str]]:
    return Counter((a.agent, a.day, a.template) for a in result.assignments)


def check(instance: TeamInstance, result: TeamSchedule) -> None:
    assert rule_breaks(instance, [(a.agent, a.day, a.template)
                                  for a in result.assignments]) == []
    assert list(result.shortfalls) == shortfalls(instance, list(result.assignments))
    assert result.objective >= result.lp_bound - 1e-6


def test_the_cheapest_schedule_covers_the_demand_with_one_shift():
    instance = team([TeamAgent("Ada", "any", frozenset({"en"}))],
                    {"en": demand_at(3, {(0, 9): 1, (0, 10): 1})})
    result = solve_team(instance, time_limit_s=10)
    assert worked(result) == Counter({("Ada", 0, "day"): 1})
    assert result.feasible and result.optimal and result.hours["Ada"] == 8
    check(instance, result)


def test_eleven_hours_of_rest_make_a_late_then_early_pair_impossible_for_one_agent():
    # 22:00 on day 1 only the late shift covers; 08:00 on day 2 only the day shift: 9 hours
    # apart. Each interval alone can be covered, so only the solve finds what is left short.
    instance = team([TeamAgent("Ada", "any", frozenset({"en"}))],
                    {"en": demand_at(3, {(0, 22): 1, (1, 8): 1})})
    result = solve_team(instance, time_limit_s=10)
    assert not result.feasible
    assert [(s.where, s.missing) for s in result.shortfalls] in (
        [("day 2 (Tue) 08:00", 1)], [("day 1 (Mon) 22:00", 1)])
    assert "short for en" in result.explanation()[0]
    check(instance, result)
    # With a second agent both are covered, by different people.
    second = team([TeamAgent("Ada", "any", frozenset({"en"})),
                   TeamAgent("Bruno", "any", frozenset({"en"}))],
                  {"en": demand_at(3, {(0, 22): 1, (1, 8): 1})})
    result = solve_team(second, time_limit_s=10)
    assert result.feasible and len({a.agent for a in result.assignments}) == 2
    check(second, result)


def test_each_agent_serves_one_skill_at_a_time():
    agents = [TeamAgent("Ada", "any", frozenset({"en", "fr"})),
              TeamAgent("Bruno", "any", frozenset({"en"})),
              TeamAgent("Chloé", "any", frozenset({"en"}))]
    demand = {"en": demand_at(3, {(0, 9): 1}), "fr": demand_at(3, {(0, 9): 1})}
    result = solve_team(team(agents, demand), time_limit_s=10)
    staffed = {a.agent for a in result.assignments}
    assert "Ada" in staffed and len(staffed) == 2 and result.feasible
    check(team(agents, demand), result)


def test_weekend_shifts_are_spread_over_the_team():
    agents = [TeamAgent("Ada", "any", frozenset({"en"})),
              TeamAgent("Bruno", "any", frozenset({"en"}))]
    demand = {"en": demand_at(3, {(1, 9): 1, (2, 9): 1})}
    instance = team(agents, demand, weekend=(1, 2))
    result = solve_team(instance, time_limit_s=10)
    assert result.weekend_max == 1
    assert sorted(a.agent for a in result.assignments) == ["Ada", "Bruno"]
    check(instance, result)


def test_preferences_and_wished_days_off_are_honoured_when_they_cost_nothing():
    agents = [TeamAgent("Ada", "any", frozenset({"en"}), wanted_days_off=frozenset({0})),
              TeamAgent("Bruno", "any", frozenset({"en"}), prefers="late")]
    # 15:00 is covered by either shift; Bruno prefers the late one, Ada wants day 1 off.
    instance = team(agents, {"en": demand_at(3, {(0, 15): 1})})
    result = solve_team(instance, time_limit_s=10)
    assert worked(result) == Counter({("Bruno", 0, "late"): 1})
    assert (result.preferences_broken, result.wishes_broken) == (0, 0)
    check(instance, result)


def test_an_interval_no_one_with_the_skill_can_reach_is_named():
    agents = [TeamAgent("Ada", "any", frozenset({"en", "fr"}), unavailable_days=frozenset({1})),
              TeamAgent("Bruno", "any", frozenset({"en"}))]
    instance = team(agents, {"fr": demand_at(3, {(1, 10): 1})})
    with pytest.raises(ScheduleInfeasible, match=r"day 2 \(Tue\) 10:00 needs 1 agents for fr "
                                                 r"but only 0 with that skill"):
        solve_team(instance, time_limit_s=10)


def test_two_skills_needing_more_agents_than_speak_either_are_named_together():
    agents = [TeamAgent("Ada", "any", frozenset({"en", "fr"})),
              TeamAgent("Bruno", "any", frozenset({"de"}))]
    demand = {"en": demand_at(3, {(0, 10): 1}), "fr": demand_at(3, {(0, 10): 1})}
    with pytest.raises(ScheduleInfeasible, match="needs 2 agents for en or fr but only 1 with "
                                                 "those skills"):
        solve_team(team(agents, demand), time_limit_s=10)


def test_contract_minimums_beyond_reach_and_too_little_contracted_time_are_named():
    strict = Contract("strict", 30, 40, 3, ("day", "late"))
    agents = [TeamAgent("Ada", "strict", frozenset({"en"}))]
    with pytest.raises(ScheduleInfeasible, match="agent Ada: contract strict needs at least 30 "
                                                 "hours but 3 working days of at most 8 hours "
                                                 "give 24"):
        solve_team(team(agents, {"en": demand_at(3, {})}, contracts=(strict,)))
    busy = {"en": demand_at(3, {(d, h): 1 for d in range(3) for h in range(8, 23)})}
    with pytest.raises(ScheduleInfeasible, match="the week needs 45 agent-hours of work but "
                                                 "the contracts allow at most 24"):
        solve_team(team([TeamAgent("Ada", "any", frozenset({"en"}))], busy))


def test_a_contract_minimum_is_met_even_without_demand():
    weekly = Contract("weekly", 16, 24, 3, ("day", "late"))
    instance = team([TeamAgent("Ada", "weekly", frozenset({"en"}))], {"en": demand_at(3, {})},
                    contracts=(weekly,))
    result = solve_team(instance, time_limit_s=10)
    assert result.hours["Ada"] == 16 and result.feasible
    check(instance, result)


def test_bad_team_definitions_name_the_field():
    with pytest.raises(ValidationFailed, match=r"agents\[Ada\]: has no contract 'none'"):
        team([TeamAgent("Ada", "none", frozenset({"en"}))], {"en": demand_at(3, {})})
    with pytest.raises(ValidationFailed, match=r"demand\[en\]\[3\]: must be 0 or more"):
        team([], {"en": tuple([0, 0, 0, -1] + [0] * 68)})
    with pytest.raises(ValidationFailed, match="has 5 values, not 72"):
        team([], {"en": (0,) * 5})
    with pytest.raises(ValidationFailed, match="end by midnight"):
        TeamInstance(60, 1, (ShiftTemplate("x", 20 * 60, 8),), (), (), {})


def test_the_benchmark_team_is_reproducible_and_passes_every_counting_bound():
    first, again = sample_team(200), sample_team(200)
    assert first == again
    assert len({a.name for a in first.agents}) == 200
    assert Counter(a.contract for a in first.agents) == {"full-time": 150, "part-time": 50}
    assert explain_infeasible(first) == []
    needed = sum(sum(v) for v in first.demand.values()) * first.interval_minutes / 60
    minimum = sum(first.contract_by_name[a.contract].min_hours for a in first.agents)
    assert needed == pytest.approx(0.8 * minimum, rel=0.02)
