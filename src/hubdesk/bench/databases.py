"""Databases for benchmarks: a scratch SQLite file, or a dedicated PostgreSQL database.

PostgreSQL runs get their own database (``hubdesk_bench``, or ``HUBDESK_BENCH_DATABASE``)
created through an administrative URL (``HUBDESK_BENCH_POSTGRES_URL``) and dropped afterwards;
only a server on this machine is accepted, since benchmarks load it hard.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from hubdesk.bench.cpu import process_seconds

ADMIN_URL_VARIABLE = "HUBDESK_BENCH_POSTGRES_URL"
DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASE_VARIABLE = "HUBDESK_BENCH_DATABASE"
BENCH_DATABASE = "hubdesk_bench"
RAW_TABLE = "bench_raw_insert"
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", None}

log = logging.getLogger("hubdesk.bench")


@dataclass(frozen=True)
class BenchDatabase:
    kind: str  # "sqlite" | "postgres"
    url: str
    data_dir: Path


def admin_url() -> URL:
    url = make_url(os.environ.get(ADMIN_URL_VARIABLE, DEFAULT_ADMIN_URL))
    if url.host not in _LOCAL_HOSTS:
        raise ValueError(f"{ADMIN_URL_VARIABLE} must point to a PostgreSQL server on this "
                         f"machine (127.0.0.1), not {url.host}")
    return url


def bench_database_name() -> str:
    """The scratch database's name: checkouts testing at once on one server each set
    their own, since every run drops it."""
    name = os.environ.get(DATABASE_VARIABLE, BENCH_DATABASE)
    if not re.fullmatch(r"[A-Za-z0-9_]{1,63}", name):
        raise ValueError(f"{DATABASE_VARIABLE} takes up to 63 ASCII letters, digits and "
                         "underscores")
    return name


def _postgres(action: str) -> str:
    admin = admin_url()
    name = bench_database_name()
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if action in ("drop", "recreate"):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                        {"n": name}).first()
            if action in ("recreate", "ensure") and not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


@contextmanager
def bench_database(kind: str, *, data_dir: Path | None = None, reuse: bool = False,
                   keep: bool = False) -> Iterator[BenchDatabase]:
    """A database for one run: fresh unless ``reuse``; removed afterwards unless kept."""
    if kind not in ("sqlite", "postgres"):
        raise ValueError("--db is sqlite or postgres")
    scratch = data_dir is None
    directory = Path(tempfile.mkdtemp(prefix="hubdesk-bench-")) if data_dir is None \
        else data_dir.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        database = directory / "hubdesk.db"
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{database}"
    else:
        url = _postgres("ensure" if reuse else "recreate")
    try:
        yield BenchDatabase(kind, url, directory)
    finally:
        if kind == "postgres" and not (keep or reuse):
            _postgres("drop")
        if scratch and not (keep or reuse):
            shutil.rmtree(directory, ignore_errors=True)
        elif keep or reuse:
            log.info("kept the benchmark database: %s",
                     make_url(url).render_as_string(hide_password=True))


def database_backends(url: str) -> list[int]:
    """Process ids of the PostgreSQL backends connected to ``url``'s database, but for the
    one asking."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            return [int(row[0]) for row in rows]
    finally:
        engine.dispose()


@dataclass(frozen=True)
class RawLoop:
    """The bare commit loop's rate, and what each of its rows cost: the time it took and
    the CPU the loop itself (the driver in this thread) and the database's backend spent.
    Their difference is waiting: mostly for the database to make each commit durable."""

    per_s: float
    wall_ms_per_row: float
    client_cpu_ms_per_row: float
    database_cpu_ms_per_row: float | None  # None on SQLite, which runs in the loop's thread

    def figures(self) -> dict[str, Any]:
        database = self.database_cpu_ms_per_row
        return {"per_s": round(self.per_s, 1),
                "wall_ms_per_row": round(self.wall_ms_per_row, 4),
                "cpu_ms_per_row": {
                    "client": round(self.client_cpu_ms_per_row, 4),
                    "database": round(database, 4) if database is not None else None}}

    @property
    def cpu_ms_per_row(self) -> float:
        return self.client_cpu_ms_per_row + (self.database_cpu_ms_per_row or 0.0)


def raw_insert_loop(engine: Engine, *, seconds: float = 3.0, max_rows: int = 5000) -> RawLoop:
    """Single-row INSERT + COMMIT per iteration, one connection, through the app's driver.

    What one commit per row costs on this machine, alone on one connection: the stack's
    throughput divided by its rate shows what the layers above the database cost (under
    concurrency, commits grouped by the database win some of it back).
    """
    sqlite = engine.dialect.name == "sqlite"
    raw = engine.raw_connection()  # same driver and connection settings as the app
    try:
        cursor = raw.cursor()
        backend = None
        if not sqlite:
            cursor.execute("SELECT pg_backend_pid()")
            (backend,) = cursor.fetchone() or (None,)
        cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        key = "INTEGER PRIMARY KEY" if sqlite else "BIGSERIAL PRIMARY KEY"
        cursor.execute(f"CREATE TABLE {RAW_TABLE} (id {key}, subject VARCHAR(500) NOT NULL, "
                       "created_at VARCHAR(40) NOT NULL)")
        raw.commit()
        marker = "?" if sqlite else "%s"
        statement = (f"INSERT INTO {RAW_TABLE} (subject, created_at) "  # noqa: S608 - constants
                     f"VALUES ({marker}, {marker})")
        rows = 0
        backend_before = process_seconds(backend) if backend is not None else None
        client_before = time.thread_time()
        started = time.perf_counter()
        deadline = started + seconds
        while rows < max_rows and time.perf_counter() < deadline:
            if sqlite:  # the app's engine runs SQLite in autocommit mode and issues BEGIN
                cursor.execute("BEGIN IMMEDIATE")
            cursor.execute(statement, (f"Parcel never arrived #{rows}", "2024-06-01T10:00:00"))
            if sqlite:
                cursor.execute("COMMIT")
            else:
                raw.commit()
            rows += 1
        elapsed = time.perf_counter() - started
        client = time.thread_time() - client_before
        backend_after = process_seconds(backend) if backend is not None else None
        cursor.execute(f"DROP TABLE {RAW_TABLE}")
        raw.commit()
    finally:
        raw.close()
    database = (1000 * (backend_after - backend_before) / rows
                if backend_before is not None and backend_after is not None else None)
    return RawLoop(rows / elapsed, 1000 * elapsed / rows, 1000 * client / rows, database)
