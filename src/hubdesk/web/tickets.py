"""Console pages for tickets: the queues, one ticket, replying and changing it."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import (
    DomainError,
    NotFound,
    ValidationFailed,
)
from hubdesk.domain.intake import proposed_categories
from hubdesk.domain.messages import MAX_ATTACHMENTS
from hubdesk.domain.permissions import TicketAction
from hubdesk.domain.routing import Presence
from hubdesk.domain.tickets import ALLOWED_TRANSITIONS, Priority, Status
from hubdesk.domain.triage import Verdict
from hubdesk.services.application import Application
from hubdesk.services.routing_view import PickerEntry
from hubdesk.services.tickets import TicketChanges
from hubdesk.web.attachments import uploaded
from hubdesk.web.field_errors import beside
from hubdesk.web.history import Names, describe
from hubdesk.web.numbers import required_number, whole_number
from hubdesk.web.queue import next_ticket_url, queue_url
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash, safe_next

router = APIRouter(include_in_schema=False)

MAX_CATEGORY_LENGTH = 120
MAX_TAGS_TYPED = 1000


def _load_ticket(app: Application, agent: Agent, ticket_id: int,
                 macro: str = "") -> dict[str, Any]:
    macro_id = whole_number(macro)
    space = app.tickets.workspace(agent, ticket_id, macro_id=macro_id)
    detail, ticket, allowed = space.detail, space.detail.ticket, space.allowed
    names = Names(
        agents={a.id: a.name for a in space.agents if a.id is not None},
        teams={t.id: t.name for t in space.teams if t.id},
        departments={d.id: d.name for d in space.departments if d.id},
        requester_id=detail.requester.id, requester_name=detail.requester.name)
    choices = sorted((a for a in space.agents if a.id != agent.id
                      and (a.active or a.id == ticket.assignee_id)), key=lambda a: a.name)
    routing = space.routing
    labels: dict[int, str] = {}
    if routing is not None and routing.picker:
        # Eligible agents best first, then the others with why; people without a routing
        # profile keep their alphabetical place at the end.
        rank = {entry.agent_id: index for index, entry in enumerate(routing.picker)}
        choices.sort(key=lambda a: rank.get(a.id or 0, len(rank)))
        labels = {entry.agent_id: picker_label(entry) for entry in routing.picker}
    return {
        "routing": routing, "assignee_labels": labels,
        "macros": space.macros, "filled": space.filled, "customer": space.customer,
        "satisfaction": space.satisfaction,
        "max_attachments": MAX_ATTACHMENTS,
        "detail": detail, "ticket": ticket, "names": names,
        "history": describe(space.history, names),
        "assignees": [agent, *choices],
        "next_statuses": [ticket.status, *sorted(ALLOWED_TRANSITIONS[ticket.status],
                                                 key=list(Status).index)],
        "priorities": list(Priority),
        "teams": sorted(space.teams, key=lambda t: t.name),
        "departments": sorted(space.departments, key=lambda d: d.name),
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
        # handing off and moving between tiers are part of working the ticket
        "may_hand_off": TicketAction.EDIT in allowed,
    }


def picker_label(entry: PickerEntry) -> str:
    languages = ", ".join(entry.languages) or "no languages"
    where = f"{entry.load}/{entry.capacity} units, {entry.presence.replace('_', ' ')}"
    if entry.eligible:
        return f"{where}, fit {entry.skill_fit:.2f}, {languages}"
    return f"not eligible: {entry.reason}; {where}, {languages}"


# Each form of the ticket page: the use case's field names → the ids of its fields.
FORM_FIELDS: dict[str, dict[str, str]] = {
    "reply": {"body": "body", "attachments": "reply-files"},
    "update": {"status": "status", "priority": "priority", "category": "category",
               "tags": "tags", "assignee": "assignee", "assignee_id": "assignee",
               "team": "team", "team_id": "team", "department": "department",
               "department_id": "department"},
    "merge_into": {"target": "merge-target"},
    "escalate": {"reason": "escalate-reason"},
    "block": {"reason": "block-reason"},
}


async def _ticket_page(request: Request, agent: Agent, ticket_id: int, *,
                       error: DomainError | None = None, draft: str = "",
                       draft_public: bool = True, macro: str = "",
                       failed: str = "") -> Response:
    try:
        context = await run_in_threadpool(_load_ticket, app_of(request), agent, ticket_id,
                                          macro)
    except NotFound as missing:
        return render(request, "error.html", 404, agent=agent, title="Not found",
                      detail=f"{missing}. It may have been removed, or it belongs to a queue "
                             "you do not work on.")
    status = error.status if error else 200
    filled = context["filled"]
    if filled is not None and not draft:
        draft, draft_public = filled.text, True
    return render(request, "ticket.html", status, agent=agent, error=error and str(error),
                  errors=beside(error, FORM_FIELDS.get(failed, {})), live="ticket",
                  live_ticket=ticket_id,
                  draft=draft, draft_public=draft_public, queue_url=queue_url(request),
                  **context)


@router.get("/tickets/{ticket_id:id}")
async def ticket_page(request: Request, ticket_id: int, agent: AgentDep) -> Response:
    return await _ticket_page(request, agent, ticket_id,
                              macro=request.query_params.get("macro", ""))


def _back_to(ticket_id: int) -> Response:
    return RedirectResponse(f"/tickets/{ticket_id}", status_code=303)


@router.post("/tickets/{ticket_id:id}/reply")
async def reply(request: Request, ticket_id: int, form: FormDep, agent: AgentDep) -> Response:
    body = str(form.get("body") or "")
    public = form.get("visibility", "public") != "internal"
    then = str(form.get("then") or "")
    status = {"pending": Status.PENDING, "solved": Status.SOLVED}.get(then)
    macro = str(form.get("macro_id") or "")
    seen = str(form.get("seen_up_to") or "")
    files = await uploaded(form)
    try:
        sent = await run_in_threadpool(partial(
            app_of(request).tickets.send_reply, agent, ticket_id, body, public=public,
            attachments=files, then_status=status,
            seen_up_to=whole_number(seen)))
    except DomainError as error:
        # The page shown again has the newest messages: sending again sends as written
        # (a browser cannot be handed files back: they are chosen again).
        if files:
            flash(request, "error", "Nothing was sent: choose the files again.")
        return await _ticket_page(request, agent, ticket_id, error=error, draft=body,
                                  draft_public=public, macro=macro, failed="reply")
    done = sent.said
    flash(request, "ok", f"{done}; the ticket is {status.value} now." if status else f"{done}.")
    if public and (macro_id := whole_number(macro)) is not None:  # its tags, once sent
        try:
            await run_in_threadpool(app_of(request).macros.sent, agent, ticket_id, macro_id)
        except DomainError as error:
            flash(request, "error", f"The macro's tags were not added: {error}")
    if form.get("next") == "yes":
        return await _to_next(request, agent, ticket_id)
    return _back_to(ticket_id)


async def _to_next(request: Request, agent: Agent, ticket_id: int) -> Response:
    found = await run_in_threadpool(next_ticket_url, request, app_of(request), agent,
                                    ticket_id)
    if found is None:
        flash(request, "ok", "That was the last ticket in this view.")
        return RedirectResponse(queue_url(request), status_code=303)
    return RedirectResponse(found, status_code=303)


@router.get("/tickets/{ticket_id:id}/next")
async def next_ticket(request: Request, ticket_id: int, agent: AgentDep) -> Response:
    """The ticket after this one in the queue the agent came from."""
    return await _to_next(request, agent, ticket_id)


def _tag_list(text: str) -> tuple[str, ...]:
    """Tags as typed, separated by commas or spaces (their spelling is the use case's to
    check)."""
    return tuple(tag for tag in re.split(r"[,\s]+", text[:MAX_TAGS_TYPED]) if tag)


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
    if "tags" in form:
        tags = _tag_list(str(form.get("tags") or ""))
        if tags != _tag_list(str(form.get("was_tags") or "")):
            values["tags"] = tags
            fields.add("tags")
    for name, field in (("assignee", "assignee_id"), ("team", "team_id"),
                        ("department", "department_id")):
        new, old = str(form.get(name) or ""), str(form.get(f"was_{name}") or "")
        if new != old and name in form:
            chosen = whole_number(new)
            if new and chosen is None:
                raise ValidationFailed(f"choose the {name} from the list", {name: "unknown"})
            values[field] = chosen
            fields.add(field)
    return TicketChanges(fields_set=frozenset(fields), **values)


@router.post("/tickets/{ticket_id:id}/merge")
async def merge(request: Request, ticket_id: int, form: FormDep, agent: AgentDep) -> Response:
    """Fold a suggested duplicate into this ticket."""
    source = str(form.get("source_id") or "")

    def fold_in() -> str:
        source_id = whole_number(source)
        if source_id is None:
            raise ValidationFailed("choose the ticket to merge in", {"source_id": "invalid"})
        app_of(request).tickets.merge(agent, source_id, ticket_id)
        return f"Ticket #{source} was merged into this one."

    return await _act(request, agent, ticket_id, fold_in)


def _ticket_number(value: object, field: str) -> int:
    return required_number(str(value or "").strip().lstrip("#"), field,
                           "type the number of the ticket to merge into")


@router.post("/tickets/{ticket_id:id}/merge-into")
async def merge_into(request: Request, ticket_id: int, form: FormDep,
                     agent: AgentDep) -> Response:
    """Merge this ticket into another, by number: first a page showing both to confirm,
    then (``confirmed=yes``) the merge."""
    app = app_of(request)
    try:
        target_id = _ticket_number(form.get("target"), "target")
        if target_id == ticket_id:
            raise ValidationFailed("a ticket cannot be merged into itself",
                                   {"target": "same ticket"})
        if form.get("confirmed") != "yes":
            source, target = await run_in_threadpool(
                lambda: (app.tickets.get(agent, ticket_id), app.tickets.get(agent, target_id)))
            return render(request, "merge_confirm.html", agent=agent, source=source,
                          target=target)
        await run_in_threadpool(app.tickets.merge, agent, ticket_id, target_id)
    except DomainError as error:
        return await _ticket_page(request, agent, ticket_id, error=error, failed="merge_into")
    flash(request, "ok", f"Ticket #{ticket_id} was merged into this one.")
    return _back_to(target_id)


@router.post("/tickets/{ticket_id:id}/update")
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

    if form.get("next") == "yes":
        try:
            await run_in_threadpool(change)
        except DomainError as error:
            return await _ticket_page(request, agent, ticket_id, error=error, failed="update")
        flash(request, "ok", f"Ticket #{ticket_id} saved.")
        return await _to_next(request, agent, ticket_id)
    return await _act(request, agent, ticket_id, change, failed="update",
                      destination=lambda: "/tickets" if gone else f"/tickets/{ticket_id}")


@router.post("/tickets/{ticket_id:id}/messages/{message_id:id}/feedback")
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


@router.post("/tickets/{ticket_id:id}/escalate")
async def escalate(request: Request, ticket_id: int, form: FormDep, agent: AgentDep) -> Response:
    app = app_of(request)

    def raise_it() -> str:
        app.safety.escalate(agent, ticket_id, str(form.get("reason") or ""))
        return "Escalated to security: the ticket is urgent and with security now."

    return await _act(request, agent, ticket_id, raise_it, failed="escalate")


@router.post("/tickets/{ticket_id:id}/block")
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

    return await _act(request, agent, ticket_id, decide, failed="block")


async def _act(request: Request, agent: Agent, ticket_id: int, work: Callable[[], str], *,
               destination: Callable[[], str] | None = None, failed: str = "") -> Response:
    """Run a change from the ticket page: back to the ticket (or ``destination``) with what
    ``work`` says it did, or the page again with the reason it was refused (beside the
    fields it names of the form ``failed``)."""
    try:
        done = await run_in_threadpool(work)
    except DomainError as error:
        return await _ticket_page(request, agent, ticket_id, error=error, failed=failed)
    flash(request, "ok", done)
    if destination is not None:
        return RedirectResponse(destination(), status_code=303)
    return _back_to(ticket_id)


@router.post("/presence")
async def set_presence(request: Request, form: FormDep, agent: AgentDep) -> Response:
    """The signed-in agent's own presence (online, away, on a break, offline), set from the
    header of any console page."""
    assert agent.id is not None
    try:
        presence = Presence(str(form.get("presence") or ""))
        await run_in_threadpool(partial(app_of(request).routing.set_presence, agent, agent.id,
                                        presence))
        flash(request, "ok", f"You are {presence.value.replace('_', ' ')} now.")
    except ValueError:
        flash(request, "error", "Choose online, away, on a break or offline.")
    except DomainError as error:
        flash(request, "error", str(error))
    # back to the page the header's form was on
    return RedirectResponse(safe_next(form.get("back")), status_code=303)
