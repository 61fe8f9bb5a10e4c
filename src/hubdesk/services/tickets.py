"""Ticket use cases: open, converse, change, assign, merge, read. One transaction each."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import utcnow
from hubdesk.domain.customers import (
    Customer,
    Identity,
    IdentityKind,
    display_name_from_email,
    normalise_identity,
)
from hubdesk.domain.errors import Conflict, NotFound, ValidationFailed
from hubdesk.domain.escalation import current_tier
from hubdesk.domain.events import Actor, ActorKind, EventKind, event_message
from hubdesk.domain.intake import (
    Arrival,
    ticket_fields_from_triage,
    triage_summary,
    weigh_customer_tier,
)
from hubdesk.domain.intake import event_data as triage_event_data
from hubdesk.domain.merging import merge
from hubdesk.domain.messages import (
    Attachment,
    Message,
    check_attachment_count,
    clean_body,
    one_line_filename,
)
from hubdesk.domain.permissions import (
    TicketAction,
    check_admin,
    check_assignment,
    check_may_open_ticket,
    check_sensitive_access,
    check_ticket,
    ticket_scope,
)
from hubdesk.domain.tickets import (
    UNRESOLVED,
    Channel,
    Priority,
    Status,
    Ticket,
    clean_subject,
    normalise_tags,
)
from hubdesk.domain.triage import SimilarTicket
from hubdesk.services.handoff_views import ticket_handoffs
from hubdesk.services.intake import (
    NO_TOOLS,
    IntakeTools,
    ReadText,
    mask_fields,
    mask_line,
    mask_optional,
    mask_tags,
    read_agent_text,
    read_customer_text,
    with_html,
)
from hubdesk.services.ports import (
    BlobStore,
    DuplicateKey,
    Sealer,
    SimilarityFinder,
    UnitOfWork,
    UnitOfWorkFactory,
)
from hubdesk.services.sla import kept_clocks
from hubdesk.services.sla_reads import clock_views
from hubdesk.services.views import Page, StoredEvent, TicketDetail, TicketFilter

MAX_PAGE_SIZE = 200
OPEN_ATTEMPTS = 3
# Search indexes the beginning of very long messages only; the stored message stays whole.
MAX_INDEXED_CHARACTERS = 100_000


@dataclass(frozen=True)
class NewTicket:
    subject: str
    body: str
    requester_email: str | None = None
    requester_name: str | None = None
    requester_id: int | None = None
    # A caller or visitor known by phone only (used when there is no e-mail address).
    requester_phone: str | None = None
    channel: Channel = Channel.API
    priority: Priority | None = None  # None: triage suggests one (normal without triage)
    tags: tuple[str, ...] = ()
    category: str | None = None
    team_id: int | None = None
    body_html: str | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)

    def fingerprint(self) -> str:
        canonical = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class TicketChanges:
    """A partial update; only the fields named in ``fields_set`` are applied."""

    fields_set: frozenset[str]
    status: Status | None = None
    priority: Priority | None = None
    assignee_id: int | None = None
    team_id: int | None = None
    department_id: int | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    subject: str | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)


def flush_events(uow: UnitOfWork, *tickets: Ticket, arrival: Arrival | None = None) -> None:
    """Run the in-transaction handlers on each ticket's new events (saving the ticket again if
    they changed it), then store the events as audit trail and hand them to the outbox."""
    for ticket in tickets:
        recorded = len(ticket.pending_events)
        uow.bus.handle(uow, ticket, arrival)
        if len(ticket.pending_events) > recorded:  # a handler changed the ticket: keep it
            uow.tickets.save(ticket)
        events = ticket.pending_events
        uow.tickets.add_events(events)
        for event in events:
            topic, payload = event_message(event, place=ticket.place())
            uow.outbox.put(topic, payload, event.at)
        ticket.pending_events = []


def _search_text(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)[:MAX_INDEXED_CHARACTERS]


def _index(uow: UnitOfWork, ticket_id: int, *parts: str | None) -> None:
    text = _search_text(*parts)
    if text:
        uow.tickets.index_text(ticket_id, text)


def _resolve_requester(uow: UnitOfWork, new: NewTicket, at: datetime
                       ) -> tuple[Customer, bool]:
    """The requester, and whether they were created just now (first seen)."""
    if new.requester_id is not None:
        customer = uow.customers.get(new.requester_id)
        if customer is None:
            raise ValidationFailed(f"customer {new.requester_id} does not exist",
                                   {"requester.id": "unknown customer"})
        return customer, False
    if not new.requester_email and not new.requester_phone:
        raise ValidationFailed("say who is asking: give the requester's e-mail, phone number "
                               "or id", {"requester": "missing"})
    if new.requester_email:
        identity = Identity(IdentityKind.EMAIL,
                            normalise_identity(IdentityKind.EMAIL, new.requester_email))
        name = (new.requester_name or "").strip() or display_name_from_email(identity.value)
    else:
        identity = Identity(IdentityKind.PHONE,
                            normalise_identity(IdentityKind.PHONE, new.requester_phone or ""))
        name = (new.requester_name or "").strip()
        if not name:
            found = uow.customers.find_by_identity(identity)
            if found is None:  # nothing to call a new customer by: no address to derive it
                raise ValidationFailed("a new customer known by phone only needs a name",
                                       {"requester.name": "required"})
            return found, False
    return uow.customers.find_or_add(
        identity, Customer(id=None, name=name[:200], identities=[identity]), at)


def open_ticket(uows: UnitOfWorkFactory, actor: Agent, new: NewTicket, *,
                idempotency_key: str | None = None, now: datetime | None = None,
                tools: IntakeTools = NO_TOOLS) -> tuple[TicketDetail, bool]:
    """Create a ticket with its first message. Returns the ticket and whether it is new.

    With an idempotency key, a retry (even a concurrent one) returns the first ticket.
    """
    check_may_open_ticket(actor)
    fingerprint = new.fingerprint() if idempotency_key else ""
    # Triage and masking run before the transaction: their CPU time never holds a lock.
    read = with_html(tools, read_customer_text(tools, new.body, subject=new.subject),
                     new.body_html)
    masked = _masked_ticket(tools, new)
    for attempt in range(OPEN_ATTEMPTS):
        try:
            return _create(uows, actor, masked, idempotency_key, fingerprint, now, read)
        except DuplicateKey:
            # A concurrent transaction committed first: either the same request (same key:
            # answer with its ticket) or another first contact from the same new customer
            # (the customer exists now: the next attempt finds them). Nothing of ours stayed.
            if idempotency_key:
                with uows(write=False) as uow:
                    replay = _replay(uow, actor, idempotency_key, fingerprint)
                if replay is not None:
                    return get_ticket(uows, actor, replay), False
            if attempt == OPEN_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _masked_ticket(tools: IntakeTools, new: NewTicket) -> NewTicket:
    """Every text of a new ticket but its body as it will be stored (the body, read by
    triage, is masked and sealed by `read_customer_text`)."""
    return replace(new, subject=mask_line(tools, new.subject),
                   requester_name=mask_optional(tools, new.requester_name),
                   category=mask_optional(tools, new.category),
                   tags=mask_tags(tools, new.tags),
                   custom_fields=mask_fields(tools, new.custom_fields), body_html=None)


def _replay(uow: UnitOfWork, actor: Agent, key: str, fingerprint: str) -> int | None:
    """The ticket an earlier request with this key created, if any."""
    assert actor.id is not None
    found = uow.tickets.find_idempotency_key(actor.id, key)
    if found is None:
        return None
    stored_fingerprint, ticket_id = found
    if stored_fingerprint != fingerprint:
        raise Conflict("this Idempotency-Key was already used with a different request; "
                       "use a new key for a new ticket")
    return ticket_id


def _create(uows: UnitOfWorkFactory, actor: Agent, new: NewTicket, key: str | None,
            fingerprint: str, now: datetime | None,
            read: ReadText) -> tuple[TicketDetail, bool]:
    at = now or utcnow()
    with uows() as uow:
        replay = _replay(uow, actor, key, fingerprint) if key else None
        if replay is not None:
            uow.commit()
            return get_ticket(uows, actor, replay), False
        claim = (actor.id, key, fingerprint) if key and actor.id is not None else None
        detail = write_new_ticket(uow, actor, new, read, at, claim)
        uow.commit()
    return detail, True


def write_new_ticket(uow: UnitOfWork, actor: Agent, new: NewTicket, read: ReadText,
                     at: datetime, claim: tuple[int, str, str] | None = None, *,
                     channel_meta: dict[str, Any] | None = None,
                     with_sla: bool = True) -> TicketDetail:
    """Write a new ticket with its first message in ``uow``'s transaction (``new`` already
    masked and ``read`` already triaged, outside it). Channels that must record more in the
    same transaction (e-mail) call this; everyone else calls `open_ticket`. Without
    ``with_sla`` the detail's clocks are not read back (a caller that shows nobody the
    detail)."""
    subject = clean_subject(new.subject)
    body = clean_body(read.body)
    tags = normalise_tags(new.tags)
    team_id = new.team_id
    if team_id is None and not actor.oversees_everything and actor.team_ids:
        team_id = min(actor.team_ids)  # a representative's ticket lands in their own queue
    if team_id is not None and not uow.structure.team_exists(team_id):
        raise ValidationFailed(f"team {team_id} does not exist", {"team_id": "unknown"})
    requester, first_contact = _resolve_requester(uow, new, at)
    assert requester.id is not None
    result = (weigh_customer_tier(read.result, requester.tier.value)
              if read.result is not None else None)
    applied = (ticket_fields_from_triage(result, priority_given=new.priority is not None,
                                         category_given=new.category is not None)
               if result is not None else {})
    priority = new.priority or applied.get("priority", Priority.NORMAL)
    ticket = Ticket(id=None, subject=subject, requester_id=requester.id, created_at=at,
                    updated_at=at, channel=new.channel, priority=priority, tags=tags,
                    category=new.category or applied.get("category"), team_id=team_id,
                    language=applied.get("language") or requester.language,
                    custom_fields=dict(new.custom_fields))
    author = Actor.agent(actor.id) if actor.id is not None else Actor.system()
    data: dict[str, Any] = {"channel": new.channel.value}
    if result is not None:
        data["triage"] = triage_event_data(result, applied)
    ticket.record(author, EventKind.CREATED, at, data=data)
    change = uow.bus.handle(uow, ticket, Arrival(requester, result, first_contact, body))
    message = Message(id=None, ticket_id=None, author=Actor.customer(requester.id),
                      body=body, created_at=at,
                      body_html=read.body_html,
                      channel_meta=channel_meta or {"channel": new.channel.value},
                      triage=triage_summary(result) if result is not None else None,
                      sealed_body=read.sealed_original)
    uow.tickets.add_opened(
        ticket, message, _search_text(subject, requester.name, requester.primary_email,
                                      body),
        [event_message(e, place=ticket.place()) for e in ticket.pending_events], claim)
    ticket.pending_events = []
    assert ticket.id is not None
    for work in change.stored:  # handlers' work that needed the ticket written
        work()
    # The clocks as the change saved them, unless what that work recorded (rules' replies)
    # moved them again in a change of its own.
    kept = kept_clocks(change, ticket.id)
    if ticket.pending_events:
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        kept = None
    return TicketDetail(ticket=ticket, requester=requester, messages=[message],
                        sla=clock_views(uow, ticket, at, kept) if with_sla else [])


def load_for(uow: UnitOfWork, actor: Agent, ticket_id: int, action: TicketAction,
              *, for_update: bool = True) -> Ticket:
    ticket = uow.tickets.get(ticket_id, for_update=for_update)
    if ticket is None:
        raise NotFound(f"ticket #{ticket_id} was not found")
    check_ticket(actor, ticket, action)
    return ticket


def message_on(uow: UnitOfWork, ticket_id: int, message_id: int) -> Message:
    message = uow.tickets.message(ticket_id, message_id)
    if message is None:
        raise NotFound(f"message {message_id} was not found on ticket #{ticket_id}")
    return message


def _refuse_if_written_meanwhile(uow: UnitOfWork, actor: Agent, ticket_id: int,
                                 seen_up_to: int) -> None:
    """Checked under the ticket's row lock, so two agents replying at once cannot both pass."""
    others = [m for m in uow.tickets.messages_after(ticket_id, seen_up_to)
              if not (m.author.kind is ActorKind.AGENT and m.author.id == actor.id)]
    if not others:
        return
    names = uow.agents.names([m.author.id for m in others
                              if m.author.kind is ActorKind.AGENT and m.author.id])
    who = sorted({names.get(m.author.id or 0, "another agent")
                  if m.author.kind is ActorKind.AGENT else "the customer" for m in others})
    raise Conflict(f"{' and '.join(who)} wrote on this ticket since you opened it: read it, "
                   "then send again")


