"""Statements run on the driver answer errors as every other statement does: SQLAlchemy's
exceptions, parameters never quoted, a lost connection invalidated; and listeners hear them.
On SQLite, intake's inserts (`SqliteInsert`) also store exactly what SQLAlchemy stores."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, insert, text
from sqlalchemy.exc import IntegrityError, OperationalError

from hubdesk.store import tables as t
from hubdesk.store.driver import DriverStatement
from hubdesk.store.engine import make_engine
from hubdesk.store.migrate import upgrade
from hubdesk.store.opening import (
    _INSERT_EVENTS,
    _INSERT_MESSAGE,
    _INSERT_OUTBOX,
    _INSERT_SEARCH_TEXT,
    _INSERT_TICKET,
)

SECRET = "planted-customer-name-4711"

_ADD_CUSTOMER = DriverStatement(text(
    "INSERT INTO customers (id, name, tier, notes, custom_fields, created_at, updated_at) "
    "VALUES (:id, :name, 'standard', '', '{}', now(), now()) RETURNING id, name"))


@pytest.fixture
def postgres(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("text statements run on the driver only on PostgreSQL")
    with engine.begin() as connection:  # this file's own customers, from an earlier run
        connection.execute(text("DELETE FROM customers WHERE id >= 900000"))
    return engine


def test_rows_come_back_as_named_tuples_in_the_callers_transaction(postgres: Engine) -> None:
    with postgres.connect() as connection:
        with connection.begin() as transaction:
            rows = _ADD_CUSTOMER.rows(connection, {"id": 900001, "name": "Ana"})
            assert [(row.id, row.name) for row in rows] == [(900001, "Ana")]
            transaction.rollback()
        assert connection.execute(text(
            "SELECT count(*) FROM customers WHERE id = 900001")).scalar_one() == 0


def test_a_duplicate_key_is_sqlalchemys_integrity_error_without_the_values(
        postgres: Engine) -> None:
    with postgres.connect() as connection, connection.begin():
        _ADD_CUSTOMER.rows(connection, {"id": 900002, "name": SECRET})
        with pytest.raises(IntegrityError) as raised:
            _ADD_CUSTOMER.rows(connection, {"id": 900002, "name": SECRET})
    assert SECRET not in str(raised.value)
    assert "INSERT INTO customers" in str(raised.value)


def test_a_lost_connection_is_invalidated_and_the_pool_recovers(postgres: Engine) -> None:
    with postgres.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        connection.commit()
        with postgres.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        with pytest.raises(OperationalError) as raised:
            _ADD_CUSTOMER.rows(connection, {"id": 900003, "name": SECRET})
        assert raised.value.connection_invalidated
        assert connection.invalidated
        assert SECRET not in str(raised.value)
    with postgres.connect() as fresh:  # the dead connection is not handed out again
        assert fresh.execute(text("SELECT 1")).scalar_one() == 1


def _heard(engine: Engine, statements: Callable[[Connection], object]) -> list[str]:
    """The statements listeners to ``engine`` hear while ``statements`` runs (rolled back)."""
    heard: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        heard.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with engine.connect() as connection, connection.begin() as transaction:
            statements(connection)
            transaction.rollback()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return heard


def test_listeners_to_statements_hear_driver_statements(postgres: Engine) -> None:
    heard = _heard(postgres, lambda db: _ADD_CUSTOMER.rows(db, {"id": 900004, "name": "Ana"}))
    assert [s for s in heard if s.startswith("INSERT INTO customers")]


def _count(db: Connection, low: int, high: int) -> int:
    return db.execute(text("SELECT count(*) FROM customers WHERE id BETWEEN :low AND :high"),
                      {"low": low, "high": high}).scalar_one()


def test_a_transaction_begun_with_a_driver_statement_holds_what_follows_it(
        postgres: Engine) -> None:
    """The first statement carries BEGIN in its own round trip; the statements after it,
    through SQLAlchemy or the driver, are in the same transaction: rolled back together,
    or committed together."""
    engine = make_engine(postgres.url.render_as_string(hide_password=False), pool_size=1)
    try:
        for commit in (False, True):
            first = 900010 + 2 * commit
            with engine.connect() as connection, connection.begin() as transaction:
                _ADD_CUSTOMER.rows(connection, {"id": first, "name": "Ana"})
                connection.execute(text(
                    "INSERT INTO customers (id, name, tier, notes, custom_fields, created_at, "
                    "updated_at) VALUES (:id, 'Bo', 'standard', '', '{}', now(), now())"),
                    {"id": first + 1})
                assert connection.execute(text("SELECT count(DISTINCT xmin::text) FROM customers "
                                               "WHERE id IN (:a, :b)"),
                                          {"a": first, "b": first + 1}).scalar_one() == 1
                transaction.commit() if commit else transaction.rollback()
            with engine.connect() as connection:
                assert _count(connection, first, first + 1) == (2 if commit else 0)
                # The pooled connection is psycopg's again: a statement opens a transaction
                # of its own, which a rollback undoes.
                assert connection.connection.driver_connection.autocommit is False
                connection.execute(text(
                    "INSERT INTO customers (id, name, tier, notes, custom_fields, created_at, "
                    "updated_at) VALUES (900019, 'Cy', 'standard', '', '{}', now(), now())"))
                connection.rollback()
                assert _count(connection, 900019, 900019) == 0
    finally:
        engine.dispose()


# --- SQLite: intake's inserts on sqlite3's cursor --------------------------------------------

SUBJECT = "planted-subject-4711"
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


def test_a_broken_sqlite_constraint_is_sqlalchemys_integrity_error_without_the_values(
        sqlite: Engine) -> None:
    with sqlite.connect() as db, db.begin(), pytest.raises(IntegrityError) as raised:
        _INSERT_TICKET.run(db, [_ticket(SUBJECT, requester_id=999)])  # no such customer
    assert SUBJECT not in str(raised.value)
    assert "INSERT INTO tickets" in str(raised.value)


def test_listeners_to_statements_hear_sqlite_inserts(sqlite: Engine) -> None:
    heard = _heard(sqlite, lambda db: _INSERT_TICKET.run(db, [_ticket("Heard")]))
    assert [s for s in heard if s.startswith("INSERT INTO tickets")]
