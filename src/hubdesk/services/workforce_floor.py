"""The day on the floor: the staffing chart of a team's day (forecast, required, scheduled,
arrived), adherence of its agents to their published shifts, and the intraday re-forecast with
the gap for the rest of the day and what to do about it. Reads only, one transaction each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from hubdesk.domain.adherence import (
    Adherence,
    PresenceSpan,
    agent_adherence,
    expected_presence,
    out_of_adherence,
)
from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import NotFound
from hubdesk.domain.intraday import METHOD, IntervalGap, ScheduledBreak, scale_factor, suggestions
from hubdesk.domain.schedules import PlannedShift, check_may_plan
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.workforce_plan import (
    INTERVAL_MINUTES,
    StaffingGoal,
    StaffingPlan,
    day_start,
    interval_counts,
    staffing_plan,
    team_agents,
    team_zone,
)
from hubdesk.workforce.staffing import staff_intervals

STEP = timedelta(minutes=INTERVAL_MINUTES)
LONGEST_REACH = timedelta(hours=16)  # a shift starting the day before can reach into the day


@dataclass(frozen=True)
class ChartInterval:
    start: datetime
    forecast: float
    required: int
    scheduled: int
    arrived: int | None  # None for intervals not over yet


@dataclass(frozen=True)
class DayChart:
    team_id: int | None
    day: date
    interval_minutes: int
    notes: list[str]
    intervals: list[ChartInterval]
    aht_s: float = 0.0  # the handling time required staff is computed with
    aht_method: str = ""
    zone: tzinfo = UTC  # whose local day and half hours these are: the team's


@dataclass(frozen=True)
class AgentAdherenceRow:
    agent_id: int
    name: str
    adherence: Adherence
    presence_now: str
    expected_now: str
    out_now: bool


@dataclass(frozen=True)
class TeamAdherence:
    team_id: int
    day: date
    rows: list[AgentAdherenceRow]
    total: Adherence
    zone: tzinfo = UTC  # whose local day it is

    @property
    def out_now(self) -> list[AgentAdherenceRow]:
        return [r for r in self.rows if r.out_now]


@dataclass(frozen=True)
class Intraday:
    team_id: int | None
    day: date
    method: str
    factor: float
    arrived_so_far: int
    forecast_so_far: float
    absent: list[str]  # agents on a started shift who are offline: not counted as scheduled
    intervals: list[IntervalGap]
    suggestions: list[str]
    notes: list[str]
    zone: tzinfo = UTC  # whose "today" it is


def _window(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The local day as UTC instants (23 or 25 hours when the clock changes)."""
    return day_start(day, zone), day_start(day + timedelta(days=1), zone)


def _shifts(uow: UnitOfWork, agents: list[Agent], day: date,
            zone: tzinfo) -> list[PlannedShift]:
    start, end = _window(day, zone)
    return uow.workforce.published_shifts(start - LONGEST_REACH, end,
                                          [a.id for a in agents if a.id is not None])


def _working(shifts: list[PlannedShift], start: datetime) -> int:
    """Agents whose shift has them working at the middle of the interval."""
    middle = start + STEP / 2
    return sum(1 for s in shifts if expected_presence([s], middle) == "working")


def _team_agents(uow: UnitOfWork, team_id: int | None) -> list[Agent]:
    if team_id is None:
        return [a for a in uow.agents.all() if a.active]
    if not uow.structure.team_exists(team_id):
        raise NotFound(f"team {team_id} was not found")
    return team_agents(uow, team_id)


def day_chart(uows: UnitOfWorkFactory, actor: Agent, team_id: int | None, day: date,
              goal: StaffingGoal, *, now: datetime, zone: tzinfo = UTC) -> DayChart:
    """``zone``: the desk's; a team with its own zone is charted on its clock."""
    check_may_plan(actor)
    with uows(write=False) as uow:
        return day_chart_in(uow, team_id, day, goal, now, team_zone(uow, team_id, zone))


def day_chart_in(uow: UnitOfWork, team_id: int | None, day: date, goal: StaffingGoal,
                 now: datetime, zone: tzinfo = UTC,
                 plan: StaffingPlan | None = None) -> DayChart:
    """``plan``: the day's staffing plan when the caller has it already (a screen showing
    the chart and the intraday gap reads and measures the history once)."""
    agents = _team_agents(uow, team_id)
    plan = plan or staffing_plan(uow, team_id, day, 1, goal, zone=zone)
    shifts = _shifts(uow, agents, day, zone)
    start, end = _window(day, zone)
    arrived = interval_counts(uow.workforce.arrival_times(team_id, start, min(end, now)),
                              zone) if now > start else {}
    rows = [ChartInterval(i.start, i.forecast, i.required, _working(shifts, i.start),
                          arrived.get(i.start, 0) if i.start + STEP <= now else None)
            for i in plan.intervals]
    return DayChart(team_id, day, INTERVAL_MINUTES, plan.notes, rows, plan.aht_s,
                    plan.aht_method, zone)


