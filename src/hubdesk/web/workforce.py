"""The console's workforce pages: for coordinators, a team's day (staffing chart, adherence,
the intraday gap) and week (drafted, edited, swapped, published) with the agents' requests;
for every agent, their own schedule and a form to ask for a change."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, tzinfo
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import DomainError, PermissionDenied, ValidationFailed
from hubdesk.domain.schedules import RequestKind, ShiftInput, planned_day
from hubdesk.services.workforce import WantedChange
from hubdesk.services.workforce_plan import StaffingGoal, zone_name
from hubdesk.services.workforce_screens import WorkforceScreen
from hubdesk.web.numbers import whole_number
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash

router = APIRouter(include_in_schema=False)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHART_HEIGHT = 160


def _day(text: object, name: str = "day") -> date | None:
    value = str(text or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(f"{value} is not a day such as 2026-11-30",
                               {name: "bad date"}) from None
    return planned_day(day, name)


def _instant(form: FormData, name: str, *, required: bool = True) -> datetime | None:
    """A `datetime-local` field: a wall-clock time without an offset, which the use case
    reads on the clock of the shift's team (the page says which)."""
    value = str(form.get(name) or "").strip()
    if not value:
        if required:
            raise ValidationFailed("give a date and time", {name: "missing"})
        return None
    try:
        moment = datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        raise ValidationFailed(f"{value} is not a date and time", {name: "bad date"}) from None
    planned_day(moment.date(), name)
    return moment


def _shift(form: FormData) -> ShiftInput:
    agent_id = whole_number(form.get("agent_id"))
    if agent_id is None:
        raise ValidationFailed("choose the agent", {"agent_id": "missing"})
    starts, ends = _instant(form, "starts_at"), _instant(form, "ends_at")
    assert starts is not None and ends is not None
    return ShiftInput(agent_id, starts, ends, _instant(form, "break_starts_at", required=False),
                      _instant(form, "break_ends_at", required=False))


def _goal(source: Any, default_aht_s: float) -> StaffingGoal:
    """A blank handling time is measured from the team's tickets; a blank day the volume
    changed on is looked for in them."""
    try:
        given = str(source.get("aht_s") or "").strip()
        aht = float(given) if given else None
        level = float(str(source.get("service_level") or 0.8))
    except ValueError:
        raise ValidationFailed("handling time and service level are numbers",
                               {"aht_s": "not a number"}) from None
    return StaffingGoal(service_level=level, aht_s=aht, fallback_aht_s=default_aht_s,
                        level_from=_day(source.get("level_from"), "level_from"))


def _level_refused(error: DomainError) -> bool:
    return isinstance(error, ValidationFailed) and "level_from" in error.fields


async def _screen(request: Request, agent: Agent, query: Any
                  ) -> tuple[WorkforceScreen, StaffingGoal, DomainError | None]:
    """The page's screen; a day the volume changed on that the forecast cannot use (a day
    with too little before or after it) is left out, and the reason comes back to show
    beside its field, so the rest of the page still shows."""
    app = app_of(request)
    team_id, day = whole_number(query.get("team_id")), _day(query.get("day"))
    refused: DomainError | None = None
    try:
        goal = _goal(query, app.workforce.default_aht_s)
    except DomainError as error:
        if not _level_refused(error):
            raise
        goal, refused = _goal({**query, "level_from": ""}, app.workforce.default_aht_s), error
    try:
        screen = await run_in_threadpool(partial(app.workforce.screen, agent, team_id, day,
                                                 goal))
    except DomainError as error:
        if goal.level_from is None or not _level_refused(error):
            raise
        goal, refused = replace(goal, level_from=None), error
        screen = await run_in_threadpool(partial(app.workforce.screen, agent, team_id, day,
                                                 goal))
    return screen, goal, refused


def _clock(zone: tzinfo) -> dict[str, Any]:
    """What the templates show times with: ``local(instant)`` and the zone's name."""
    return {"local": lambda moment: moment.astimezone(zone), "zone_name": zone_name(zone)}


