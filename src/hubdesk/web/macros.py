"""The console's macros page: the macros an agent may use; administrators, managers and team
leads (for their teams) add, change and remove them, with the refusal shown by the form."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import DomainError
from hubdesk.domain.macros import THEN_STATUSES, Macro, may_manage
from hubdesk.domain.rules.templates import AGENT_PLACEHOLDERS
from hubdesk.domain.tickets import Status
from hubdesk.services.application import Application
from hubdesk.web.actions import act
from hubdesk.web.field_errors import beside
from hubdesk.web.numbers import whole_number
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash

router = APIRouter(include_in_schema=False)

# The use case's field names → the ids of the form's fields.
FIELDS = {"name": "macro-name", "body": "macro-body", "team_id": "macro-team",
          "then_status": "macro-then", "add_tags": "macro-tags", "tags": "macro-tags"}


def _from_form(form: FormData) -> Macro:
    team = str(form.get("team_id") or "")
    then = str(form.get("then_status") or "")
    tags = tuple(t for t in str(form.get("add_tags") or "").replace(",", " ").split() if t)
    return Macro(None, str(form.get("name") or ""), str(form.get("body") or ""),
                 whole_number(team),
                 Status(then) if then in {s.value for s in THEN_STATUSES} else None, tags)


def _context(app: Application, agent: Agent) -> dict[str, Any]:
    teams = app.directory.teams(agent)
    managed = [t for t in teams if may_manage(agent, t.id)]
    desk_wide = may_manage(agent, None)
    return {"macros": app.macros.usable(agent), "placeholders": AGENT_PLACEHOLDERS,
            "team_names": {t.id: t.name for t in teams}, "teams": managed,
            "may_manage": desk_wide or bool(managed), "desk_wide": desk_wide}


async def _page(request: Request, agent: Agent, *, error: DomainError | None = None,
                form: FormData | None = None) -> Response:
    context = await run_in_threadpool(_context, app_of(request), agent)
    return render(request, "macros.html", error.status if error else 200, agent=agent,
                  errors=beside(error, FIELDS), form=form or {}, **context)


@router.get("/macros")
async def macros_page(request: Request, agent: AgentDep) -> Response:
    return await _page(request, agent)


@router.post("/macros")
async def add_macro(request: Request, form: FormDep, agent: AgentDep) -> Response:
    try:
        macro = _from_form(form)
        await run_in_threadpool(app_of(request).macros.create, agent, macro)
    except DomainError as error:
        return await _page(request, agent, error=error, form=form)
    flash(request, "ok", f"Macro “{macro.name}” added.")
    return RedirectResponse("/macros", status_code=303)


@router.post("/macros/{macro_id:id}/delete")
async def remove_macro(request: Request, macro_id: int, form: FormDep,
                       agent: AgentDep) -> Response:
    return await act(request, partial(app_of(request).macros.delete, agent, macro_id),
                     done="Macro removed.", to="/macros")
