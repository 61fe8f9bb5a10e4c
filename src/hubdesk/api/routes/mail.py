"""/api/v1/mail: raw messages posted by a mail server, and the quarantine; and the whole
e-mail behind a message on a ticket."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from hubdesk.api.deps import AgentDep, AppDep, PathId, QueryId
from hubdesk.api.schemas import Email, Strict, problem_responses
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.mail import Inbound
from hubdesk.services.mail_originals import OriginalMail

router = APIRouter(prefix="/api/v1", tags=["mail"],
                   responses=problem_responses(400, 401, 403, 404, 422))


class AcceptedOut(BaseModel):
    inbound_id: int | None
    duplicate: bool
    outcome: str


class QuarantinedOut(BaseModel):
    id: int
    reason: str | None
    size: int
    source: str
    sender: str | None
    received_at: datetime
    processed_at: datetime | None

    @classmethod
    def of(cls, inbound: Inbound) -> QuarantinedOut:
        assert inbound.id is not None
        return cls(id=inbound.id, reason=inbound.reason, size=inbound.size,
                   source=inbound.source, sender=inbound.sender,
                   received_at=inbound.received_at, processed_at=inbound.processed_at)


class OutcomeOut(BaseModel):
    outcome: str


class ToTicketIn(Strict):
    requester_email: Email


class TicketIdOut(BaseModel):
    ticket_id: int


# Described as bytes: the body is a whole message/rfc822 message, taken whatever the
# Content-Type header says (mail servers label it differently).
_RAW_BODY = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary",
                                            "minLength": 1}}}}}


@router.post("/mail/inbound", status_code=202, response_model=AcceptedOut,
             openapi_extra=_RAW_BODY)
async def post_raw_message(request: Request, app: AppDep, agent: AgentDep) -> AcceptedOut:
    """A whole MIME message as the body (for mail servers that pipe or post mail), with a
    coordinator's, manager's or administrator's token. Stored before it is read, then filed
    like mail from the SMTP server; the answer says what became of it."""
    raw = await request.body()
    # Anything else is kept: what cannot be read as mail is quarantined, in sight.
    if not raw:
        raise ValidationFailed("the body must be a whole e-mail message (message/rfc822)",
                               {"body": "empty"})
    received, outcome = await run_in_threadpool(app.mail.accept, agent, raw)
    return AcceptedOut(inbound_id=received.inbound_id or None, duplicate=received.duplicate,
                       outcome=outcome.value)


@router.get("/mail/quarantine", response_model=list[QuarantinedOut])
def list_quarantine(app: AppDep, agent: AgentDep,
                    limit: int = Query(50, ge=1, le=200),
                    before_id: QueryId = None) -> list[QuarantinedOut]:
    """Messages that could not be filed, newest first, with the reason."""
    return [QuarantinedOut.of(i) for i in app.mail.quarantined(agent, limit=limit,
                                                               before_id=before_id)]


@router.get("/mail/set-aside", response_model=list[QuarantinedOut])
def list_set_aside(app: AppDep, agent: AgentDep, limit: int = Query(50, ge=1, le=200),
                   before_id: QueryId = None) -> list[QuarantinedOut]:
    """Messages judged machine-written (auto-replies, bounces, loops, a flood from one
    sender) that answered no ticket and so opened none, newest first, with the reason."""
    return [QuarantinedOut.of(i) for i in app.mail.set_aside(agent, limit=limit,
                                                             before_id=before_id)]


@router.post("/mail/set-aside/{inbound_id}/file", response_model=OutcomeOut,
             responses=problem_responses(404))
def file_set_aside(inbound_id: PathId, app: AppDep, agent: AgentDep) -> OutcomeOut:
    """File a set-aside message as a person's: a new ticket, or an update of the ticket it
    answers."""
    return OutcomeOut(outcome=app.mail.file_by_hand(agent, inbound_id).value)


@router.get("/mail/quarantine/{inbound_id}/raw", response_class=Response,
            responses={200: {"content": {"message/rfc822": {}}}})
def quarantined_raw(inbound_id: PathId, app: AppDep, agent: AgentDep) -> Response:
    """The message exactly as it was received."""
    return Response(app.mail.raw(agent, inbound_id), media_type="message/rfc822")


@router.post("/mail/quarantine/{inbound_id}/retry", response_model=OutcomeOut)
def retry_quarantined(inbound_id: PathId, app: AppDep, agent: AgentDep) -> OutcomeOut:
    """Try filing the message again (after what stopped it was fixed)."""
    return OutcomeOut(outcome=app.mail.retry(agent, inbound_id).value)


@router.post("/mail/quarantine/{inbound_id}/ticket", status_code=201,
             response_model=TicketIdOut)
def quarantined_to_ticket(inbound_id: PathId, body: ToTicketIn, app: AppDep,
                          agent: AgentDep) -> TicketIdOut:
    """Open a ticket from the message by hand, for the requester named."""
    return TicketIdOut(ticket_id=app.mail.to_ticket(agent, inbound_id,
                                                    str(body.requester_email)))


class HeaderOut(BaseModel):
    name: str
    value: str


class OriginalOut(BaseModel):
    inbound_id: int
    received_at: datetime
    size: int
    headers: list[HeaderOut] = Field(description="every header, in the order received")
    text: str = Field(description="the whole text, quoted history and signature included; "
                                  "personal data masked as on the ticket")
    attachments: list[str]

    @classmethod
    def of(cls, mail: OriginalMail) -> OriginalOut:
        return cls(inbound_id=mail.inbound_id, received_at=mail.received_at, size=mail.size,
                   headers=[HeaderOut(name=n, value=v) for n, v in mail.headers],
                   text=mail.text, attachments=list(mail.attachments))


@router.get("/tickets/{ticket_id}/messages/{message_id}/email", response_model=OriginalOut)
def original_mail(ticket_id: PathId, message_id: PathId, app: AppDep,
                  agent: AgentDep) -> OriginalOut:
    """The e-mail a message on the ticket came from (404 when it came otherwise, or when
    the caller may not see the ticket)."""
    return OriginalOut.of(app.mail.original(agent, ticket_id, message_id))


@router.get("/tickets/{ticket_id}/messages/{message_id}/email/raw", response_class=Response,
            responses={200: {"content": {"message/rfc822": {}}}})
def original_mail_raw(ticket_id: PathId, message_id: PathId, app: AppDep,
                      agent: AgentDep) -> Response:
    """That e-mail exactly as received, unmasked: for agents with sensitive-data access;
    recorded on the ticket."""
    return Response(app.mail.original_raw(agent, ticket_id, message_id),
                    media_type="message/rfc822")
