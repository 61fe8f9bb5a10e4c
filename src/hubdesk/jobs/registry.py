"""Declaring background jobs: periodic ones that run once per tick, one-off ones with retries.

A capability declares its jobs on the `Jobs` of the process (see `hubdesk.jobs.build_jobs`);
every process declares the same jobs, so whichever worker picks a message up knows its task.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from huey import Huey  # type: ignore[import-untyped]
from huey.api import Task, TaskWrapper  # type: ignore[import-untyped]

from hubdesk.bootstrap import Hub
from hubdesk.jobs.schedule import CronTest, Schedule, as_schedule

log = logging.getLogger("hubdesk.jobs")

PeriodicFn = Callable[[Hub, datetime], None]
TaskFn = Callable[..., None]


@dataclass(frozen=True)
class Backoff:
    """Failed attempt n waits ``min(first * 2**(n-1), cap)`` seconds before the next one."""

    first: float = 2.0
    cap: float = 600.0

    def delay(self, failed_attempt: int) -> float:
        return float(min(self.first * 2 ** (failed_attempt - 1), self.cap))


@dataclass(frozen=True)
class OneOffJob:
    """A declared one-off job; ``enqueue`` hands it to whichever worker is free."""

    name: str
    wrapper: TaskWrapper

    def enqueue(self, *args: Any, delay: float | None = None) -> None:
        """Run ``fn(hub, *args)`` in a worker, after ``delay`` seconds if given. Arguments
        travel through the queue, so pass ids and values, not live objects."""
        if delay:
            self.wrapper.schedule(args, delay=delay)
        else:
            self.wrapper(*args)


@dataclass
class _Periodic:
    name: str
    schedule: Schedule
    wrapper: TaskWrapper
    last_enqueued: datetime | None = None


class Jobs:
    """The jobs of one process, bound to its Huey instance and its `Hub`."""

    def __init__(self, huey: Huey, hub: Hub) -> None:
        self.huey = huey
        self.hub = hub
        self._periodic: dict[str, _Periodic] = {}
        self._tasks: dict[str, OneOffJob] = {}
        self._lock = threading.Lock()

    def periodic(self, name: str, every: int | timedelta | CronTest | Schedule,
                 fn: PeriodicFn) -> None:
        """Run ``fn(hub, tick_at)`` once per tick of ``every`` (minutes, a timedelta or a
        ``huey.crontab`` in UTC), on one worker among all that are running."""
        self._check_new(name)

        def run_tick(tick_at: str) -> None:
            tick = datetime.fromisoformat(tick_at)
            if not self.hub.app.jobs.claim_tick(name, tick, worker_identity()):
                log.info("periodic tick already taken", extra={"fields": {
                    "job": name, "tick_at": tick_at}})
                return
            fn(self.hub, tick)

        wrapper = self.huey.task(name=f"periodic:{name}")(run_tick)
        self._periodic[name] = _Periodic(name, as_schedule(every), wrapper)

    def task(self, name: str, fn: TaskFn, *, retries: int = 5,
             backoff: Backoff = Backoff()) -> OneOffJob:
        """Declare ``fn(hub, *args)`` as a one-off job; a failure is retried up to
        ``retries`` times, waiting longer after each failed attempt."""
        self._check_new(name)

        def run_attempt(*args: Any, task: Task) -> None:
            failed_attempt = retries - task.retries + 1
            try:
                fn(self.hub, *args)
            except Exception:
                if task.retries:
                    # Huey requeues a failed task after its retry_delay; setting it here per
                    # attempt gives a capped exponential wait.
                    task.retry_delay = backoff.delay(failed_attempt)
                raise

        wrapper = self.huey.task(name=name, retries=retries, context=True)(run_attempt)
        job = self._tasks[name] = OneOffJob(name, wrapper)
        return job

    def one_off(self, name: str) -> OneOffJob:
        """The one-off job declared as ``name`` (by this process's capabilities)."""
        return self._tasks[name]

    def due_ticks(self, now: datetime) -> list[Task]:
        """Messages for the periodic ticks due at ``now`` that this process has not yet
        enqueued (the scheduler may look more often than a job's ticks come)."""
        due = []
        with self._lock:
            for job in self._periodic.values():
                tick = job.schedule.tick_for(now)
                if tick is not None and tick != job.last_enqueued:
                    job.last_enqueued = tick
                    due.append(job.wrapper.s(tick.isoformat()))
        return due

    @property
    def names(self) -> list[str]:
        return sorted([*self._periodic, *self._tasks])

    def _check_new(self, name: str) -> None:
        if name in self._periodic or name in self._tasks:
            raise ValueError(f"a job named {name!r} is declared already")


def worker_identity() -> str:
    """Which process and thread took a tick, as recorded with the claim."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"
