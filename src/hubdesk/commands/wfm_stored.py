"""`hubdesk wfm schedules list|show|draft|publish`: the teams' stored weeks in the desk's
database, read, drafted and published as the local operator (an administrator), through the
use cases the API calls. Each prints one JSON object; instants are UTC, with the local time
beside them on the desk's clock (`HUBDESK_WFM_TIMEZONE`)."""

from __future__ import annotations

import json
from datetime import date, datetime, tzinfo
from typing import Annotated, Any

import typer

from hubdesk.config import get_settings
from hubdesk.domain.errors import DomainError, ValidationFailed
from hubdesk.domain.schedules import PlannedShift, ScheduleStatus, TeamWeek

app = typer.Typer(help="The teams' stored weeks: list, show, draft, publish.",
                  no_args_is_help=True)


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def _when(moment: datetime | None, zone: tzinfo) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat()


def _shift(shift: PlannedShift, names: dict[int, str], zone: tzinfo) -> dict[str, Any]:
    return {"id": shift.id, "agent_id": shift.agent_id,
            "agent": names.get(shift.agent_id, str(shift.agent_id)),
            "starts_at": shift.starts_at.isoformat(), "ends_at": shift.ends_at.isoformat(),
            "local_start": _when(shift.starts_at, zone), "local_end": _when(shift.ends_at, zone),
            "break_starts_at": _when(shift.break_starts_at, zone),
            "break_ends_at": _when(shift.break_ends_at, zone),
            "paid_hours": shift.working_minutes / 60}


def _summary(week: TeamWeek, teams: dict[int, str]) -> dict[str, Any]:
    return {"id": week.id, "team_id": week.team_id, "team": teams.get(week.team_id),
            "week_start": week.week_start.isoformat(), "status": week.status.value,
            "shifts": len(week.shifts), "agents": len({s.agent_id for s in week.shifts}),
            "paid_hours": sum(s.working_minutes for s in week.shifts) / 60,
            "updated_at": week.updated_at.isoformat() if week.updated_at else None}


def _team_id(teams: dict[int, str], given: str | None) -> int | None:
    if given is None:
        return None
    found = [i for i, name in teams.items()
             if name.lower() == given.strip().lower() or str(i) == given.strip()]
    if not found:
        raise ValidationFailed(f"no team is named {given!r}", {"team": "unknown"})
    return found[0]


def _desk() -> Any:
    from hubdesk.bootstrap import build_hub

    return build_hub(get_settings()).app


def _teams(desk: Any) -> dict[int, str]:
    from hubdesk.services.auth import LOCAL_OPERATOR

    return {t.id: t.name for t in desk.directory.teams(LOCAL_OPERATOR) if t.id is not None}


def _detail(desk: Any, week: TeamWeek) -> dict[str, Any]:
    """The shifts on the clock of the week's team (the desk's when it has no zone)."""
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.workforce_plan import zone_of

    team = next((t for t in desk.directory.teams(LOCAL_OPERATOR) if t.id == week.team_id),
                None)
    zone = zone_of(team, desk.workforce.zone)
    names = {a.id: a.name for a in desk.directory.agents(LOCAL_OPERATOR) if a.id is not None}
    return {**_summary(week, _teams(desk)), "timezone": str(getattr(zone, "key", zone)),
            "shift_list": [_shift(s, names, zone) for s in week.shifts]}


@app.command("list")
def list_schedules(
    team: Annotated[str | None, typer.Option(help="a team's name or id; all teams without")]
    = None,
    status: Annotated[ScheduleStatus | None, typer.Option(help="draft or published")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
) -> None:
    """The stored weeks, the latest first: team, status, shifts, agents and paid hours."""
    from hubdesk.services.auth import LOCAL_OPERATOR

    desk = _desk()
    try:
        teams = _teams(desk)
        weeks = desk.workforce.schedules(LOCAL_OPERATOR, _team_id(teams, team), status, limit)
    except DomainError as error:
        _fail(str(error))
        return
    typer.echo(json.dumps({"schedules": [_summary(w, teams) for w in weeks]}))


@app.command("show")
def show(schedule_id: Annotated[int, typer.Argument(min=1)]) -> None:
    """One stored week with every shift, in UTC and on its team's local clock."""
    from hubdesk.services.auth import LOCAL_OPERATOR

    desk = _desk()
    try:
        week = desk.workforce.schedule(LOCAL_OPERATOR, schedule_id)
        shown = _detail(desk, week)
    except DomainError as error:
        _fail(str(error))
        return
    typer.echo(json.dumps(shown))


@app.command("publish")
def publish(schedule_id: Annotated[int, typer.Argument(min=1)]) -> None:
    """Publish a week: its agents see it (an empty week or overlapping shifts are refused)."""
    from hubdesk.services.auth import LOCAL_OPERATOR

    desk = _desk()
    try:
        shown = _detail(desk, desk.workforce.publish(LOCAL_OPERATOR, schedule_id))
    except DomainError as error:
        _fail(str(error))
        return
    typer.echo(json.dumps(shown))


def _day_option(given: str, option: str) -> date:
    try:
        return date.fromisoformat(given)
    except ValueError:
        raise ValidationFailed(f"--{option} {given!r} is not a day: give it as YYYY-MM-DD",
                               {option: "not a day"}) from None


@app.command("draft")
def draft(
    team: Annotated[str, typer.Option(help="the team's id or name")],
    week: Annotated[str, typer.Option(help="a day of the week to draft, YYYY-MM-DD")],
    service_level: Annotated[float, typer.Option(help="share answered in time")] = 0.8,
    answer_within_s: Annotated[float, typer.Option(help="seconds")] = 20.0,
    aht_s: Annotated[float | None, typer.Option(
        help="handling seconds per contact; none: measured from the desk's tickets")] = None,
    shrinkage: Annotated[float, typer.Option(help="share of paid time not on contacts")] = 0.0,
    time_limit_s: Annotated[float, typer.Option(min=1, max=600)] = 30.0,
    level_from: Annotated[str | None, typer.Option(
        help="the first day of a lasting change of volume (a launch, a client gained or "
             "lost), YYYY-MM-DD: the week is forecast from the level since")] = None,
) -> None:
    """Draft a team's week (Monday to Sunday) to the forecast from the desk's tickets, as
    the API does: the week with its shifts, what it leaves short and the forecast's notes.
    A week the team cannot cover, or one already published, is refused and nothing saved."""
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.workforce_plan import StaffingGoal

    desk = _desk()
    try:
        team_id = _team_id(_teams(desk), team)
        assert team_id is not None
        goal = StaffingGoal(service_level, answer_within_s, aht_s, shrinkage,
                            desk.workforce.default_aht_s,
                            _day_option(level_from, "level-from") if level_from else None)
        outcome = desk.workforce.draft(LOCAL_OPERATOR, team_id, _day_option(week, "week"), goal,
                                       time_limit_s=time_limit_s)
        shown = {**_detail(desk, outcome.week), "problems": outcome.problems,
                 "notes": outcome.notes, "optimal": outcome.optimal}
    except DomainError as error:
        _fail(str(error))
        return
    typer.echo(json.dumps(shown))
