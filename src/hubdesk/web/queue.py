"""The queue page: filters and orders in the URL, saved views, risk flags, bulk changes.

The filters live in the query string, so a queue can be shared, bookmarked and reached with
the back button; a saved view is that query string under a name. The last queue shown is
remembered in the session so the ticket page can offer "next ticket" in the same order."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import DomainError, ValidationFailed
from hubdesk.domain.tickets import UNRESOLVED, Channel, Priority, Status
from hubdesk.services.application import Application
from hubdesk.services.queue import BulkAction
from hubdesk.services.views import Page, TicketFilter, TicketOrder
from hubdesk.web.numbers import whole_number
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
MAX_QUERY_LENGTH = 200
MAX_TAG_LENGTH = 50
MAX_AGE_DAYS = 3650
VIEWS = {"mine": "Mine", "unassigned": "Unassigned", "team": "Team", "all": "All"}
STATUS_CHOICES = {"active": "Open work", **{s.value: s.value.replace("_", " ").capitalize()
                                           for s in Status}, "any": "Any status"}
ORDERS = {TicketOrder.DUE: "Due first", TicketOrder.UPDATED: "Last updated",
          TicketOrder.CREATED: "Oldest first", TicketOrder.PRIORITY: "Most urgent first"}


def default_order(view: str) -> str:
    """An agent's own work comes by what is due first; a shared list by what changed last."""
    return TicketOrder.DUE.value if view == "mine" else TicketOrder.UPDATED.value
QUEUE_MEMORY = "queue"


def _choice(value: str, choices: Any) -> str:
    return value if value in {str(getattr(c, "value", c)) for c in choices} else ""