def add_message(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, body: str, *,
                public: bool = True, body_html: str | None = None,
                attachments: list[NewAttachment] | None = None,
                blobs: BlobStore | None = None, now: datetime | None = None,
                tools: IntakeTools = NO_TOOLS, then_status: Status | None = None,
                seen_up_to: int | None = None) -> Message:
    """An agent's public reply or internal note; with ``then_status`` the ticket takes that
    status in the same transaction ("send and set pending", "send and solve"). With
    ``seen_up_to`` (the last message the agent had in front of them), it is refused if
    someone else wrote on the ticket after that one: the agent reads it first."""
    check_attachment_count(len(attachments or ()))
    files = [replace(f, filename=mask_line(tools, one_line_filename(f.filename)))
             for f in attachments or []]
    read = with_html(tools, read_agent_text(tools, clean_body(body, has_attachments=bool(files))),
                     body_html)
    text = read.body
    if files and blobs is None:
        raise ValidationFailed("attachments are not accepted here", {"attachments": "unsupported"})
    at = now or utcnow()
    assert actor.id is not None
    author = Actor.agent(actor.id)
    with uows() as uow:
        action = TicketAction.PUBLIC_REPLY if public else TicketAction.INTERNAL_NOTE
        ticket = load_for(uow, actor, ticket_id, action)
        if seen_up_to is not None:
            _refuse_if_written_meanwhile(uow, actor, ticket_id, seen_up_to)
        if public:
            ticket.on_public_reply_by_agent(author, at)
        elif ticket.is_closed:
            raise Conflict("the ticket is closed; notes can no longer be added")
        # Files are written only once the agent may write here: a refused reply leaves none.
        # A file written for a transaction that then fails may be shared by content with
        # another message, so it is left to the orphan sweep rather than discarded here.
        stored = [Attachment(f.filename[:255] or "attachment",
                             f.content_type or "application/octet-stream", len(f.content),
                             blobs.put(f.content) if blobs else "") for f in files]
        message = Message(id=None, ticket_id=ticket_id, author=author, body=text,
                          created_at=at, public=public, body_html=read.body_html,
                          attachments=stored, sealed_body=read.sealed_original)
        write_agent_message(uow, actor, ticket, message, at, then_status=then_status)
        uow.commit()
    return message


