"""Mail to customers: queued after commit from the ticket's events, sent by the delivery loop.

`queue_for_event` runs for each committed event as the outbox relay hands it on, in the
relay's own transaction (like the webhooks' fan-out; `services/outbox.py`): for a new e-mail
ticket it queues the acknowledgement, for an agent's public reply the reply, for a ticket
solved the notice, for a customer's later message that lost parts (too large) a word on what
was left out. Each is composed once, with its Message-ID, In-Reply-To, References and
the ``[#id]`` token, and stored under a key unique to its event, so an event relayed twice
still queues one mail. (A bus after-commit handler could not write: the relay calls those
inside its transaction, and on SQLite a second writer would wait on it forever.)

`deliver_due` claims due mail (skipping rows other workers hold),
sends each through the transport, and records the outcome; a failure is retried with backoff
and shows on the ticket as an event.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from typing import Any

from hubdesk.domain.clock import utcnow
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.mail import DeliveryStatus, OutboundMail, next_delivery_attempt
from hubdesk.domain.mail_delivery import MailPlan, mail_plan
from hubdesk.domain.mail_rules import MailRouting, reply_subject
from hubdesk.domain.mail_templates import (
    Composed,
    acknowledgement,
    parts_left_out,
    reply,
    solved,
)
from hubdesk.domain.tickets import Channel, Status, Ticket
from hubdesk.services.ports import MailTransport, UnitOfWork, UnitOfWorkFactory
from hubdesk.services.tickets import flush_events

log = logging.getLogger("hubdesk.mail")

LEASE_PER_MAIL = timedelta(seconds=60)


def queue_for_event(uow: UnitOfWork, routing: MailRouting, topic: str,
                    payload: dict[str, Any]) -> bool:
    """Queue the mail a committed event calls for, in ``uow`` (the outbox relay's
    transaction, so the event and its mail are handed on together); a relay that publishes
    the event again queues nothing more. Returns whether a mail was queued."""
    if not routing.configured or not topic.startswith("ticket."):
        return False
    ticket_id = payload.get("ticket_id")
    if not isinstance(ticket_id, int):
        return False
    ticket = uow.tickets.get(ticket_id)
    if ticket is None:
        return False
    planned = _plan(uow, ticket, payload.get("kind"), payload)
    if planned is None:
        return False
    key, mail_kind, composed, answers = planned
    mail = _compose(uow, routing, ticket, key, mail_kind, composed, answers)
    if mail is None:
        return False
    queued = uow.mail.queue(mail)
    if queued:
        uow.mail.remember_message_id(mail.message_id, ticket_id, "out", mail.created_at)
    return queued


def _plan(uow: UnitOfWork, ticket: Ticket, kind: object, payload: dict[str, Any]
          ) -> tuple[str, str, Composed, str | None] | None:
    """The mail an event calls for: its unique key, kind, words, and the Message-ID of the
    customer's message it answers when that is not simply the latest one received."""
    assert ticket.id is not None
    requester = uow.customers.get(ticket.requester_id)
    if requester is None:
        return None
    if kind == EventKind.CREATED.value and ticket.channel is Channel.EMAIL:
        first = uow.tickets.messages(ticket.id)[:1]
        notices = tuple(first[0].channel_meta.get("notices", ())) if first else ()
        if first and first[0].channel_meta.get("from_quarantine"):
            return None  # opened by hand from quarantine: the sender is not waiting on it
        return (f"ack:{ticket.id}", "acknowledgement",
                acknowledgement(ticket.id, ticket.subject, requester.name, notices), None)
    if kind == EventKind.REPLIED.value:
        message_id = payload.get("data", {}).get("message_id")
        message = uow.tickets.message(ticket.id, message_id) if isinstance(
            message_id, int) else None
        if message is None or not message.public:
            return None
        author = message.author.id
        names = uow.agents.names([author]) if author is not None else {}
        return (f"reply:{message_id}", "reply",
                reply(ticket.id, message.body, names.get(author) if author else None), None)
    if kind == EventKind.CUSTOMER_REPLIED.value:
        message_id = payload.get("data", {}).get("message_id")
        message = uow.tickets.message(ticket.id, message_id) if isinstance(
            message_id, int) else None
        notices = tuple(str(n) for n in message.channel_meta.get("notices", ())) \
            if message is not None else ()
        if message is None or not notices:
            return None
        answers = message.channel_meta.get("message_id")
        return (f"notice:{message_id}", "notice",
                parts_left_out(ticket.id, ticket.subject, requester.name, notices),
                answers if isinstance(answers, str) else None)
    if kind == EventKind.STATUS_CHANGED.value and ticket.channel is Channel.EMAIL:
        status = payload.get("changes", {}).get("status")
        if isinstance(status, list) and len(status) == 2 and status[1] == Status.SOLVED.value:
            return (f"solved:{ticket.id}:{payload.get('at')}", "solved",
                    solved(ticket.id, ticket.subject, requester.name), None)
    return None


