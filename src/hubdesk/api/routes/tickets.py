"""/api/v1/tickets: create, read, list, change, converse, merge, history."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response

from hubdesk.api.deps import AgentDep, AppDep, PathId, QueryId
from hubdesk.api.responses import JsonResponse, model_response
from hubdesk.api.schemas import (
    DuplicateOut,
    EventOut,
    MergeIn,
    MessageIn,
    MessageOut,
    OriginalOut,
    SolvedExampleOut,
    TicketIn,
    TicketOut,
    TicketPageOut,
    TicketPatch,
    TicketSummaryOut,
    problem_responses,
)
from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.ids import ID_DIGITS
from hubdesk.domain.messages import download_disposition
from hubdesk.domain.tickets import Priority, Status
from hubdesk.services import tickets as service
from hubdesk.services.application import Application
from hubdesk.services.views import TicketFilter, TicketOrder

MAX_IDEMPOTENCY_KEY = 200

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"],
                   responses=problem_responses(400, 401, 403, 404, 409, 413, 422))


@router.post("", status_code=201, response_model=TicketOut,
             responses={200: {"description": "replay of an earlier request with the same "
                                             "Idempotency-Key"}})
def create_ticket(body: TicketIn, app: AppDep, agent: AgentDep,
                  idempotency_key: Annotated[str | None, Header(
                      max_length=MAX_IDEMPOTENCY_KEY)] = None,
                  ) -> Response:
    return open_ticket(app, agent, body, idempotency_key)


def open_ticket(app: Application, agent: Agent, body: TicketIn,
                idempotency_key: str | None) -> Response:
    """The ticket a valid request body asks for, opened, as the answer to send; shared with
    the lean path for intake (`api/intake_path.py`)."""
    new = service.NewTicket(
        subject=body.subject, body=body.body, requester_email=body.requester.email,
        requester_name=body.requester.name, requester_id=body.requester.id,
        channel=body.channel, priority=body.priority, tags=tuple(body.tags),
        category=body.category, team_id=body.team_id, body_html=body.body_html,
        custom_fields=body.custom_fields)
    detail, created = app.tickets.open(agent, new, idempotency_key=idempotency_key or None)
    headers = {"Location": f"/api/v1/tickets/{detail.ticket.id}"}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return model_response(TicketOut.of(detail), 201 if created else 200, headers)


@router.get("", response_model=TicketPageOut)
def list_tickets(
    app: AppDep, agent: AgentDep,
    status: Annotated[list[Status] | None, Query()] = None,
    priority: Annotated[list[Priority] | None, Query()] = None,
    assignee: Annotated[str | None, Query(description="an agent id, 'me' or 'none'",
                                          pattern=f"^(|me|none|[0-9]{{1,{ID_DIGITS}}})$")] = None,
    team: QueryId = None,
    department: QueryId = None,
    requester: QueryId = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(
        max_length=200, description="`next_cursor` of the previous page, as it was handed out",
        json_schema_extra={"format": "cursor"})] = None,
    sort: Annotated[Literal["updated", "due"], Query(
        description="updated: last changed first; due: earliest running SLA deadline "
                    "first (tickets without one last). A cursor continues the order that "
                    "handed it out.")] = "updated",
) -> JsonResponse:
    filters = TicketFilter(
        status=tuple(status or ()), priority=tuple(priority or ()),
        assignee_id=_assignee(assignee, agent.id), unassigned=assignee == "none",
        team_id=team, department_id=department, requester_id=requester, query=q or None,
        order=TicketOrder(sort))
    page = app.tickets.page(agent, filters, limit=limit, cursor=cursor)
    items = [TicketSummaryOut.of(row).model_dump(mode="json") for row in page.rows]
    return JsonResponse({"items": items, "next_cursor": page.next_cursor})


def _assignee(value: str | None, me: int | None) -> int | None:
    if value in (None, "", "none"):
        return None
    if value == "me":
        return me
    if value is not None and value.isdigit() and len(value) < 19:
        return int(value)
    raise ValidationFailed("assignee is an agent id, 'me' or 'none'",
                           {"assignee": "invalid"})


@router.get("/{ticket_id}", response_model=TicketOut)
def get_ticket(ticket_id: PathId, app: AppDep, agent: AgentDep) -> Response:
    return model_response(TicketOut.of(app.tickets.get(agent, ticket_id)))


_REQUIRED_WHEN_SENT = frozenset({"status", "priority", "subject", "tags", "custom_fields"})


@router.patch("/{ticket_id}", response_model=TicketOut)
def patch_ticket(ticket_id: PathId, body: TicketPatch, app: AppDep, agent: AgentDep) -> TicketOut:
    fields = frozenset(body.model_fields_set)
    if not fields:
        raise ValidationFailed("nothing to change: send at least one field", {"body": "empty"})
    # null clears assignee, team, department and category; the other fields always hold a value
    cleared = {name: "cannot be null" for name in fields & _REQUIRED_WHEN_SENT
               if getattr(body, name) is None}
    if cleared:
        raise ValidationFailed(f"{', '.join(sorted(cleared))} cannot be null", cleared)
    changes = service.TicketChanges(
        fields_set=fields, status=body.status, priority=body.priority,
        assignee_id=body.assignee_id, team_id=body.team_id, department_id=body.department_id,
        category=body.category, tags=tuple(body.tags or ()), subject=body.subject,
        custom_fields=body.custom_fields or {})
    return TicketOut.of(app.tickets.update(agent, ticket_id, changes))


@router.post("/{ticket_id}/messages", status_code=201, response_model=MessageOut)
def post_message(ticket_id: PathId, body: MessageIn, app: AppDep, agent: AgentDep) -> MessageOut:
    files = []
    for index, item in enumerate(body.attachments):
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValidationFailed("an attachment is not valid base64",
                                   {f"attachments.{index}.content_base64": "not base64"}
                                   ) from error
        files.append(service.NewAttachment(item.filename, item.content_type, content))
    message = app.tickets.reply(agent, ticket_id, body.body, public=body.public,
                                body_html=body.body_html, attachments=files)
    return MessageOut.of(message)


@router.get("/{ticket_id}/messages/{message_id}/original", response_model=OriginalOut)
def reveal_original(ticket_id: PathId, message_id: PathId, app: AppDep,
                    agent: AgentDep) -> OriginalOut:
    """The message as received, before personal data was masked: for agents with
    sensitive-data access; each reveal is recorded in the ticket's history."""
    text = app.tickets.reveal_original(agent, ticket_id, message_id)
    return OriginalOut(message_id=message_id, body=text)


