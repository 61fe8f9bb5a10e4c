"""/reports: the SLA report in the console, for team leads, coordinators and managers (the
same figures as `GET /api/v1/reports/sla`); /reports/satisfaction: the customers' answers to
the satisfaction survey (`GET /api/v1/reports/satisfaction`); /reports/flow: tickets
received, solved, merged and reopened each day and the backlog at each day's end
(`GET /api/v1/reports/flow`), also as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import Busy, NotFound, PermissionDenied
from hubdesk.domain.satisfaction import SatisfactionFigures
from hubdesk.domain.sla.report import MET_SHARE_GOAL, TargetFigures
from hubdesk.services.flow_reports import FlowReportResult
from hubdesk.services.sla_reports import SlaReportResult
from hubdesk.web.flow_chart import flow_chart
from hubdesk.web.numbers import whole_number
from hubdesk.web.render import CHANNELS, SECURITY_HEADERS, label, render
from hubdesk.web.report_windows import WINDOWS, asked_window, busy_page
from hubdesk.web.session import AgentDep, app_of

router = APIRouter(include_in_schema=False)
Result = TypeVar("Result")

@router.get("/reports")
async def sla_report(request: Request, agent: AgentDep) -> Response:
    """Each SLA target met in time or missed in the window, per team, channel and priority."""
    days, result = await _read(request, agent, app_of(request).sla.report)
    if isinstance(result, Response):
        return result
    sections = _sections(result)
    return render(request, "sla_report.html", agent=agent, report=result.report, days=days,
                  windows=WINDOWS, goal=MET_SHARE_GOAL,
                  teams=sections["Team"], channels=sections["Channel"],
                  priorities=sections["Priority"])


@router.get("/reports.csv")
async def sla_report_csv(request: Request, agent: AgentDep) -> Response:
    """The same figures as a spreadsheet reads them: one row per scope, group and target."""
    days, result = await _read(request, agent, app_of(request).sla.report)
    if isinstance(result, Response):
        return result
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["scope", "group", "target", "decided", "met_in_time", "missed",
                     "missed_not_met_since", "met_share", "answered", "median_seconds",
                     "p90_seconds"])
    for scope, groups in (("Whole desk", [("", result.report.overall)]),
                          *_sections(result).items()):
        for name, rows in groups:
            for row in rows:
                writer.writerow([scope, _cell(name), row.target.value, row.decided,
                                 row.met_in_time, row.missed, row.missed_unanswered,
                                 "" if row.met_share is None else f"{row.met_share:.4f}",
                                 row.met, _seconds(row.median), _seconds(row.p90)])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={
        **SECURITY_HEADERS,
        "Content-Disposition": f'attachment; filename="{_file_name("sla-report", days)}"'})


@router.get("/reports/satisfaction")
async def satisfaction_report(request: Request, agent: AgentDep) -> Response:
    """How customers answered the surveys offered in the window, per agent and team, and
    their latest comments."""
    days, result = await _read(request, agent, app_of(request).satisfaction.report)
    if isinstance(result, Response):
        return result
    report = result.report
    return render(
        request, "satisfaction_report.html", agent=agent, report=report, days=days,
        windows=WINDOWS, comments=result.comments, agent_names=result.agent_names,
        agents=_by_name(report.agents, result.agent_names, "Agent"),
        teams=_by_name(report.teams, result.team_names, "Team"))


@router.get("/reports/flow")
async def flow_report(request: Request, agent: AgentDep) -> Response:
    """Each day's arrivals, solves, merges and reopenings, and the backlog it ended with."""
    days, result = await _read(request, agent, _flow_of(request))
    if isinstance(result, Response):
        return result
    report = result.report
    channels = [(CHANNELS.get(key, (key,))[0], count)
                for key, count in report.received_by_channel.items()]
    teams = await run_in_threadpool(app_of(request).directory.teams, agent)
    return render(request, "flow_report.html", agent=agent, report=report, days=days,
                  windows=WINDOWS, zone=str(result.zone), channels=channels,
                  solvers=_solvers(result), flow_days=report.days,
                  chart=flow_chart(report.days), chosen_team=result.team,
                  team_choices=sorted(teams, key=lambda team: team.name.casefold()))


