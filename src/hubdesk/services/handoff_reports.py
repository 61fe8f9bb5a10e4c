"""The handoff turnaround report: per department, how long it takes and how often it is late,
and which time and rework the originating teams caused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import ensure_utc, utcnow
from hubdesk.domain.handoff_report import HandoffHistory, TurnaroundReport, turnaround_report
from hubdesk.domain.permissions import check_may_read_reports
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class HandoffReport:
    since: datetime
    until: datetime
    report: TurnaroundReport
    department_names: dict[int, str]
    team_names: dict[int, str]


def handoff_turnaround(uows: UnitOfWorkFactory, actor: Agent, since: datetime,
                       until: datetime, *, now: datetime | None = None) -> HandoffReport:
    """Handoffs opened in [since, until), as of ``now`` (an empty window holds none)."""
    check_may_read_reports(actor)
    since, until = ensure_utc(since), ensure_utc(until)
    with uows(write=False) as uow:
        if since < until:
            handoffs = uow.handoffs.opened_between(since, until)
            histories = _histories(uow, since, until)
        else:
            handoffs, histories = [], {}
        departments = {d.id: d.name for d in uow.structure.departments() if d.id is not None}
        teams = {team.id: team.name for team in uow.structure.teams() if team.id is not None}
    report = turnaround_report(handoffs, now or utcnow(), histories)
    return HandoffReport(since, until, report, departments, teams)


def _histories(uow: UnitOfWork, since: datetime, until: datetime) -> dict[int, HandoffHistory]:
    """Each handoff's moves, read from its parent ticket's events in one query."""
    moves = uow.handoffs.status_moves_between(since, until)
    return {handoff_id: HandoffHistory(tuple(moves.get(handoff_id, [])), team_id)
            for handoff_id, team_id in uow.handoffs.origin_teams_between(since, until).items()}