def write_agent_message(uow: UnitOfWork, actor: Agent, ticket: Ticket, message: Message,
                        at: datetime, *, then_status: Status | None = None) -> None:
    """Store ``actor``'s reply or note on ``ticket`` (loaded for update) in ``uow``'s
    transaction: read by its author, in the ticket's history and search, the ticket taking
    ``then_status`` if given."""
    assert actor.id is not None and ticket.id is not None
    author = Actor.agent(actor.id)
    uow.tickets.add_message(message)
    assert message.id is not None
    uow.reads.mark(actor.id, ticket.id, message.id, at)  # what they answered, they read
    ticket.record(author, EventKind.REPLIED if message.public else EventKind.NOTED, at,
                  data={"message_id": message.id})
    if then_status is not None and then_status is not ticket.status:
        check_ticket(actor, ticket, TicketAction.CHANGE_STATUS)
        ticket.change_status(then_status, author, at)
    uow.tickets.save(ticket)
    _index(uow, ticket.id, message.body)
    flush_events(uow, ticket)


def add_customer_message(uows: UnitOfWorkFactory, ticket_id: int, body: str, *,
                         channel_meta: dict[str, Any] | None = None,
                         now: datetime | None = None,
                         tools: IntakeTools = NO_TOOLS) -> Message:
    """The requester wrote again (channels call this after threading the contact)."""
    read = read_customer_text(tools, clean_body(body))
    at = now or utcnow()
    with uows() as uow:
        ticket = uow.tickets.get(ticket_id, for_update=True)
        if ticket is None:
            raise NotFound(f"ticket #{ticket_id} was not found")
        message = record_customer_message(uow, ticket, read, at,
                                          mask_fields(tools, channel_meta or {}))
        uow.commit()
    return message


