"""Statements run straight on the driver's cursor, inside SQLAlchemy's transaction.

Intake runs two statements per ticket (find or add the requester, write the ticket). Through
SQLAlchemy each costs about as much client time as the database spends on it: the statement's
cache key, its parameters, an execution context and a result object, for a statement that
never changes. A `DriverStatement` is compiled once, and answers plain named tuples.
Listeners to the engine's statements (tracing, tests counting statements) still hear it.

A statement that opens its transaction (intake's first) carries the BEGIN in its own round
trip: psycopg would send BEGIN alone and wait for it, a round trip of the client's and the
server's CPU for every ticket. The two go out together in one pipeline, after which the
driver connection stays in autocommit mode (the server's transaction block is what holds the
statements together; COMMIT and ROLLBACK go out as they would) until it goes back to the pool,
where `store/engine.py` turns autocommit off again.

What SQLAlchemy would do on an error still happens: the driver's error is raised as
SQLAlchemy's (so a duplicate key, a lost connection or a timeout reach the callers that
handle them), its parameters are never quoted, and a lost connection is invalidated so the
pool does not hand it out again.

On SQLite, intake's inserts take the same shortcut (`SqliteInsert`): SQLAlchemy's execution
costs about 40 µs a statement there, several times SQLite's own insert, and all of it inside
the writers' queue (`store/writers.py`), where every other writer waits. Values pass through
the columns' own bind processors, so rows are stored exactly as SQLAlchemy stores them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Insert, TextClause
from sqlalchemy.exc import DBAPIError, StatementError


class DriverStatement:
    def __init__(self, statement: TextClause) -> None:
        self.statement = statement
        self._sql: str | None = None  # in the driver's parameter style, once first run
        self._row_factory: Any = None  # psycopg's, imported at the first run: SQLite never

    def rows(self, db: Connection, params: dict[str, Any]) -> list[Any]:
        """The statement's rows, as named tuples, run in ``db``'s transaction."""
        sql = self._sql
        if sql is None:
            from psycopg.rows import namedtuple_row

            sql = self._sql = str(self.statement.compile(dialect=db.dialect))
            self._row_factory = namedtuple_row
        driver = db.connection.driver_connection
        assert driver is not None
        try:
            with driver.cursor(row_factory=self._row_factory) as cursor:
                if db.dispatch.before_cursor_execute:  # tracing, tests counting statements
                    db.dispatch.before_cursor_execute(db, cursor, sql, params, None, False)
                if not driver.autocommit and driver.pgconn.transaction_status == _IDLE:
                    _begin_with(db, driver, cursor, sql, params)
                else:
                    cursor.execute(sql, params)
                if db.dispatch.after_cursor_execute:
                    db.dispatch.after_cursor_execute(db, cursor, sql, params, None, False)
                return list(cursor.fetchall())
        except db.dialect.loaded_dbapi.Error as error:
            raise _as_sqlalchemys(db, sql, error) from error


# psycopg's TransactionStatus.IDLE: no transaction open on the server.
_IDLE = 0
# Set in the pool's record of a driver connection left in autocommit by `_begin_with`.
BEGAN_IN_PIPELINE = "hubdesk_began_in_pipeline"


def _begin_with(db: Connection, driver: Any, cursor: Any, sql: str,
                params: dict[str, Any]) -> None:
    db.connection.info[BEGAN_IN_PIPELINE] = True
    driver.autocommit = True  # so psycopg sends no BEGIN of its own before the statement
    with driver.pipeline():
        driver.execute("BEGIN")
        cursor.execute(sql, params)


_Binds = tuple[tuple[str, Callable[[Any], Any] | None], ...]


class SqliteInsert:
    """An INSERT built with SQLAlchemy, compiled once for SQLite per set of keys, and run on
    sqlite3's cursor in ``db``'s transaction."""

    def __init__(self, statement: Insert) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, ...], tuple[str, _Binds]] = {}

    def run(self, db: Connection, rows: Sequence[dict[str, Any]]) -> list[Any]:
        """Insert ``rows`` (all with the same keys); the rows RETURNING gives for a single
        one."""
        if not rows:
            return []
        keys = tuple(rows[0])
        compiled = self._compiled.get(keys)
        if compiled is None:
            compiled = self._compiled[keys] = self._compile(db.dialect, keys)
        sql, binds = compiled
        values = [tuple(row[name] if process is None else process(row[name])
                        for name, process in binds) for row in rows]
        driver = db.connection.driver_connection
        assert driver is not None
        many = len(values) > 1
        parameters: Any = values if many else values[0]
        cursor = driver.cursor()
        try:
            if db.dispatch.before_cursor_execute:  # tracing, tests counting statements
                db.dispatch.before_cursor_execute(db, cursor, sql, parameters, None, many)
            if many:
                cursor.executemany(sql, values)
            else:
                cursor.execute(sql, parameters)
            returned: list[Any] = cursor.fetchall()
            if db.dispatch.after_cursor_execute:
                db.dispatch.after_cursor_execute(db, cursor, sql, parameters, None, many)
            return returned
        except db.dialect.loaded_dbapi.Error as error:
            raise _as_sqlalchemys(db, sql, error) from error
        finally:
            cursor.close()

    def _compile(self, dialect: Dialect, keys: tuple[str, ...]) -> tuple[str, _Binds]:
        compiled = self.statement.compile(dialect=dialect, column_keys=list(keys))
        if compiled.insert_prefetch:  # Python-side defaults SQLAlchemy would compute
            missing = ", ".join(column.name for column in compiled.insert_prefetch)
            raise ValueError(f"give every column with a default its value: {missing}")
        names = compiled.positiontup or []
        binds = tuple((name, compiled.binds[name].type.dialect_impl(dialect)
                       .bind_processor(dialect)) for name in names)
        return str(compiled), binds


def _as_sqlalchemys(db: Connection, sql: str, error: Any) -> StatementError:
    """The driver's error as SQLAlchemy would raise it, the connection invalidated if lost."""
    lost = db.dialect.is_disconnect(error, db.connection.dbapi_connection, None)
    if lost:
        db.invalidate(error)
    raised: StatementError = DBAPIError.instance(
        sql, None, error, db.dialect.loaded_dbapi.Error, hide_parameters=True,
        connection_invalidated=lost, dialect=db.dialect)
    return raised
