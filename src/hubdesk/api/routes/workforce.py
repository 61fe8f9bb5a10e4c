"""/api/v1/wfm: staffing charts from the desk's tickets, teams' weeks (drafted by the
scheduler or by hand, edited, swapped, published), the caller's own shifts and change
requests, adherence and the intraday gap. Planning and floor views are for coordinators,
managers and administrators; every agent has their own shifts and requests."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from hubdesk.api.deps import AgentDep, AppDep, PathId
from hubdesk.api.schemas import problem_responses
from hubdesk.api.workforce_schemas import (
    DAY_PATTERN,
    AgentAdherenceOut,
    AnswerIn,
    ChartIntervalOut,
    DayChartOut,
    GapOut,
    IntradayOut,
    RequestIn,
    RequestOut,
    ScheduleOut,
    ShiftIn,
    ShiftOut,
    StaffingIntervalOut,
    StaffingOut,
    SwapIn,
    SwapOptionOut,
    SwapOptionsOut,
    TeamAdherenceOut,
    WeekIn,
    adherence_out,
)
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.schedules import RequestStatus
from hubdesk.domain.tickets import Channel
from hubdesk.services.application import Application
from hubdesk.services.workforce_plan import MAX_DAYS, StaffingGoal, zone_name

router = APIRouter(prefix="/api/v1/wfm", tags=["workforce"],
                   responses=problem_responses(400, 401, 403, 404, 409, 422))


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{name} {text} is not a day of the calendar",
                               {name: "bad date"}) from None


def _goal(app: Application, service_level: float, answer_within_s: float,
          aht_s: float | None, shrinkage: float, level_from: str | None) -> StaffingGoal:
    return StaffingGoal(service_level, answer_within_s, aht_s, shrinkage,
                        app.workforce.default_aht_s,
                        _day(level_from, "level_from") if level_from else None)


ServiceLevel = Annotated[float, Query(gt=0, lt=1, description="share answered in time")]
AnswerWithin = Annotated[float, Query(ge=0, le=3600, description="seconds")]
Aht = Annotated[float | None, Query(gt=0, le=86_400, description="handling seconds per "
                                    "contact; none: measured from the tickets the forecast "
                                    "reads, or HUBDESK_WFM_AHT_S when they are too few")]
Shrinkage = Annotated[float, Query(ge=0, lt=1)]
DayQuery = Annotated[str, Query(pattern=DAY_PATTERN, description="a day, 2026-11-30")]
LevelFrom = Annotated[str | None, Query(
    pattern=DAY_PATTERN, description="the first day of a lasting change of volume (a launch, a "
    "client gained or lost): forecast from the level since, however few days it has run")]
TeamQuery = Annotated[int | None, Query(ge=1, le=2**53 - 1,
                                        description="a team; none: the whole desk")]


# --- routes -----------------------------------------------------------------------------------

@router.get("/staffing", response_model=StaffingOut)
def staffing(app: AppDep, agent: AgentDep, first_day: DayQuery,
             team_id: TeamQuery = None, days: Annotated[int, Query(ge=1, le=MAX_DAYS)] = 1,
             service_level: ServiceLevel = 0.8, answer_within_s: AnswerWithin = 20.0,
             aht_s: Aht = None, shrinkage: Shrinkage = 0.0,
             channel: Channel | None = None, level_from: LevelFrom = None) -> StaffingOut:
    """Contacts per half hour forecast from the desk's (or a team's, or a channel's) tickets,
    and the agents Erlang C needs for the goal; ``notes`` say what too little history fell
    back to, and a change of level found or given."""
    goal = _goal(app, service_level, answer_within_s, aht_s, shrinkage, level_from)
    plan = app.workforce.staffing(agent, team_id, _day(first_day, "first_day"), days, goal,
                                  channel)
    return StaffingOut(
        team_id=plan.team_id, first_day=plan.first_day, days=plan.days,
        interval_minutes=plan.interval_minutes, aht_s=plan.aht_s, aht_method=plan.aht_method,
        history_days=plan.history_days, methods=plan.methods, notes=plan.notes,
        timezone=zone_name(plan.zone),
        intervals=[StaffingIntervalOut(start=i.start, forecast=i.forecast, lower=i.lower,
                                       upper=i.upper, required=i.required, staff=i.staff)
                   for i in plan.intervals])


@router.get("/day", response_model=DayChartOut)
def day_chart(app: AppDep, agent: AgentDep, day: DayQuery, team_id: TeamQuery = None,
              service_level: ServiceLevel = 0.8, answer_within_s: AnswerWithin = 20.0,
              aht_s: Aht = None, shrinkage: Shrinkage = 0.0,
              level_from: LevelFrom = None) -> DayChartOut:
    """The staffing chart of a day: forecast, required, scheduled (published shifts) and
    arrived per half hour."""
    chart = app.workforce.day_chart(agent, team_id, _day(day, "day"),
                                    _goal(app, service_level, answer_within_s, aht_s, shrinkage,
                                          level_from))
    return DayChartOut(team_id=chart.team_id, day=chart.day,
                       interval_minutes=chart.interval_minutes, notes=chart.notes,
                       aht_s=chart.aht_s, aht_method=chart.aht_method,
                       timezone=zone_name(chart.zone),
                       intervals=[ChartIntervalOut(start=i.start, forecast=i.forecast,
                                                   required=i.required, scheduled=i.scheduled,
                                                   arrived=i.arrived) for i in chart.intervals])


@router.post("/schedules", status_code=201, response_model=ScheduleOut,
             responses=problem_responses(429))
def create_schedule(body: WeekIn, app: AppDep, agent: AgentDep) -> ScheduleOut:
    """Draft a team's week: scheduled to the forecast (or empty with ``generate`` false).
    A week the team cannot cover is a 422 naming the interval or rule, and nothing is saved."""
    week_start = _day(body.week_start, "week_start")
    if not body.generate:
        return ScheduleOut.of(app.workforce.start_week(agent, body.team_id, week_start))
    goal = _goal(app, body.service_level, body.answer_within_s, body.aht_s,
                 body.shrinkage, body.level_from)
    outcome = app.workforce.draft(agent, body.team_id, week_start, goal)
    return ScheduleOut.of(outcome.week, outcome.problems, outcome.notes)


@router.get("/schedules", response_model=ScheduleOut)
def find_schedule(app: AppDep, agent: AgentDep,
                  team_id: Annotated[int, Query(ge=1, le=2**53 - 1)],
                  week_start: DayQuery) -> ScheduleOut:
    """The team's schedule of the week that day falls in."""
    found = app.workforce.week(agent, team_id, _day(week_start, "week_start"))
    if found is None:
        raise NotFound(f"team {team_id} has no schedule for that week")
    return ScheduleOut.of(found)


