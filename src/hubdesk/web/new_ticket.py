"""A ticket opened from the console: a phone call, a walk-in, an e-mail forwarded by hand.

The customer is a known one picked by searching their name, e-mail or phone (typeahead with
htmx, a plain search without it), or a new one given by e-mail or, for a caller or visitor
without one, by phone number and name."""

from __future__ import annotations

import secrets
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import DomainError, PermissionDenied, ValidationFailed
from hubdesk.domain.permissions import check_may_open_ticket
from hubdesk.domain.tickets import Channel, Priority
from hubdesk.services.application import Application
from hubdesk.services.tickets import NewTicket
from hubdesk.web.field_errors import beside
from hubdesk.web.numbers import whole_number
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash

router = APIRouter(include_in_schema=False)

# How the customer reached us → (channel, tag that tells the cases of a channel apart).
CONTACTS: dict[str, tuple[str, Channel, str | None]] = {
    "phone": ("Phone call", Channel.PHONE, None),
    "walk_in": ("Walk-in", Channel.WEB, "walk-in"),
    "email": ("E-mail forwarded by hand", Channel.EMAIL, "forwarded"),
    "chat": ("Chat", Channel.CHAT, None),
}
MAX_FIELD = 500
# The use cases' field names → the ids of the form's fields.
FIELDS = {"contact": "nt-contact", "email": "nt-email", "requester": "nt-email",
          "requester.email": "nt-email", "requester.id": "nt-email", "phone": "nt-phone",
          "name": "nt-name", "requester.name": "nt-name",
          "subject": "nt-subject", "body": "nt-body", "priority": "nt-priority",
          "team": "nt-team", "team_id": "nt-team"}


MAX_QUERY = 100


def _form_context(app: Application, agent: Agent, customer_id: int | None,
                  query: str) -> dict[str, Any]:
    choices = app.directory.new_ticket_choices(agent, customer_id, query)
    return {"teams": choices.teams, "known": choices.customer, "matches": choices.matches}


async def _form(request: Request, agent: Agent, values: dict[str, str], *,
                error: DomainError | None = None, template: str = "new_ticket.html"
                ) -> Response:
    customer = values.get("customer_id", "")
    try:
        context = await run_in_threadpool(
            _form_context, app_of(request), agent,
            whole_number(customer),
            values.get("q", "")[:MAX_QUERY])
    except DomainError as failure:
        context, error = {"teams": [], "known": None, "matches": []}, error or failure
    return render(request, template, error.status if error else 200, agent=agent,
                  values=values, errors=beside(error, FIELDS),
                  contacts=CONTACTS, priorities=list(Priority),
                  form_key=values.get("form_key") or secrets.token_urlsafe(16), **context)


@router.get("/tickets/new")
async def new_ticket_form(request: Request, agent: AgentDep) -> Response:
    try:
        check_may_open_ticket(agent)  # the form would only end in the same refusal
    except PermissionDenied as refused:
        return render(request, "error.html", 403, agent=agent, title="Not for your role",
                      detail=f"{str(refused).capitalize()}.")
    return await _form(request, agent, _asked(request))


def _asked(request: Request) -> dict[str, str]:
    contact = request.query_params.get("contact", "")
    return {"customer_id": request.query_params.get("customer", ""),
            "contact": contact if contact in CONTACTS else "phone",
            "q": request.query_params.get("q", "").strip()[:MAX_QUERY]}


@router.get("/tickets/new/customers")
async def customer_matches(request: Request, agent: AgentDep) -> Response:
    """The known customers matching a search, as the list the form shows (for typeahead)."""
    return await _form(request, agent, _asked(request), template="_customer_matches.html")


def _new_ticket(form: FormData) -> NewTicket:
    def text(name: str) -> str:
        return str(form.get(name) or "").strip()[:MAX_FIELD]

    contact = CONTACTS.get(text("contact"))
    if contact is None:
        raise ValidationFailed("say how the customer reached us", {"contact": "required"})
    _, channel, tag = contact
    customer_id = text("customer_id")
    priority = text("priority")
    team = text("team")
    email, phone = text("email"), text("phone")
    if not customer_id and not email and not phone:
        raise ValidationFailed("give the customer's e-mail address or phone number (a known "
                               "customer is found by either), or find them by the search",
                               {"email": "required", "phone": "required"})
    requester_id, team_id = whole_number(customer_id), whole_number(team)
    if customer_id and requester_id is None:
        raise ValidationFailed("find the customer again by the search",
                               {"requester.id": "unknown"})
    if team and team_id is None:
        raise ValidationFailed("choose the team from the list", {"team_id": "unknown"})
    try:
        return NewTicket(
            subject=text("subject"), body=str(form.get("body") or "").strip(),
            requester_id=requester_id,
            requester_email=None if customer_id else email or None,
            requester_phone=None if customer_id or email else phone,
            requester_name=text("name") or None, channel=channel,
            priority=Priority(priority) if priority else None,
            tags=(tag,) if tag else (), team_id=team_id)
    except ValueError:
        raise ValidationFailed("choose the priority from the list", {"priority": "unknown"}) \
            from None


@router.post("/tickets/new")
async def open_new_ticket(request: Request, form: FormDep, agent: AgentDep) -> Response:
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        new = _new_ticket(form)
        if not new.subject or not new.body:
            raise ValidationFailed("a ticket needs a subject and what the customer said",
                                   {name: "required" for name in ("subject", "body")
                                    if not getattr(new, name)})
        detail, _ = await run_in_threadpool(partial(
            app_of(request).tickets.open, agent, new,
            idempotency_key=f"console:{values.get('form_key', '')}"[:200]
            if values.get("form_key") else None))
    except DomainError as error:
        return await _form(request, agent, values, error=error)
    flash(request, "ok", f"Ticket #{detail.ticket.id} opened for {detail.requester.name}.")
    return RedirectResponse(f"/tickets/{detail.ticket.id}", status_code=303)
