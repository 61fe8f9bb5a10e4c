"""The handoff turnaround report: per department, how long it takes and how often it is late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import ensure_utc, utcnow
from hubdesk.domain.handoff_report import TurnaroundReport, turnaround_report
from hubdesk.domain.permissions import check_may_read_reports
from hubdesk.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class HandoffReport:
    since: datetime
    until: datetime
    report: TurnaroundReport
    department_names: dict[int, str]


def handoff_turnaround(uows: UnitOfWorkFactory, actor: Agent, since: datetime,
                       until: datetime, *, now: datetime | None = None) -> HandoffReport:
    """Handoffs opened in [since, until), as of ``now`` (an empty window holds none)."""
    check_may_read_reports(actor)
    since, until = ensure_utc(since), ensure_utc(until)
    with uows(write=False) as uow:
        handoffs = uow.handoffs.opened_between(since, until) if since < until else []
        names = {d.id: d.name for d in uow.structure.departments() if d.id is not None}
    return HandoffReport(since, until, turnaround_report(handoffs, now or utcnow()), names)
