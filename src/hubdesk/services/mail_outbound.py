"""Mail to customers: queued after commit from the ticket's events, sent by the delivery loop.

`queue_for_event` runs for each committed event as the outbox relay hands it on, in the
relay's own transaction (like the webhooks' fan-out; `services/outbox.py`): for a new e-mail
ticket it queues the acknowledgement, for an agent's public reply the reply, for a ticket
solved the notice, for a customer's later message that lost parts (too large) a word on what
was left out. The words are the ticket's team's templates, else the desk's, else the built-in
ones (`domain/mail_templates.py`). Each is composed once, with its Message-ID, In-Reply-To,
References and the ``[#id]`` token, and stored under a key unique to its event, so an event
relayed twice still queues one mail. (A bus after-commit handler could not write: the relay
calls those inside its transaction, and on SQLite a second writer would wait on it forever.)

A public reply's attachments go with its mail: the mail names them (`MailFile`) and
`deliver_due` reads their bytes from the blob store when it sends.

`deliver_due` claims due mail (skipping rows other workers hold),
sends each through the transport, and records the outcome; a failure is retried with backoff
and shows on the ticket as an event.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hubdesk.domain.clock import ensure_utc, utcnow
from hubdesk.domain.customers import Customer
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.mail import DeliveryStatus, MailFile, OutboundMail, next_delivery_attempt
from hubdesk.domain.mail_delivery import MailPlan, mail_plan
from hubdesk.domain.mail_rules import MailRouting
from hubdesk.domain.mail_templates import (
    REPLY_BODY,
    SURVEY_URL,
    Composed,
    MailKind,
    chosen,
    compose,
    parts_left_out,
)
from hubdesk.domain.messages import Message
from hubdesk.domain.rules.templates import ticket_values
from hubdesk.domain.tickets import Channel, Status, Ticket
from hubdesk.services.ports import BlobStore, MailTransport, UnitOfWork, UnitOfWorkFactory
from hubdesk.services.satisfaction import SurveyLinks
from hubdesk.services.tickets import flush_events

log = logging.getLogger("hubdesk.mail")

LEASE_PER_MAIL = timedelta(seconds=60)
# The events that may call for a mail; the relay hands on every event, most of them not these.
_MAILING_KINDS = frozenset(k.value for k in (EventKind.CREATED, EventKind.REPLIED,
                                             EventKind.CUSTOMER_REPLIED,
                                             EventKind.STATUS_CHANGED))


def queue_for_event(uow: UnitOfWork, routing: MailRouting, topic: str,
                    payload: dict[str, Any], surveys: SurveyLinks | None = None) -> bool:
    """Queue the mail a committed event calls for, in ``uow`` (the outbox relay's
    transaction, so the event and its mail are handed on together); a relay that publishes
    the event again queues nothing more. A solved notice offers the ticket's satisfaction
    survey when ``surveys`` can link to it. Returns whether a mail was queued."""
    if not routing.configured or not topic.startswith("ticket.") \
            or payload.get("kind") not in _MAILING_KINDS:
        return False
    ticket_id = payload.get("ticket_id")
    if not isinstance(ticket_id, int):
        return False
    ticket = uow.tickets.get(ticket_id)
    if ticket is None:
        return False
    requester = uow.customers.get(ticket.requester_id)
    plan = mail_plan(routing, requester, ticket.team_id)
    if requester is None or not plan.goes:
        return False
    planned = _plan(uow, ticket, requester, payload.get("kind"), payload, surveys)
    if planned is None:
        return False
    mail = _compose(uow, plan, ticket, planned)
    queued = uow.mail.queue(mail)
    if queued and planned.survey_offered is not None:
        # credited to who held the ticket when it was solved, whatever happened since
        held = _place(payload, ticket)
        uow.satisfaction.offer(ticket_id, planned.survey_offered, held.get("assignee_id"),
                               held.get("team_id"))
    if queued:
        uow.mail.remember_message_id(mail.message_id, ticket_id, "out", mail.created_at)
    return queued


@dataclass(frozen=True)
class _Planned:
    """The mail an event calls for: its unique key, kind, words, and the Message-ID of the
    customer's message it answers when that is not simply the latest one received."""

    key: str
    kind: str
    composed: Composed
    answers: str | None = None
    files: tuple[MailFile, ...] = ()
    survey_offered: datetime | None = None  # the satisfaction survey its link offers


