"""The periodic sweep of time-based automation rules (`services/rules/automations.py`)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from hubdesk.bootstrap import Hub
from hubdesk.jobs.registry import Jobs

log = logging.getLogger("hubdesk.jobs")

# Time rules count in hours and days; five minutes late is well within what they promise.
SWEEP_EVERY = timedelta(minutes=5)


def run_time_rules(hub: Hub, tick_at: datetime) -> None:
    result = hub.app.rules.run_automations()
    level = logging.INFO if result.fired else logging.DEBUG
    log.log(level, "ran time-based rules", extra={"fields": {
        "rules": result.rules, "candidates": result.candidates, "fired": result.fired}})


def register(jobs: Jobs) -> None:
    jobs.periodic("automation-rules", every=SWEEP_EVERY, fn=run_time_rules)
