"""Background jobs on Huey: periodic jobs that run once per tick, one-off jobs with retries.

`build_jobs(hub)` gives the process its `Jobs` with every job declared; `start_consumer`
runs them. The queue lives in SQLite (`DATA_DIR/jobs.db`) in the embedded mode and in Redis
when `HUBDESK_REDIS_URL` is set; which worker runs a periodic tick is decided in the main
database (`services/jobs.py` `claim_tick`).
"""

from __future__ import annotations

import importlib

from huey import Huey, RedisHuey, SqliteHuey  # type: ignore[import-untyped]

from hubdesk.bootstrap import Hub
from hubdesk.config import Settings
from hubdesk.jobs import automations, handoffs, housekeeping, mail, routing, sla
from hubdesk.jobs.consumer import JobConsumer, start_consumer
from hubdesk.jobs.registry import Backoff, Jobs, OneOffJob

__all__ = ["Backoff", "JobConsumer", "Jobs", "OneOffJob", "build_jobs", "make_huey",
           "start_consumer"]

# The desk's capabilities that declare jobs, each with a register(jobs) function.
CAPABILITIES = [housekeeping, sla, handoffs, mail, routing, automations]


def make_huey(settings: Settings) -> Huey:
    # Results are not kept: jobs report through the database, and a result store only grows.
    if settings.redis_url:
        return RedisHuey(settings.job_queue_name, url=settings.redis_url, results=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(settings.job_queue_name, filename=str(settings.data_dir / "jobs.db"),
                      results=False)


def build_jobs(hub: Hub) -> Jobs:
    jobs = Jobs(make_huey(hub.settings), hub)
    for capability in CAPABILITIES:
        capability.register(jobs)
    for module_name in hub.settings.job_modules:
        importlib.import_module(module_name).register(jobs)
    return jobs
