"""The embedded mode: jobs queued in SQLite (DATA_DIR/jobs.db) and run by consumer threads
inside the process, against the main database on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from hubdesk.jobs import Backoff, Jobs, build_jobs, start_consumer
from hubdesk.jobs.consumer import JobConsumer
from hubdesk.worker import start_background
from tests.jobs.conftest import wait_until
from tests.jobs.recording import ONE_OFF_JOB, TICK_JOB, records


@contextmanager
def consuming(jobs: Jobs) -> Iterator[JobConsumer]:
    consumer = start_consumer(jobs, shutdown_seconds=5)
    try:
        yield consumer
    finally:
        consumer.shutdown()


def test_the_queue_lives_in_the_data_directory(hub):
    jobs = build_jobs(hub)
    assert type(jobs.huey).__name__ == "SqliteHuey"
    assert jobs.huey.storage.filename == str(hub.settings.data_dir / "jobs.db")
    assert "prune-history" in jobs.names


def test_a_failing_job_is_retried_after_growing_delays_until_it_succeeds(hub):
    attempts: list[float] = []
    doomed: list[float] = []
    lock = threading.Lock()

    def flaky(_hub, succeed_on: int) -> None:
        with lock:
            attempts.append(time.monotonic())
            if len(attempts) < succeed_on:
                raise ConnectionError("mail server down")

    def always_failing(_hub) -> None:
        doomed.append(time.monotonic())
        raise ConnectionError("gone for good")

    jobs = Jobs(build_jobs(hub).huey, hub)
    deliver = jobs.task("deliver", flaky, retries=5, backoff=Backoff(first=1, cap=4))
    give_up = jobs.task("give-up", always_failing, retries=1, backoff=Backoff(first=1))
    with consuming(jobs):
        deliver.enqueue(4)
        give_up.enqueue()
        wait_until(lambda: len(attempts) == 4, seconds=30, what="the fourth attempt")
        time.sleep(1.5)  # room for a wrong extra attempt of either job to show

    assert len(attempts) == 4
    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts)]
    # Each wait is at least its backoff; the scheduler looks once a second and an idle worker
    # polls at most a second later, which bounds the excess.
    for gap, backoff in zip(gaps, [1, 2, 4], strict=True):
        assert backoff - 0.05 <= gap <= backoff + 2.5, gaps
    assert gaps[0] < gaps[2]
    assert len(doomed) == 2  # the first run and its one retry, then it is given up


def test_a_tick_enqueued_by_two_schedulers_runs_once(hub, recorded):
    hub.settings = hub.settings.model_copy(update={"job_schedule_check_seconds": 1,
                                                   "job_modules": ["tests.jobs.recording"]})
    # Two consumers, each with its own scheduler, on the same queue: every tick is enqueued
    # twice, as it is with two processes.
    with consuming(build_jobs(hub)), consuming(build_jobs(hub)):
        wait_until(lambda: len({tick for tick, *_ in records(hub.engine, TICK_JOB)}) >= 4,
                   seconds=30, what="four ticks")
    ticks = [tick for tick, *_ in records(hub.engine, TICK_JOB)]
    assert len(ticks) >= 4
    assert len(ticks) == len(set(ticks))


def test_the_server_thread_runs_jobs_and_stops_cleanly(hub, recorded):
    hub.settings = hub.settings.model_copy(update={"job_modules": ["tests.jobs.recording"]})
    thread, stop = start_background(hub)
    try:
        build_jobs(hub).one_off(ONE_OFF_JOB).enqueue("from the console")
        wait_until(lambda: records(hub.engine, ONE_OFF_JOB) != [], seconds=20,
                   what="the one-off job")
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert [value for _, value, _ in records(hub.engine, ONE_OFF_JOB)] == ["from the console"]
    assert not any(t.name.startswith(("Worker-", "Scheduler")) and t.is_alive()
                   for t in threading.enumerate())