def _chart(screen: WorkforceScreen) -> dict[str, Any] | None:
    """Bar and line geometry of the staffing chart (SVG attributes, no inline style)."""
    if screen.chart is None:
        return None
    rows = screen.chart.intervals
    top = float(max([1.0] + [max(r.forecast, r.required, r.scheduled, r.arrived or 0)
                             for r in rows]))
    scale = CHART_HEIGHT / top

    def y(value: float) -> float:
        return round(float(CHART_HEIGHT - value * scale), 1)

    def line(values: list[tuple[int, float | None]]) -> str:
        return " ".join(f"{i * 12 + 6},{y(v)}" for i, v in values if v is not None)

    return {"width": len(rows) * 12, "height": CHART_HEIGHT, "top": top,
            "bars": [{"x": i * 12 + 1, "required_y": y(r.required),
                      "required_h": round(r.required * scale, 1),
                      "scheduled_y": y(r.scheduled), "scheduled_h": round(r.scheduled * scale, 1),
                      "label": f"{r.start.astimezone(screen.zone):%H:%M}"}
                     for i, r in enumerate(rows)],
            "forecast": line([(i, r.forecast) for i, r in enumerate(rows)]),
            "arrived": line([(i, r.arrived) for i, r in enumerate(rows)])}


def _grid(screen: WorkforceScreen) -> list[dict[str, Any]]:
    """The week as rows of agents and columns of days."""
    if screen.week is None:
        return []
    ids = [m.id for m in screen.members if m.id is not None]
    ids += sorted({s.agent_id for s in screen.week.shifts} - set(ids))
    rows = []
    for agent_id in ids:
        days: list[list[Any]] = [[] for _ in WEEKDAYS]
        for shift in screen.week.shifts:
            offset = (shift.starts_at.astimezone(screen.zone).date() - screen.week_start).days
            if shift.agent_id == agent_id and 0 <= offset < 7:
                days[offset].append(shift)
        rows.append({"agent_id": agent_id, "name": screen.names.get(agent_id, str(agent_id)),
                     "days": days})
    return rows


async def _page(request: Request, agent: Agent, query: Any, *,
                error: DomainError | None = None, which: str = "",
                form: FormData | None = None) -> Response:
    try:
        screen, goal, level_refused = await _screen(request, agent, query)
    except PermissionDenied as refused:
        return render(request, "error.html", 403, agent=agent, title="Not for your role",
                      detail=str(refused))
    except DomainError as bad:
        return render(request, "error.html", bad.status, agent=agent,
                      title="This view cannot be shown", detail=str(bad))
    if level_refused is not None and error is None:
        error, which = level_refused, "view"
    # What the planner typed stays in the field to be corrected, though left out of the goal.
    level_from_typed = str(query.get("level_from") or "")[:10] if level_refused else (
        goal.level_from.isoformat() if goal.level_from else "")
    return render(request, "workforce.html", error.status if error else 200, agent=agent,
                  screen=screen, chart=_chart(screen), grid=_grid(screen), weekdays=WEEKDAYS,
                  goal=goal, level_from_typed=level_from_typed, error=error and str(error),
                  which=which,
                  **_clock(screen.zone),
                  error_fields=getattr(error, "fields", {}), form=form or {})


@router.get("/workforce")
async def workforce_page(request: Request, agent: AgentDep) -> Response:
    return await _page(request, agent, request.query_params)


def _back(form: FormData, anchor: str) -> RedirectResponse:
    """To the page the form was sent from, with the same team, day and goal."""
    view = {"team_id": whole_number(form.get("team_id")) or "",
            "day": str(form.get("day") or "")[:10]}
    for name in ("aht_s", "service_level", "level_from"):
        if form.get(name):
            view[name] = str(form.get(name))[:32]
    return RedirectResponse(f"/workforce?{urlencode(view)}#{anchor}", status_code=303)


async def _act(request: Request, agent: Agent, form: FormData, which: str, done: str,
               action: Any) -> Response:
    """Run a change; on refusal show the page again with the error beside that form."""
    try:
        await run_in_threadpool(action)
    except DomainError as error:
        return await _page(request, agent, form, error=error, which=which, form=form)
    flash(request, "ok", done)
    return _back(form, which)


