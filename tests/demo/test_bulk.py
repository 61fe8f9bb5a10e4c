"""Bulk seeding writes what the services would have written."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from hubdesk.bootstrap import Hub
from hubdesk.demo.bulk import seed_bulk
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.tickets import NewTicket, get_ticket, list_tickets, open_ticket
from hubdesk.services.views import TicketFilter
from hubdesk.store import tables as t

NOW = datetime(2024, 6, 5, 15, 30, tzinfo=UTC)


def _rows(hub: Hub, table: Any, ticket_id: int) -> list[Any]:
    key = table.c.ticket_id if "ticket_id" in table.c else None
    with hub.engine.connect() as connection:
        if key is None:  # the outbox refers to tickets inside its payload
            rows = connection.execute(select(table).order_by(table.c.id)).all()
            return [r for r in rows if r.payload["ticket_id"] == ticket_id]
        return list(connection.execute(select(table).where(key == ticket_id)
                                       .order_by(table.c.id)).all())


def _shape(hub: Hub, ticket_id: int) -> dict[str, Any]:
    events = _rows(hub, t.ticket_events, ticket_id)
    outbox = _rows(hub, t.outbox, ticket_id)
    documents = _rows(hub, t.search_documents, ticket_id)
    messages = _rows(hub, t.messages, ticket_id)
    return {
        "first_event": (events[0].kind, events[0].actor_kind, sorted(events[0].data)),
        "first_outbox": (outbox[0].topic, sorted(outbox[0].payload)),
        "first_message": (messages[0].author_kind, messages[0].public,
                          sorted(messages[0].channel_meta)),
        "first_document_lines": len(documents[0].content.split("\n")) >= 4,
    }


def test_a_seeded_ticket_is_shaped_like_one_the_services_open(hub: Hub) -> None:
    result = seed_bulk(hub, tickets=30, customers=8, batch=7, now=NOW, relayed=False)
    detail, _ = open_ticket(hub.uows, LOCAL_OPERATOR, NewTicket(
        subject="Parcel never arrived", body="Hello,\n\nWhere is my order?\n\nThanks,\nAna",
        requester_email="ana.lopez@example.com", requester_name="Ana Lopez"))
    assert detail.ticket.id is not None and result.first_ticket_id is not None

    assert _shape(hub, result.first_ticket_id) == _shape(hub, detail.ticket.id)


def test_seeded_tickets_are_readable_and_searchable_through_the_services(hub: Hub) -> None:
    result = seed_bulk(hub, tickets=25, customers=6, batch=10, now=NOW)
    assert result.tickets == 25 and result.last_ticket_id is not None

    detail = get_ticket(hub.uows, LOCAL_OPERATOR, result.last_ticket_id)
    assert detail.messages[0].author.kind.value == "customer"
    word = max(detail.ticket.subject.split(), key=len).strip("?.,!:'\"")
    found = list_tickets(hub.uows, LOCAL_OPERATOR, TicketFilter(query=word), limit=200)
    assert detail.ticket.id in {row.id for row in found.rows}
    by_requester = list_tickets(hub.uows, LOCAL_OPERATOR,
                                TicketFilter(query=detail.requester.primary_email), limit=200)
    assert detail.ticket.id in {row.id for row in by_requester.rows}


def test_the_history_of_every_seeded_ticket_replays_to_its_state(hub: Hub) -> None:
    seed_bulk(hub, tickets=60, customers=12, batch=25, now=NOW)

    with hub.engine.connect() as connection:
        tickets = {r.id: r for r in connection.execute(select(t.tickets))}
        events = connection.execute(select(t.ticket_events).order_by(t.ticket_events.c.id))
        outbox = {(r.payload["ticket_id"], r.payload["at"], r.topic)
                  for r in connection.execute(select(t.outbox))}
        message_ids = set(connection.execute(select(t.messages.c.id)).scalars())
        documents = defaultdict(int)
        for row in connection.execute(select(t.search_documents.c.ticket_id)):
            documents[row.ticket_id] += 1
        messages = defaultdict(int)
        for row in connection.execute(select(t.messages.c.ticket_id)):
            messages[row.ticket_id] += 1
    state: dict[int, dict[str, Any]] = defaultdict(lambda: {"status": "new", "assignee_id": None})
    for event in events:
        assert (event.ticket_id, event.created_at.isoformat(), f"ticket.{event.kind}") in outbox
        for name, (_before, after) in event.changes.items():
            state[event.ticket_id][name] = after
        if event.kind in ("replied", "customer_replied"):
            assert event.data["message_id"] in message_ids
    for ticket_id, row in tickets.items():
        assert state[ticket_id]["status"] == row.status
        assert state[ticket_id]["assignee_id"] == row.assignee_id
        assert documents[ticket_id] == messages[ticket_id]