@dataclass(frozen=True)
class ListRequest:
    view: str
    status: str
    team_id: int | None
    query: str
    cursor: str | None
    priority: str = ""
    assignee: str = ""  # "", "me", "none" or an agent id
    department_id: int | None = None
    tag: str = ""
    channel: str = ""
    older_days: int | None = None
    sort: str = TicketOrder.UPDATED.value

    @classmethod
    def parse(cls, params: QueryParams) -> ListRequest:
        view = params.get("view", "mine")
        status = params.get("status", "active")
        assignee = params.get("assignee", "")
        older = whole_number(params.get("older", ""))
        return cls(view=view if view in VIEWS else "mine",
                   status=status if status in STATUS_CHOICES else "active",
                   team_id=whole_number(params.get("team", "")),
                   query=params.get("q", "").strip()[:MAX_QUERY_LENGTH],
                   cursor=params.get("cursor") or None,
                   priority=_choice(params.get("priority", ""), Priority),
                   assignee=assignee if assignee in ("me", "none") or whole_number(assignee)
                   else "",
                   department_id=whole_number(params.get("department", "")),
                   tag=params.get("tag", "").strip().lower()[:MAX_TAG_LENGTH],
                   channel=_choice(params.get("channel", ""), Channel),
                   older_days=older if older and older <= MAX_AGE_DAYS else None,
                   sort=_choice(params.get("sort", ""), TicketOrder)
                   or default_order(view if view in VIEWS else "mine"))

    def values(self, **overrides: Any) -> dict[str, Any]:
        values = {"view": self.view, "status": self.status, "priority": self.priority,
                  "team": self.team_id, "assignee": self.assignee,
                  "department": self.department_id, "tag": self.tag, "channel": self.channel,
                  "older": self.older_days, "q": self.query,
                  "sort": self.sort if self.sort != default_order(self.view) else None,
                  **overrides}
        return {k: v for k, v in values.items() if v not in (None, "")}

    def query_string(self, **overrides: Any) -> str:
        return urlencode(self.values(**overrides))

    def url(self, **overrides: Any) -> str:
        return "/tickets?" + self.query_string(**overrides)

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the tab and status narrows the list."""
        return bool(self.priority or self.assignee or self.department_id or self.tag
                    or self.channel or self.older_days or self.query
                    or (self.team_id and self.view != "team"))

    def filters(self, agent: Agent, team_id: int | None, now: datetime) -> TicketFilter:
        assignee_id, unassigned = None, self.view == "unassigned"
        if self.view == "mine" or self.assignee == "me":
            assignee_id = agent.id
        elif self.assignee == "none":
            unassigned = True
        elif self.assignee:
            assignee_id = int(self.assignee)
        return TicketFilter(
            status=_statuses(self.status),
            priority=(Priority(self.priority),) if self.priority else (),
            query=self.query or None, assignee_id=assignee_id, unassigned=unassigned,
            team_id=team_id, department_id=self.department_id,
            channel=Channel(self.channel) if self.channel else None, tag=self.tag or None,
            created_before=(now - timedelta(days=self.older_days)
                            if self.older_days else None),
            order=self.order)

    @property
    def order(self) -> TicketOrder:
        """An age filter lists oldest first: that order walks the (created_at, id) index
        from the oldest ticket, where another would scan past every newer one."""
        return TicketOrder.CREATED if self.older_days else TicketOrder(self.sort)


def _statuses(choice: str) -> tuple[Status, ...]:
    if choice == "active":
        return UNRESOLVED
    return () if choice == "any" else (Status(choice),)


def _load_list(app: Application, agent: Agent, wanted: ListRequest) -> dict[str, Any]:
    own = sorted(agent.team_ids)
    team_id = wanted.team_id
    # The team tab shows one's own team; overseers may pick any.
    if wanted.view == "team" and not agent.oversees_everything and team_id not in own:
        team_id = own[0] if own else None
    screen, error = None, None
    if wanted.view == "team" and team_id is None and not agent.oversees_everything:
        error = "You are not in a team yet; ask a manager to add you to one."
    else:
        try:
            screen = app.tickets.queue(agent, wanted.filters(agent, team_id, datetime.now(UTC)),
                                       limit=PAGE_SIZE, cursor=wanted.cursor)
        except ValidationFailed as failure:
            error = f"{failure}. Start again from the first page."
    if screen is None:
        # Still offer the filters and views: one more read, only on this rare path.
        screen = app.tickets.queue(agent, None)
    all_teams = [(t.id, t.name) for t in screen.teams if t.id]
    tabs = [(i, n) for i, n in all_teams if i in own] or \
        (all_teams if agent.oversees_everything else [])
    wanted = replace(wanted, team_id=team_id)
    return {"page": screen.page, "error": error, "teams": tabs, "all_teams": all_teams,
            "departments": [(d.id, d.name) for d in screen.departments if d.id],
            "agents": sorted((a for a in screen.agents if a.active), key=lambda a: a.name),
            "saved_views": screen.saved_views, "deadlines": screen.deadlines,
            "wanted": wanted}


@router.get("/tickets")
async def ticket_list(request: Request, agent: AgentDep) -> Response:
    wanted = ListRequest.parse(request.query_params)
    context = await run_in_threadpool(_load_list, app_of(request), agent, wanted)
    page: Page = context["page"]
    request.session[QUEUE_MEMORY] = {"q": wanted.query_string(cursor=wanted.cursor),
                                     "ids": [r.id for r in page.rows],
                                     "more": page.next_cursor}
    return render(request, "tickets.html", agent=agent, live="refresh", views=VIEWS,
                  statuses=STATUS_CHOICES, orders=ORDERS, priorities=list(Priority),
                  channels=list(Channel),
                  bulk_statuses=[s for s in Status if s is not Status.NEW],
                  here=request.url.query, **context)


def next_ticket_url(request: Request, app: Application, agent: Agent,
                    ticket_id: int) -> str | None:
    """The ticket after ``ticket_id`` in the last queue the agent looked at (blocking I/O
    only when the ticket was the last of its page)."""
    memory = request.session.get(QUEUE_MEMORY) or {}
    ids = [i for i in memory.get("ids", []) if isinstance(i, int)]
    following = ids[ids.index(ticket_id) + 1:] if ticket_id in ids else ids
    following = [i for i in following if i != ticket_id]
    if following:
        return f"/tickets/{following[0]}"
    if memory.get("more"):
        wanted = ListRequest.parse(QueryParams(str(memory.get("q", ""))))
        wanted = replace(wanted, cursor=str(memory["more"]))
        try:
            page = app.tickets.page(agent, wanted.filters(agent, wanted.team_id,
                                                          datetime.now(UTC)),
                                    limit=2, cursor=wanted.cursor)
        except DomainError:
            return None
        rows = [r.id for r in page.rows if r.id != ticket_id]
        if rows:
            request.session[QUEUE_MEMORY] = {**memory, "ids": rows[:1],
                                             "more": page.cursors[0] if page.cursors else None}
            return f"/tickets/{rows[0]}"
    return None


def queue_url(request: Request) -> str:
    memory = request.session.get(QUEUE_MEMORY) or {}
    query = str(memory.get("q") or "")
    return "/tickets" + (f"?{query}" if query else "")


# Pages whose rows change tickets through the bulk form and want the agent back on them.
BULK_RETURNS = ("/at-risk", "/control")


def _back(form_value: object, return_to: object = None) -> str:
    if return_to in BULK_RETURNS:
        return str(return_to)
    query = str(form_value or "").lstrip("?")
    return "/tickets" + (f"?{query}" if query and len(query) < 2000 else "")


@router.post("/tickets/views")
async def save_view(request: Request, form: FormDep, agent: AgentDep) -> Response:
    query = str(form.get("query") or "")
    try:
        view = await run_in_threadpool(partial(app_of(request).tickets.save_view, agent,
                                               str(form.get("name") or ""), query))
    except DomainError as error:
        flash(request, "error", f"The view was not saved: {error}.")
        return RedirectResponse(_back(query), status_code=303)
    flash(request, "ok", f"Saved the view “{view.name}”.")
    return RedirectResponse(_back(view.query), status_code=303)


@router.post("/tickets/views/{view_id:id}/delete")
async def delete_view(request: Request, view_id: int, form: FormDep,
                      agent: AgentDep) -> Response:
    try:
        await run_in_threadpool(app_of(request).tickets.delete_view, agent, view_id)
    except DomainError as error:
        flash(request, "error", f"{error}.")
    else:
        flash(request, "ok", "The saved view was removed.")
    return RedirectResponse(_back(form.get("back")), status_code=303)


def _listed(items: list[str], shown: int, separator: str = ", ") -> str:
    """The first few items and how many more: flashes travel in the session cookie."""
    more = len(items) - shown
    return separator.join(items[:shown]) + (f" and {more} more" if more > 0 else "")


@router.post("/tickets/bulk")
async def bulk(request: Request, form: FormDep, agent: AgentDep) -> Response:
    """Change every selected ticket; each goes through its own use case and check."""
    ids = [n for n in map(whole_number, form.getlist("ticket")) if n is not None]
    try:
        action = BulkAction(str(form.get("action") or ""))
    except ValueError:
        flash(request, "error", "Choose what to do with the selected tickets.")
        return RedirectResponse(_back(form.get("back"), form.get("return_to")), status_code=303)
    value = str(form.get(f"{action.value}_value") or "")
    if action is BulkAction.ASSIGN and value == "me":
        value = str(agent.id)
    try:
        outcome = await run_in_threadpool(partial(app_of(request).tickets.bulk, agent, ids,
                                                  action, value))
    except DomainError as error:
        flash(request, "error", f"Nothing was changed: {error}.")
        return RedirectResponse(_back(form.get("back"), form.get("return_to")), status_code=303)
    if outcome.changed:
        count = len(outcome.changed)
        flash(request, "ok", f"{count} ticket{'s' if count != 1 else ''} changed: "
                             + _listed([f"#{i}" for i in outcome.changed], 20) + ".")
    if outcome.failed:
        flash(request, "error", "Not changed: " + _listed(
            [f"#{i}: {why}" for i, why in outcome.failed], 5, "; ") + ".")
    return RedirectResponse(_back(form.get("back"), form.get("return_to")), status_code=303)
