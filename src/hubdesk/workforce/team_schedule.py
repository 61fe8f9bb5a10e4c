"""A week's shifts for a named team: contracts, rest, skills, preferences and fairness as one
mixed-integer program (HiGHS through ``scipy.optimize.milp``).

Variables: x[a, d, s] = 1 when agent a works template s on day d (only days the agent is
available and templates the contract allows); y[g, k, t] ≥ 0, agents of skill set g serving
skill k in interval t; u[k, t] ≥ 0, demand left short; v[a] ≥ 0, hours below the contract
minimum; W and E, the most weekend and evening shifts anyone works.

Rules:
* one shift a day; min_hours ≤ paid hours ≤ max_hours (the minimum elastic through v);
  at most max_days shifts (the other days are off);
* rest: for each end time e of a day's shifts, Σ shifts ending at e or later + Σ next-day
  shifts starting less than ``rest_hours`` after e ≤ 1 (one clique per end time, tighter than
  a constraint per pair);
* skills (without pools): agents on shift with skill set g split among the skills of g
  (Σ_k y[g,k,t] ≤ working agents of g at t) and every skill's demand is met
  (Σ_g y[g,k,t] + u[k,t] ≥ demand[k][t]). An agent serves one skill at a time; with whole
  numbers of agents on shift a fractional split implies a whole one (a transportation
  problem), so y need not be integer.
* skills (with pools, `team_instance.py`): each skill and each pool of skills needs that many
  agents on shift with one of its skills (+ its u), an agent counting for all it can serve.
* fairness: weekend shifts of every agent ≤ W, evening shifts ≤ E (evenings of agents who
  prefer late shifts are not counted: they asked for them).

Objective: paid hours + small costs for a broken preference or wished day off + weight on W
and E + heavy penalties on u and v, so they are non-zero only when nothing else works.

Solve: the LP relaxation first (its value is the lower bound every answer is measured
against), then the integer program restricted to the shifts the LP uses (on a 200-agent
week about 950 of 18,000, most already at 1), which HiGHS closes in seconds where the full
program stalls far from the bound. Should the restricted answer leave demand short or an
agent below their minimum, the full program gets the rest of the time limit.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hubdesk.domain.errors import DomainError, ValidationFailed
from hubdesk.workforce.shift_schedule import ScheduleInfeasible
from hubdesk.workforce.team_checks import agent_days, explain_infeasible, rule_breaks
from hubdesk.workforce.team_instance import TeamAgent, TeamInstance

PREFERENCE_COST = 1.0  # per shift against an agent's early/late preference, in paid hours
WISH_COST = 2.0  # per shift on a day the agent wished to have off
FAIRNESS_COST = 4.0  # per weekend or evening shift on the most loaded agent
SHORT_COST = 50.0  # per agent-interval left uncovered
UNDER_COST = 20.0  # per hour below a contract's minimum
# LP values above this mark the shifts the integer program may choose from.
SUPPORT_THRESHOLD = 1e-6


class NoScheduleInTime(DomainError):
    """The solver found no schedule within the time limit."""


@dataclass(frozen=True)
class Assignment:
    agent: str
    day: int
    template: str


@dataclass(frozen=True)
class Shortfall:
    interval: int
    where: str
    skills: tuple[str, ...]
    missing: int


@dataclass(frozen=True)
class TeamSchedule:
    assignments: tuple[Assignment, ...]
    objective: float
    lp_bound: float
    optimal: bool  # proven: the objective equals the LP bound
    hours: dict[str, float]
    shortfalls: tuple[Shortfall, ...]
    below_minimum: tuple[tuple[str, float], ...]
    weekend_max: int
    evening_max: int  # evening shifts not asked for (agents preferring late are not counted)
    preferences_broken: int
    wishes_broken: int

    @property
    def gap_to_lp(self) -> float:
        return (self.objective - self.lp_bound) / self.objective if self.objective else 0.0

    @property
    def feasible(self) -> bool:
        return not self.shortfalls and not self.below_minimum

    def explanation(self) -> list[str]:
        lines = [f"{s.where} is {s.missing} short for {' or '.join(s.skills)}"
                 for s in self.shortfalls]
        lines += [f"agent {name} gets {hours:g} hours, below the contract minimum"
                  for name, hours in self.below_minimum]
        return lines


class _Model:
    """Rows and columns of the program, built column block by column block."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.cost: list[float] = []
        self.var_upper: list[float] = []
        self.integer: list[int] = []
        self.elastic: list[int] = []  # shortfall and below-minimum columns

    def variable(self, cost: float, upper: float, integer: bool) -> int:
        self.cost.append(cost)
        self.var_upper.append(upper)
        self.integer.append(1 if integer else 0)
        return len(self.cost) - 1

    def row(self, terms: list[tuple[int, float]], lower: float, upper: float) -> None:
        index = len(self.lower)
        for column, value in terms:
            self.rows.append(index)
            self.cols.append(column)
            self.vals.append(value)
        self.lower.append(lower)
        self.upper.append(upper)

    def solve(self, *, relax: bool, time_limit_s: float, gap: float,
              allowed: NDArray[np.float64] | None = None) -> Any:
        """HiGHS on the program; ``allowed`` replaces the variables' upper bounds (0 rules a
        shift out)."""
        from scipy.optimize import Bounds, LinearConstraint, milp  # SciPy only when solving
        from scipy.sparse import coo_array

        matrix = coo_array((self.vals, (self.rows, self.cols)),
                           shape=(len(self.lower), len(self.cost))).tocsr()
        integrality = np.zeros(len(self.cost), dtype=np.int64) if relax \
            else np.asarray(self.integer, dtype=np.int64)
        upper = np.asarray(self.var_upper) if allowed is None else allowed
        return milp(np.asarray(self.cost), integrality=integrality, bounds=Bounds(0, upper),
                    constraints=LinearConstraint(matrix, self.lower, self.upper),
                    options={"time_limit": max(time_limit_s, 1.0), "mip_rel_gap": gap,
                             "disp": False})


