"""Routing's periodic work: every minute, unattended tickets of agents gone offline or off
shift go back to the queue, and waiting tickets are offered again as capacity frees."""

from __future__ import annotations

import logging
from datetime import datetime

from hubdesk.bootstrap import Hub
from hubdesk.jobs.registry import Jobs

log = logging.getLogger("hubdesk.jobs")


def reoffer_waiting_work(hub: Hub, tick_at: datetime) -> None:
    if not hub.settings.routing_enabled:
        return
    result = hub.app.routing.sweep(now=tick_at)
    level = logging.INFO if result.returned or result.routed else logging.DEBUG
    log.log(level, "routing sweep", extra={"fields": {
        "returned": result.returned, "routed": result.routed,
        "still_waiting": result.still_waiting}})


def register(jobs: Jobs) -> None:
    jobs.periodic("routing-reoffer", every=1, fn=reoffer_waiting_work)
