"""The ticket flow report: tickets received, solved, merged and reopened each day of a
window, and the backlog at each day's end on the desk's clock (`domain/ticket_flow.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from hubdesk.domain.agents import Agent, Team
from hubdesk.domain.clock import ensure_utc
from hubdesk.domain.errors import NotFound
from hubdesk.domain.permissions import check_may_read_reports
from hubdesk.domain.ticket_flow import MAX_DAYS, FlowReport, flow_report
from hubdesk.services.fair_share import FairShare
from hubdesk.services.ports import UnitOfWorkFactory

# No ticket is older than the Unix epoch. A window is kept after it, so that reaching 400 days
# back or reading local days west of UTC never runs off the calendar's first year.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FlowReportResult:
    since: datetime
    until: datetime  # no later than when the report was read: the future has no flow yet
    zone: tzinfo
    report: FlowReport
    agent_names: dict[int, str]
    team: Team | None = None  # the team whose tickets these are; None: the whole desk's


def flow_report_between(uows: UnitOfWorkFactory, actor: Agent, since: datetime,
                        until: datetime, *, now: datetime, zone: tzinfo,
                        team_id: int | None = None) -> FlowReportResult:
    """The flow in [since, until), day by day in ``zone``: the last `MAX_DAYS` days of it
    at most (the result says which window it covers); of the tickets in team ``team_id``
    now, unless None."""
    check_may_read_reports(actor)
    until = max(min(ensure_utc(until), ensure_utc(now)), EARLIEST)
    since = max(ensure_utc(since), until - timedelta(days=MAX_DAYS), EARLIEST)
    with uows(write=False) as uow:
        team = None
        if team_id is not None:
            team = uow.structure.get_team(team_id)
            if team is None:
                raise NotFound(f"team {team_id} was not found")
        history = uow.ticket_flow.history(min(since, until), until, team_id)
        report = flow_report(since, until, zone, *history)
        solvers = [s.agent_id for s in report.solved_by if s.agent_id is not None]
        names = uow.agents.names(solvers) if solvers else {}
    return FlowReportResult(since, until, zone, report, names, team)


class FlowReportUseCases:
    """``app.flow``: the ticket flow report."""

    def __init__(self, uows: UnitOfWorkFactory, clock: Callable[[], datetime],
                 zone: tzinfo, *, share: FairShare | None = None) -> None:
        self._uows, self._clock, self._zone = uows, clock, zone
        self._share = share or FairShare()

    def report(self, actor: Agent, since: datetime, until: datetime, *,
               team_id: int | None = None, now: datetime | None = None) -> FlowReportResult:
        with self._share.turn(actor):
            return flow_report_between(self._uows, actor, since, until,
                                       now=now or self._clock(), zone=self._zone,
                                       team_id=team_id)