def _presence_now(spans: list[PresenceSpan]) -> str:
    return spans[-1].presence if spans and spans[-1].until is None else "offline"


def adherence(uows: UnitOfWorkFactory, actor: Agent, team_id: int, day: date, *,
              now: datetime, zone: tzinfo = UTC) -> TeamAdherence:
    """Per agent of the team: minutes scheduled and in adherence on ``day`` up to ``now``,
    and who is out of adherence at this moment. ``day`` is a day of the team's clock."""
    check_may_plan(actor)
    with uows(write=False) as uow:
        return adherence_in(uow, team_id, day, now, team_zone(uow, team_id, zone))


def adherence_in(uow: UnitOfWork, team_id: int, day: date, now: datetime,
                 zone: tzinfo = UTC) -> TeamAdherence:
    window = _window(day, zone)
    agents = _team_agents(uow, team_id)
    ids = [a.id for a in agents if a.id is not None]
    shifts = _shifts(uow, agents, day, zone)
    presence = uow.workforce.presence(ids, window[0], max(window[1], now))
    rows = []
    for agent in agents:
        own = [s for s in shifts if s.agent_id == agent.id]
        spans = presence.get(agent.id or 0, [])
        expected, current = expected_presence(own, now), _presence_now(spans)
        rows.append(AgentAdherenceRow(agent.id or 0, agent.name,
                                      agent_adherence(own, spans, window, now), current,
                                      expected, out_of_adherence(expected, current)))
    total = Adherence(sum(r.adherence.scheduled_minutes for r in rows),
                      sum(r.adherence.adherent_minutes for r in rows),
                      sum(r.adherence.online_outside_shifts for r in rows))
    return TeamAdherence(team_id, day, rows, total, zone)


def intraday(uows: UnitOfWorkFactory, actor: Agent, team_id: int | None, goal: StaffingGoal,
             *, now: datetime, zone: tzinfo = UTC) -> Intraday:
    """Today's forecast scaled by how today has gone so far, staffed again, against the
    published shifts of the agents who are here; today on the team's clock."""
    check_may_plan(actor)
    with uows(write=False) as uow:
        return intraday_in(uow, team_id, goal, now, team_zone(uow, team_id, zone))


def intraday_in(uow: UnitOfWork, team_id: int | None, goal: StaffingGoal,
                now: datetime, zone: tzinfo = UTC,
                plan: StaffingPlan | None = None) -> Intraday:
    """``plan``: today's staffing plan when the caller has it already."""
    day = now.astimezone(zone).date()
    start, _ = _window(day, zone)
    agents = _team_agents(uow, team_id)
    plan = plan or staffing_plan(uow, team_id, day, 1, goal, zone=zone)
    shifts = _shifts(uow, agents, day, zone)
    arrived = interval_counts(uow.workforce.arrival_times(team_id, start, now), zone)
    presence = uow.workforce.presence([a.id for a in agents if a.id is not None], now,
                                      now + timedelta(seconds=1))
    over = [i for i in plan.intervals if i.start + STEP <= now]
    arrived_so_far = sum(arrived.get(i.start, 0) for i in over)
    forecast_so_far = sum(i.forecast for i in over)
    factor = scale_factor(arrived_so_far, forecast_so_far)
    names = {a.id: a.name for a in agents}
    absent_ids = {s.agent_id for s in shifts if s.starts_at <= now < s.ends_at
                  and _presence_now(presence.get(s.agent_id, [])) == "offline"}
    here = [s for s in shifts if s.agent_id not in absent_ids or s.starts_at > now]
    rest = [i for i in plan.intervals if i.start + STEP > now]
    staffed = staff_intervals([(i.start, i.forecast * factor) for i in rest], STEP.seconds,
                              plan.aht_s, goal.target(), goal.shrinkage)
    gaps = [IntervalGap(i.start, i.forecast, i.forecast * factor, s.requirement.agents,
                        _working(here, i.start)) for i, s in zip(rest, staffed.intervals,
                                                                 strict=True)]
    breaks = [ScheduledBreak(names.get(s.agent_id, str(s.agent_id)), b, e)
              for s in here for b, e in s.break_spans() if b >= now]
    return Intraday(team_id, day, METHOD, factor, arrived_so_far, forecast_so_far,
                    sorted(names.get(i, str(i)) for i in absent_ids), gaps,
                    suggestions(gaps, breaks, STEP), plan.notes, zone)
