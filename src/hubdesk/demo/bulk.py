"""Bulk data for benchmarks: many tickets written in batches, row for row as the services would.

Going through ``open_ticket`` for 100,000 tickets would take most of an hour, so this writes
the store's tables directly, in batches, inside this package only. The rows are what the
service path produces: every change is made by the domain's ``Ticket`` (so events, status
rules and timestamps come from the same code), and for each ticket there is the ticket row,
its messages, one event per change with its outbox entry, and a search document per indexed
text. ``tests/demo/test_bulk.py`` compares the result with tickets made by the services.

One deliberate difference: history this old has long been relayed, so outbox entries are
stored as published (a server started on the database must not spend its first minutes
relaying a year of events); pass ``relayed=False`` to leave them pending.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text

from hubdesk.bootstrap import Hub
from hubdesk.demo import content, people
from hubdesk.demo.conversations import team_for
from hubdesk.demo.organisation import Structure, build_structure
from hubdesk.demo.timeline import agent_response, contact_moments, customer_response
from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import utcnow
from hubdesk.domain.customers import Tier
from hubdesk.domain.events import Actor, EventKind, TicketEvent, event_message, event_record
from hubdesk.domain.tickets import Channel, Status, Ticket
from hubdesk.services.tickets import MAX_INDEXED_CHARACTERS
from hubdesk.store import tables as t

Progress = Callable[[str, int], None]  # ("customers" | "tickets", how many more)


@dataclass
class BulkResult:
    tickets: int = 0
    customers: int = 0
    messages: int = 0
    events: int = 0
    first_ticket_id: int | None = None
    last_ticket_id: int | None = None


@dataclass
class _Requester:
    id: int
    person: people.Person


@dataclass
class _Planned:
    ticket: Ticket
    requester_tier: str = Tier.STANDARD.value
    messages: list[dict[str, Any]] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    # (event, index of the message it refers to, or None)
    events: list[tuple[TicketEvent, int | None]] = field(default_factory=list)


def seed_bulk(hub: Hub, *, tickets: int, customers: int | None = None, batch: int = 1000,
              seed: int = 7, now: datetime | None = None, span_days: float | None = None,
              relayed: bool = True, progress: Progress | None = None) -> BulkResult:
    """Add ``tickets`` tickets from ``customers`` new customers to the database of ``hub``."""
    rng = random.Random(seed)
    now = now or utcnow()
    span = timedelta(days=span_days if span_days is not None else
                     (42 if tickets <= 2000 else 365))
    structure = build_structure(hub, password=None)
    result = BulkResult()
    requesters = _add_customers(hub, rng, customers or max(1, tickets // 5), batch, now - span,
                                progress)
    result.customers = len(requesters)
    weights = [rng.paretovariate(1.6) for _ in requesters]
    moments = contact_moments(rng, tickets, now - span, now - timedelta(minutes=5))
    for start in range(0, tickets, batch):
        planned = [_plan(rng, structure, rng.choices(requesters, weights=weights)[0],
                         moment, now) for moment in moments[start:start + batch]]
        with hub.engine.begin() as connection:
            _write(connection, planned, relayed, result)
        if progress is not None:
            progress("tickets", len(planned))
    if hub.engine.dialect.name == "postgresql":
        with hub.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("ANALYZE"))
    return result


def _add_customers(hub: Hub, rng: random.Random, count: int, batch: int, since: datetime,
                   progress: Progress | None) -> list[_Requester]:
    with hub.engine.connect() as connection:
        first_serial = int(connection.execute(select(func.coalesce(
            func.max(t.customers.c.id), 0))).scalar_one()) + 1
        organisations = dict(connection.execute(select(t.organisations.c.name,
                                                       t.organisations.c.id)).all())
    found: list[_Requester] = []
    for start in range(0, count, batch):
        persons = [people.make_person(rng, first_serial + start + i)
                   for i in range(min(batch, count - start))]
        with hub.engine.begin() as connection:
            organisations = _ensure_organisations(connection, persons, organisations, since)
            rows = [{"name": p.name, "organisation_id": organisations.get(p.organisation or ""),
                     "tier": p.tier.value, "language": p.language, "notes": "",
                     "custom_fields": {"customer_since": 2015 + rng.randint(0, 10)},
                     "created_at": since, "updated_at": since} for p in persons]
            ids = _insert_returning(connection, t.customers, rows)
            identities = [{"customer_id": i, "kind": "email", "value": p.email}
                          for i, p in zip(ids, persons, strict=True)]
            identities += [{"customer_id": i, "kind": "phone",
                            "value": "+" + "".join(ch for ch in p.phone if ch.isdigit())}
                           for i, p in zip(ids, persons, strict=True) if p.phone]
            connection.execute(insert(t.customer_identities), identities)
        found += [_Requester(i, p) for i, p in zip(ids, persons, strict=True)]
        if progress is not None:
            progress("customers", len(persons))
    return found


def _ensure_organisations(connection: Connection, persons: list[people.Person],
                          known: dict[str, int], at: datetime) -> dict[str, int]:
    wanted = {p.organisation for p in persons if p.organisation} - set(known)
    for name, domain, tier, _language in people.ORGANISATIONS:
        if name in wanted:
            known[name] = connection.execute(insert(t.organisations).values(
                name=name, domains=[domain], tier=tier.value, notes="", created_at=at,
            ).returning(t.organisations.c.id)).scalar_one()
    return known


def _insert_returning(connection: Connection, table: Table,
                      rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    result = connection.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [int(row[0]) for row in result]


def _plan(rng: random.Random, org: Structure, requester: _Requester, created: datetime,
          now: datetime) -> _Planned:
    """One ticket's life, made by the domain exactly as the services would make it."""
    person = requester.person
    category = content.pick_category(rng)
    values = content.slots(rng)
    contact = content.compose_contact(rng, category, person.language, person.first_name, values)
    channel = content.pick_channel(rng, category)
    team = team_for(person)
    vip = person.tier is Tier.VIP
    ticket = Ticket(id=None, subject=contact.subject, requester_id=requester.id,
                    created_at=created, updated_at=created, channel=channel,
                    priority=content.pick_priority(rng, category, vip),
                    tags=content.pick_tags(rng, category, vip), category=category.name,
                    team_id=org.teams[team].id)
    candidates = org.members(team)
    agent = rng.choice([a for a in candidates if person.language in a.languages] or candidates)
    opener = Actor.agent(agent.id) if channel is Channel.PHONE and agent.id else Actor.system()
    ticket.record(opener, EventKind.CREATED, created, data={"channel": channel.value})
    plan = _Planned(ticket, person.tier.value)
    _message(plan, Actor.customer(requester.id), contact.body, created,
             {"channel": channel.value}, event_kind=None)
    plan.documents[-1] = "\n".join(p for p in (contact.subject, person.name, person.email,
                                               contact.body) if p)[:MAX_INDEXED_CHARACTERS]
    _live(rng, plan, agent, category, person, values, now)
    return plan


