"""The handoffs' escalation ladders: each department's steps (by default the assignee warned
at 75 % of the OLA's time, the lead told at the deadline, then the coordinators). Each tick
runs on one worker (`Jobs.periodic`), and each step fires once even if two sweeps meet
(`services/handoffs.py` `climb_ladders`)."""

from __future__ import annotations

import logging
from datetime import datetime

from hubdesk.bootstrap import Hub
from hubdesk.jobs.registry import Jobs

log = logging.getLogger("hubdesk.jobs")


def climb_handoff_ladders(hub: Hub, tick_at: datetime) -> None:
    # The tick stands for its moment, but what is due is judged by the clock: a late tick
    # must not miss a step that fell due in between.
    fired = hub.app.handoffs.climb_ladders(now=max(tick_at, hub.app.deps.clock()))
    if fired:
        log.info("handoff ladder steps fired", extra={"fields": {"steps": fired}})


def register(jobs: Jobs) -> None:
    jobs.periodic("handoff-ladders", every=1, fn=climb_handoff_ladders)
