"""Why a team cannot be scheduled, found before any solve by counting what could ever work.

Three bounds, each a necessary condition, each named in its message: an agent's contract
(minimum hours beyond the days and shifts open to them), an interval and skill (more agents
needed than agents with that skill who could be on shift then), and the week's total work
(more agent-hours needed than the contracts allow). Passing them does not prove feasibility
(rest between shifts and days off interact); the elastic solve reports what is left short.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from hubdesk.workforce.team_instance import TeamAgent, TeamInstance

MAX_REPORTED = 5


def agent_days(team: TeamInstance, agent: TeamAgent) -> list[int]:
    return [d for d in range(team.days) if d not in agent.unavailable_days]


def reachable_intervals(team: TeamInstance, agent: TeamAgent) -> set[int]:
    """Every interval some allowed shift of the agent could cover."""
    contract = team.contract_by_name[agent.contract]
    cells: set[int] = set()
    for day in agent_days(team, agent):
        for name in contract.templates:
            template = team.template_by_name[name]
            first = day * team.intervals_per_day + team.start_index(template)
            cells.update(first + offset for offset in team.working_offsets(template))
    return cells


def contract_problems(team: TeamInstance) -> list[str]:
    problems = []
    for agent in team.agents:
        contract = team.contract_by_name[agent.contract]
        longest = max(team.paid_hours(team.template_by_name[n]) for n in contract.templates)
        days = min(contract.max_days, len(agent_days(team, agent)))
        if days * longest < contract.min_hours:
            problems.append(
                f"agent {agent.name}: contract {contract.name} needs at least "
                f"{contract.min_hours:g} hours but {days} working days of at most "
                f"{longest:g} hours give {days * longest:g}")
    return problems


def interval_problems(team: TeamInstance) -> list[str]:
    """Per interval, for every set of skills needed then, the agents who could serve them."""
    able_by_skills: list[Counter[frozenset[str]]] = [Counter() for _ in range(team.horizon)]
    for agent in team.agents:
        for interval in reachable_intervals(team, agent):
            able_by_skills[interval][agent.skills] += 1
    problems = []
    for interval in range(team.horizon):
        problem = _first_short_group(team, interval, able_by_skills[interval])
        if problem:
            problems.append(problem)
    return problems


def _first_short_group(team: TeamInstance, interval: int,
                       able_by_skills: Counter[frozenset[str]]) -> str | None:
    for group, want in team.requirements(interval):
        able = sum(n for skills, n in able_by_skills.items() if skills & set(group))
        if able < want:
            return (f"{team.describe(interval)} needs {want} agents for "
                    f"{' or '.join(group)} but only {able} with "
                    f"{'that skill' if len(group) == 1 else 'those skills'} can be on shift "
                    "then")
    return None


def total_problems(team: TeamInstance) -> list[str]:
    needed_hours = sum(team.busiest_need(t) for t in range(team.horizon)) \
        * team.interval_minutes / 60
    allowed = sum(team.contract_by_name[a.contract].max_hours for a in team.agents)
    if needed_hours > allowed:
        return [f"the week needs {needed_hours:g} agent-hours of work but the contracts allow "
                f"at most {allowed:g} (max_hours)"]
    return []


def explain_infeasible(team: TeamInstance) -> list[str]:
    """Every broken bound found, at most a few per kind; empty when none is broken."""
    found = []
    for problems in (total_problems(team), contract_problems(team), interval_problems(team)):
        found += problems[:MAX_REPORTED]
        if len(problems) > MAX_REPORTED:
            found.append(f"… and {len(problems) - MAX_REPORTED} more like it")
    return found


def rule_breaks(team: TeamInstance, assignments: Sequence[tuple[str, int, str]]) -> list[str]:
    """Hard rules a finished schedule breaks (agent, day, template triples): availability,
    allowed templates, one shift a day, days worked, maximum hours and rest. The minimum
    hours are elastic and reported with the schedule, not here."""
    by_agent: dict[str, list[tuple[int, str]]] = {a.name: [] for a in team.agents}
    for name, day, template in assignments:
        by_agent[name].append((day, template))
    breaks = []
    for agent in team.agents:
        contract = team.contract_by_name[agent.contract]
        worked = sorted(by_agent[agent.name])
        days = [day for day, _ in worked]
        hours = sum(team.paid_hours(team.template_by_name[t]) for _, t in worked)
        if len(set(days)) < len(days) or len(days) > contract.max_days \
                or hours > contract.max_hours + 1e-9:
            breaks.append(f"agent {agent.name}: too many shifts or hours")
        if set(days) & agent.unavailable_days or \
                any(t not in contract.templates for _, t in worked):
            breaks.append(f"agent {agent.name}: a shift on a day off or outside the contract")
        for (day, first), (next_day, second) in pairwise(worked):
            gap = (next_day - day) * 24 * 60 + team.template_by_name[second].start_minute \
                - team.end_minute(team.template_by_name[first])
            if gap < team.rest_hours * 60:
                breaks.append(f"agent {agent.name}: {gap / 60:g} h of rest before day "
                              f"{next_day + 1}")
    return breaks