@router.get("/{ticket_id}/duplicates", response_model=list[DuplicateOut])
def likely_duplicates(ticket_id: PathId, app: AppDep, agent: AgentDep) -> list[DuplicateOut]:
    """The requester's other open tickets that look like the same request: merge candidates."""
    return [DuplicateOut(ticket_id=match.ticket_id, similarity=match.score)
            for match in app.tickets.duplicates(agent, ticket_id)]


@router.get("/{ticket_id}/similar-solved", response_model=list[SolvedExampleOut])
def similar_solved(ticket_id: PathId, app: AppDep, agent: AgentDep) -> list[SolvedExampleOut]:
    """Solved tickets most like this one, best first, with how each was answered."""
    return [SolvedExampleOut(ticket_id=found.ticket_id, subject=found.subject,
                             similarity=found.similarity, resolution=found.resolution)
            for found in app.tickets.solved_before(agent, ticket_id)]


@router.get("/{ticket_id}/events", response_model=list[EventOut])
def get_events(ticket_id: PathId, app: AppDep, agent: AgentDep) -> list[EventOut]:
    return [EventOut.of(stored.id, stored.event)
            for stored in app.tickets.history(agent, ticket_id)]


@router.post("/{ticket_id}/merge", response_model=TicketOut)
def merge_into(ticket_id: PathId, body: MergeIn, app: AppDep, agent: AgentDep) -> TicketOut:
    """Merge ticket ``source_id`` into this ticket, which survives."""
    return TicketOut.of(app.tickets.merge(agent, body.source_id, ticket_id))


attachments = APIRouter(prefix="/api/v1/attachments", tags=["tickets"],
                        responses=problem_responses(401, 404, 422))


@attachments.get("/{attachment_id}", response_class=Response,
                 responses={200: {"content": {"application/octet-stream": {}}}})
def download_attachment(attachment_id: PathId, app: AppDep, agent: AgentDep) -> Response:
    attachment, content = app.tickets.attachment(agent, attachment_id)
    # Always a download, never rendered inline: an uploaded HTML file must not run as our page.
    return Response(content, media_type="application/octet-stream", headers={
        "Content-Disposition": download_disposition(attachment.filename),
        "X-Content-Type-Options": "nosniff"})