@router.get("/reports/flow.csv")
async def flow_report_csv(request: Request, agent: AgentDep) -> Response:
    """The days as a spreadsheet reads them: one row per day."""
    days, result = await _read(request, agent, _flow_of(request))
    if isinstance(result, Response):
        return result
    name = f"ticket-flow-team-{result.team.id}" if result.team else "ticket-flow"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["day", "received", "solved", "merged", "reopened", "backlog_with_desk",
                     "backlog_waiting", "backlog_total"])
    for day in result.report.days:
        writer.writerow([day.day.isoformat(), day.received, day.solved, day.merged,
                         day.reopened, day.backlog.with_desk, day.backlog.waiting,
                         day.backlog.total])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={
        **SECURITY_HEADERS,
        "Content-Disposition": f'attachment; filename="{_file_name(name, days)}"'})


def _flow_of(request: Request) -> Callable[[Agent, datetime, datetime], FlowReportResult]:
    """The flow report of the team the page names (``?team=``), or of the whole desk."""
    team_id = whole_number(request.query_params.get("team"))
    return partial(app_of(request).flow.report, team_id=team_id)


def _solvers(result: FlowReportResult) -> list[tuple[str, int]]:
    """Who solved, most first, in words."""
    words = {"customer": "The customer", "system": "Automations"}
    return [(result.agent_names.get(solver.agent_id, f"Agent {solver.agent_id}")
             if solver.agent_id is not None else words.get(solver.kind, "An agent since removed"),
             count) for solver, count in result.report.solved_by.items()]


def _by_name(figures: dict[int | None, SatisfactionFigures], names: dict[int, str],
             kind: str) -> list[tuple[str, SatisfactionFigures]]:
    """Each group's figures under its name, alphabetically (None: "No agent", "No team")."""
    named = [(names.get(key, f"{kind} {key}") if key is not None else f"No {kind.lower()}",
              row) for key, row in figures.items()]
    return sorted(named, key=lambda pair: pair[0].casefold())


async def _read(request: Request, agent: Agent,
                report: Callable[[Agent, datetime, datetime], Result]
                ) -> tuple[str, Result | Response]:
    """The window the page asks for, and ``report`` of it for ``agent`` (or the page saying
    it is not for their role)."""
    days, since, until = asked_window(request)
    try:
        return days, await run_in_threadpool(report, agent, since, until)
    except PermissionDenied as refused:
        return days, _not_for(request, agent, refused)
    except NotFound as missing:
        return days, render(request, "error.html", 404, agent=agent, title="Not found",
                            detail=str(missing))
    except Busy as busy:
        return days, busy_page(request, agent, busy)


def _not_for(request: Request, agent: Agent, refused: PermissionDenied) -> Response:
    return render(request, "error.html", 403, agent=agent, title="Not for your role",
                  detail=str(refused))


def _sections(result: SlaReportResult
              ) -> dict[str, list[tuple[str, tuple[TargetFigures, ...]]]]:
    """Each grouping's rows under the names people read: teams by name, channels and
    priorities in words."""
    report = result.report
    return {
        "Team": [(result.team_names.get(group.key, f"Team {group.key}")
                  if isinstance(group.key, int) else "No team", group.targets)
                 for group in report.teams],
        "Channel": [(CHANNELS.get(str(g.key), (str(g.key),))[0], g.targets)
                    for g in report.channels],
        "Priority": [(label(g.key), g.targets) for g in report.priorities]}


def _cell(text: str) -> str:
    """A name as a spreadsheet cell that cannot start a formula (a team named "=1+1")."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _file_name(report: str, days: str) -> str:
    return f"{report}-{days}.csv" if days.endswith("month") else \
        f"{report}-last-{days}-days.csv"


def _seconds(span: timedelta | None) -> str:
    return "" if span is None else str(int(span.total_seconds()))
