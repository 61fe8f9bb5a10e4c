"""Test-only jobs that record each run in the database, loaded through HUBDESK_JOB_MODULES."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, insert, select

from hubdesk.bootstrap import Hub
from hubdesk.domain.clock import utcnow
from hubdesk.jobs import Jobs
from hubdesk.jobs.registry import worker_identity
from hubdesk.store.types import UtcDateTime

TICK_JOB = "record-ticks"
ONE_OFF_JOB = "record-value"

_metadata = MetaData()
job_records = Table(
    "test_job_records", _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job", String(100), nullable=False),
    Column("tick_at", UtcDateTime, nullable=True),
    Column("value", String(200), nullable=True),
    Column("worker", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
)


def record_tick(hub: Hub, tick_at: datetime) -> None:
    with hub.engine.begin() as connection:
        connection.execute(insert(job_records).values(
            job=TICK_JOB, tick_at=tick_at, worker=worker_identity(), at=utcnow()))


def record_value(hub: Hub, value: str) -> None:
    with hub.engine.begin() as connection:
        connection.execute(insert(job_records).values(
            job=ONE_OFF_JOB, value=value, worker=worker_identity(), at=utcnow()))


def register(jobs: Jobs) -> None:
    jobs.periodic(TICK_JOB, every=timedelta(seconds=1), fn=record_tick)
    jobs.task(ONE_OFF_JOB, record_value)


@contextmanager
def recording_table(engine: Engine) -> Iterator[None]:
    """The records table for one test; dropped after, so the schema stays the migrations'."""
    _metadata.drop_all(engine)
    _metadata.create_all(engine)
    try:
        yield
    finally:
        _metadata.drop_all(engine)


def records(engine: Engine, job: str) -> list[tuple[datetime | None, str | None, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(job_records.c.tick_at, job_records.c.value, job_records.c.worker)
            .where(job_records.c.job == job).order_by(job_records.c.id))
        return [(row.tick_at, row.value, row.worker) for row in rows]
