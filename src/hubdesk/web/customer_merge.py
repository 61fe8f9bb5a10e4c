"""Merging two customer records of one person from the customer page: find the other record,
see what will move, confirm."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.errors import DomainError
from hubdesk.services.customer_merge import CustomerMerge
from hubdesk.web.actions import act
from hubdesk.web.numbers import whole_number
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash

router = APIRouter(include_in_schema=False)

CANDIDATES = 10
MAX_SEARCH = 200


@router.get("/customers/{customer_id:id}/merge")
async def merge_page(request: Request, customer_id: int, agent: AgentDep) -> Response:
    """With ``source_id``: what merging that record into this one would do. With ``q`` (a
    name, an address, a phone number or a customer number): the records it finds."""
    app = app_of(request)
    source = request.query_params.get("source_id", "")
    query = request.query_params.get("q", "").strip()[:MAX_SEARCH]
    try:
        kept = await run_in_threadpool(app.directory.customer, agent, customer_id)
        if (source_id := whole_number(source)) is not None:
            preview = await run_in_threadpool(app.directory.preview_customer_merge, agent,
                                              customer_id, source_id)
            return render(request, "customer_merge.html", agent=agent, kept=kept,
                          preview=preview, query=query, candidates=[], more=False,
                          problem=None)
        candidates = []
        if query:
            number = query.removeprefix("#")
            if (wanted := whole_number(number)) is not None:
                candidates = [await run_in_threadpool(app.directory.customer, agent,
                                                      wanted)]
            else:
                candidates = await run_in_threadpool(partial(
                    app.directory.customers, agent, query, CANDIDATES + 1))
        candidates = [c for c in candidates if c.id != customer_id]
    except DomainError as error:
        return render(request, "customer_merge.html", error.status, agent=agent,
                      kept=None, preview=None, query=query, candidates=[], more=False,
                      problem=f"{error}.")
    return render(request, "customer_merge.html", agent=agent, kept=kept, preview=None,
                  query=query, candidates=candidates[:CANDIDATES],
                  more=len(candidates) > CANDIDATES, problem=None)


@router.post("/customers/{customer_id:id}/merge")
async def merge(request: Request, customer_id: int, form: FormDep,
                agent: AgentDep) -> Response:
    source_id = whole_number(form.get("source_id"))
    if source_id is None:
        flash(request, "error", "Choose the record to merge into this one.")
        return RedirectResponse(f"/customers/{customer_id}/merge", status_code=303)

    def said(merged: CustomerMerge) -> str:
        moved = len(merged.tickets_moved)
        return (f"Customer #{merged.absorbed_id} merged into this one: "
                f"{moved} ticket{'' if moved == 1 else 's'} moved.")

    return await act(request, partial(app_of(request).directory.merge_customers, agent,
                                      customer_id, source_id),
                     done=said, to=f"/customers/{customer_id}", failed="Nothing was merged: ",
                     back=f"/customers/{customer_id}/merge?source_id={source_id}")
