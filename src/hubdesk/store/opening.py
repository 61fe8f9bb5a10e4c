"""Writing a newly opened ticket: the ticket, its first message, its search text, its events,
their outbox entries and the idempotency key, all in the caller's transaction.

Intake is the hottest write path. On PostgreSQL it is one statement of chained data-modifying
CTEs (one round trip instead of six, and one statement for the server to parse), run on the
driver (`store/driver.py`); elsewhere the same rows are written one insert at a time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, text

from hubdesk.domain.events import event_record
from hubdesk.domain.messages import Message
from hubdesk.domain.tickets import Ticket
from hubdesk.store import tables as t
from hubdesk.store.driver import DriverStatement, SqliteInsert
from hubdesk.store.types import json_dumps

OutboxEntry = tuple[str, dict[str, Any]]
IdempotencyClaim = tuple[int, str, str]  # agent id, key, request fingerprint


def _message_row(message: Message) -> dict[str, Any]:
    return {"author_kind": message.author.kind.value, "author_id": message.author.id,
            "public": message.public, "body": message.body, "body_html": message.body_html,
            "channel_meta": message.channel_meta, "created_at": message.created_at,
            "triage": message.triage, "sealed_body": message.sealed_body}


# Elsewhere (SQLite), one insert per table, built once and run on the driver
# (`store/driver.py`): values given to a statement as parameters reach the driver as they are,
# where values written into it would be coerced and keyed anew on every call.
_INSERT_TICKET = SqliteInsert(insert(t.tickets).values(
    requester_tier=select(t.customers.c.tier).where(
        t.customers.c.id == bindparam("tier_of")).scalar_subquery()).returning(t.tickets.c.id))
_INSERT_CLAIM = SqliteInsert(insert(t.idempotency_keys))
_INSERT_MESSAGE = SqliteInsert(insert(t.messages).returning(t.messages.c.id))
_INSERT_SEARCH_TEXT = SqliteInsert(insert(t.search_documents))
_INSERT_EVENTS = SqliteInsert(insert(t.ticket_events))
_INSERT_OUTBOX = SqliteInsert(insert(t.outbox))


def write_opened_ticket(db: Connection, ticket_values: dict[str, Any], ticket: Ticket,
                        message: Message, search_text: str, outbox: list[OutboxEntry],
                        claim: IdempotencyClaim | None) -> tuple[int, int]:
    """Insert everything a new ticket consists of; returns (ticket id, message id)."""
    if db.dialect.name == "postgresql":
        return _write_in_one_statement(db, ticket_values, ticket, message, search_text,
                                       outbox, claim)
    (ticket_id,), = _INSERT_TICKET.run(db, [{**ticket_values,
                                             "tier_of": ticket.requester_id}])
    if claim is not None:
        agent_id, key, fingerprint = claim
        _INSERT_CLAIM.run(db, [{"agent_id": agent_id, "key": key,
                                "request_hash": fingerprint, "ticket_id": ticket_id,
                                "created_at": ticket.created_at}])
    (message_id,), = _INSERT_MESSAGE.run(db, [{"ticket_id": ticket_id,
                                              **_message_row(message)}])
    if search_text:
        _INSERT_SEARCH_TEXT.run(db, [{"ticket_id": ticket_id, "content": search_text}])
    _INSERT_EVENTS.run(db, [event_record(e, ticket_id) for e in ticket.pending_events])
    _INSERT_OUTBOX.run(db, [
        {"topic": topic, "payload": {**payload, "ticket_id": ticket_id},
         "created_at": ticket.created_at, "attempts": 0} for topic, payload in outbox])
    return int(ticket_id), int(message_id)


# The answer deadline is written by the SLA store once the ticket's clocks are (`save_clocks`);
# the requester's tier is read from the customer (`_REQUESTER_TIER`).
_TICKET_COLUMNS = [c.name for c in t.tickets.columns
                   if c.name not in ("id", "answer_due_at", "requester_tier")]
_REQUESTER_TIER = "(SELECT tier FROM customers WHERE id = :t_requester_id)"
_JSON_TICKET_COLUMNS = {"tags", "custom_fields"}


def _ticket_placeholders() -> str:
    return ", ".join(f"CAST(:t_{name} AS jsonb)" if name in _JSON_TICKET_COLUMNS
                     else f":t_{name}" for name in _TICKET_COLUMNS)


_CLAIM_CTE = """
claimed AS (
    INSERT INTO idempotency_keys (agent_id, key, request_hash, ticket_id, created_at)
    SELECT :k_agent_id, :k_key, :k_hash, opened.id, :created_at FROM opened
),"""

_STATEMENT = """
WITH opened AS (
    INSERT INTO tickets ({ticket_columns}, requester_tier)
    VALUES ({ticket_values}, {requester_tier}) RETURNING id
),{claim}
first_message AS (
    INSERT INTO messages (ticket_id, author_kind, author_id, public, body, body_html,
                          channel_meta, created_at, triage, sealed_body)
    SELECT opened.id, :m_author_kind, :m_author_id, :m_public, :m_body, :m_body_html,
           CAST(:m_channel_meta AS jsonb), :m_created_at, CAST(:m_triage AS jsonb),
           :m_sealed_body FROM opened
    RETURNING id
),
indexed AS (
    INSERT INTO search_documents (ticket_id, content)
    SELECT opened.id, :search_text FROM opened WHERE :search_text <> ''
),
recorded AS (
    INSERT INTO ticket_events (ticket_id, kind, actor_kind, actor_id, changes, data,
                               created_at)
    SELECT opened.id, e.kind, e.actor_kind, e.actor_id, e.changes, e.data, e.created_at
    FROM opened, jsonb_to_recordset(CAST(:events AS jsonb)) AS e(
        kind text, actor_kind text, actor_id bigint, changes jsonb, data jsonb,
        created_at timestamptz)
),
queued AS (
    INSERT INTO outbox (topic, payload, created_at, attempts)
    SELECT o.topic, jsonb_set(o.payload, '{{ticket_id}}', to_jsonb(opened.id)),
           :created_at, 0
    FROM opened, jsonb_to_recordset(CAST(:outbox AS jsonb)) AS o(topic text, payload jsonb)
)
SELECT opened.id AS ticket_id, first_message.id AS message_id FROM opened, first_message
"""

_STATEMENTS = {with_claim: DriverStatement(text(_STATEMENT.format(
    ticket_columns=", ".join(_TICKET_COLUMNS), ticket_values=_ticket_placeholders(),
    requester_tier=_REQUESTER_TIER, claim=_CLAIM_CTE if with_claim else "")))
    for with_claim in (False, True)}


def _write_in_one_statement(db: Connection, ticket_values: dict[str, Any], ticket: Ticket,
                            message: Message, search_text: str, outbox: list[OutboxEntry],
                            claim: IdempotencyClaim | None) -> tuple[int, int]:
    params: dict[str, Any] = {f"t_{name}": ticket_values[name] for name in _TICKET_COLUMNS}
    for name in _JSON_TICKET_COLUMNS:
        params[f"t_{name}"] = json_dumps(ticket_values[name])
    row = _message_row(message)
    params.update({f"m_{k}": v for k, v in row.items()})
    params["m_channel_meta"] = json_dumps(row["channel_meta"])
    params["m_triage"] = json_dumps(row["triage"]) if row["triage"] is not None else None
    params["search_text"] = search_text
    params["created_at"] = ticket.created_at
    params["events"] = json_dumps([{**event_record(e), "created_at": e.at.isoformat()}
                                   for e in ticket.pending_events])
    params["outbox"] = json_dumps([{"topic": topic, "payload": payload}
                                   for topic, payload in outbox])
    if claim is not None:
        params["k_agent_id"], params["k_key"], params["k_hash"] = claim
    (ticket_id, message_id), = _STATEMENTS[claim is not None].rows(db, params)
    return int(ticket_id), int(message_id)
