"""The console's workforce screens, each read in one unit of work: the coordinator's
(staffing chart, the team's week, adherence, the intraday gap, open requests) and an agent's
own schedule with their requests and, for each of their shifts, the shifts they may ask to
swap it with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from hubdesk.domain.agents import Agent, Team
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.schedules import (
    ChangeRequest,
    PlannedShift,
    RequestStatus,
    TeamWeek,
    check_may_plan,
    monday_of,
)
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.workforce import MAX_RANGE
from hubdesk.services.workforce_floor import (
    DayChart,
    Intraday,
    TeamAdherence,
    adherence_in,
    day_chart_in,
    intraday_in,
)
from hubdesk.services.workforce_plan import (
    StaffingGoal,
    day_start,
    staffing_plan,
    team_agents,
    zone_of,
)
from hubdesk.services.workforce_swaps import active_agents, options_of

MY_DAYS = 14


@dataclass(frozen=True)
class WorkforceScreen:
    teams: list[Team]
    team_id: int | None  # None: the desk has no team yet
    day: date
    week_start: date
    chart: DayChart | None
    week: TeamWeek | None
    members: list[Agent]
    names: dict[int, str]
    adherence: TeamAdherence | None
    intraday: Intraday | None  # only for today
    requests: list[ChangeRequest]
    zone: tzinfo = UTC  # the team's (or the desk's): days, weeks and times on the screen


@dataclass(frozen=True)
class MySchedule:
    first_day: date
    shifts: list[PlannedShift]
    requests: list[ChangeRequest]
    # Each own shift's id with the shifts it may be swapped with (`services/workforce_swaps.py`)
    swap_options: dict[int, list[PlannedShift]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # of the agents in ``swap_options``
    zone: tzinfo = UTC  # their teams' when all agree on one, else the desk's


def workforce_screen(uows: UnitOfWorkFactory, actor: Agent, team_id: int | None,
                     day: date | None, goal: StaffingGoal, *, now: datetime,
                     zone: tzinfo = UTC) -> WorkforceScreen:
    """One team's day (None: today on the team's clock) and week (when no team is named,
    the first team with a schedule that week). Days, half hours and shift times are on the
    team's clock, ``zone`` (the desk's) when it has none of its own. Scheduled agents are
    the team's members by their published shifts, whichever team's week holds them."""
    check_may_plan(actor)
    with uows(write=False) as uow:
        teams = uow.structure.teams()
        if team_id is None and teams:
            # The first team with a schedule this week, or else the first team.
            team_id = next((t.id for t in teams if t.id is not None and uow.workforce.week(
                t.id, monday_of(day or now.astimezone(zone_of(t, zone)).date())) is not None),
                teams[0].id)
        team = next((t for t in teams if t.id == team_id), None)
        zone = zone_of(team, zone)
        day = day or now.astimezone(zone).date()
        week_start = monday_of(day)
        if team_id is None:
            return WorkforceScreen(teams, None, day, week_start, None, None, [], {}, None,
                                   None, uow.workforce.requests(None, RequestStatus.OPEN), zone)
        if team is None:
            raise NotFound(f"team {team_id} was not found")
        members = team_agents(uow, team_id)
        week = uow.workforce.week(team_id, week_start)
        requests = uow.workforce.requests(None, RequestStatus.OPEN)
        names = uow.agents.names({m.id for m in members if m.id is not None}
                                 | {s.agent_id for s in (week.shifts if week else ())}
                                 | {r.agent_id for r in requests}
                                 | ({week.updated_by} if week and week.updated_by else set()))
        today = now.astimezone(zone).date()
        # The chart and today's gap stand on the same forecast and handling time: read once.
        plan = staffing_plan(uow, team_id, day, 1, goal, zone=zone)
        return WorkforceScreen(
            teams, team_id, day, week_start,
            day_chart_in(uow, team_id, day, goal, now, zone, plan), week, members, names,
            adherence_in(uow, team_id, day, now, zone),
            intraday_in(uow, team_id, goal, now, zone, plan) if day == today else None,
            requests, zone)


def agent_zone(uow: UnitOfWork, actor: Agent, desk: tzinfo) -> tzinfo:
    """The clock an agent's own days follow: their teams' when all share one, else the
    desk's."""
    zones = {zone_of(t, desk) for t in uow.structure.teams() if t.id in actor.team_ids}
    return zones.pop() if len(zones) == 1 else desk


def my_days(uows: UnitOfWorkFactory, actor: Agent, first_day: date, days: int, *,
            zone: tzinfo = UTC) -> tuple[list[PlannedShift], tzinfo]:
    """The caller's published shifts over ``days`` of their own days from ``first_day``
    (`agent_zone`), and that clock."""
    if not 1 <= days <= MAX_RANGE.days:
        raise ValidationFailed(f"ask for 1 to {MAX_RANGE.days} days", {"days": "out of range"})
    if actor.id is None:
        return [], zone
    with uows(write=False) as uow:
        zone = agent_zone(uow, actor, zone)
        return uow.workforce.published_shifts(day_start(first_day, zone), day_start(
            first_day + timedelta(days=days), zone), [actor.id]), zone


def my_schedule(uows: UnitOfWorkFactory, actor: Agent, *, now: datetime,
                zone: tzinfo = UTC) -> MySchedule:
    """The caller's published shifts from the start of this (local) week for two weeks, on
    their teams' clock when all their teams share one, else on the desk's (``zone``)."""
    if actor.id is None:
        first_day = monday_of(now.astimezone(zone).date())
        return MySchedule(first_day, [], [], zone=zone)
    with uows(write=False) as uow:
        zone = agent_zone(uow, actor, zone)
        first_day = monday_of(now.astimezone(zone).date())
        since, until = day_start(first_day, zone), day_start(
            first_day + timedelta(days=MY_DAYS), zone)
        shifts = uow.workforce.published_shifts(since, until, [actor.id])
        options = options_of(uow, shifts, active_agents(uow))
        return MySchedule(first_day, shifts, uow.workforce.requests(actor.id), options,
                          uow.agents.names({s.agent_id for found in options.values()
                                            for s in found}), zone)
