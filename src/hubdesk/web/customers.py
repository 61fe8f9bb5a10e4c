"""The customer page: identities, tier, organisation, notes and every ticket of theirs."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.errors import DomainError, NotFound
from hubdesk.services.directory import CustomerInput
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash

router = APIRouter(include_in_schema=False)

MAX_NOTES = 10_000


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
                  organisation=screen.organisation, page=screen.tickets)


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
