"""/reports: the SLA report in the console, for team leads, coordinators and managers (the
same figures as `GET /api/v1/reports/sla`)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import PermissionDenied
from hubdesk.web.handoffs import REPORT_WINDOWS
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, app_of

router = APIRouter(include_in_schema=False)

CHANNEL_TITLES = {"email": "E-mail", "chat": "Chat", "web": "Web form", "phone": "Phone",
                  "api": "API"}
TARGET_TITLES = {"first_response": "First response", "next_response": "Next response",
                 "resolution": "Resolution"}


@router.get("/reports")
async def sla_report(request: Request, agent: AgentDep) -> Response:
    """Each SLA target met in time or missed in the window, per team, channel and priority."""
    days = request.query_params.get("days", "30")
    days = days if days in REPORT_WINDOWS else "30"
    until = utcnow()
    try:
        result = await run_in_threadpool(app_of(request).sla.report, agent,
                                         until - timedelta(days=int(days)), until)
    except PermissionDenied as refused:
        return render(request, "error.html", 403, agent=agent, title="Not for your role",
                      detail=str(refused))
    report = result.report
    teams = [(result.team_names.get(group.key, f"Team {group.key}")
              if isinstance(group.key, int) else "No team", group.targets)
             for group in report.teams]
    return render(request, "sla_report.html", agent=agent, report=report, days=days,
                  windows=REPORT_WINDOWS, target_titles=TARGET_TITLES, teams=teams,
                  channels=[(CHANNEL_TITLES.get(str(g.key), str(g.key)), g.targets)
                            for g in report.channels],
                  priorities=[(str(g.key).capitalize(), g.targets) for g in report.priorities])
