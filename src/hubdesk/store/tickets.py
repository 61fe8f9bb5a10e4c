"""The ticket repository: tickets, their conversation, their history, and the list queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)

from hubdesk.domain.events import Actor, ActorKind, TicketEvent, event_from_record, event_record
from hubdesk.domain.messages import Attachment, Message
from hubdesk.domain.permissions import TicketScope
from hubdesk.domain.tickets import Channel, Priority, Status, Ticket
from hubdesk.services.views import AssignedTicket, Page, StoredEvent, TeamLine, TicketFilter
from hubdesk.store import queues
from hubdesk.store import tables as t
from hubdesk.store.opening import IdempotencyClaim, OutboxEntry, write_opened_ticket
from hubdesk.store.queues import encode_cursor as encode_cursor  # the cursor's one spelling
from hubdesk.store.search import related_tickets, retitle
from hubdesk.store.types import among

_TICKET_FIELDS = ("subject", "status", "priority", "channel", "category", "tags",
                  "requester_id", "assignee_id", "team_id", "department_id", "language",
                  "merged_into_id", "custom_fields", "created_at", "updated_at", "solved_at",
                  "closed_at", "status_changed_at")


def _ticket_values(ticket: Ticket) -> dict[str, Any]:
    values = {name: getattr(ticket, name) for name in _TICKET_FIELDS}
    values["tags"] = list(ticket.tags)
    values["status"] = ticket.status.value
    values["priority"] = ticket.priority.value
    values["channel"] = ticket.channel.value
    return values


def _ticket_from_row(row: Row[Any]) -> Ticket:
    m = row._mapping
    return Ticket(
        id=m["id"], subject=m["subject"], requester_id=m["requester_id"],
        created_at=m["created_at"], updated_at=m["updated_at"], status=Status(m["status"]),
        priority=Priority(m["priority"]), channel=Channel(m["channel"]),
        category=m["category"], tags=tuple(m["tags"]), assignee_id=m["assignee_id"],
        team_id=m["team_id"], department_id=m["department_id"], language=m["language"],
        solved_at=m["solved_at"], closed_at=m["closed_at"], merged_into_id=m["merged_into_id"],
        custom_fields=dict(m["custom_fields"]), status_changed_at=m["status_changed_at"])


class SqlTicketRepository:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def add_opened(self, ticket: Ticket, message: Message, search_text: str,
                   outbox: list[OutboxEntry], claim: IdempotencyClaim | None) -> int:
        ticket_id, message_id = write_opened_ticket(
            self.db, _ticket_values(ticket), ticket, message, search_text, outbox, claim)
        ticket.id = ticket_id
        message.id = message_id
        message.ticket_id = ticket_id
        for event in ticket.pending_events:
            object.__setattr__(event, "ticket_id", ticket_id)
        return ticket_id

    def get(self, ticket_id: int, *, for_update: bool = False) -> Ticket | None:
        query = select(t.tickets).where(t.tickets.c.id == ticket_id)
        if for_update and self.db.dialect.name != "sqlite":
            query = query.with_for_update()
        row = self.db.execute(query).first()
        return _ticket_from_row(row) if row else None

    def get_many(self, ticket_ids: Iterable[int], *, for_update: bool = False
                 ) -> list[Ticket]:
        """The tickets found, in id order: the order every batch locks rows in, so two
        batches never wait on each other crosswise."""
        query = (select(t.tickets).where(among(self.db, t.tickets.c.id, sorted(set(ticket_ids))))
                 .order_by(t.tickets.c.id))
        if for_update and self.db.dialect.name != "sqlite":
            query = query.with_for_update()
        return [_ticket_from_row(row) for row in self.db.execute(query)]

    def recent_of_requester(self, requester_id: int, since: datetime,
                            limit: int = 50) -> list[tuple[int, str]]:
        """Id and subject of the requester's latest tickets changed since ``since`` (merged
        ones left out), newest first."""
        c = t.tickets.c
        rows = self.db.execute(
            select(c.id, c.subject, c.updated_at, c.merged_into_id)
            .where(c.requester_id == requester_id).order_by(c.created_at.desc()).limit(limit))
        return [(row.id, row.subject) for row in rows
                if row.merged_into_id is None and row.updated_at >= since]

    def save(self, ticket: Ticket) -> None:
        """Write the ticket; a subject changed since it was loaded is also changed in its
        search document, so the old subject no longer finds it (read from the pending events:
        replaying them again after a handler's change leaves the document as it is)."""
        assert ticket.id is not None
        self.db.execute(update(t.tickets).where(t.tickets.c.id == ticket.id)
                        .values(_ticket_values(ticket)))
        for event in ticket.pending_events:
            if "subject" in event.changes:
                old, new = event.changes["subject"]
                retitle(self.db, ticket.id, str(old), str(new))

    def page(self, scope: TicketScope, filters: TicketFilter, limit: int,
             cursor: str | None, reader_id: int | None = None) -> Page:
        return queues.page(self.db, scope, filters, limit, cursor, reader_id)

    def count_by_status(self, scope: TicketScope, filters: TicketFilter) -> dict[Status, int]:
        return queues.count_by_status(self.db, scope, filters)

    def team_lines(self, now: datetime, since: datetime) -> list[TeamLine]:
        return queues.team_lines(self.db, now, since)

    def assigned_work(self, per_agent: int) -> list[AssignedTicket]:
        return queues.assigned_work(self.db, per_agent)

    def add_message(self, message: Message) -> int:
        message_id = self.db.execute(insert(t.messages).values(
            ticket_id=message.ticket_id, author_kind=message.author.kind.value,
            author_id=message.author.id, public=message.public, body=message.body,
            body_html=message.body_html, channel_meta=message.channel_meta,
            created_at=message.created_at, triage=message.triage,
            sealed_body=message.sealed_body).returning(t.messages.c.id)).scalar_one()
        message.id = message_id
        if message.attachments:
            ids = self.db.execute(
                insert(t.attachments).returning(t.attachments.c.id,
                                                sort_by_parameter_order=True),
                [{"message_id": message_id, "filename": a.filename,
                  "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
                 for a in message.attachments]).scalars().all()
            message.attachments = [replace(a, id=i) for a, i in
                                   zip(message.attachments, ids, strict=True)]
        return int(message_id)

    def messages(self, ticket_id: int) -> list[Message]:
        return self._messages(t.messages.c.ticket_id == ticket_id)

    def messages_after(self, ticket_id: int, message_id: int) -> list[Message]:
        return self._messages(and_(t.messages.c.ticket_id == ticket_id,
                                   t.messages.c.id > message_id))

    def message(self, ticket_id: int, message_id: int) -> Message | None:
        found = self._messages(and_(t.messages.c.ticket_id == ticket_id,
                                    t.messages.c.id == message_id))
        return found[0] if found else None

    def _messages(self, condition: ColumnElement[bool]) -> list[Message]:
        query = select(t.messages).where(condition)
        rows = self.db.execute(query.order_by(t.messages.c.created_at, t.messages.c.id)).all()
        files: dict[int, list[Attachment]] = {}
        if rows:
            for a in self.db.execute(select(t.attachments).where(
                    t.attachments.c.message_id.in_([r.id for r in rows]))).all():
                files.setdefault(a.message_id, []).append(Attachment(
                    a.filename, a.content_type, a.size, a.sha256, a.id))
        return [Message(id=r.id, ticket_id=r.ticket_id,
                        author=Actor(ActorKind(r.author_kind), r.author_id), body=r.body,
                        created_at=r.created_at, public=r.public, body_html=r.body_html,
                        channel_meta=dict(r.channel_meta), attachments=files.get(r.id, []),
                        triage=r.triage, sealed_body=r.sealed_body)
                for r in rows]

    def attachment_digests(self) -> set[str]:
        """Every stored file something refers to: attachments and received mail's bytes."""
        files = set(self.db.execute(select(t.attachments.c.sha256).distinct()).scalars())
        raw = self.db.execute(select(t.mail_inbound.c.raw_sha256).distinct()).scalars()
        return files | set(raw)

    def attachment(self, attachment_id: int) -> tuple[int, Attachment] | None:
        row = self.db.execute(
            select(t.attachments, t.messages.c.ticket_id)
            .join(t.messages, t.messages.c.id == t.attachments.c.message_id)
            .where(t.attachments.c.id == attachment_id)).first()
        if row is None:
            return None
        return row.ticket_id, Attachment(row.filename, row.content_type, row.size, row.sha256,
                                         row.id)

    def opening_texts(self, ticket_ids: list[int]) -> dict[int, str]:
        """Subject and first customer message of each ticket: what it is about."""
        if not ticket_ids:
            return {}
        first = (select(t.messages.c.ticket_id, func.min(t.messages.c.id).label("message_id"))
                 .where(t.messages.c.ticket_id.in_(ticket_ids),
                        t.messages.c.author_kind == "customer")
                 .group_by(t.messages.c.ticket_id).subquery())
        rows = self.db.execute(
            select(t.tickets.c.id, t.tickets.c.subject, t.messages.c.body)
            .select_from(t.tickets.outerjoin(first, first.c.ticket_id == t.tickets.c.id)
                         .outerjoin(t.messages, t.messages.c.id == first.c.message_id))
            .where(t.tickets.c.id.in_(ticket_ids))).all()
        return {r.id: f"{r.subject}\n{r.body or ''}" for r in rows}

    def categorised_texts(self, limit: int) -> list[tuple[str, str]]:
        """(subject + first customer message, category) of the newest categorised tickets:
        the desk's own labelled data, agents' corrections included."""
        first = (select(t.messages.c.ticket_id, func.min(t.messages.c.id).label("message_id"))
                 .where(t.messages.c.author_kind == "customer")
                 .group_by(t.messages.c.ticket_id).subquery())
        rows = self.db.execute(
            select(t.tickets.c.subject, t.messages.c.body, t.tickets.c.category)
            .join(first, first.c.ticket_id == t.tickets.c.id)
            .join(t.messages, t.messages.c.id == first.c.message_id)
            .where(t.tickets.c.category.is_not(None), t.tickets.c.merged_into_id.is_(None))
            .order_by(t.tickets.c.id.desc()).limit(limit)).all()
        return [(f"{r.subject}\n{r.body}", r.category) for r in rows]

    def resolved_like(self, scope: TicketScope, terms: list[str], limit: int) -> list[int]:
        """Solved or closed tickets in ``scope`` sharing words with ``terms``, best first."""
        ranked = related_tickets(self.db, terms, limit * 8)
        if not ranked:
            return []
        tk = t.tickets
        kept = set(self.db.execute(select(tk.c.id).where(
            tk.c.id.in_(ranked), tk.c.status.in_([Status.SOLVED.value, Status.CLOSED.value]),
            tk.c.merged_into_id.is_(None), *queues.scope_conditions(scope))).scalars())
        return [ticket_id for ticket_id in ranked if ticket_id in kept][:limit]

    def resolutions(self, ticket_ids: list[int]) -> dict[int, str]:
        """Each ticket's last public reply from an agent: how it was solved."""
        if not ticket_ids:
            return {}
        m = t.messages
        last = (select(m.c.ticket_id, func.max(m.c.id).label("message_id"))
                .where(m.c.ticket_id.in_(ticket_ids), m.c.author_kind == "agent",
                       m.c.public.is_(True))
                .group_by(m.c.ticket_id).subquery())
        rows = self.db.execute(select(m.c.ticket_id, m.c.body)
                               .join(last, last.c.message_id == m.c.id)).all()
        return {r.ticket_id: r.body for r in rows}

    def record_feedback(self, message_id: int, agent_id: int, verdict: str, value: bool,
                        at: datetime) -> None:
        """Store an agent's correction; a later correction of the same verdict replaces it."""
        fb = t.triage_feedback
        self.db.execute(delete(fb).where(fb.c.message_id == message_id, fb.c.verdict == verdict))
        self.db.execute(insert(fb).values(message_id=message_id, agent_id=agent_id,
                                          verdict=verdict, value=value, created_at=at))

    def corrections(self, ticket_id: int) -> dict[tuple[int, str], bool]:
        """The standing corrections on a ticket's messages: (message id, verdict) → value."""
        fb = t.triage_feedback
        rows = self.db.execute(select(fb.c.message_id, fb.c.verdict, fb.c.value)
                               .join(t.messages, t.messages.c.id == fb.c.message_id)
                               .where(t.messages.c.ticket_id == ticket_id)).all()
        return {(r.message_id, r.verdict): bool(r.value) for r in rows}

    def feedback_examples(self, verdict: str, limit: int) -> list[tuple[str, bool]]:
        """(message text, corrected value) pairs, newest first."""
        fb = t.triage_feedback
        rows = self.db.execute(select(t.messages.c.body, fb.c.value)
                               .join(t.messages, t.messages.c.id == fb.c.message_id)
                               .where(fb.c.verdict == verdict)
                               .order_by(fb.c.id.desc()).limit(limit)).all()
        return [(r.body, bool(r.value)) for r in rows]

    def move_conversation(self, source_id: int, target_id: int) -> None:
        for table in (t.messages, t.search_documents):
            self.db.execute(update(table).where(table.c.ticket_id == source_id)
                            .values(ticket_id=target_id))

    def add_events(self, events: Iterable[TicketEvent]) -> None:
        rows = [event_record(e) for e in events]
        if rows:
            self.db.execute(insert(t.ticket_events), rows)

    def events(self, ticket_id: int) -> list[StoredEvent]:
        rows = self.db.execute(select(t.ticket_events)
                               .where(t.ticket_events.c.ticket_id == ticket_id)
                               .order_by(t.ticket_events.c.id)).all()
        return [StoredEvent(r.id, event_from_record(dict(r._mapping))) for r in rows]

    def index_text(self, ticket_id: int, text: str) -> None:
        self.db.execute(insert(t.search_documents).values(ticket_id=ticket_id, content=text))

    def find_idempotency_key(self, agent_id: int, key: str) -> tuple[str, int] | None:
        row = self.db.execute(select(t.idempotency_keys.c.request_hash,
                                     t.idempotency_keys.c.ticket_id)
                              .where(and_(t.idempotency_keys.c.agent_id == agent_id,
                                          t.idempotency_keys.c.key == key))).first()
        return (row.request_hash, row.ticket_id) if row else None
