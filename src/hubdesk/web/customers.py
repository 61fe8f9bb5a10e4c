"""The customer page: identities, tier, organisation, notes, every ticket of theirs, and the
agents they asked not to be served by again; the organisation page: its customers and all
their tickets."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import DomainError, NotFound, ValidationFailed
from hubdesk.services.directory import CustomerInput
from hubdesk.services.routing_records import AgentExclusion
from hubdesk.web.actions import act
from hubdesk.web.numbers import whole_number
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of

router = APIRouter(include_in_schema=False)

MAX_NOTES = 10_000
# A reason longer than the use case takes is refused there, with the limit named.
MAX_REASON_TYPED = 2_000


async def _screen(request: Request, agent: Agent, read: Callable[..., Any]) -> Any:
    """A page's screen read with the query's cursor, or the error page saying why not."""
    try:
        return await run_in_threadpool(partial(
            read, cursor=request.query_params.get("cursor") or None))
    except DomainError as refused:
        title = "Not found" if isinstance(refused, NotFound) else "Not available"
        return render(request, "error.html", refused.status, agent=agent, title=title,
                      detail=f"{refused}.")


@router.get("/customers/{customer_id:id}")
async def customer_page(request: Request, customer_id: int, agent: AgentDep) -> Response:
    screen = await _screen(request, agent, partial(
        app_of(request).directory.customer_screen, agent, customer_id))
    if isinstance(screen, Response):
        return screen
    return render(request, "customer.html", agent=agent, customer=screen.customer,
                  organisation=screen.organisation, page=screen.tickets,
                  exclusions=screen.exclusions, excludable=screen.excludable)


@router.get("/organisations/{organisation_id:id}")
async def organisation_page(request: Request, organisation_id: int,
                            agent: AgentDep) -> Response:
    screen = await _screen(request, agent, partial(
        app_of(request).directory.organisation_screen, agent, organisation_id))
    if isinstance(screen, Response):
        return screen
    return render(request, "organisation.html", agent=agent, screen=screen,
                  page=screen.tickets)


@router.post("/customers/{customer_id:id}/notes")
async def save_notes(request: Request, customer_id: int, form: FormDep,
                     agent: AgentDep) -> Response:
    notes = str(form.get("notes") or "")[:MAX_NOTES]
    return await act(request, partial(
        app_of(request).directory.update_customer, agent, customer_id,
        CustomerInput(frozenset({"notes"}), notes=notes)),
        done="Notes saved.", to=f"/customers/{customer_id}",
        failed="The notes were not saved: ")


@router.post("/customers/{customer_id:id}/excluded-agents")
async def exclude_agent(request: Request, customer_id: int, form: FormDep,
                        agent: AgentDep) -> Response:
    chosen = str(form.get("agent_id") or "")
    reason = str(form.get("reason") or "")[:MAX_REASON_TYPED]

    def exclude() -> AgentExclusion:
        chosen_id = whole_number(chosen)
        if chosen_id is None:
            raise ValidationFailed("choose the agent", {"agent_id": "required"})
        return app_of(request).routing.exclude_agent(agent, customer_id, chosen_id, reason)

    def said(excluded: AgentExclusion) -> str:
        moved = len(excluded.moved)
        held = (f" {moved} ticket{'s' if moved != 1 else ''} they held "
                f"{'were' if moved != 1 else 'was'} routed again." if moved else "")
        return f"Routing will not offer this customer's tickets to {excluded.agent_name}.{held}"

    return await act(request, exclude, to=f"/customers/{customer_id}", done=said,
                     failed="Nobody was excluded: ")


@router.post("/customers/{customer_id:id}/excluded-agents/{agent_id:id}/remove")
async def allow_agent(request: Request, customer_id: int, agent_id: int,
                      agent: AgentDep) -> Response:
    return await act(request, partial(app_of(request).routing.allow_agent, agent, customer_id,
                                      agent_id),
                     done="Exclusion lifted: routing may offer this customer's tickets to "
                          "that agent again.",
                     to=f"/customers/{customer_id}", failed="The exclusion was not lifted: ")