def _message(plan: _Planned, author: Actor, body: str, at: datetime, meta: dict[str, Any], *,
             public: bool = True, event_kind: EventKind | None) -> None:
    index = len(plan.messages)
    plan.messages.append({"author_kind": author.kind.value, "author_id": author.id,
                          "public": public, "body": body, "body_html": None,
                          "channel_meta": meta, "created_at": at})
    plan.documents.append(body[:MAX_INDEXED_CHARACTERS])
    if event_kind is not None:
        plan.ticket.record(author, event_kind, at, data={"message_id": None})
        plan.events.append((plan.ticket.pending_events[-1], index))


def _live(rng: random.Random, plan: _Planned, agent: Agent, category: content.Category,
          person: people.Person, values: dict[str, str], now: datetime) -> None:
    """Assignment, replies and status changes, stopping before ``now``."""
    ticket = plan.ticket
    assert agent.id is not None
    me = Actor.agent(agent.id)
    age = now - ticket.created_at
    if (age < timedelta(hours=3) and rng.random() < 0.7) or rng.random() < 0.04:
        return
    picked = agent_response(rng, ticket.created_at, median_minutes=35)
    if picked >= now:
        return
    ticket.update(me, picked, assignee_id=agent.id)
    answered = agent_response(rng, picked)
    if answered >= now:
        return
    ticket.on_public_reply_by_agent(me, answered)
    _message(plan, me, content.compose_agent_reply(
        rng, category, person.language, person.first_name, agent.name.split()[0], values),
        answered, {}, event_kind=EventKind.REPLIED)
    if rng.random() < 0.3:
        wrote = customer_response(rng, answered)
        if wrote >= now:
            return
        ticket.on_customer_message(Actor.customer(ticket.requester_id), wrote)
        _message(plan, Actor.customer(ticket.requester_id), content.compose_customer_followup(
            rng, person.language, person.first_name, values), wrote,
            {"channel": "email"}, event_kind=EventKind.CUSTOMER_REPLIED)
        answered = wrote
    final = rng.choices((Status.PENDING, Status.ON_HOLD, Status.SOLVED),
                        weights=(0.15, 0.05, 0.8))[0]
    decided = agent_response(rng, answered, median_minutes=60)
    if decided >= now:
        return
    ticket.change_status(final, me, decided)
    if final is Status.SOLVED and decided + timedelta(days=4) < now:
        ticket.change_status(Status.CLOSED, me, decided + timedelta(days=4))


