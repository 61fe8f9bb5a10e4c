"""Statements run straight on the PostgreSQL driver's cursor, inside SQLAlchemy's transaction.

Intake runs two statements per ticket (find or add the requester, write the ticket). Through
SQLAlchemy each costs about as much client time as the database spends on it: the statement's
cache key, its parameters, an execution context and a result object, for a statement that
never changes. A `DriverStatement` is compiled once, and answers plain named tuples.
Listeners to the engine's statements (tracing, tests counting statements) still hear it.

What SQLAlchemy would do on an error still happens: the driver's error is raised as
SQLAlchemy's (so a duplicate key, a lost connection or a timeout reach the callers that
handle them), its parameters are never quoted, and a lost connection is invalidated so the
pool does not hand it out again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, TextClause
from sqlalchemy.exc import DBAPIError


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
                cursor.execute(sql, params)
                if db.dispatch.after_cursor_execute:
                    db.dispatch.after_cursor_execute(db, cursor, sql, params, None, False)
                return list(cursor.fetchall())
        except db.dialect.loaded_dbapi.Error as error:
            lost = db.dialect.is_disconnect(error, db.connection.dbapi_connection, None)
            if lost:
                db.invalidate(error)
            raise DBAPIError.instance(sql, None, error, db.dialect.loaded_dbapi.Error,
                                      hide_parameters=True, connection_invalidated=lost,
                                      dialect=db.dialect) from error