def record_customer_message(uow: UnitOfWork, ticket: Ticket, read: ReadText, at: datetime,
                            channel_meta: dict[str, Any],
                            attachments: list[Attachment] | None = None) -> Message:
    """Add the requester's new message to ``ticket`` (loaded for update) in ``uow``'s
    transaction; ``read`` and ``channel_meta`` are already masked."""
    assert ticket.id is not None
    text = read.body
    author = Actor.customer(ticket.requester_id)
    sender = uow.customers.get(ticket.requester_id)
    assert sender is not None
    if sender.blocked is None or ticket.is_closed or ticket.merged_into_id is not None:
        ticket.on_customer_message(author, at)  # refuses closed and merged tickets
    else:  # kept, but a blocked sender cannot wake a ticket back into a queue
        ticket.record(Actor.system(), EventKind.HELD_BLOCKED_SENDER, at,
                      data={"reason": sender.blocked.reason})
    message = Message(id=None, ticket_id=ticket.id, author=author, body=text,
                      created_at=at, channel_meta=channel_meta, triage=read.triage,
                      sealed_body=read.sealed_original, body_html=read.body_html,
                      attachments=list(attachments or []))
    if ticket.language is None and read.result is not None:
        language = ticket_fields_from_triage(
            read.result, priority_given=True, category_given=True).get("language")
        if language:
            ticket.update(author, at, language=language)
    uow.tickets.add_message(message)
    ticket.record(author, EventKind.CUSTOMER_REPLIED, at, data={"message_id": message.id})
    uow.tickets.save(ticket)
    _index(uow, ticket.id, text)
    flush_events(uow, ticket, arrival=Arrival(sender, read.result, body=text))
    return message


