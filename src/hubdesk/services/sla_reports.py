"""The SLA report: each target met in time or missed in a window, and the business time
answers took, for the desk and per team, channel and priority (`domain/sla/report.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import ensure_utc
from hubdesk.domain.permissions import check_may_read_reports
from hubdesk.domain.sla.report import SlaReport, sla_report
from hubdesk.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class SlaReportResult:
    since: datetime
    until: datetime
    report: SlaReport
    team_names: dict[int, str]


def sla_report_between(uows: UnitOfWorkFactory, actor: Agent, since: datetime,
                       until: datetime) -> SlaReportResult:
    """The cycles decided and answers given in [since, until) (an empty window holds none)."""
    check_may_read_reports(actor)
    since, until = ensure_utc(since), ensure_utc(until)
    with uows(write=False) as uow:
        if since < until:
            counts, times = uow.sla.outcome_counts(since, until), uow.sla.answer_times(
                since, until)
        else:
            counts, times = [], []
        teams = {team.id: team.name for team in uow.structure.teams() if team.id is not None}
    return SlaReportResult(since, until, sla_report(counts, times), teams)
