"""The whole e-mail behind a message on a ticket: what the conversation shows is the new text
only (quoted history and signatures stripped), and the original stays one click away for
whoever may see the ticket. Its headers and full text are masked like every stored text; the
raw message as received holds what masking hides, so it goes only to agents with
sensitive-data access, and each download is written to the ticket's audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import NotFound
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.mail import Inbound
from hubdesk.domain.permissions import TicketAction, check_sensitive_access, may_read_sensitive
from hubdesk.domain.tickets import Ticket
from hubdesk.services.intake import mask_line
from hubdesk.services.mail import MailTools
from hubdesk.services.ports import UnitOfWork
from hubdesk.services.tickets import flush_events, load_for, message_on


@dataclass(frozen=True)
class OriginalMail:
    ticket_id: int
    message_id: int
    inbound_id: int
    received_at: datetime
    size: int
    headers: tuple[tuple[str, str], ...]
    text: str  # the whole text, quoted history and signature included
    attachments: tuple[str, ...]  # file names, as they came
    may_download: bool  # the raw message, for agents with sensitive-data access


def _inbound_of(uow: UnitOfWork, actor: Agent, ticket_id: int, message_id: int, *,
                for_update: bool = False) -> tuple[Ticket, Inbound]:
    """The received e-mail behind a message of a ticket ``actor`` may see (else not found)."""
    ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW, for_update=for_update)
    inbound_id = message_on(uow, ticket_id, message_id).channel_meta.get("inbound_id")
    inbound = uow.mail.inbound(inbound_id) if isinstance(inbound_id, int) else None
    if inbound is None:
        raise NotFound(f"message {message_id} on ticket #{ticket_id} did not come by e-mail")
    return ticket, inbound


def original_mail(tools: MailTools, actor: Agent, ticket_id: int,
                  message_id: int) -> OriginalMail:
    with tools.uows(write=False) as uow:
        _, inbound = _inbound_of(uow, actor, ticket_id, message_id)
    assert inbound.id is not None
    raw = tools.blobs.get(inbound.raw_sha256)
    try:
        parsed = tools.parser.parse(raw)
        text, files = parsed.text, tuple(a.filename for a in parsed.attachments)
    except Exception:  # kept in quarantine once; shown here as the bytes it is
        text, files = raw.decode("utf-8", "replace"), ()
    masked = tools.intake
    return OriginalMail(
        ticket_id, message_id, inbound.id, inbound.received_at, inbound.size,
        tuple((name, mask_line(masked, value)) for name, value in tools.parser.headers(raw)),
        mask_line(masked, text), tuple(mask_line(masked, f) for f in files),
        may_read_sensitive(actor))


def original_raw(tools: MailTools, actor: Agent, ticket_id: int, message_id: int, *,
                 now: datetime | None = None) -> bytes:
    """The message exactly as received; recorded on the ticket like any reveal."""
    assert actor.id is not None
    with tools.uows() as uow:
        ticket, inbound = _inbound_of(uow, actor, ticket_id, message_id, for_update=True)
        check_sensitive_access(actor)
        ticket.record(Actor.agent(actor.id), EventKind.SENSITIVE_REVEALED, now or utcnow(),
                      data={"message_id": message_id, "original_email": inbound.id})
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        uow.commit()
    return tools.blobs.get(inbound.raw_sha256)