def _shift_cost(team: TeamInstance, agent: TeamAgent, day: int, template_name: str) -> float:
    template = team.template_by_name[template_name]
    cost = team.paid_hours(template)
    evening = team.is_evening(template)
    if (agent.prefers == "early" and evening) or (agent.prefers == "late" and not evening):
        cost += PREFERENCE_COST
    if day in agent.wanted_days_off:
        cost += WISH_COST
    return cost


def _build(team: TeamInstance) -> tuple[_Model, list[tuple[int, int, str]]]:
    model = _Model()
    shifts: list[tuple[int, int, str]] = []  # (agent index, day, template) per x column
    by_agent_day: dict[tuple[int, int], list[int]] = defaultdict(list)
    for a, agent in enumerate(team.agents):
        for day in agent_days(team, agent):
            for name in team.contract_by_name[agent.contract].templates:
                column = model.variable(_shift_cost(team, agent, day, name), 1, True)
                shifts.append((a, day, name))
                by_agent_day[(a, day)].append(column)
    weekend_max = model.variable(FAIRNESS_COST, team.days, False)
    evening_max = model.variable(FAIRNESS_COST, team.days, False)
    for a, agent in enumerate(team.agents):
        _contract_rows(team, model, a, agent, by_agent_day, shifts, weekend_max, evening_max)
    _coverage_rows(team, model, shifts)
    return model, shifts