@router.get("/schedules/{schedule_id}", response_model=ScheduleOut)
def get_schedule(schedule_id: PathId, app: AppDep, agent: AgentDep) -> ScheduleOut:
    return ScheduleOut.of(app.workforce.schedule(agent, schedule_id))


@router.post("/schedules/{schedule_id}/shifts", status_code=201, response_model=ScheduleOut)
def add_shift(schedule_id: PathId, body: ShiftIn, app: AppDep, agent: AgentDep) -> ScheduleOut:
    return ScheduleOut.of(app.workforce.save_shift(agent, schedule_id, body.shift()))


@router.put("/schedules/{schedule_id}/shifts/{shift_id}", response_model=ScheduleOut)
def change_shift(schedule_id: PathId, shift_id: PathId, body: ShiftIn, app: AppDep,
                 agent: AgentDep) -> ScheduleOut:
    return ScheduleOut.of(app.workforce.save_shift(agent, schedule_id, body.shift(),
                                                   shift_id=shift_id))


@router.delete("/schedules/{schedule_id}/shifts/{shift_id}", response_model=ScheduleOut)
def delete_shift(schedule_id: PathId, shift_id: PathId, app: AppDep,
                 agent: AgentDep) -> ScheduleOut:
    return ScheduleOut.of(app.workforce.delete_shift(agent, schedule_id, shift_id))


@router.post("/schedules/{schedule_id}/swap", response_model=ScheduleOut)
def swap_shifts(schedule_id: PathId, body: SwapIn, app: AppDep,
                agent: AgentDep) -> ScheduleOut:
    return ScheduleOut.of(app.workforce.swap(agent, schedule_id, body.first_shift_id,
                                             body.second_shift_id))


@router.post("/schedules/{schedule_id}/publish", response_model=ScheduleOut)
def publish(schedule_id: PathId, app: AppDep, agent: AgentDep) -> ScheduleOut:
    return ScheduleOut.of(app.workforce.publish(agent, schedule_id))