def update_ticket(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int,
                  changes: TicketChanges, *, now: datetime | None = None,
                  tools: IntakeTools = NO_TOOLS) -> TicketDetail:
    at = now or utcnow()
    assert actor.id is not None
    author = Actor.agent(actor.id)
    fields = changes.fields_set
    changes = _masked_changes(tools, changes)
    with uows() as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW)
        if fields & {"assignee_id", "team_id"}:
            _apply_assignment(uow, actor, ticket, changes, author, at)
        edits = {name: getattr(changes, name) for name in
                 ("priority", "category", "tags", "subject", "custom_fields",
                  "department_id") if name in fields}
        if edits:
            check_ticket(actor, ticket, TicketAction.EDIT)
            if edits.get("department_id") is not None and \
                    uow.structure.get_department(edits["department_id"]) is None:
                raise ValidationFailed("that department does not exist",
                                       {"department_id": "unknown"})
            ticket.update(author, at, **edits)
        if "status" in fields:
            if changes.status is None:
                raise ValidationFailed("status cannot be empty", {"status": "required"})
            check_ticket(actor, ticket, TicketAction.CHANGE_STATUS)
            ticket.change_status(changes.status, author, at)
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        # The ticket as this change left it, read in the same transaction: the caller saw it
        # when acting, even if the change took it out of their scope (a released ticket).
        detail = detail_of(uow, ticket, viewer=actor, now=at)
        uow.commit()
    return detail


def raise_priority(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, *,
                   now: datetime | None = None) -> tuple[Priority, TicketDetail]:
    """Raise the ticket's priority one step from what it is when the change runs (a ticket
    at risk, acted on from a list that may be minutes old); returns the priority it had."""
    at = now or utcnow()
    assert actor.id is not None
    with uows() as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW)
        check_ticket(actor, ticket, TicketAction.EDIT)
        was, raised = ticket.priority, ticket.priority.raised
        if raised is None:
            raise ValidationFailed(f"ticket #{ticket_id} is already urgent",
                                   {"priority": "highest"})
        ticket.update(Actor.agent(actor.id), at, priority=raised)
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        detail = detail_of(uow, ticket, viewer=actor, now=at)
        uow.commit()
    return was, detail


def _masked_changes(tools: IntakeTools, changes: TicketChanges) -> TicketChanges:
    """The change's texts as they will be stored, and so as its event will carry them."""
    fields = changes.fields_set
    if not fields & {"subject", "category", "tags", "custom_fields"}:
        return changes
    return replace(changes, subject=mask_optional(tools, changes.subject),
                   category=mask_optional(tools, changes.category),
                   tags=mask_tags(tools, changes.tags),
                   custom_fields=mask_fields(tools, changes.custom_fields))


