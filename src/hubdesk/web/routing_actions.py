"""Routing from the console: an agent takes the next best ticket (pull mode, from the
header of every page, `templates/_presence.html`); a coordinator
routes a waiting ticket now, or locks an assignment so routing leaves it alone. Each button
calls the use case the API calls; who may do what is decided there."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.errors import DomainError
from hubdesk.web.actions import act
from hubdesk.web.session import AgentDep, FormDep, app_of, flash, safe_next

router = APIRouter(include_in_schema=False)


def _to_ticket(ticket_id: int) -> Response:
    return RedirectResponse(f"/tickets/{ticket_id}", status_code=303)


@router.post("/tickets/take-next")
async def take_next(request: Request, form: FormDep, agent: AgentDep) -> Response:
    """The most urgent waiting ticket the agent can serve, assigned to them, opened ("Get
    next" in every page's header); when there is none, back to the page they were on (else
    their own tickets) with why."""
    back = safe_next(form.get("back") or "/tickets?view=mine")
    try:
        detail = await run_in_threadpool(app_of(request).routing.next, agent)
    except DomainError as error:
        flash(request, "error", f"No ticket was taken: {error}")
        return RedirectResponse(back, status_code=303)
    if detail is None:
        flash(request, "ok", "Nothing is waiting that you can take now.")
        return RedirectResponse(back, status_code=303)
    taken = detail.ticket.id
    assert taken is not None  # a stored ticket
    flash(request, "ok", f"You took #{taken}: it is yours now.")
    return _to_ticket(taken)


@router.post("/tickets/{ticket_id:id}/routing/route")
async def route_now(request: Request, ticket_id: int, agent: AgentDep) -> Response:
    """Offer a waiting ticket to the best eligible agent now, not at the next sweep."""
    try:
        decision = await run_in_threadpool(app_of(request).routing.route, agent, ticket_id)
    except DomainError as error:
        flash(request, "error", f"Not routed: {error}")
        return _to_ticket(ticket_id)
    if decision is None:
        flash(request, "error", "Not routed: the ticket is assigned, locked or finished.")
    elif decision.agent_id is None:
        flash(request, "error", "Nobody eligible can take it now: it waits in the queue; "
                                "see why below.")
    else:
        flash(request, "ok", "Routed: see to whom and why below.")
    return _to_ticket(ticket_id)


@router.post("/tickets/{ticket_id:id}/routing/lock")
async def lock(request: Request, ticket_id: int, form: FormDep, agent: AgentDep) -> Response:
    """Lock (locked=yes) or unlock the assignment: routing never moves a locked ticket."""
    locked = form.get("locked") == "yes"
    return await act(request, partial(app_of(request).routing.lock, agent, ticket_id, locked),
                     done="Locked: routing leaves this assignment alone." if locked
                     else "Unlocked: routing may move this ticket again.",
                     to=f"/tickets/{ticket_id}", failed="Nothing changed: ")
