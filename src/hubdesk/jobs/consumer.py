"""Running jobs: Huey's consumer in threads, with a scheduler that enqueues periodic ticks.

The consumer never installs signal handlers: the process that owns it decides when to stop
(`hubdesk worker` on SIGTERM/SIGINT, `hubdesk serve` at shutdown), which also lets it run
outside the main thread.
"""

from __future__ import annotations

import logging
from typing import Any

from huey.consumer import Consumer, Scheduler  # type: ignore[import-untyped]

from hubdesk.domain.clock import utcnow
from hubdesk.jobs.registry import Jobs

log = logging.getLogger("hubdesk.jobs")

# How long an idle worker thread waits before polling the queue again (Redis blocks instead).
IDLE_POLL_SECONDS = 1.0


class TickScheduler(Scheduler):  # type: ignore[misc]
    """Huey's scheduler (delayed and retried tasks, every second) that also enqueues this
    process's periodic ticks every ``check_seconds``."""

    def __init__(self, huey: Any, stop_flag: Any, interval: int, jobs: Jobs,
                 check_seconds: int) -> None:
        super().__init__(huey, stop_flag, interval, periodic=True)
        self.periodic_task_seconds = check_seconds
        self.jobs = jobs

    def enqueue_periodic_tasks(self, now: Any) -> None:
        for task in self.jobs.due_ticks(utcnow()):
            try:
                self.huey.enqueue(task)
            except Exception:  # a broken queue must not stop the scheduler; next check retries
                log.exception("could not enqueue a periodic tick")


class JobConsumer(Consumer):  # type: ignore[misc]
    def __init__(self, jobs: Jobs, *, workers: int, check_seconds: int,
                 shutdown_seconds: float) -> None:
        self.jobs = jobs
        self.check_seconds = check_seconds
        super().__init__(jobs.huey, workers=workers, periodic=True, scheduler_interval=1,
                         worker_type="thread", max_delay=IDLE_POLL_SECONDS,
                         check_worker_health=False, shutdown_timeout=shutdown_seconds)

    def _create_scheduler(self) -> TickScheduler:
        return TickScheduler(self.huey, self.stop_flag, self.scheduler_interval, self.jobs,
                             self.check_seconds)

    def _set_signal_handlers(self) -> None:
        """The owner of the process handles signals (see the module docstring)."""

    def shutdown(self) -> None:
        """Finish the tasks in hand (up to the shutdown timeout), then stop every thread."""
        self.stop(graceful=True)


def start_consumer(jobs: Jobs, *, shutdown_seconds: float = 30.0) -> JobConsumer:
    settings = jobs.hub.settings
    consumer = JobConsumer(jobs, workers=settings.job_workers,
                           check_seconds=settings.job_schedule_check_seconds,
                           shutdown_seconds=shutdown_seconds)
    consumer.start()
    log.info("job consumer started", extra={"fields": {
        "workers": settings.job_workers, "jobs": jobs.names}})
    return consumer
