"""The SQL statements a piece of work sends, and SQLite's plan for one: for tests that check
a query reads the index it was written for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def statements_sent(engine: Engine,
                    wanted: Callable[[str], bool]) -> Iterator[list[tuple[str, Any]]]:
    """The (statement, parameters) sent through ``engine`` inside the block for which
    ``wanted`` holds, filled as they are sent."""
    seen: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if wanted(statement):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def sqlite_plan(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """The steps of SQLite's query plan for ``statement``."""
    with engine.connect() as db:
        return [row[-1] for row in db.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters).all()]
