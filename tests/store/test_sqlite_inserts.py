"""Intake's inserts run on sqlite3's cursor (`store/driver.py` `SqliteInsert`) store exactly
what SQLAlchemy stores, answer errors as SQLAlchemy does, and are heard by listeners."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, insert
from sqlalchemy.exc import IntegrityError

from hubdesk.store import tables as t
from hubdesk.store.engine import make_engine
from hubdesk.store.migrate import upgrade
from hubdesk.store.opening import (
    _INSERT_EVENTS,
    _INSERT_MESSAGE,
    _INSERT_OUTBOX,
    _INSERT_SEARCH_TEXT,
    _INSERT_TICKET,
)

SECRET = "planted-subject-4711"
AT = datetime(2026, 12, 5, 13, 45, 7, 123456, tzinfo=UTC)


@pytest.fixture(scope="module")
def sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('inserts') / 'hubdesk.db'}")
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(insert(t.customers), {
            "id": 1, "name": "Ana Lima", "tier": "vip", "language": "pt", "notes": "",
            "custom_fields": {}, "created_at": AT, "updated_at": AT})
    yield engine
    engine.dispose()


def _stored(db: Connection, table: str, row_id: int) -> dict[str, Any]:
    """A row as SQLite holds it, each value with the Python type SQLite gives it."""
    row = db.exec_driver_sql(f"SELECT * FROM {table} WHERE rowid = ?", (row_id,)).one()
    return {name: (type(value).__name__, value) for name, value in row._mapping.items()
            if name not in ("id", "ticket_id")}


def _last(db: Connection, table: str) -> int:
    return int(db.exec_driver_sql(f"SELECT max(rowid) FROM {table}").scalar_one())


def _ticket(subject: str, requester_id: int = 1) -> dict[str, Any]:
    return {"subject": subject, "status": "new", "priority": "high", "channel": "email",
            "category": None, "tags": ["vip", "ça-va"], "requester_id": requester_id,
            "assignee_id": None, "team_id": None, "department_id": None, "language": "pt",
            "merged_into_id": None, "custom_fields": {"order": "K-1", "n": 2 ** 40},
            "created_at": AT, "updated_at": AT + timedelta(microseconds=1),
            "solved_at": None, "closed_at": None, "status_changed_at": AT,
            "tier_of": requester_id}


def _message(ticket_id: int, public: bool) -> dict[str, Any]:
    return {"ticket_id": ticket_id, "author_kind": "customer", "author_id": 1,
            "public": public, "body": "Olá — 💳 **** 1111", "body_html": None,
            "channel_meta": {"channel": "email", "to": ["a@example.com"]}, "created_at": AT,
            "triage": {"intent": {"category": "billing", "confidence": 0.8125}} if public
            else None, "sealed_body": "gAAAA-sealed" if public else None}


def test_a_ticket_and_its_message_are_stored_as_sqlalchemy_stores_them(sqlite: Engine) -> None:
    with sqlite.connect() as db, db.begin():
        (by_driver,), = _INSERT_TICKET.run(db, [_ticket("Sobre a fatura")])
        by_sqlalchemy = db.execute(_INSERT_TICKET.statement,
                                   _ticket("Sobre a fatura")).scalar_one()
        assert _stored(db, "tickets", by_driver) == _stored(db, "tickets", by_sqlalchemy)
        assert _stored(db, "tickets", by_driver)["requester_tier"] == ("str", "vip")
        for public in (True, False):
            (driver_message,), = _INSERT_MESSAGE.run(db, [_message(by_driver, public)])
            sqlalchemy_message = db.execute(_INSERT_MESSAGE.statement,
                                            _message(by_sqlalchemy, public)).scalar_one()
            assert _stored(db, "messages", driver_message) == \
                _stored(db, "messages", sqlalchemy_message)


@pytest.mark.parametrize("statement, table, rows", [
    (_INSERT_SEARCH_TEXT, "search_documents", [{"content": "Ana Lima fatura ção"}]),
    (_INSERT_EVENTS, "ticket_events", [
        {"kind": "created", "actor_kind": "agent", "actor_id": 1,
         "changes": {"status": [None, "new"]}, "data": {"channel": "email"}, "created_at": AT},
        {"kind": "assigned", "actor_kind": "system", "actor_id": None, "changes": {},
         "data": {"triage": {"score": 0.5}}, "created_at": AT + timedelta(seconds=1)}]),
    (_INSERT_OUTBOX, "outbox", [
        {"topic": "ticket.created", "payload": {"x": 1.5, "ids": [1, 2]}, "created_at": AT,
         "attempts": 0},
        {"topic": "ticket.triaged", "payload": {}, "created_at": AT, "attempts": 0}]),
], ids=["search text", "events", "outbox"])
def test_each_rows_are_stored_as_sqlalchemy_stores_them(sqlite: Engine, statement, table,
                                                        rows) -> None:
    with sqlite.connect() as db, db.begin():
        (ticket_id,), = _INSERT_TICKET.run(db, [_ticket("Rows")])
        rows = [{"ticket_id": ticket_id, **row} if table != "outbox" else row for row in rows]
        statement.run(db, rows)
        by_driver = [_stored(db, table, _last(db, table) - i) for i in reversed(range(len(rows)))]
        db.execute(statement.statement, rows if len(rows) > 1 else rows[0])
        by_sqlalchemy = [_stored(db, table, _last(db, table) - i)
                         for i in reversed(range(len(rows)))]
        assert by_driver == by_sqlalchemy


def test_a_broken_constraint_is_sqlalchemys_integrity_error_without_the_values(
        sqlite: Engine) -> None:
    with sqlite.connect() as db, db.begin(), pytest.raises(IntegrityError) as raised:
        _INSERT_TICKET.run(db, [_ticket(SECRET, requester_id=999)])  # no such customer
    assert SECRET not in str(raised.value)
    assert "INSERT INTO tickets" in str(raised.value)


def test_listeners_to_statements_hear_them(sqlite: Engine) -> None:
    heard: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        heard.append(statement)

    event.listen(sqlite, "before_cursor_execute", record)
    try:
        with sqlite.connect() as db, db.begin():
            _INSERT_TICKET.run(db, [_ticket("Heard")])
    finally:
        event.remove(sqlite, "before_cursor_execute", record)
    assert [s for s in heard if s.startswith("INSERT INTO tickets")]