def _apply_assignment(uow: UnitOfWork, actor: Agent, ticket: Ticket, changes: TicketChanges,
                      author: Actor, at: datetime) -> None:
    fields = changes.fields_set
    assignee = None
    if "assignee_id" in fields and changes.assignee_id is not None:
        assignee = uow.agents.get(changes.assignee_id)
        if assignee is None or not assignee.active:
            raise ValidationFailed("that agent does not exist or is inactive",
                                   {"assignee_id": "unknown"})
    team_id = changes.team_id if "team_id" in fields else None
    if team_id is not None and not uow.structure.team_exists(team_id):
        raise ValidationFailed("that team does not exist", {"team_id": "unknown"})
    check_assignment(actor, ticket,
                     assignee if "assignee_id" in fields else _current(uow, ticket), team_id)
    values: dict[str, Any] = {}
    if "assignee_id" in fields:
        values["assignee_id"] = changes.assignee_id
    if "team_id" in fields:
        values["team_id"] = changes.team_id
    ticket.update(author, at, **values)


def _current(uow: UnitOfWork, ticket: Ticket) -> Agent | None:
    return uow.agents.get(ticket.assignee_id) if ticket.assignee_id is not None else None


def change_status(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, status: Status,
                  *, now: datetime | None = None) -> TicketDetail:
    return update_ticket(uows, actor, ticket_id,
                         TicketChanges(frozenset({"status"}), status=status), now=now)


def assign(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, assignee_id: int | None,
           *, now: datetime | None = None) -> TicketDetail:
    return update_ticket(uows, actor, ticket_id,
                         TicketChanges(frozenset({"assignee_id"}), assignee_id=assignee_id),
                         now=now)


def merge_tickets(uows: UnitOfWorkFactory, actor: Agent, source_id: int, target_id: int,
                  *, now: datetime | None = None) -> TicketDetail:
    """Fold ``source`` into ``target``: its messages and search entries move over."""
    at = now or utcnow()
    assert actor.id is not None
    with uows() as uow:
        # Lock in id order so two opposite merges cannot deadlock each other.
        first, second = sorted((source_id, target_id))
        loaded = {i: load_for(uow, actor, i, TicketAction.MERGE) for i in (first, second)}
        source, target = loaded[source_id], loaded[target_id]
        merge(source, target, Actor.agent(actor.id), at)
        uow.tickets.move_conversation(source_id, target_id)
        uow.tickets.save(source)
        uow.tickets.save(target)
        flush_events(uow, source, target)
        detail = detail_of(uow, target, viewer=actor, now=at)
        uow.commit()
    return detail


def get_ticket(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int) -> TicketDetail:
    with uows(write=False) as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW, for_update=False)
        return detail_of(uow, ticket, viewer=actor)


def detail_of(uow: UnitOfWork, ticket: Ticket, *, viewer: Agent | None = None,
              now: datetime | None = None) -> TicketDetail:
    """A ticket the caller may see, with its requester, names and conversation; with a
    ``viewer``, also its tier and the handoffs the viewer may see (their time left as of
    ``now``)."""
    assert ticket.id is not None
    requester = uow.customers.get(ticket.requester_id)
    assert requester is not None
    steps = uow.handoffs.tier_steps(ticket.id)
    escalation = steps[-1] if steps else None
    by_id = escalation.escalated_by_id if escalation else None
    names = uow.agents.names([i for i in (ticket.assignee_id, by_id) if i])
    team = uow.structure.get_team(ticket.team_id) if ticket.team_id else None
    department = (uow.structure.get_department(ticket.department_id)
                  if ticket.department_id else None)
    return TicketDetail(ticket=ticket, requester=requester,
                        assignee_name=names.get(ticket.assignee_id or 0),
                        team_name=team.name if team else None,
                        department_name=department.name if department else None,
                        messages=uow.tickets.messages(ticket.id),
                        sla=clock_views(uow, ticket),
                        tier=current_tier(steps), escalation=escalation,
                        escalated_by_name=names.get(by_id) if by_id else None,
                        handoffs=(ticket_handoffs(uow, viewer, ticket, now or utcnow())
                                  if viewer is not None else []))