@router.get("/my-shifts", response_model=list[ShiftOut])
def my_shifts(app: AppDep, agent: AgentDep, first_day: DayQuery,
              days: Annotated[int, Query(ge=1, le=62)] = 7) -> list[ShiftOut]:
    """The caller's published shifts from ``first_day`` for ``days`` days: local days of their
    teams' time zone when all their teams share one, else of the desk's
    (`HUBDESK_WFM_TIMEZONE`)."""
    shifts, _ = app.workforce.my_days(agent, _day(first_day, "first_day"), days)
    return [ShiftOut.of(s) for s in shifts]


@router.get("/my-shifts/{shift_id}/swap-options", response_model=SwapOptionsOut)
def swap_options(shift_id: PathId, app: AppDep, agent: AgentDep) -> SwapOptionsOut:
    """The shifts the caller may ask to swap one of their published shifts with: other active
    agents' shifts of the same published week. The contract rules are checked on approval."""
    found = app.workforce.swap_options(agent, shift_id)
    return SwapOptionsOut(shift=ShiftOut.of(found.shift),
                          options=[SwapOptionOut.named(s, found.names) for s in found.options])


@router.get("/requests", response_model=list[RequestOut])
def list_requests(app: AppDep, agent: AgentDep,
                  status: RequestStatus | None = None) -> list[RequestOut]:
    """Every request for coordinators, managers and administrators; the caller's own for
    anyone else. Newest first."""
    return [RequestOut.of(r) for r in app.workforce.requests(agent, status)]


@router.post("/requests", status_code=201, response_model=RequestOut)
def request_change(body: RequestIn, app: AppDep, agent: AgentDep) -> RequestOut:
    """An agent asks for a change to one of their published shifts: approving a swap, a day
    off or a time change applies it."""
    return RequestOut.of(app.workforce.request_change(agent, body.shift_id, body.note,
                                                      body.wanted()))


@router.post("/requests/{request_id}/answer", response_model=RequestOut)
def answer_request(request_id: PathId, body: AnswerIn, app: AppDep,
                   agent: AgentDep) -> RequestOut:
    """Approve or decline, once. Approving a swap, day off or time change changes the week
    in the same transaction; a change that would break a contract rule (rest between shifts,
    weekly hours or days) is a 422 naming the rule (the error's field ``rule``), and nothing
    is saved."""
    return RequestOut.of(app.workforce.answer_request(agent, request_id, body.approve,
                                                      body.answer))


@router.get("/adherence", response_model=TeamAdherenceOut)
def adherence(app: AppDep, agent: AgentDep, team_id: Annotated[int, Query(ge=1, le=2**53 - 1)],
              day: DayQuery) -> TeamAdherenceOut:
    """Per agent of the team: scheduled and adherent minutes of the day up to now, and who
    is out of adherence at this moment."""
    report = app.workforce.adherence(agent, team_id, _day(day, "day"))
    return TeamAdherenceOut(
        team_id=report.team_id, day=report.day, total=adherence_out(report.total),
        agents=[AgentAdherenceOut(agent_id=r.agent_id, name=r.name,
                                  adherence=adherence_out(r.adherence),
                                  presence_now=r.presence_now,
                                  expected_now=r.expected_now,
                                  out_of_adherence_now=r.out_now) for r in report.rows])


@router.get("/intraday", response_model=IntradayOut)
def intraday(app: AppDep, agent: AgentDep, team_id: TeamQuery = None,
             service_level: ServiceLevel = 0.8, answer_within_s: AnswerWithin = 20.0,
             aht_s: Aht = None, shrinkage: Shrinkage = 0.0,
             level_from: LevelFrom = None) -> IntradayOut:
    """Today so far against its forecast, the rest of the day re-forecast and staffed again,
    the gap per half hour with the published shifts of agents who are here, and suggestions."""
    view = app.workforce.intraday(agent, team_id,
                                  _goal(app, service_level, answer_within_s, aht_s, shrinkage,
                                        level_from))
    return IntradayOut(
        team_id=view.team_id, day=view.day, method=view.method, factor=view.factor,
        arrived_so_far=view.arrived_so_far, forecast_so_far=view.forecast_so_far,
        absent=view.absent, suggestions=view.suggestions, notes=view.notes,
        intervals=[GapOut(start=g.start, forecast=g.forecast, reforecast=g.reforecast,
                          required=g.required, scheduled=g.scheduled, gap=g.gap)
                   for g in view.intervals])
