"""Console pages for tickets: the queues, one ticket, replying and changing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, QueryParams
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import (
    DomainError,
    NotFound,
    ValidationFailed,
)
from hubdesk.domain.intake import proposed_categories
from hubdesk.domain.permissions import TicketAction
from hubdesk.domain.tickets import ALLOWED_TRANSITIONS, UNRESOLVED, Priority, Status
from hubdesk.domain.triage import Verdict
from hubdesk.services.application import Application
from hubdesk.services.tickets import TicketChanges
from hubdesk.services.views import Page, TicketFilter
from hubdesk.web.history import Names, describe
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
MAX_QUERY_LENGTH = 200
MAX_CATEGORY_LENGTH = 120
VIEWS = {"mine": "Mine", "unassigned": "Unassigned", "team": "Team", "all": "All"}
STATUS_CHOICES = {"active": "Open work", **{s.value: s.value.replace("_", " ").capitalize()
                                           for s in Status}, "any": "Any status"}


@dataclass(frozen=True)
class ListRequest:
    view: str
    status: str
    team_id: int | None
    query: str
    cursor: str | None

    @classmethod
    def parse(cls, params: QueryParams) -> ListRequest:
        view = params.get("view", "mine")
        status = params.get("status", "active")
        team = params.get("team", "")
        return cls(view=view if view in VIEWS else "mine",
                   status=status if status in STATUS_CHOICES else "active",
                   team_id=int(team) if team.isdigit() and len(team) < 12 else None,
                   query=params.get("q", "").strip()[:MAX_QUERY_LENGTH],
                   cursor=params.get("cursor") or None)

    def url(self, **overrides: Any) -> str:
        values = {"view": self.view, "status": self.status, "team": self.team_id,
                  "q": self.query, **overrides}
        return "/tickets?" + urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _statuses(choice: str) -> tuple[Status, ...]:
    if choice == "active":
        return UNRESOLVED
    return () if choice == "any" else (Status(choice),)


def _load_list(app: Application, agent: Agent, wanted: ListRequest) -> dict[str, Any]:
    all_teams = {t.id: t.name for t in app.directory.teams(agent) if t.id}
    own = sorted(agent.team_ids) or (sorted(all_teams) if agent.oversees_everything else [])
    teams = [(i, all_teams.get(i, f"Team {i}")) for i in own]
    team_id = wanted.team_id if wanted.team_id in own else (own[0] if own else None)
    filters = TicketFilter(
        status=_statuses(wanted.status), query=wanted.query or None,
        assignee_id=agent.id if wanted.view == "mine" else None,
        unassigned=wanted.view == "unassigned",
        team_id=team_id if wanted.view == "team" else None)
    page, error = Page([], None), None
    if wanted.view == "team" and team_id is None:
        error = "You are not in a team yet; ask a manager to add you to one."
    else:
        try:
            page = app.tickets.page(agent, filters, limit=PAGE_SIZE, cursor=wanted.cursor)
        except ValidationFailed as failure:
            error = f"{failure}. Start again from the first page."
    wanted = ListRequest(wanted.view, wanted.status, team_id if wanted.view == "team" else None,
                         wanted.query, wanted.cursor)
    return {"page": page, "error": error, "teams": teams, "wanted": wanted}


@router.get("/tickets")
async def ticket_list(request: Request, agent: AgentDep) -> Response:
    wanted = ListRequest.parse(request.query_params)
    context = await run_in_threadpool(_load_list, app_of(request), agent, wanted)
    return render(request, "tickets.html", agent=agent, views=VIEWS,
                  statuses=STATUS_CHOICES, **context)


def _load_ticket(app: Application, agent: Agent, ticket_id: int) -> dict[str, Any]:
    space = app.tickets.workspace(agent, ticket_id)
    detail, ticket, allowed = space.detail, space.detail.ticket, space.allowed
    names = Names(
        agents={a.id: a.name for a in space.agents if a.id is not None},
        teams={t.id: t.name for t in space.teams if t.id},
        departments={d.id: d.name for d in space.departments if d.id},
        requester_id=detail.requester.id, requester_name=detail.requester.name)
    choices = sorted((a for a in space.agents if a.id != agent.id
                      and (a.active or a.id == ticket.assignee_id)), key=lambda a: a.name)
    return {
        "detail": detail, "ticket": ticket, "names": names,
        "history": describe(space.history, names),
        "assignees": [agent, *choices],
        "next_statuses": [ticket.status, *sorted(ALLOWED_TRANSITIONS[ticket.status],
                                                 key=list(Status).index)],
        "priorities": list(Priority),
        "duplicates": space.duplicates,
        "solved_before": space.solved_before,
        "category_choices": proposed_categories(ticket.category,
                                                (m.triage for m in detail.messages)),
        "corrections": space.corrections,
        "allowed": allowed,
        "may_reply": TicketAction.PUBLIC_REPLY in allowed,
        "may_change": bool(allowed & {TicketAction.CHANGE_STATUS, TicketAction.EDIT,
                                      TicketAction.ASSIGN}),
        "may_merge": TicketAction.MERGE in allowed,
        "may_block": TicketAction.BLOCK_SENDER in allowed,
        "may_escalate": TicketAction.ESCALATE in allowed,
    }


async def _ticket_page(request: Request, agent: Agent, ticket_id: int, *,
                       error: DomainError | None = None, draft: str = "",
                       draft_public: bool = True) -> Response:
    try:
        context = await run_in_threadpool(_load_ticket, app_of(request), agent, ticket_id)
    except NotFound as missing:
        return render(request, "error.html", 404, agent=agent, title="Not found",
                      detail=f"{missing}. It may have been removed, or it belongs to a queue "
                             "you do not work on.")
    status = error.status if error else 200
    return render(request, "ticket.html", status, agent=agent, error=error and str(error),
                  draft=draft, draft_public=draft_public, **context)


@router.get("/tickets/{ticket_id:int}")
async def ticket_page(request: Request, ticket_id: int, agent: AgentDep) -> Response:
    return await _ticket_page(request, agent, ticket_id)


def _back_to(ticket_id: int) -> Response:
    return RedirectResponse(f"/tickets/{ticket_id}", status_code=303)


@router.post("/tickets/{ticket_id:int}/reply")
async def reply(request: Request, ticket_id: int, form: FormDep, agent: AgentDep) -> Response:
    body = str(form.get("body") or "")
    public = form.get("visibility", "public") != "internal"
    try:
        await run_in_threadpool(partial(app_of(request).tickets.reply, agent, ticket_id, body,
                                        public=public))
    except DomainError as error:
        return await _ticket_page(request, agent, ticket_id, error=error, draft=body,
                                  draft_public=public)
    flash(request, "ok", "Reply sent to the customer." if public else "Internal note added.")
    return _back_to(ticket_id)


def _changes(form: FormData) -> TicketChanges:
    """Only what the person changed on the form: untouched fields are left alone."""
    fields: set[str] = set()
    values: dict[str, Any] = {}
    for name, kind in (("status", Status), ("priority", Priority)):
        new, old = str(form.get(name) or ""), str(form.get(f"was_{name}") or "")
        if new and new != old:
            try:
                values[name] = kind(new)
            except ValueError:
                raise ValidationFailed(f"{new!r} is not a known {name}", {name: "unknown"}) \
                    from None
            fields.add(name)
    if "category" in form:
        category = " ".join(str(form.get("category") or "").split())[:MAX_CATEGORY_LENGTH]
        if category != str(form.get("was_category") or ""):
            values["category"] = category or None
            fields.add("category")
    new, old = str(form.get("assignee") or ""), str(form.get("was_assignee") or "")
    if new != old and "assignee" in form:
        if new and not new.isdigit():
            raise ValidationFailed("choose the assignee from the list", {"assignee": "unknown"})
        values["assignee_id"] = int(new) if new else None
        fields.add("assignee_id")
    return TicketChanges(fields_set=frozenset(fields), **values)


@router.post("/tickets/{ticket_id:int}/merge")
async def merge(request: Request, ticket_id: int, form: FormDep, agent: AgentDep) -> Response:
    """Fold a suggested duplicate into this ticket."""
    source = str(form.get("source_id") or "")

    def fold_in() -> str:
        if not source.isdigit() or len(source) > 18:
            raise ValidationFailed("choose the ticket to merge in", {"source_id": "invalid"})
        app_of(request).tickets.merge(agent, int(source), ticket_id)
        return f"Ticket #{source} was merged into this one."

    return await _act(request, agent, ticket_id, fold_in)


@router.post("/tickets/{ticket_id:int}/update")
async def update(request: Request, ticket_id: int, form: FormDep, agent: AgentDep) -> Response:
    gone = False

    def change() -> str:
        nonlocal gone
        changes = _changes(form)
        if not changes.fields_set:
            return "Nothing was changed."
        detail = app_of(request).tickets.update(agent, ticket_id, changes)
        if TicketAction.VIEW not in detail.allowed_actions:
            gone = True  # e.g. released by a representative outside its team
            return f"Ticket #{ticket_id} updated; it is no longer in your queues."
        return "Ticket updated."

    return await _act(request, agent, ticket_id, change,
                      destination=lambda: "/tickets" if gone else f"/tickets/{ticket_id}")


@router.post("/tickets/{ticket_id:int}/messages/{message_id:int}/feedback")
async def correct_triage(request: Request, ticket_id: int, message_id: int, form: FormDep,
                         agent: AgentDep) -> Response:
    """An agent says how a customer's message should have been read."""
    def correct() -> str:
        try:
            verdict = Verdict(str(form.get("verdict") or ""))
        except ValueError:
            raise ValidationFailed("choose what to correct", {"verdict": "unknown"}) from None
        app_of(request).triage.correct(agent, ticket_id, message_id, verdict,
                                       form.get("value") == "yes")
        return "Thanks: triage learns from this correction."

    return await _act(request, agent, ticket_id, correct)


