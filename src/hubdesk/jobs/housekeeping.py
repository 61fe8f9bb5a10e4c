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


# A reply's files are written before its transaction commits; a day is far beyond any commit.
ORPHAN_FILE_GRACE = timedelta(days=1)


def remove_orphan_files(hub: Hub, tick_at: datetime) -> None:
    removed = hub.app.jobs.sweep_orphan_files(ORPHAN_FILE_GRACE, now=tick_at)
    log.info("removed orphan files", extra={"fields": {"files": removed}})


def register(jobs: Jobs) -> None:
    # Hourly, off the full hour when other sweeps are likelier to run.
    jobs.periodic("prune-history", every=crontab(minute="17"), fn=prune_old_rows)
    jobs.periodic("remove-orphan-files", every=crontab(minute="41", hour="3"),
                  fn=remove_orphan_files)