@router.post("/workforce/schedules")
async def create_week(request: Request, form: FormDep, agent: AgentDep) -> Response:
    app = app_of(request)

    def action() -> None:
        team_id, day = whole_number(form.get("team_id")), _day(form.get("day"))
        if team_id is None or day is None:
            raise ValidationFailed("choose a team and a day", {"team_id": "missing"})
        if form.get("generate") == "yes":
            outcome = app.workforce.draft(agent, team_id, day,
                                          _goal(form, app.workforce.default_aht_s))
            for line in outcome.problems[:5]:
                flash(request, "error", f"Left short: {line}")
        else:
            app.workforce.start_week(agent, team_id, day)
    return await _act(request, agent, form, "week", "The week's draft is ready.", action)


@router.post("/workforce/schedules/{schedule_id:id}/shifts")
async def save_shift(request: Request, schedule_id: int, form: FormDep,
                     agent: AgentDep) -> Response:
    shift_id = whole_number(form.get("shift_id"))
    return await _act(request, agent, form, "shift", "Shift saved.", lambda: app_of(
        request).workforce.save_shift(agent, schedule_id, _shift(form), shift_id=shift_id))


@router.post("/workforce/schedules/{schedule_id:id}/shifts/{shift_id:id}/delete")
async def delete_shift(request: Request, schedule_id: int, shift_id: int, form: FormDep,
                       agent: AgentDep) -> Response:
    return await _act(request, agent, form, "week", "Shift removed.", lambda: app_of(
        request).workforce.delete_shift(agent, schedule_id, shift_id))


@router.post("/workforce/schedules/{schedule_id:id}/swap")
async def swap(request: Request, schedule_id: int, form: FormDep, agent: AgentDep) -> Response:
    def action() -> None:
        first = whole_number(form.get("first_shift_id"))
        second = whole_number(form.get("second_shift_id"))
        if first is None or second is None:
            raise ValidationFailed("choose two shifts to swap", {"shift_ids": "missing"})
        app_of(request).workforce.swap(agent, schedule_id, first, second)
    return await _act(request, agent, form, "swap", "Shifts swapped.", action)


@router.post("/workforce/schedules/{schedule_id:id}/publish")
async def publish(request: Request, schedule_id: int, form: FormDep,
                  agent: AgentDep) -> Response:
    return await _act(request, agent, form, "week", "Published: the team sees its week.",
                      lambda: app_of(request).workforce.publish(agent, schedule_id))


@router.post("/workforce/requests/{request_id:id}")
async def answer(request: Request, request_id: int, form: FormDep,
                 agent: AgentDep) -> Response:
    approve = form.get("decision") == "approve"
    return await _act(request, agent, form, "requests",
                      "Request approved." if approve else "Request declined.",
                      lambda: app_of(request).workforce.answer_request(
                          agent, request_id, approve, str(form.get("answer") or "")))


# --- an agent's own schedule -----------------------------------------------------------------

async def _mine(request: Request, agent: Agent, *, error: DomainError | None = None,
                form: FormData | None = None) -> Response:
    mine = await run_in_threadpool(app_of(request).workforce.my_schedule, agent)
    return render(request, "my_schedule.html", error.status if error else 200, agent=agent,
                  mine=mine, error=error and str(error), **_clock(mine.zone),
                  error_fields=getattr(error, "fields", {}), form=form or {})


@router.get("/my-schedule")
async def my_schedule(request: Request, agent: AgentDep) -> Response:
    return await _mine(request, agent)


def _wanted(form: FormData) -> WantedChange:
    try:
        kind = RequestKind(str(form.get("kind") or RequestKind.NOTE.value))
    except ValueError:
        raise ValidationFailed("choose what should change", {"kind": "unknown"}) from None
    if kind is not RequestKind.TIME_CHANGE:
        return WantedChange(kind, whole_number(form.get("swap_shift_id")))
    return WantedChange(kind, None, _instant(form, "new_starts_at"),
                        _instant(form, "new_ends_at"))


@router.post("/my-schedule/requests")
async def ask(request: Request, form: FormDep, agent: AgentDep) -> Response:
    try:
        await run_in_threadpool(app_of(request).workforce.request_change, agent,
                                whole_number(form.get("shift_id")), str(form.get("note") or ""),
                                _wanted(form))
    except DomainError as error:
        return await _mine(request, agent, error=error, form=form)
    flash(request, "ok", "Request sent to the coordinators.")
    return RedirectResponse("/my-schedule#requests", status_code=303)
