"""The customer page: identities, tier, organisation, notes, every ticket of theirs, and the
agents they asked not to be served by again."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.errors import DomainError, NotFound, ValidationFailed
from hubdesk.services.directory import CustomerInput
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash

router = APIRouter(include_in_schema=False)

MAX_NOTES = 10_000
# A reason longer than the use case takes is refused there, with the limit named.
MAX_REASON_TYPED = 2_000


@router.get("/customers/{customer_id:int}")
async def customer_page(request: Request, customer_id: int, agent: AgentDep) -> Response:
    try:
        screen = await run_in_threadpool(partial(
            app_of(request).directory.customer_screen, agent, customer_id,
            cursor=request.query_params.get("cursor") or None))
    except NotFound as missing:
        return render(request, "error.html", 404, agent=agent, title="Not found",
                      detail=f"{missing}.")
    except DomainError as error:
        return render(request, "error.html", error.status, agent=agent,
                      title="Not available", detail=f"{error}.")
    return render(request, "customer.html", agent=agent, customer=screen.customer,
                  organisation=screen.organisation, page=screen.tickets,
                  exclusions=screen.exclusions, excludable=screen.excludable)


@router.post("/customers/{customer_id:int}/notes")
async def save_notes(request: Request, customer_id: int, form: FormDep,
                     agent: AgentDep) -> Response:
    notes = str(form.get("notes") or "")[:MAX_NOTES]
    try:
        await run_in_threadpool(app_of(request).directory.update_customer, agent, customer_id,
                                CustomerInput(frozenset({"notes"}), notes=notes))
    except DomainError as error:
        flash(request, "error", f"The notes were not saved: {error}.")
    else:
        flash(request, "ok", "Notes saved.")
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)


@router.post("/customers/{customer_id:int}/excluded-agents")
async def exclude_agent(request: Request, customer_id: int, form: FormDep,
                        agent: AgentDep) -> Response:
    chosen = str(form.get("agent_id") or "")
    try:
        if not chosen.isdigit():
            raise ValidationFailed("choose the agent", {"agent_id": "required"})
        excluded = await run_in_threadpool(
            app_of(request).routing.exclude_agent, agent, customer_id, int(chosen),
            str(form.get("reason") or "")[:MAX_REASON_TYPED])
    except DomainError as error:
        flash(request, "error", f"Nobody was excluded: {error}.")
    else:
        moved = len(excluded.moved)
        flash(request, "ok", f"Routing will not offer this customer's tickets to "
                             f"{excluded.agent_name}." + (
                                 f" {moved} ticket{'s' if moved != 1 else ''} they held "
                                 f"{'were' if moved != 1 else 'was'} routed again."
                                 if moved else ""))
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)


@router.post("/customers/{customer_id:int}/excluded-agents/{agent_id:int}/remove")
async def allow_agent(request: Request, customer_id: int, agent_id: int,
                      agent: AgentDep) -> Response:
    try:
        await run_in_threadpool(app_of(request).routing.allow_agent, agent, customer_id,
                                agent_id)
    except DomainError as error:
        flash(request, "error", f"The exclusion was not lifted: {error}.")
    else:
        flash(request, "ok", "Exclusion lifted: routing may offer this customer's tickets "
                             "to that agent again.")
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)
