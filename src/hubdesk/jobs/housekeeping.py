"""The desk's own periodic jobs: keeping tables that only grow at a steady size."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from huey import crontab  # type: ignore[import-untyped]

from hubdesk.bootstrap import Hub
from hubdesk.jobs.registry import Jobs

log = logging.getLogger("hubdesk.jobs")


def prune_old_rows(hub: Hub, tick_at: datetime) -> None:
    retention = timedelta(days=hub.settings.outbox_retention_days)
    pruned = hub.app.jobs.prune_history(retention, now=tick_at)
    log.info("pruned history", extra={"fields": {
        "outbox_entries": pruned.outbox_entries, "tick_claims": pruned.tick_claims}})


def register(jobs: Jobs) -> None:
    # Hourly, off the full hour when other sweeps are likelier to run.
    jobs.periodic("prune-history", every=crontab(minute="17"), fn=prune_old_rows)
