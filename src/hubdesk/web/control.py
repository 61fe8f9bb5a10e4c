"""The coordinator's control room: every team's queue, every agent, the likeliest breaches and
what is stuck, on one screen; presence and pause changed, and tickets moved from one agent to
another, from the team board."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.errors import DomainError, PermissionDenied
from hubdesk.domain.routing import Presence
from hubdesk.services.routing_records import ProfileChange
from hubdesk.web.actions import act
from hubdesk.web.numbers import whole_number
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash

router = APIRouter(include_in_schema=False)

@router.get("/control")
async def control_room(request: Request, agent: AgentDep) -> Response:
    try:
        room = await run_in_threadpool(app_of(request).routing.control_room, agent)
    except PermissionDenied as refused:
        return render(request, "error.html", 403, agent=agent, title="Not for your role",
                      detail=str(refused))
    return render(request, "control.html", agent=agent, room=room,
                  live="refresh")


@router.post("/control/agents/{agent_id:id}")
async def change_agent(request: Request, agent_id: int, form: FormDep,
                       agent: AgentDep) -> Response:
    """Set an agent's presence, or pause and resume them, from the team board."""
    app = app_of(request)
    try:
        if "paused" in form:
            paused = form.get("paused") == "yes"
            await run_in_threadpool(partial(app.routing.update_profile, agent, agent_id,
                                            ProfileChange(paused=paused)))
            flash(request, "ok", "Paused: routing gives them nothing new." if paused
                  else "Resumed: routing gives them work again.")
        else:
            presence = Presence(str(form.get("presence") or ""))
            await run_in_threadpool(partial(app.routing.set_presence, agent, agent_id,
                                            presence))
            flash(request, "ok", f"Presence set to {presence.value.replace('_', ' ')}.")
    except ValueError:
        flash(request, "error", "Choose online, away, on a break or offline.")
    except DomainError as error:
        flash(request, "error", str(error))
    return RedirectResponse("/control#team", status_code=303)


@router.post("/control/tickets/{ticket_id:id}/assign")
async def move_ticket(request: Request, ticket_id: int, form: FormDep,
                      agent: AgentDep) -> Response:
    """Give a ticket on the team board to another agent (the assign use case decides who
    may; the representatives' queues update live from the event it records)."""
    assignee_id = whole_number(form.get("assignee_id"))
    if assignee_id is None:
        flash(request, "error", f"Choose who ticket #{ticket_id} should go to.")
        return RedirectResponse("/control#team", status_code=303)
    return await act(request, partial(app_of(request).tickets.assign, agent, ticket_id,
                                      assignee_id),
                     done=lambda detail: f"Ticket #{ticket_id} moved to "
                                         f"{detail.assignee_name}.",
                     to="/control#team", failed=f"Ticket #{ticket_id} was not moved: ")