def _contract_rows(team: TeamInstance, model: _Model, a: int, agent: TeamAgent,
                   by_agent_day: dict[tuple[int, int], list[int]],
                   shifts: list[tuple[int, int, str]], weekend_max: int,
                   evening_max: int) -> None:
    contract = team.contract_by_name[agent.contract]
    mine = [c for d in range(team.days) for c in by_agent_day.get((a, d), [])]
    hours = [(c, team.paid_hours(team.template_by_name[shifts[c][2]])) for c in mine]
    under = model.variable(UNDER_COST, contract.min_hours, False)
    model.elastic.append(under)
    model.row([*hours, (under, 1.0)], contract.min_hours, math.inf)
    model.row(hours, 0, contract.max_hours)
    model.row([(c, 1.0) for c in mine], 0, contract.max_days)
    for day in range(team.days):
        if by_agent_day.get((a, day)):
            model.row([(c, 1.0) for c in by_agent_day[(a, day)]], 0, 1)
    weekend = [(c, 1.0) for c in mine if shifts[c][1] in team.weekend_days]
    model.row([*weekend, (weekend_max, -1.0)], -math.inf, 0)
    if agent.prefers != "late":  # evenings asked for are not a burden to spread
        evening = [(c, 1.0) for c in mine
                   if team.is_evening(team.template_by_name[shifts[c][2]])]
        model.row([*evening, (evening_max, -1.0)], -math.inf, 0)
    rest_minutes = team.rest_hours * 60
    for day in range(team.days - 1):
        today, tomorrow = by_agent_day.get((a, day), []), by_agent_day.get((a, day + 1), [])
        ends = sorted({team.end_minute(team.template_by_name[shifts[c][2]]) for c in today})
        for end in ends:
            late = [c for c in today
                    if team.end_minute(team.template_by_name[shifts[c][2]]) >= end]
            early = [c for c in tomorrow if 24 * 60 - end
                     + team.template_by_name[shifts[c][2]].start_minute < rest_minutes]
            if early:
                model.row([(c, 1.0) for c in late + early], 0, 1)


def _coverage_rows(team: TeamInstance, model: _Model, shifts: list[tuple[int, int, str]]) -> None:
    working: dict[tuple[frozenset[str], int], list[int]] = defaultdict(list)
    for column, (a, day, name) in enumerate(shifts):
        template = team.template_by_name[name]
        first = day * team.intervals_per_day + team.start_index(template)
        for offset in team.working_offsets(template):
            working[(team.agents[a].skills, first + offset)].append(column)
    groups = sorted({agent.skills for agent in team.agents}, key=sorted)
    if team.pools:
        _pooled_rows(team, model, working, groups)
        return
    for interval in range(team.horizon):
        needed = {k: v[interval] for k, v in team.demand.items() if v[interval] > 0}
        served: dict[str, list[int]] = defaultdict(list)
        for group in groups:
            useful = [k for k in sorted(group) if k in needed]
            if not useful:
                continue
            split = [model.variable(0.0, math.inf, False) for _ in useful]
            for skill, column in zip(useful, split, strict=True):
                served[skill].append(column)
            model.row([(c, 1.0) for c in split]
                      + [(c, -1.0) for c in working.get((group, interval), [])], -math.inf, 0)
        for skill, amount in needed.items():
            short = model.variable(SHORT_COST, amount, False)
            model.elastic.append(short)
            model.row([(c, 1.0) for c in served[skill]] + [(short, 1.0)], amount, math.inf)


def _pooled_rows(team: TeamInstance, model: _Model,
                 working: dict[tuple[frozenset[str], int], list[int]],
                 groups: list[frozenset[str]]) -> None:
    """Each skill, and each pool of skills, covered by the agents on shift with one of its
    skills: an agent counts for every requirement they can serve."""
    for interval in range(team.horizon):
        for skills, amount in team.requirements(interval):
            able = [c for group in groups if group & set(skills)
                    for c in working.get((group, interval), [])]
            short = model.variable(SHORT_COST, amount, False)
            model.elastic.append(short)
            model.row([(c, 1.0) for c in able] + [(short, 1.0)], amount, math.inf)


def shortfalls(team: TeamInstance, assignments: list[Assignment]) -> list[Shortfall]:
    """Agents missing per interval, by the deficiency form of Hall's theorem: the most any set
    of skills needs beyond the agents on shift who have one of them (with pools, the sets
    the instance names)."""
    on_shift: list[list[frozenset[str]]] = [[] for _ in range(team.horizon)]
    skills_of = {agent.name: agent.skills for agent in team.agents}
    for item in assignments:
        template = team.template_by_name[item.template]
        first = item.day * team.intervals_per_day + team.start_index(template)
        for offset in team.working_offsets(template):
            on_shift[first + offset].append(skills_of[item.agent])
    found = []
    for interval in range(team.horizon):
        worst, worst_group = 0, tuple[str, ...]()
        for group, want in team.requirements(interval):
            able = sum(1 for skills in on_shift[interval] if skills & set(group))
            if want - able > worst:
                worst, worst_group = want - able, group
        if worst:
            found.append(Shortfall(interval, team.describe(interval), worst_group, worst))
    return found


