"""The SLA sweep as a periodic job: every minute, fire the warning steps and breaches due."""

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
    log.info("swept SLA clocks", extra={"fields": {
        "tickets": result.tickets, "steps_fired": result.steps_fired,
        "breaches": result.breaches, "tick_at": tick_at.isoformat()}})


def register(jobs: Jobs) -> None:
    jobs.periodic("sla-sweep", every=1, fn=sweep_clocks)