def _compose(uow: UnitOfWork, routing: MailRouting, ticket: Ticket, key: str, kind: str,
             composed: Composed, answers: str | None = None) -> OutboundMail | None:
    assert ticket.id is not None
    plan = mail_plan(routing, uow.customers.get(ticket.requester_id), ticket.team_id)
    if plan.to is None or plan.sender is None:
        return None
    to, sender = plan.to, plan.sender
    thread = uow.mail.thread_of(ticket.id)
    received = [mid for mid, direction in thread if direction == "in"]
    in_reply_to = answers or (received[-1] if received else (thread[-1][0] if thread else None))
    domain = sender.rpartition("@")[2] or "hubdesk.invalid"
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    now = utcnow()
    return OutboundMail(
        id=None, key=key[:120], kind=kind, ticket_id=ticket.id,
        message_id=f"<hubdesk.{ticket.id}.{digest}@{domain}>", to_address=to,
        from_address=sender, subject=reply_subject(ticket.subject, ticket.id),
        in_reply_to=in_reply_to, references=tuple(mid for mid, _ in thread),
        body_text=composed.text, body_html=composed.html, created_at=now,
        next_attempt_at=now)


def reply_plan(uows: UnitOfWorkFactory, routing: MailRouting, ticket_id: int) -> MailPlan:
    """Whether a public reply on the ticket is e-mailed to its customer, and if not, why
    (what `queue_for_event` will decide when the reply is relayed)."""
    with uows(write=False) as uow:
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            return MailPlan(why_not="the ticket is gone")
        return mail_plan(routing, uow.customers.get(ticket.requester_id), ticket.team_id)


def deliver_due(uows: UnitOfWorkFactory, transport: MailTransport, now: datetime | None = None,
                limit: int = 20) -> int:
    """Send up to ``limit`` due mails; returns how many were attempted. Claiming and
    recording are short transactions; nothing is held open while the mail server answers."""
    at = now or utcnow()
    with uows(write=False) as uow:
        if not uow.mail.any_due(at):
            return 0
    with uows() as uow:
        due = uow.mail.claim_due(at, at + LEASE_PER_MAIL * limit, limit)
        uow.commit()
    results: list[tuple[OutboundMail, str | None]] = []
    for mail in due:
        try:
            transport.send(mail)
            results.append((mail, None))
        except Exception as error:  # a refused or unreachable server: retried with backoff
            results.append((mail, f"{type(error).__name__}: {error}"[:500]))
    if results:
        with uows() as uow:
            for mail, failure in results:
                _record(uow, mail, failure, utcnow())
            uow.commit()
    return len(due)


def _record(uow: UnitOfWork, mail: OutboundMail, error: str | None, at: datetime) -> None:
    if error is None:
        mail.status, mail.sent_at, mail.last_error = DeliveryStatus.SENT, at, None
        uow.mail.save_delivery(mail)
        return
    mail.last_error = error
    retry_at = next_delivery_attempt(mail.attempts, at)
    if retry_at is None:
        mail.status = DeliveryStatus.FAILED
    else:
        mail.next_attempt_at = retry_at
    uow.mail.save_delivery(mail)
    if mail.attempts == 1 or retry_at is None:  # the first failure and the giving up show
        ticket = uow.tickets.get(mail.ticket_id, for_update=True)
        if ticket is None:
            return
        ticket.record(Actor.system(), EventKind.MAIL_DELIVERY_FAILED, at, data={
            "delivery_id": mail.id, "kind": mail.kind, "error": error,
            "attempts": mail.attempts, "gave_up": retry_at is None,
            "next_attempt_at": retry_at.isoformat() if retry_at else None})
        uow.tickets.save(ticket)
        flush_events(uow, ticket)


def deliveries(uows: UnitOfWorkFactory, ticket_id: int) -> list[OutboundMail]:
    with uows(write=False) as uow:
        return uow.mail.deliveries(ticket_id)