def _write(connection: Connection, planned: list[_Planned], relayed: bool,
           result: BulkResult) -> None:
    ticket_ids = _insert_returning(connection, t.tickets,
                                   [_ticket_row(p.ticket, p.requester_tier) for p in planned])
    message_rows: list[dict[str, Any]] = []
    for plan, ticket_id in zip(planned, ticket_ids, strict=True):
        plan.ticket.id = ticket_id
        message_rows += [{**m, "ticket_id": ticket_id} for m in plan.messages]
    message_ids = iter(_insert_returning(connection, t.messages, message_rows))
    events: list[dict[str, Any]] = []
    outbox: list[dict[str, Any]] = []
    documents: list[dict[str, Any]] = []
    for plan in planned:
        ids = [next(message_ids) for _ in plan.messages]
        refers = {id(event): ids[index] for event, index in plan.events if index is not None}
        for event in plan.ticket.pending_events:
            if id(event) in refers:
                event = replace(event, data={**event.data, "message_id": refers[id(event)]})
            events.append(event_record(event, plan.ticket.id))
            outbox.append(_outbox_row(plan.ticket, event, relayed))
        documents += [{"ticket_id": plan.ticket.id, "content": d} for d in plan.documents if d]
    connection.execute(insert(t.ticket_events), events)
    connection.execute(insert(t.outbox), outbox)
    connection.execute(insert(t.search_documents), documents)
    result.tickets += len(planned)
    result.messages += len(message_rows)
    result.events += len(events)
    result.first_ticket_id = result.first_ticket_id or ticket_ids[0]
    result.last_ticket_id = ticket_ids[-1]


def _ticket_row(ticket: Ticket, requester_tier: str) -> dict[str, Any]:
    return {"subject": ticket.subject, "status": ticket.status.value,
            "requester_tier": requester_tier,
            "priority": ticket.priority.value, "channel": ticket.channel.value,
            "category": ticket.category, "tags": list(ticket.tags),
            "requester_id": ticket.requester_id, "assignee_id": ticket.assignee_id,
            "team_id": ticket.team_id, "department_id": ticket.department_id,
            "language": ticket.language, "merged_into_id": ticket.merged_into_id,
            "custom_fields": ticket.custom_fields, "created_at": ticket.created_at,
            "updated_at": ticket.updated_at, "solved_at": ticket.solved_at,
            "closed_at": ticket.closed_at, "status_changed_at": ticket.status_changed_at}


def _outbox_row(ticket: Ticket, event: TicketEvent, relayed: bool) -> dict[str, Any]:
    # Where the ticket ended up, as the services write it when they flush a ticket's events.
    topic, payload = event_message(event, ticket.id, place=ticket.place())
    return {"topic": topic, "payload": payload, "created_at": event.at,
            "published_at": event.at if relayed else None, "attempts": 1 if relayed else 0,
            "last_error": None}