def _plan(uow: UnitOfWork, ticket: Ticket, requester: Customer, kind: object,
          payload: dict[str, Any], surveys: SurveyLinks | None) -> _Planned | None:
    assert ticket.id is not None
    if kind == EventKind.CREATED.value and ticket.channel is Channel.EMAIL:
        first = uow.tickets.messages(ticket.id)[:1]
        notices = tuple(first[0].channel_meta.get("notices", ())) if first else ()
        if first and first[0].channel_meta.get("from_quarantine"):
            return None  # opened by hand from quarantine: the sender is not waiting on it
        return _Planned(f"ack:{ticket.id}", "acknowledgement", _from_template(
            uow, MailKind.ACKNOWLEDGEMENT, ticket, requester, notices=notices))
    if kind == EventKind.REPLIED.value:
        message = _message_of(uow, ticket.id, payload)
        if message is None or not message.public:
            return None
        author = message.author.id
        names = uow.agents.names([author]) if author is not None else {}
        return _Planned(f"reply:{message.id}", "reply", _from_template(
            uow, MailKind.REPLY, ticket, requester,
            agent_name=names.get(author) if author else None, reply_body=message.body),
            files=tuple(MailFile(a.filename, a.content_type, a.sha256)
                        for a in message.attachments))
    if kind == EventKind.CUSTOMER_REPLIED.value:
        message = _message_of(uow, ticket.id, payload)
        notices = tuple(str(n) for n in message.channel_meta.get("notices", ())) \
            if message is not None else ()
        if message is None or not notices:
            return None
        answers = message.channel_meta.get("message_id")
        return _Planned(f"notice:{message.id}", "notice",
                        parts_left_out(ticket.id, ticket.subject, requester.name, notices),
                        answers if isinstance(answers, str) else None)
    if kind == EventKind.STATUS_CHANGED.value and ticket.channel is Channel.EMAIL:
        status = payload.get("changes", {}).get("status")
        if isinstance(status, list) and len(status) == 2 and status[1] == Status.SOLVED.value:
            offered = _event_time(payload).replace(microsecond=0)  # a link names the second
            url = surveys.url(ticket.id, offered) if surveys is not None else None
            return _Planned(f"solved:{ticket.id}:{payload.get('at')}", "solved",
                            _from_template(uow, MailKind.SOLVED, ticket, requester,
                                           survey_url=url),
                            survey_offered=offered if url else None)
    return None


def _place(payload: dict[str, Any], ticket: Ticket) -> dict[str, Any]:
    """Where the ticket was right after the event (`Ticket.place`), else where it is now."""
    place = payload.get("place")
    return place if isinstance(place, dict) else ticket.place()


def _event_time(payload: dict[str, Any]) -> datetime:
    """When the event happened (a relay running late does not move it), else now."""
    try:
        return ensure_utc(datetime.fromisoformat(str(payload.get("at"))))
    except (TypeError, ValueError):
        return utcnow()


def _message_of(uow: UnitOfWork, ticket_id: int, payload: dict[str, Any]) -> Message | None:
    message_id = payload.get("data", {}).get("message_id")
    return uow.tickets.message(ticket_id, message_id) if isinstance(message_id, int) else None


def _from_template(uow: UnitOfWork, kind: MailKind, ticket: Ticket, requester: Customer, *,
                   notices: tuple[str, ...] = (), agent_name: str | None = None,
                   reply_body: str | None = None, survey_url: str | None = None) -> Composed:
    """The words of the ticket's team's template of ``kind`` (or its fallback)."""
    assert ticket.id is not None
    stored = {(t.team_id, t.kind): t for t in uow.mail_templates.for_team(ticket.team_id)}
    values = {**ticket_values(ticket.id, ticket.subject, ticket.status.value,
                              ticket.priority.value, requester.name, agent_name),
              REPLY_BODY: reply_body, SURVEY_URL: survey_url}
    return compose(chosen(kind, stored, ticket.team_id), ticket.id, values, notices)


def _compose(uow: UnitOfWork, plan: MailPlan, ticket: Ticket, planned: _Planned
             ) -> OutboundMail:
    assert ticket.id is not None and plan.to is not None and plan.sender is not None
    thread = uow.mail.thread_of(ticket.id)
    received = [mid for mid, direction in thread if direction == "in"]
    in_reply_to = planned.answers or (
        received[-1] if received else (thread[-1][0] if thread else None))
    domain = plan.sender.rpartition("@")[2] or "hubdesk.invalid"
    digest = hashlib.sha256(planned.key.encode()).hexdigest()[:24]
    now = utcnow()
    return OutboundMail(
        id=None, key=planned.key[:120], kind=planned.kind, ticket_id=ticket.id,
        message_id=f"<hubdesk.{ticket.id}.{digest}@{domain}>", to_address=plan.to,
        from_address=plan.sender, subject=planned.composed.subject,
        in_reply_to=in_reply_to, references=tuple(mid for mid, _ in thread),
        body_text=planned.composed.text, body_html=planned.composed.html, created_at=now,
        next_attempt_at=now, files=planned.files)


def reply_plan(uows: UnitOfWorkFactory, routing: MailRouting, ticket_id: int) -> MailPlan:
    """Whether a public reply on the ticket is e-mailed to its customer, and if not, why
    (what `queue_for_event` will decide when the reply is relayed)."""
    with uows(write=False) as uow:
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            return MailPlan(why_not="the ticket is gone")
        return mail_plan(routing, uow.customers.get(ticket.requester_id), ticket.team_id)


def deliver_due(uows: UnitOfWorkFactory, transport: MailTransport, now: datetime | None = None,
                limit: int = 20, *, blobs: BlobStore | None = None) -> int:
    """Send up to ``limit`` due mails, their files read from ``blobs``; returns how many were
    attempted. Claiming and recording are short transactions; nothing is held open while
    the mail server answers."""
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
            transport.send(mail, _contents(mail, blobs))
            results.append((mail, None))
        except Exception as error:  # a refused or unreachable server: retried with backoff
            results.append((mail, f"{type(error).__name__}: {error}"[:500]))
    if results:
        with uows() as uow:
            for mail, failure in results:
                _record(uow, mail, failure, utcnow())
            uow.commit()
    return len(due)


def _contents(mail: OutboundMail, blobs: BlobStore | None) -> dict[str, bytes]:
    """The bytes of the mail's files by digest (a file that cannot be read fails the
    attempt, which is retried like a refusal)."""
    if not mail.files:
        return {}
    if blobs is None:
        raise LookupError("no file store to read the mail's attachments from")
    return {f.sha256: blobs.get(f.sha256) for f in mail.files}


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
