"""Engines for the two supported databases, tuned for how Hubdesk uses them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from hubdesk.store.driver import BEGAN_IN_PIPELINE
from hubdesk.store.types import json_dumps, json_loads
from hubdesk.store.writers import SAFETY_NET_PAGES, writer_queue


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'hubdesk.db'}"


@dataclass(frozen=True)
class Timeouts:
    """How long a request may wait on the database before it is told the database is
    unavailable, instead of hanging until the client gives up. Seconds."""

    connect: float = 5.0
    statement: float = 30.0
    pool: float = 10.0
    # SQLite: how long a writer waits for the write lock.
    busy: float = 30.0


def make_engine(url: str, *, pool_size: int = 10, timeouts: Timeouts = Timeouts()) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, timeouts)
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=timeouts.pool,
        # No pre-ping: it costs a round trip per checkout on the hot path. Stale connections
        # are recycled instead, and a dead server shows in /readyz.
        pool_recycle=1800,
        connect_args=postgres_connect_args(timeouts),
        # Error messages and logs must never quote the values of a statement: they are
        # customers' names, e-mail addresses and messages.
        hide_parameters=True,
        json_serializer=json_dumps,
        json_deserializer=json_loads,
    )
    event.listen(engine, "checkin", _autocommit_off)
    return engine


def _autocommit_off(dbapi_connection: Any, record: Any) -> None:
    """A connection whose transaction began in a statement's pipeline (`store/driver.py`)
    was left in autocommit mode; the next checkout must find psycopg's own transactions."""
    if record.info.pop(BEGAN_IN_PIPELINE, False) and dbapi_connection is not None:
        try:
            dbapi_connection.autocommit = False
        except Exception:  # broken, or still in a transaction: never hand it out again
            record.invalidate()


def postgres_connect_args(timeouts: Timeouts) -> dict[str, Any]:
    statement_ms = max(1, round(timeouts.statement * 1000))
    return {
        # libpq counts whole seconds and treats anything under 2 as 2.
        "connect_timeout": max(2, round(timeouts.connect)),
        "options": f"-c statement_timeout={statement_ms}",
        # A server that vanishes mid-statement (packets dropped, no reset) is noticed by the
        # kernel instead of leaving the request waiting forever.
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": statement_ms + 5000,
    }


def _sqlite_engine(url: str, timeouts: Timeouts) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    busy_ms = max(1, round(timeouts.busy * 1000))
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": timeouts.busy},
        pool_timeout=timeouts.pool,
        hide_parameters=True,
        json_serializer=json_dumps,
        json_deserializer=json_loads,
    )

    queued = writer_queue(engine) is not None

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling would defer BEGIN and cannot take the write
        # lock up front; we issue BEGIN ourselves (see _begin) so writers queue instead of
        # failing with "database is locked" when two of them upgrade at once.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA cache_size=-32000")
        if queued:  # its writers checkpoint once out of its lock (`store/writers.py`)
            cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
