"""The console's at-risk page: tickets waiting for an agent, the likeliest to miss their answer
deadline first, each with the line ahead of it and who could take it; and the tickets already
assigned whose assignee will likely not answer in time.

Each row acts in one click through the usual use cases (their permission checks decide):
give it to another agent, raise its priority one step, or hand it off to a department with a
short note. A refused action is said in its row, with what was typed kept."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from hubdesk.domain.agents import Agent, Department
from hubdesk.domain.errors import DomainError, PermissionDenied, ValidationFailed
from hubdesk.domain.permissions import offered_assignees
from hubdesk.services.handoffs import NewHandoff
from hubdesk.web.actions import act
from hubdesk.web.numbers import required_number
from hubdesk.web.render import render, time_left
from hubdesk.web.session import AgentDep, FormDep, app_of

router = APIRouter(include_in_schema=False)

SHOWN = 200  # rows on the page; the likeliest come first
MAX_NOTE = 1000  # a handoff's request from this page is a short note; the ticket page takes more


@router.get("/at-risk")
async def at_risk(request: Request, agent: AgentDep) -> Response:
    return await _page(request, agent)


async def _page(request: Request, agent: Agent, status: int = 200,
                errors: dict[str, str] | None = None,
                kept: dict[str, str] | None = None) -> Response:
    app = app_of(request)
    try:
        made_at, report = await run_in_threadpool(app.sla.recent_forecast, agent)
    except PermissionDenied as refused:
        return render(request, "error.html", 403, agent=agent, title="Not for your role",
                      detail=str(refused))
    rows = [(f, timedelta(seconds=f.business_seconds_left),
             None if math.isinf(f.expected_wait_s) else round(f.expected_wait_s / 60))
            for f in report.forecasts[:SHOWN]]
    assigned_rows = [(f, timedelta(seconds=f.business_seconds_left))
                     for f in report.assigned_forecasts[:SHOWN]]
    agents, departments = await run_in_threadpool(_choices, request, agent)
    return render(request, "at_risk.html", status, agent=agent, report=report,
                  made_at=made_at, rows=rows, assigned_rows=assigned_rows,
                  assignees=agents, departments=departments, errors=errors or {},
                  kept=kept or {}, live="refresh")


def _choices(request: Request, viewer: Agent) -> tuple[list[Agent], list[Department]]:
    """Who a row's ticket may be given to (people who work tickets; a team lead's own teams),
    and the departments it may be handed to. The use cases still decide each change."""
    app = app_of(request)
    try:
        people = app.directory.agents(viewer)
        departments = app.directory.departments(viewer)
    except PermissionDenied:
        return [], []
    return (offered_assignees(viewer, people),
            sorted(departments, key=lambda d: d.name.casefold()))


def _chosen(form: Any, field: str, what: str) -> int:
    return required_number(form.get(field), field, f"choose {what} from the list",
                           reason="required")


async def _run(request: Request, agent: Agent, ticket_id: int, action: str,
               work: Callable[[], str], kept: dict[str, str] | None = None) -> Response:
    async def again(refusal: DomainError) -> Response:
        message = str(refusal)
        message = message[:1].upper() + message[1:]
        return await _page(request, agent, refusal.status,
                           errors={f"{ticket_id}-{action}": message if message.endswith(".")
                                   else f"{message}."},
                           kept={f"{ticket_id}-{k}": v for k, v in (kept or {}).items()})

    return await act(request, work, done=lambda said: said, to="/at-risk", again=again)


@router.post("/at-risk/tickets/{ticket_id:id}/assign")
async def reassign(request: Request, ticket_id: int, form: FormDep,
                   agent: AgentDep) -> Response:
    def give() -> str:
        assignee_id = _chosen(form, "assignee_id", "who should take it")
        detail = app_of(request).tickets.assign(agent, ticket_id, assignee_id)
        return f"Ticket #{ticket_id} given to {detail.assignee_name}."

    return await _run(request, agent, ticket_id, "assign", give,
                      {"assignee_id": str(form.get("assignee_id") or "")})


@router.post("/at-risk/tickets/{ticket_id:id}/priority")
async def raise_priority(request: Request, ticket_id: int, agent: AgentDep,
                         form: FormDep) -> Response:
    def higher() -> str:
        was, detail = app_of(request).tickets.raise_priority(agent, ticket_id)
        return (f"Ticket #{ticket_id} raised from {was.value} to "
                f"{detail.ticket.priority.value} priority.")

    return await _run(request, agent, ticket_id, "priority", higher)


@router.post("/at-risk/tickets/{ticket_id:id}/handoff")
async def hand_off(request: Request, ticket_id: int, form: FormDep,
                   agent: AgentDep) -> Response:
    note = str(form.get("request") or "").strip()

    def send() -> str:
        department_id = _chosen(form, "department_id", "the department")
        if not note:
            raise ValidationFailed("say in a short note what the department should do",
                                   {"request": "required"})
        if len(note) > MAX_NOTE:
            raise ValidationFailed(f"keep the note under {MAX_NOTE} characters, or hand off "
                                   "from the ticket page", {"request": "too long"})
        view = app_of(request).handoffs.open(agent, ticket_id,
                                             NewHandoff(department_id=department_id,
                                                        request=note))
        return (f"Ticket #{ticket_id} handed off to {view.department_name} "
                f"({time_left(view.time_left)}).")

    return await _run(request, agent, ticket_id, "handoff", send,
                      {"department_id": str(form.get("department_id") or ""),
                       "request": note})
