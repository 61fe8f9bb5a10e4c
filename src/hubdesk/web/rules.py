"""Console pages for automation rules (administrators and managers): the rules in the order
they run, and a dry run that shows which would fire for a ticket and why."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import DomainError
from hubdesk.domain.permissions import RULE_ADMIN_ROLES
from hubdesk.services.application import Application
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, app_of

router = APIRouter(include_in_schema=False)


def _load(app: Application, agent: Agent, ticket_id: int | None) -> dict[str, Any]:
    rules = app.rules.list(agent)
    verdicts = app.rules.dry_run(agent, ticket_id) if ticket_id is not None else None
    return {"rules": rules, "verdicts": verdicts, "ticket_id": ticket_id}


@router.get("/rules")
async def rules_page(request: Request, agent: AgentDep) -> Response:
    if agent.role not in RULE_ADMIN_ROLES:
        return render(request, "error.html", 403, agent=agent, title="Forbidden",
                      detail="Automation rules are managed by administrators and managers.")
    raw = request.query_params.get("ticket", "").strip().lstrip("#")
    ticket_id = int(raw) if raw.isdigit() and len(raw) < 16 else None
    try:
        context = await run_in_threadpool(_load, app_of(request), agent, ticket_id)
    except DomainError as error:
        context = await run_in_threadpool(_load, app_of(request), agent, None)
        return render(request, "rules.html", error.status, agent=agent, error=str(error),
                      asked=raw, **context)
    return render(request, "rules.html", agent=agent, error=None, asked=raw, **context)
