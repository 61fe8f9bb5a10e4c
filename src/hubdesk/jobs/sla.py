"""The SLA jobs: every minute, fire the warning steps and breaches due, and go on matching
again the open tickets a large change of policies, calendars or customers left to the
background (`services/sla_rematch.py`)."""

from __future__ import annotations

import logging
from datetime import datetime

from hubdesk.bootstrap import Hub
from hubdesk.jobs.registry import Jobs

log = logging.getLogger("hubdesk.jobs")


def sweep_clocks(hub: Hub, tick_at: datetime) -> None:
    # The tick says when the sweep was due; what is due is judged by the clock now, so a
    # tick picked up late still fires everything that has come due since.
    result = hub.app.sla.sweep()
    level = logging.INFO if result.steps_fired or result.breaches else logging.DEBUG
    log.log(level, "swept SLA clocks", extra={"fields": {
        "tickets": result.tickets, "steps_fired": result.steps_fired,
        "breaches": result.breaches, "tick_at": tick_at.isoformat()}})


def rematch_tickets(hub: Hub, tick_at: datetime) -> None:
    # A tick still walking when the next begins on another worker is safe: the two take
    # turns on the run's row and each goes on from where the other left off.
    progress = hub.app.sla.rematch_pending()
    if progress.batches:
        log.info("matched tickets again to their SLA policy", extra={"fields": {
            "tickets": progress.tickets, "changed": progress.changed,
            "runs_finished": progress.runs_finished, "tick_at": tick_at.isoformat()}})


def register(jobs: Jobs) -> None:
    jobs.periodic("sla-sweep", every=1, fn=sweep_clocks)
    jobs.periodic("sla-rematch", every=1, fn=rematch_tickets)
