"""The console's e-mail pages. The quarantine: every message that could not become a ticket
update, with why; a coordinator processes it again once the cause is fixed, opens a ticket
from it by hand, or downloads the message as received. Beside it, the messages set aside as
machine-written that opened no ticket, one of which a coordinator can file as a person's.
And the whole e-mail behind a message on a ticket, for whoever may see the ticket (its
download for those with sensitive-data access)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import DomainError, PermissionDenied
from hubdesk.web.actions import act
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of

router = APIRouter(include_in_schema=False)

SHOWN = 100


@router.get("/mail/quarantine")
async def quarantine(request: Request, agent: AgentDep) -> Response:
    try:
        held = await run_in_threadpool(lambda: app_of(request).mail.held(agent, limit=SHOWN))
    except PermissionDenied as refused:
        return render(request, "error.html", 403, agent=agent, title="Not for your role",
                      detail=str(refused))
    return render(request, "quarantine.html", agent=agent, held=held.quarantined,
                  aside=held.set_aside, shown=SHOWN, live="refresh")


@router.post("/mail/quarantine/{inbound_id:id}/retry")
async def retry(request: Request, inbound_id: int, form: FormDep, agent: AgentDep) -> Response:
    return await act(request, partial(app_of(request).mail.retry, agent, inbound_id),
                     done=lambda outcome: f"Message {inbound_id} processed again: "
                                          f"{outcome.value}.",
                     to="/mail/quarantine")


@router.post("/mail/quarantine/{inbound_id:id}/ticket")
async def to_ticket(request: Request, inbound_id: int, form: FormDep,
                    agent: AgentDep) -> Response:
    return await act(request, partial(app_of(request).mail.to_ticket, agent, inbound_id,
                                      str(form.get("requester_email") or "")),
                     done=lambda ticket_id: f"Ticket #{ticket_id} opened from message "
                                            f"{inbound_id}.",
                     to=lambda ticket_id: f"/tickets/{ticket_id}", back="/mail/quarantine")


@router.post("/mail/set-aside/{inbound_id:id}/file")
async def file_by_hand(request: Request, inbound_id: int, form: FormDep,
                       agent: AgentDep) -> Response:
    return await act(request, partial(app_of(request).mail.file_by_hand, agent, inbound_id),
                     done=lambda outcome: f"Message {inbound_id} filed as a person's: "
                                          f"{outcome.value}.",
                     to="/mail/quarantine")


@router.get("/mail/quarantine/{inbound_id:id}/raw")
async def raw(request: Request, inbound_id: int, agent: AgentDep) -> Response:
    try:
        data = await run_in_threadpool(app_of(request).mail.raw, agent, inbound_id)
    except DomainError as error:
        return render(request, "error.html", error.status, agent=agent, title="Not available",
                      detail=str(error))
    # Served as a download, never rendered: its content is whatever the sender wrote.
    return Response(data, media_type="message/rfc822", headers={
        "Content-Disposition": f'attachment; filename="message-{inbound_id}.eml"',
        "X-Content-Type-Options": "nosniff"})


# --- the whole e-mail behind a message on a ticket ---------------------------------------------

def _not_found(request: Request, agent: Agent, error: DomainError) -> Response:
    return render(request, "error.html", error.status, agent=agent,
                  title="Not found" if error.status == 404 else "Not available",
                  detail=str(error))


@router.get("/tickets/{ticket_id:id}/messages/{message_id:id}/email")
async def original(request: Request, ticket_id: int, message_id: int,
                   agent: AgentDep) -> Response:
    try:
        mail = await run_in_threadpool(app_of(request).mail.original, agent, ticket_id,
                                       message_id)
    except DomainError as error:
        return _not_found(request, agent, error)
    return render(request, "mail_original.html", agent=agent, mail=mail)


@router.get("/tickets/{ticket_id:id}/messages/{message_id:id}/email.eml")
async def original_eml(request: Request, ticket_id: int, message_id: int,
                       agent: AgentDep) -> Response:
    try:
        data = await run_in_threadpool(app_of(request).mail.original_raw, agent, ticket_id,
                                       message_id)
    except DomainError as error:
        return _not_found(request, agent, error)
    return Response(data, media_type="message/rfc822", headers={
        "Content-Disposition":
            f'attachment; filename="ticket-{ticket_id}-message-{message_id}.eml"',
        "X-Content-Type-Options": "nosniff"})
