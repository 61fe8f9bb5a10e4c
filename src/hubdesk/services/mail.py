"""E-mail intake: store a received message first, then file it on a ticket, or keep it in
quarantine with the reason. One transaction each.

Receiving (`receive`) writes the bytes to the blob store (synced to disk) and a row in
`received` status; only then may a server say it has the message. Processing (`process`)
parses, decides (domain/mail_rules.py, domain/quoting.py) and writes the ticket change, the
message's attachments, its Message-ID and the row's outcome in one transaction, so a crash
leaves the row `received` and the next start processes it again; nothing is filed twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.bounces import returned_ids
from hubdesk.domain.clock import utcnow
from hubdesk.domain.customers import Identity, IdentityKind, normalise_identity
from hubdesk.domain.errors import DomainError, NotFound, ValidationFailed
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.forwarding import shown_text
from hubdesk.domain.mail import (
    Automatic,
    Inbound,
    InboundStatus,
    Outcome,
    ParsedMail,
    dedupe_key,
    peek_message_id,
)
from hubdesk.domain.mail_rules import (
    REPLY_SUBJECT_DAYS,
    MailRouting,
    answers_something,
    automatic_reason,
    candidate_tickets,
    choose_thread,
    customer_address,
    flagged_as_spam,
    reply_to_own,
)
from hubdesk.domain.messages import Attachment, Message
from hubdesk.domain.permissions import check_mail_coordinator
from hubdesk.domain.tickets import MAX_SUBJECT_LENGTH, Channel, Ticket, fitted_subject
from hubdesk.services.intake import (
    IntakeTools,
    ReadText,
    mask_fields,
    mask_line,
    mask_optional,
    read_customer_text,
    with_html,
)
from hubdesk.services.mail_bounces import Returned, mark_undelivered, returned_by_recipient
from hubdesk.services.mail_forwarding import add_forwarders_note, forward_by_agent
from hubdesk.services.ports import (
    BlobStore,
    DuplicateKey,
    MailParser,
    StoreUnavailable,
    UnitOfWork,
    UnitOfWorkFactory,
)
from hubdesk.services.tickets import (
    NewTicket,
    flush_events,
    record_customer_message,
    write_new_ticket,
)

log = logging.getLogger("hubdesk.mail")

# Tickets are opened by the desk's mail intake, not by an agent.
MAIL_INTAKE = Agent(id=None, email="mail@localhost", name="E-mail", role=Role.ADMIN)
MAX_MERGE_HOPS = 10
EMPTY_BODY = "(no text)"
# Published when a message goes into quarantine and when it leaves it (processed again, or
# opened as a ticket by hand), so the console's quarantine list follows without a reload.
QUARANTINED_TOPIC = "mail.quarantined"
RELEASED_TOPIC = "mail.released"


@dataclass(frozen=True)
class MailTools:
    """What mail intake works with, bound once by bootstrap."""

    uows: UnitOfWorkFactory
    blobs: BlobStore
    parser: MailParser
    intake: IntakeTools
    routing: MailRouting


@dataclass(frozen=True)
class Received:
    inbound_id: int
    duplicate: bool
    raw_sha256: str | None = None  # where its bytes are kept (the blob store's name)


def receive(tools: MailTools, raw: bytes, *, source: str, envelope: dict[str, Any] | None = None,
            now: datetime | None = None) -> Received:
    """Keep ``raw`` durably before anything reads it. A message received before (same
    Message-ID, or same bytes without one) is not stored again."""
    at = now or utcnow()
    digest = tools.blobs.put(raw, sync=True)
    inbound = Inbound(id=None, dedupe_key=dedupe_key(peek_message_id(raw), digest),
                      raw_sha256=digest, size=len(raw), source=source,
                      envelope=dict(envelope or {}), sender=None, received_at=at)
    with tools.uows(one_statement=True) as uow:  # one INSERT that skips a duplicate
        stored = uow.mail.add_inbound(inbound)
        uow.commit()
    if stored is None or stored.id is None:
        return Received(0, True, digest)
    return Received(stored.id, False, digest)


def process_stored(tools: MailTools, inbound_id: int, raw_sha256: str, *,
                   now: datetime | None = None) -> Outcome:
    """`process` for a filer handed the message's id and the name of its bytes by whoever
    stored it: the bytes are read from the blob store, with no transaction to look the
    message up first (filing checks its state under a lock anyway). Bytes that cannot be
    read that way are looked up as `process` would."""
    try:
        raw = tools.blobs.get(raw_sha256)
    except (OSError, KeyError, ValueError):
        return process(tools, inbound_id, now=now)
    return process(tools, inbound_id, now=now, raw=raw)


def process(tools: MailTools, inbound_id: int, *, now: datetime | None = None,
            raw: bytes | None = None) -> Outcome:
    """File one received message; returns what became of it. Safe to call again for a
    message already processed (it answers the outcome it had, from the transaction that
    files it). ``raw``: its bytes, when the caller has them in hand (just received)."""
    at = now or utcnow()
    if raw is None:
        with tools.uows(write=False) as uow:
            inbound = uow.mail.inbound(inbound_id)
        if inbound is None:
            raise NotFound(f"received message {inbound_id} was not found")
        if inbound.status is not InboundStatus.RECEIVED:
            return inbound.outcome or Outcome.QUARANTINED
        raw = tools.blobs.get(inbound.raw_sha256)
    try:
        mail = tools.parser.parse(raw)
    except Exception as error:  # the parser's failure is the message's, never the desk's
        return _quarantine(tools, inbound_id, f"unreadable: {_reason(error)}", at)
    for attempt in range(3):
        try:
            return _file(tools, inbound_id, mail, at)
        except StoreUnavailable:
            raise  # left `received`: processed again when the database is back
        except DuplicateKey:
            if attempt == 2:  # a new customer raced us twice: something else is wrong
                return _quarantine(tools, inbound_id, "conflicting writes", at)
        except Exception as error:
            if not isinstance(error, DomainError):
                log.exception("processing a received message failed; quarantined")
            return _quarantine(tools, inbound_id, f"not filed: {_reason(error)}", at)
    raise AssertionError("unreachable")


def process_pending(tools: MailTools, limit: int = 100) -> list[Outcome]:
    """Process what was received but not processed (after a crash, or by a lagging worker)."""
    return [process(tools, inbound_id) for inbound_id in pending(tools, limit)]


def pending(tools: MailTools, limit: int = 100,
            received_before: datetime | None = None) -> list[int]:
    """The messages stored but not filed yet (received before ``received_before``), oldest
    first."""
    with tools.uows(write=False) as uow:
        return uow.mail.unprocessed(limit, received_before)


def _reason(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}"[:500] if text else type(error).__name__


def _quarantine(tools: MailTools, inbound_id: int, reason: str, at: datetime) -> Outcome:
    with tools.uows() as uow:
        inbound = uow.mail.inbound(inbound_id, for_update=True)
        if inbound is None or inbound.status is not InboundStatus.RECEIVED:
            return inbound.outcome if inbound and inbound.outcome else Outcome.QUARANTINED
        inbound.status, inbound.outcome = InboundStatus.QUARANTINED, Outcome.QUARANTINED
        inbound.reason, inbound.processed_at = reason, at
        inbound.attempts += 1
        uow.mail.save_inbound(inbound)
        uow.outbox.put(QUARANTINED_TOPIC, {"inbound_id": inbound_id}, at)
        uow.commit()
    return Outcome.QUARANTINED


@dataclass(frozen=True)
class _Prepared:
    """What is read and written outside the transaction: triage, masking, files."""

    read: ReadText
    subject: str
    attachments: list[Attachment]
    meta: dict[str, Any]


def _prepare(tools: MailTools, inbound_id: int, mail: ParsedMail) -> _Prepared:
    files = [Attachment(mask_line(tools.intake, a.filename)[:255] or "attachment",
                        a.content_type[:255], len(a.content), tools.blobs.put(a.content))
             for a in mail.attachments]
    shown = shown_text(mail.text, mail.subject, tools.routing.support) \
        if mail.text.strip() else ""
    body = shown or (f"({len(files)} attachment{'s' if len(files) != 1 else ''})"
                     if files else EMPTY_BODY)
    subject = mail.subject.strip() or "(no subject)"
    read = with_html(tools.intake, read_customer_text(tools.intake, body, subject=subject),
                     mail.html)
    meta: dict[str, Any] = {"channel": Channel.EMAIL.value, "inbound_id": inbound_id,
                            "from": mail.from_address, "to": list(mail.to[:50]),
                            "cc": list(mail.cc[:50])}
    if mail.reply_to:
        meta["reply_to"] = mail.reply_to
    if shown != mail.text.strip():
        meta["quoted_text_hidden"] = True  # the whole message: the inbound's raw bytes
    subject, cut = fitted_subject(mask_line(tools.intake, subject))
    notices = [*mail.notices, *([f"the subject was cut at {MAX_SUBJECT_LENGTH} characters"]
                                if cut else [])]
    if notices:
        meta["notices"] = notices
    if mail.message_id:
        meta["message_id"] = mail.message_id
    return _Prepared(read, subject, files, mask_fields(tools.intake, meta))


def _file(tools: MailTools, inbound_id: int, mail: ParsedMail, at: datetime) -> Outcome:
    routing = tools.routing
    forward = forward_by_agent(tools.uows, tools.intake, routing, mail)
    if forward is not None:
        mail = forward.mail
    customer = forward.customer if forward else customer_address(mail, routing.support)
    if not customer[0] and automatic_reason(mail, own_addresses=routing.support) is None:
        _no_sender()  # a report may name no sender ("MAILER-DAEMON", "<>"): it opens nothing
    prepared = _prepare(tools, inbound_id, mail)
    if forward is not None:
        prepared.meta["forwarded_by_agent_id"] = forward.agent.id
    with tools.uows() as uow:
        since = at - timedelta(seconds=routing.rate.window_seconds)
        inbound, recent = uow.mail.inbound_to_file(inbound_id, customer[0] or "", since)
        if inbound is None or inbound.status is not InboundStatus.RECEIVED:
            return inbound.outcome if inbound and inbound.outcome else Outcome.DUPLICATE
        by_hand = inbound.reason == FILED_BY_HAND
        automatic = None if by_hand else automatic_reason(
            mail, own_addresses=routing.support, recent_from_sender=recent, rate=routing.rate)
        ticket, returned = _answered(uow, mail, customer[0] or "", routing, at,
                                     bounce=automatic is Automatic.BOUNCE)
        if automatic is None and not by_hand and ticket is None \
                and flagged_as_spam(mail.signals):
            # Spam opens nothing. A message that answers a ticket is filed whatever the
            # filter said: a spammer cannot know the desk's Message-IDs, and a customer's
            # reply a strict filter mistook must not be lost from the conversation.
            automatic = Automatic.SPAM
        if automatic is not None:
            outcome = Outcome.AUTO_REPLY
            if ticket is not None:
                if automatic is Automatic.BOUNCE:
                    mark_undelivered(uow, ticket, mail, at, returned)
                _attach_automatic(uow, ticket, prepared, automatic.value, at)
        elif ticket is not None and not ticket.is_closed:
            record_customer_message(uow, ticket, prepared.read, at, prepared.meta,
                                    prepared.attachments)
            outcome = Outcome.THREADED
        else:
            if not customer[0]:
                _no_sender()
            ticket = _open(uow, tools.intake, mail, customer, prepared, routing, at,
                           follow_up_of=ticket.id if ticket is not None else None)
            if forward is not None:
                add_forwarders_note(uow, ticket, forward, at)
            outcome = Outcome.CREATED
        inbound.status, inbound.outcome = InboundStatus.PROCESSED, outcome
        inbound.ticket_id = ticket.id if ticket is not None else None
        inbound.sender, inbound.processed_at = customer[0], at
        inbound.reason = automatic.value if automatic is not None else \
            FILED_BY_HAND if by_hand else None
        inbound.attempts += 1
        uow.mail.save_filed(inbound, mail.message_id, at)  # its Message-ID kept with it
        uow.commit()
    return outcome


def _no_sender() -> NoReturn:
    raise ValidationFailed("the message names no sender (no From, Sender, Return-Path or "
                           "Reply-To address)", {"from": "missing"})


def _answered(uow: UnitOfWork, mail: ParsedMail, customer: str, routing: MailRouting,
              at: datetime, *, bounce: bool) -> tuple[Ticket | None, Returned | None]:
    """The ticket the message answers, followed through merges and locked; for a bounce,
    the one whose mail it returns, and where that mail was sent."""
    if not bounce:
        chosen = _thread(uow, mail, customer, routing, at, mail.thread_ids())
        return (_followed(uow, chosen) if chosen is not None else None), None
    chosen = _thread(uow, mail, customer, routing, at, returned_ids(mail))
    if chosen is not None:
        return _followed(uow, chosen), Returned(chosen)
    found = returned_by_recipient(uow, mail, routing.support, at)
    if found is None:
        return None, None
    return _followed(uow, found.ticket_id), Returned(found.ticket_id, found)


def _thread(uow: UnitOfWork, mail: ParsedMail, customer: str, routing: MailRouting,
            at: datetime, message_ids: tuple[str, ...]) -> int | None:
    """The ticket this message (from ``customer``'s address) answers, by the Message-IDs it
    answers or returns (``message_ids``, nearest first) or else its subject; or None."""
    by_reference = uow.mail.ticket_for_message_ids(message_ids)
    recipients = (*mail.to, *mail.cc)
    requester_of: dict[int, bool] = {}
    candidates = candidate_tickets(mail.subject, recipients, routing.support)
    sender = None
    if customer and (candidates or (by_reference is None
                                    and answers_something(mail.subject))):
        sender = uow.customers.find_by_identity(
            Identity(IdentityKind.EMAIL, normalise_identity(IdentityKind.EMAIL, customer)))
        for ticket_id in candidates:
            found = uow.tickets.get(ticket_id)
            requester_of[ticket_id] = bool(sender and found and
                                           found.requester_id == sender.id)
    choice = choose_thread(by_reference, mail.subject, recipients, routing.support,
                           requester_of)
    if choice is None and sender is not None and sender.id is not None:
        choice = reply_to_own(mail.subject, uow.tickets.recent_of_requester(
            sender.id, at - timedelta(days=REPLY_SUBJECT_DAYS)))
    return choice.ticket_id if choice is not None else None


def _followed(uow: UnitOfWork, ticket_id: int) -> Ticket | None:
    """The ticket, or the one it was merged into (and so on), locked."""
    ticket = uow.tickets.get(ticket_id, for_update=True)
    hops = 0
    while ticket is not None and ticket.merged_into_id is not None and hops < MAX_MERGE_HOPS:
        ticket = uow.tickets.get(ticket.merged_into_id, for_update=True)
        hops += 1
    return ticket


def _open(uow: UnitOfWork, tools_intake: IntakeTools, mail: ParsedMail,
          customer: tuple[str | None, str | None], prepared: _Prepared,
          routing: MailRouting, at: datetime, *, follow_up_of: int | None) -> Ticket:
    fields: dict[str, Any] = {"follow_up_of": follow_up_of} if follow_up_of else {}
    address, name = customer
    new = NewTicket(subject=prepared.subject, body=prepared.read.body,
                    requester_email=address,
                    requester_name=mask_optional(tools_intake, name),
                    channel=Channel.EMAIL,
                    team_id=routing.team_for((*mail.to, *mail.cc)), custom_fields=fields)
    detail = write_new_ticket(uow, MAIL_INTAKE, new, prepared.read, at,
                              channel_meta=prepared.meta, with_sla=False)
    message = detail.messages[0]
    assert message.id is not None
    uow.mail.add_attachments(message.id, prepared.attachments)
    return detail.ticket


def _attach_automatic(uow: UnitOfWork, ticket: Ticket, prepared: _Prepared, why: str,
                      at: datetime) -> None:
    """Keep an auto-reply or bounce on the ticket without waking it or answering it."""
    assert ticket.id is not None
    message = Message(id=None, ticket_id=ticket.id, author=Actor.customer(ticket.requester_id),
                      body=prepared.read.body, created_at=at, public=False,
                      channel_meta={**prepared.meta, "automatic": why},
                      attachments=prepared.attachments,
                      sealed_body=prepared.read.sealed_original)
    uow.tickets.add_message(message)
    ticket.record(Actor.system(), EventKind.MAIL_AUTOMATIC, at,
                  data={"message_id": message.id, "reason": why})
    uow.tickets.save(ticket)
    flush_events(uow, ticket)


# --- quarantine ------------------------------------------------------------------------------

def quarantined(tools: MailTools, actor: Agent, limit: int = 50,
                before_id: int | None = None) -> list[Inbound]:
    check_mail_coordinator(actor)
    with tools.uows(write=False) as uow:
        return uow.mail.quarantined(_page_size(limit), before_id)


def retry(tools: MailTools, actor: Agent, inbound_id: int) -> Outcome:
    """Process a quarantined message again (after the cause was fixed)."""
    check_mail_coordinator(actor)
    with tools.uows() as uow:
        inbound = _quarantined(uow, inbound_id)
        inbound.status, inbound.outcome, inbound.reason = InboundStatus.RECEIVED, None, None
        uow.mail.save_inbound(inbound)
        uow.outbox.put(RELEASED_TOPIC, {"inbound_id": inbound_id}, utcnow())
        uow.commit()
    return process(tools, inbound_id)


def to_ticket(tools: MailTools, actor: Agent, inbound_id: int, requester_email: str,
              *, now: datetime | None = None) -> int:
    """Open a ticket from a quarantined message by hand: its bytes as text, for whoever
    ``requester_email`` is. Returns the ticket's id."""
    check_mail_coordinator(actor)
    at = now or utcnow()
    with tools.uows(write=False) as uow:
        inbound = _quarantined(uow, inbound_id)
    raw = tools.blobs.get(inbound.raw_sha256)
    text = raw.decode("utf-8", "replace")[:200_000]
    read = read_customer_text(tools.intake, text)
    subject = f"Quarantined e-mail {inbound_id}"
    with tools.uows() as uow:
        inbound = _quarantined(uow, inbound_id, for_update=True)
        new = NewTicket(subject=subject, body=read.body, requester_email=requester_email,
                        channel=Channel.EMAIL,
                        custom_fields={"from_quarantine": inbound_id})
        detail = write_new_ticket(uow, actor, new, read, at,
                                  channel_meta={"channel": "email", "inbound_id": inbound_id,
                                                "from_quarantine": True})
        assert detail.ticket.id is not None
        inbound.status, inbound.outcome = InboundStatus.PROCESSED, Outcome.CREATED
        inbound.ticket_id, inbound.processed_at = detail.ticket.id, at
        uow.mail.save_inbound(inbound)
        uow.outbox.put(RELEASED_TOPIC, {"inbound_id": inbound_id,
                                        "ticket_id": detail.ticket.id}, at)
        uow.commit()
    return detail.ticket.id


# --- set aside as machine-written ------------------------------------------------------------

# The reason a set-aside message carries while it waits to be filed as a person's, and keeps.
FILED_BY_HAND = "filed by hand as a person's message"


def set_aside(tools: MailTools, actor: Agent, limit: int = 50,
              before_id: int | None = None) -> list[Inbound]:
    """Messages judged machine-written (auto-replies, bounces, loops, a flood from one
    sender) that answered no ticket, so opened none: newest first, with why. A coordinator
    can see what the rules kept out, and file one a robot's rules mistook."""
    check_mail_coordinator(actor)
    with tools.uows(write=False) as uow:
        return uow.mail.set_aside(_page_size(limit), before_id)


@dataclass(frozen=True)
class HeldMail:
    """The console's quarantine page: what could not be filed, and what was set aside."""

    quarantined: list[Inbound]
    set_aside: list[Inbound]


def held_mail(tools: MailTools, actor: Agent, limit: int) -> HeldMail:
    """The newest ``limit`` of each, read in one transaction."""
    check_mail_coordinator(actor)
    with tools.uows(write=False) as uow:
        return HeldMail(uow.mail.quarantined(_page_size(limit), None),
                        uow.mail.set_aside(_page_size(limit), None))


def _page_size(limit: int) -> int:
    """A list of held mail is read a page of 1 to 200 messages at a time."""
    return max(1, min(limit, 200))


def file_by_hand(tools: MailTools, actor: Agent, inbound_id: int, *,
                 now: datetime | None = None) -> Outcome:
    """File a set-aside message as a person's: it is read and filed as any message is (a
    new ticket, or an update of the one it answers), only not judged machine-written."""
    check_mail_coordinator(actor)
    with tools.uows() as uow:
        inbound = uow.mail.inbound(inbound_id, for_update=True)
        if inbound is None or inbound.status is not InboundStatus.PROCESSED or \
                inbound.outcome is not Outcome.AUTO_REPLY or inbound.ticket_id is not None:
            raise NotFound(f"no message {inbound_id} set aside as machine-written")
        # Kept on the message while it waits, so whichever process files it reads it so.
        inbound.status, inbound.outcome = InboundStatus.RECEIVED, None
        inbound.reason = FILED_BY_HAND
        uow.mail.save_inbound(inbound)
        uow.commit()
    return process(tools, inbound_id, now=now)


def raw_message(tools: MailTools, actor: Agent, inbound_id: int) -> bytes:
    check_mail_coordinator(actor)
    with tools.uows(write=False) as uow:
        inbound = uow.mail.inbound(inbound_id)
    if inbound is None:
        raise NotFound(f"received message {inbound_id} was not found")
    return tools.blobs.get(inbound.raw_sha256)


def _quarantined(uow: UnitOfWork, inbound_id: int, *, for_update: bool = False) -> Inbound:
    inbound = uow.mail.inbound(inbound_id, for_update=for_update)
    if inbound is None or inbound.status is not InboundStatus.QUARANTINED:
        raise NotFound(f"no quarantined message {inbound_id}")
    return inbound