@router.post("/tickets/{ticket_id:int}/escalate")
async def escalate(request: Request, ticket_id: int, form: FormDep, agent: AgentDep) -> Response:
    app = app_of(request)

    def raise_it() -> str:
        app.safety.escalate(agent, ticket_id, str(form.get("reason") or ""))
        return "Escalated to security: the ticket is urgent and with security now."

    return await _act(request, agent, ticket_id, raise_it)


@router.post("/tickets/{ticket_id:int}/block")
async def block(request: Request, ticket_id: int, form: FormDep, agent: AgentDep) -> Response:
    """Block (or, with action=unblock, unblock) the ticket's requester."""
    app = app_of(request)

    def decide() -> str:
        if form.get("action") == "unblock":
            sender = app.safety.unblock_requester(agent, ticket_id)
            return f"{sender.name} is no longer blocked."
        sender = app.safety.block_requester(agent, ticket_id, str(form.get("reason") or ""))
        return f"{sender.name} is blocked: their new messages are kept but no longer reach " \
               "the queues."

    return await _act(request, agent, ticket_id, decide)


async def _act(request: Request, agent: Agent, ticket_id: int, work: Callable[[], str], *,
               destination: Callable[[], str] | None = None) -> Response:
    """Run a change from the ticket page: back to the ticket (or ``destination``) with what
    ``work`` says it did, or the page again with the reason it was refused."""
    try:
        done = await run_in_threadpool(work)
    except DomainError as error:
        return await _ticket_page(request, agent, ticket_id, error=error)
    flash(request, "ok", done)
    if destination is not None:
        return RedirectResponse(destination(), status_code=303)
    return _back_to(ticket_id)