def list_tickets(uows: UnitOfWorkFactory, actor: Agent, filters: TicketFilter, *,
                 limit: int = 50, cursor: str | None = None) -> Page:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"limit must be between 1 and {MAX_PAGE_SIZE}",
                               {"limit": "out of range"})
    with uows(write=False) as uow:
        return visible_page(uow, actor, filters, limit, cursor)


def visible_page(uow: UnitOfWork, actor: Agent, filters: TicketFilter, limit: int,
                 cursor: str | None) -> Page:
    """A page of the tickets ``actor`` may see; a cursor this server did not hand out (one
    typed into an address) is invalid input, not a fault."""
    try:
        return uow.tickets.page(ticket_scope(actor), filters, limit, cursor,
                                reader_id=actor.id)
    except ValueError as error:
        raise ValidationFailed(str(error), {"cursor": "invalid"}) from error


def get_attachment(uows: UnitOfWorkFactory, blobs: BlobStore, actor: Agent,
                   attachment_id: int) -> tuple[Attachment, bytes]:
    """A file from a conversation, for whoever may see the ticket it belongs to."""
    with uows(write=False) as uow:
        found = uow.tickets.attachment(attachment_id)
        if found is None:
            raise NotFound(f"attachment {attachment_id} was not found")
        ticket_id, attachment = found
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(f"attachment {attachment_id} was not found")
        try:
            check_ticket(actor, ticket, TicketAction.VIEW)
        except NotFound as error:
            raise NotFound(f"attachment {attachment_id} was not found") from error
    return attachment, blobs.get(attachment.sha256)


def reveal_original(uows: UnitOfWorkFactory, sealer: Sealer, actor: Agent, ticket_id: int,
                    message_id: int, *, now: datetime | None = None) -> str:
    """The unmasked text of a message, for agents with sensitive-data access; every reveal
    is written to the ticket's audit trail."""
    at = now or utcnow()
    assert actor.id is not None
    with uows() as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW)
        check_sensitive_access(actor)
        message = message_on(uow, ticket_id, message_id)
        if message.sealed_body is None:
            raise NotFound("this message has no masked original: its text is shown in full")
        original = sealer.unseal(message.sealed_body)
        ticket.record(Actor.agent(actor.id), EventKind.SENSITIVE_REVEALED, at,
                      data={"message_id": message_id})
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        uow.commit()
    return original


MAX_MERGE_CANDIDATES = 50


def merge_suggestions(uows: UnitOfWorkFactory, finder: SimilarityFinder | None, actor: Agent,
                      ticket_id: int) -> list[SimilarTicket]:
    """The requester's other open tickets that look like the same request, best first:
    candidates to merge (only tickets the agent may see are considered)."""
    with uows(write=False) as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW, for_update=False)
        return likely_duplicates(uow, finder, actor, ticket)


def likely_duplicates(uow: UnitOfWork, finder: SimilarityFinder | None, actor: Agent,
                      ticket: Ticket) -> list[SimilarTicket]:
    if finder is None:  # a server without triage: nothing to compare with
        return []
    assert ticket.id is not None
    page = uow.tickets.page(ticket_scope(actor), TicketFilter(
        requester_id=ticket.requester_id, status=UNRESOLVED), MAX_MERGE_CANDIDATES, None)
    ids = [row.id for row in page.rows if row.id != ticket.id]
    if not ids:
        return []
    texts = uow.tickets.opening_texts([ticket.id, *ids])
    candidates: list[tuple[int, str, int | None, bool]] = [
        (i, texts.get(i, ""), ticket.requester_id, True) for i in ids]
    found = finder.similar(texts.get(ticket.id, ticket.subject), candidates,
                           customer_id=ticket.requester_id, exclude_ticket_id=ticket.id,
                           limit=10)
    return [match for match in found if match.likely_duplicate]


def training_examples(uows: UnitOfWorkFactory, actor: Agent,
                      limit: int = 100_000) -> list[tuple[str, str]]:
    """The desk's categorised tickets as (text, category) pairs for training the intent model.
    Categories set or corrected by agents are what the next model learns from."""
    check_admin(actor, "exporting training data")
    with uows(write=False) as uow:
        return uow.tickets.categorised_texts(limit)


def ticket_events(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int) -> list[StoredEvent]:
    with uows(write=False) as uow:
        load_for(uow, actor, ticket_id, TicketAction.VIEW, for_update=False)
        return uow.tickets.events(ticket_id)
