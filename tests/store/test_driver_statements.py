"""Statements run on the driver answer errors as every other statement does: SQLAlchemy's
exceptions, parameters never quoted, a lost connection invalidated (PostgreSQL only: SQLite
never takes this path)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import IntegrityError, OperationalError

from hubdesk.store.driver import DriverStatement

SECRET = "planted-customer-name-4711"

_ADD_CUSTOMER = DriverStatement(text(
    "INSERT INTO customers (id, name, tier, notes, custom_fields, created_at, updated_at) "
    "VALUES (:id, :name, 'standard', '', '{}', now(), now()) RETURNING id, name"))


@pytest.fixture
def postgres(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("statements run on the driver only on PostgreSQL")
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


def test_listeners_to_statements_hear_driver_statements(postgres: Engine) -> None:
    heard: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        heard.append(statement)

    event.listen(postgres, "before_cursor_execute", record)
    try:
        with postgres.connect() as connection, connection.begin() as transaction:
            _ADD_CUSTOMER.rows(connection, {"id": 900004, "name": "Ana"})
            transaction.rollback()
    finally:
        event.remove(postgres, "before_cursor_execute", record)
    assert [s for s in heard if s.startswith("INSERT INTO customers")]
