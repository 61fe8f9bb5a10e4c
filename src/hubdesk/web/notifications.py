"""The console's notifications: the agent's own notices, newest first, marked read one by one
or all at once; and the unread count the header's badge shows.

The count is read by its own small request (`/notifications/unread`), not by every page: a
page reads what it shows in one unit of work, and the badge must change without a reload
when the live stream (`web/live.py`) says a notification was made for this agent.
"""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from hubdesk.web.actions import act
from hubdesk.web.render import SECURITY_HEADERS, render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash

router = APIRouter(include_in_schema=False)

SHOWN = 100


@router.get("/notifications")
async def notifications_page(request: Request, agent: AgentDep) -> Response:
    notices = await run_in_threadpool(app_of(request).notifications.list, agent, limit=SHOWN)
    return render(request, "notifications.html", agent=agent, notices=notices,
                  unread=sum(1 for n in notices if n.unread), live="refresh")


@router.get("/notifications/unread")
async def unread_count(request: Request, agent: AgentDep) -> Response:
    count = await run_in_threadpool(app_of(request).notifications.unread_count, agent)
    return JSONResponse({"unread": count}, headers=SECURITY_HEADERS)


@router.post("/notifications/{notification_id:id}/read")
async def mark_read(request: Request, notification_id: int, form: FormDep,
                    agent: AgentDep) -> Response:
    return await act(request, partial(app_of(request).notifications.mark_read, agent,
                                      notification_id),
                     done=None, to="/notifications")


@router.post("/notifications/read-all")
async def mark_all_read(request: Request, form: FormDep, agent: AgentDep) -> Response:
    marked = await run_in_threadpool(app_of(request).notifications.mark_all_read, agent)
    flash(request, "ok", f"{marked} notification{'' if marked == 1 else 's'} marked read.")
    return RedirectResponse("/notifications", status_code=303)
