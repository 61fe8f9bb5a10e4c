"""The console's at-risk page: tickets waiting for an agent, the likeliest to miss their answer
deadline first, each with the line ahead of it and who could take it."""

from __future__ import annotations

import math
from datetime import timedelta

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from hubdesk.domain.errors import PermissionDenied
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, app_of

router = APIRouter(include_in_schema=False)

SHOWN = 200  # rows on the page; the likeliest come first


@router.get("/at-risk")
async def at_risk(request: Request, agent: AgentDep) -> Response:
    try:
        made_at, report = await run_in_threadpool(app_of(request).sla.recent_forecast, agent)
    except PermissionDenied as refused:
        return render(request, "error.html", 403, agent=agent, title="Not for your role",
                      detail=str(refused))
    rows = [(f, timedelta(seconds=f.business_seconds_left),
             None if math.isinf(f.expected_wait_s) else round(f.expected_wait_s / 60))
            for f in report.forecasts[:SHOWN]]
    assigned_rows = [(f, timedelta(seconds=f.business_seconds_left))
                     for f in report.assigned_forecasts[:SHOWN]]
    return render(request, "at_risk.html", 200, agent=agent, report=report, made_at=made_at,
                  rows=rows,
                  assigned_rows=assigned_rows, live="refresh")