def solve_team(team: TeamInstance, *, time_limit_s: float = 120.0,
               gap: float = 0.01) -> TeamSchedule:
    """The cheapest fair schedule within the time limit; raises ``ScheduleInfeasible`` naming
    the rule or interval when a counting bound already shows that none exists."""
    if time_limit_s <= 0 or not 0 <= gap < 1:
        raise ValidationFailed("time_limit must be above 0 and gap between 0 and 1",
                               {"time_limit": "range", "gap": "range"})
    problems = explain_infeasible(team)
    if problems:
        raise ScheduleInfeasible("the team cannot be scheduled: " + "; ".join(problems),
                                 {"team": "infeasible"})
    began = time.monotonic()
    model, shifts = _build(team)
    relaxed = model.solve(relax=True, time_limit_s=time_limit_s, gap=0.0)
    if getattr(relaxed, "x", None) is None:
        raise NoScheduleInTime(f"the LP relaxation did not finish within {time_limit_s:g} s")
    lp_bound = float(relaxed.fun)
    # The shifts the LP relaxation uses at all: an integer program over them alone is small
    # and nearly integral already, and stays feasible (shortfalls are elastic).
    allowed = np.asarray(model.var_upper, dtype=np.float64)
    allowed[:len(shifts)] = np.where(relaxed.x[:len(shifts)] > SUPPORT_THRESHOLD, 1.0, 0.0)
    result = model.solve(relax=False, time_limit_s=time_limit_s - (time.monotonic() - began),
                         gap=gap, allowed=allowed)
    left = time_limit_s - (time.monotonic() - began)
    if _penalised(model, result) and left > 1:
        # Something is short within the LP's shifts: let the search use every shift.
        wider = model.solve(relax=False, time_limit_s=left, gap=gap)
        if getattr(wider, "x", None) is not None and \
                (getattr(result, "x", None) is None or wider.fun < result.fun):
            result = wider
    values = getattr(result, "x", None)
    if values is None:
        raise NoScheduleInTime(f"no schedule was found within {time_limit_s:g} s: "
                               f"{getattr(result, 'message', '')}")
    chosen = [Assignment(team.agents[a].name, day, name)
              for column, (a, day, name) in enumerate(shifts) if values[column] > 0.5]
    broken = rule_breaks(team, [(c.agent, c.day, c.template) for c in chosen])
    if broken:
        raise RuntimeError(f"the schedule breaks a rule ({broken[0]}); this is a bug")
    return _summarise(team, chosen, float(result.fun), lp_bound)


def _penalised(model: _Model, result: Any) -> bool:
    """No answer, or one that leaves demand short or an agent below the contract minimum."""
    if getattr(result, "x", None) is None:
        return True
    return any(result.x[c] > 1e-6 for c in model.elastic)


def _summarise(team: TeamInstance, chosen: list[Assignment], objective: float,
               lp_bound: float) -> TeamSchedule:
    hours: dict[str, float] = {agent.name: 0.0 for agent in team.agents}
    weekend: dict[str, int] = defaultdict(int)
    evening: dict[str, int] = defaultdict(int)
    broken_preferences = broken_wishes = 0
    by_name = {agent.name: agent for agent in team.agents}
    for item in chosen:
        template = team.template_by_name[item.template]
        agent = by_name[item.agent]
        hours[item.agent] += team.paid_hours(template)
        weekend[item.agent] += item.day in team.weekend_days
        evening[item.agent] += team.is_evening(template) and agent.prefers != "late"
        late = team.is_evening(template)
        broken_preferences += (agent.prefers == "early" and late) \
            or (agent.prefers == "late" and not late)
        broken_wishes += item.day in agent.wanted_days_off
    below = tuple((name, h) for name, h in hours.items()
                  if h < team.contract_by_name[by_name[name].contract].min_hours - 1e-9)
    return TeamSchedule(
        tuple(chosen), objective, lp_bound, objective - lp_bound <= 1e-6 * abs(objective),
        hours, tuple(shortfalls(team, chosen)), below, max(weekend.values(), default=0),
        max(evening.values(), default=0), broken_preferences, broken_wishes)
