"""Console pages for handoffs: the handoffs section of the ticket page (its forms post here),
one handoff with its thread, the department queue liaisons work from, and tier escalation."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.errors import (
    Busy,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from hubdesk.domain.handoffs import HandoffStatus, SendBackCause
from hubdesk.services.handoffs import NewHandoff
from hubdesk.web.countdowns import ola_clock
from hubdesk.web.numbers import required_number, whole_number
from hubdesk.web.render import render, time_left
from hubdesk.web.report_windows import WINDOWS, asked_window, busy_page
from hubdesk.web.session import AgentDep, FormDep, app_of, flash

router = APIRouter(include_in_schema=False)

QUEUE_STATUSES = {"waiting": "Waiting on the department", "answered": "Answered",
                  "all": "All"}
_WAITING = (HandoffStatus.OPEN, HandoffStatus.IN_PROGRESS)
BOARD_LIMIT = 300  # handoffs listed over all sections; the counts take in every one


def _number(value: object, field: str) -> int:
    return required_number(value, field, f"choose the {field.replace('_', ' ')} from the list")


async def _then(request: Request, destination: str, work: Callable[[], str]) -> Response:
    """Run a change and return to ``destination`` saying what happened or why it was refused."""
    try:
        flash(request, "ok", await run_in_threadpool(work))
    except DomainError as error:
        flash(request, "error", str(error))
    return RedirectResponse(destination, status_code=303)


def _back(form: FormData, handoff_id: int) -> str:
    """Back to the page the form was on: the ticket (its handoffs section), or the handoff's
    own page."""
    ticket = str(form.get("ticket_id") or "")
    if (ticket_id := whole_number(ticket)) is not None:
        return f"/tickets/{ticket_id}#handoffs"
    return f"/handoffs/{handoff_id}"


@router.post("/tickets/{ticket_id:id}/handoffs")
async def open_handoff(request: Request, ticket_id: int, form: FormDep,
                       agent: AgentDep) -> Response:
    def hand_off() -> str:
        new = NewHandoff(department_id=_number(form.get("department_id"), "department_id"),
                         request=str(form.get("request") or ""),
                         blocking=form.get("blocking") == "yes")
        view = app_of(request).handoffs.open(agent, ticket_id, new)
        return f"Handed off to {view.department_name} ({time_left(view.time_left)})."

    return await _then(request, f"/tickets/{ticket_id}#handoffs", hand_off)


@router.post("/handoffs/{handoff_id:id}/notes")
async def add_note(request: Request, handoff_id: int, form: FormDep,
                   agent: AgentDep) -> Response:
    def write() -> str:
        app_of(request).handoffs.note(agent, handoff_id, str(form.get("body") or ""))
        return "Note added to the handoff."

    return await _then(request, _back(form, handoff_id), write)


@router.post("/handoffs/{handoff_id:id}/transition")
async def transition(request: Request, handoff_id: int, form: FormDep,
                     agent: AgentDep) -> Response:
    def move() -> str:
        try:
            status = HandoffStatus(str(form.get("status") or ""))
        except ValueError:
            raise ValidationFailed("choose what to do with the handoff",
                                   {"status": "unknown"}) from None
        text = str(form.get("text") or "").strip() or None
        cause = None
        if status is HandoffStatus.IN_PROGRESS and form.get("cause"):
            try:
                cause = SendBackCause(str(form.get("cause")))
            except ValueError:
                raise ValidationFailed("choose why the answer goes back",
                                       {"cause": "unknown"}) from None
        view = app_of(request).handoffs.transition(agent, handoff_id, status, text,
                                                   cause=cause)
        return f"Handoff #{handoff_id} is {view.handoff.status.value.replace('_', ' ')}."

    return await _then(request, _back(form, handoff_id), move)


@router.post("/tickets/{ticket_id:id}/tier")
async def change_tier(request: Request, ticket_id: int, form: FormDep,
                      agent: AgentDep) -> Response:
    """Escalate to the next tier, or (action=deescalate) hand back down one."""
    app = app_of(request)
    reason = str(form.get("reason") or "")
    moved_out = False

    def move() -> str:
        nonlocal moved_out
        if form.get("action") == "deescalate":
            detail = app.escalations.deescalate(agent, ticket_id, reason)
            return f"Back to tier {detail.tier}."
        detail = app.escalations.escalate(agent, ticket_id, reason)
        moved_out = detail.ticket.assignee_id is None and not agent.oversees_everything
        return f"Escalated to tier {detail.tier}: an agent of that tier will pick it up."

    response = await _then(request, f"/tickets/{ticket_id}", move)
    return RedirectResponse("/tickets", status_code=303) if moved_out else response


@router.get("/handoffs")
async def queue(request: Request, agent: AgentDep) -> Response:
    """The handoffs board: a section per department with its counts, what is due first on
    top, each awaited handoff's OLA clock counting down; it re-reads itself on news."""
    app = app_of(request)
    wanted = request.query_params.get("status", "waiting")
    wanted = wanted if wanted in QUEUE_STATUSES else "waiting"
    department = request.query_params.get("department", "")
    department_id = whole_number(department)
    statuses = {"waiting": _WAITING, "answered": (HandoffStatus.ANSWERED,), "all": ()}[wanted]
    try:
        board = await run_in_threadpool(partial(
            app.handoffs.board, agent, department_id=department_id, statuses=statuses,
            limit=BOARD_LIMIT))
    except NotFound as missing:
        return render(request, "error.html", 404, agent=agent, title="Not found",
                      detail=f"{missing}.")
    clocks = {v.handoff.id: clock for section in board.sections for v in section.views
              if (clock := ola_clock(v.handoff, board.as_of)) is not None}
    return render(request, "handoffs.html", agent=agent, board=board, clocks=clocks,
                  departments=board.departments, department_id=department_id,
                  wanted=wanted, statuses=QUEUE_STATUSES, live="refresh")


@router.get("/handoffs/report")
async def turnaround(request: Request, agent: AgentDep) -> Response:
    """Per department: how long handoffs take, how often late or rejected; the bottleneck."""
    days, since, until = asked_window(request)
    try:
        result = await run_in_threadpool(app_of(request).handoffs.report, agent, since, until)
    except PermissionDenied as refused:
        return render(request, "error.html", 403, agent=agent, title="Not for your role",
                      detail=str(refused))
    except Busy as busy:
        return busy_page(request, agent, busy)
    bottleneck = result.report.bottleneck
    return render(request, "handoff_report.html", agent=agent, result=result, days=days,
                  windows=WINDOWS,
                  bottleneck_id=bottleneck.department_id if bottleneck else None)


@router.get("/handoffs/{handoff_id:id}")
async def handoff_page(request: Request, handoff_id: int, agent: AgentDep) -> Response:
    try:
        view = await run_in_threadpool(app_of(request).handoffs.get, agent, handoff_id)
    except NotFound as missing:
        return render(request, "error.html", 404, agent=agent, title="Not found",
                      detail=f"{missing}. It may belong to a department you do not work in.")
    return render(request, "handoff.html", agent=agent, view=view)
