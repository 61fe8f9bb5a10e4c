"""/api/v1/reports/sla: each SLA target met in time or missed in a window, and the business
time answers took, for the desk and per team, channel and priority; /api/v1/reports/satisfaction:
the customers' answers to the satisfaction survey, per agent and team (team leads,
coordinators, managers and administrators); /api/v1/reports/flow: tickets received, solved,
merged and reopened each day, and the backlog at each day's end. The handoff turnaround report
is beside the handoffs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Self

from fastapi import APIRouter
from pydantic import BaseModel, Field

from hubdesk.api.deps import AgentDep, AppDep, PathId, QueryId
from hubdesk.api.report_window import Instant, report_window
from hubdesk.api.schemas import problem_responses
from hubdesk.domain.satisfaction import SatisfactionFigures
from hubdesk.domain.sla.report import ReportGroup, TargetFigures
from hubdesk.domain.ticket_flow import Backlog, FlowDay
from hubdesk.services.flow_reports import FlowReportResult
from hubdesk.services.satisfaction import SatisfactionReportResult
from hubdesk.services.sla_reports import SlaReportResult

router = APIRouter(prefix="/api/v1", tags=["reports"],
                   responses=problem_responses(400, 401, 403, 422))


class TargetFiguresOut(BaseModel):
    target: str = Field(description="first_response, next_response or resolution")
    decided: int = Field(description=(
        "cycles decided in the window: met in time, or their deadline passed"))
    met_in_time: int
    missed: int = Field(description="deadlines that passed in the window, answered since or not")
    missed_unanswered: int = Field(description="of those, the ones not met since")
    met_share: float | None = Field(description=(
        "met in time among the cycles decided, a fraction between 0 and 1; null when none"))
    met: int = Field(description="cycles met in the window, in time or late")
    median_seconds: int | None = Field(description=(
        "business time those took, nearest-rank median; pending time and closed hours "
        "left out"))
    p90_seconds: int | None

    @classmethod
    def of(cls, figures: TargetFigures) -> TargetFiguresOut:
        return cls(target=figures.target.value, decided=figures.decided,
                   met_in_time=figures.met_in_time, missed=figures.missed,
                   missed_unanswered=figures.missed_unanswered, met_share=figures.met_share,
                   met=figures.met,
                   median_seconds=_seconds(figures.median), p90_seconds=_seconds(figures.p90))


class TeamFiguresOut(BaseModel):
    team_id: int | None = Field(description="null: tickets of no team")
    team_name: str
    targets: list[TargetFiguresOut]


class GroupFiguresOut(BaseModel):
    key: str
    targets: list[TargetFiguresOut]


class SlaReportOut(BaseModel):
    since: datetime
    until: datetime
    overall: list[TargetFiguresOut]
    teams: list[TeamFiguresOut] = Field(description="by the team each ticket has now")
    channels: list[GroupFiguresOut]
    priorities: list[GroupFiguresOut] = Field(description="by the priority each ticket has now")

    @classmethod
    def of(cls, result: SlaReportResult) -> SlaReportOut:
        report = result.report
        return cls(
            since=result.since, until=result.until,
            overall=[TargetFiguresOut.of(row) for row in report.overall],
            teams=[TeamFiguresOut(
                team_id=group.key if isinstance(group.key, int) else None,
                team_name=result.team_names.get(group.key, "")
                if isinstance(group.key, int) else "",
                targets=_targets(group)) for group in report.teams],
            channels=[GroupFiguresOut(key=str(group.key), targets=_targets(group))
                      for group in report.channels],
            priorities=[GroupFiguresOut(key=str(group.key), targets=_targets(group))
                        for group in report.priorities])


def _targets(group: ReportGroup) -> list[TargetFiguresOut]:
    return [TargetFiguresOut.of(row) for row in group.targets]


def _seconds(value: timedelta | None) -> int | None:
    return int(value.total_seconds()) if value is not None else None


@router.get("/reports/sla", response_model=SlaReportOut, responses=problem_responses(429))
def sla_report(app: AppDep, agent: AgentDep, since: Instant = None,
               until: Instant = None) -> SlaReportOut:
    """Each SLA target in [since, until) (default: the last 30 days up to now): cycles
    decided (met in time, or their deadline passed: a missed deadline counts once, where it
    passed, answered later or not), the share met in time, and the business time answers
    took. Times need a UTC offset."""
    start, end = report_window(since, until, app.deps.clock())
    return SlaReportOut.of(app.sla.report(agent, start, end))


class SatisfactionFiguresOut(BaseModel):
    offered: int = Field(description="surveys offered in the window (tickets solved whose "
                                     "notice asked)")
    answered: int
    good: int
    bad: int
    answered_share: float | None = Field(description=(
        "answered among the surveys offered, a fraction between 0 and 1; null when none"))
    good_share: float | None = Field(description=(
        "good among the answers (the CSAT score), a fraction between 0 and 1; null when none"))

    @classmethod
    def of(cls, figures: SatisfactionFigures, **group: Any) -> Self:
        """The figures, with the group's key and name (``group``) for a subclass."""
        return cls(offered=figures.offered, answered=figures.answered, good=figures.good,
                   bad=figures.bad, answered_share=figures.answered_share,
                   good_share=figures.good_share, **group)


class AgentSatisfactionOut(SatisfactionFiguresOut):
    agent_id: int | None = Field(description="null: tickets solved with no agent")
    agent_name: str


class TeamSatisfactionOut(SatisfactionFiguresOut):
    team_id: int | None = Field(description="null: tickets of no team")
    team_name: str


class SurveyCommentOut(BaseModel):
    ticket_id: int
    rating: str | None
    comment: str
    rated_at: datetime | None
    agent_id: int | None
    team_id: int | None


class TicketSurveyOut(BaseModel):
    ticket_id: int
    offered_at: datetime = Field(description="when the survey's latest link was sent")
    agent_id: int | None = Field(description="whom an answer is credited to: who solved it")
    team_id: int | None
    rating: str | None = Field(description="good or bad; null until the customer answers")
    comment: str | None = Field(description="the customer's words, personal data masked")
    rated_at: datetime | None


class SatisfactionReportOut(BaseModel):
    since: datetime
    until: datetime
    overall: SatisfactionFiguresOut
    agents: list[AgentSatisfactionOut] = Field(description=(
        "by the agent who held the ticket when it was solved"))
    teams: list[TeamSatisfactionOut] = Field(description=(
        "by the team the ticket was in when it was solved"))
    comments: list[SurveyCommentOut] = Field(description=(
        "the latest comments, at most 50 (a team lead's: their teams' only)"))

    @classmethod
    def of(cls, result: SatisfactionReportResult) -> SatisfactionReportOut:
        report = result.report
        return cls(
            since=result.since, until=result.until,
            overall=SatisfactionFiguresOut.of(report.overall),
            agents=[AgentSatisfactionOut.of(
                figures, agent_id=key,
                agent_name=result.agent_names.get(key, "") if key else "")
                for key, figures in report.agents.items()],
            teams=[TeamSatisfactionOut.of(
                figures, team_id=key, team_name=result.team_names.get(key, "") if key else "")
                for key, figures in report.teams.items()],
            comments=[SurveyCommentOut(
                ticket_id=survey.ticket_id,
                rating=survey.rating.value if survey.rating else None,
                comment=survey.comment or "", rated_at=survey.rated_at,
                agent_id=survey.agent_id, team_id=survey.team_id)
                for survey in result.comments])


@router.get("/tickets/{ticket_id}/satisfaction", response_model=TicketSurveyOut,
            responses=problem_responses(404), tags=["tickets"])
def ticket_satisfaction(ticket_id: PathId, app: AppDep, agent: AgentDep) -> TicketSurveyOut:
    """The satisfaction survey a solved ticket's notice offered, and the customer's answer;
    for whoever may see the ticket. 404 when no survey was offered (or the ticket cannot be
    seen)."""
    survey = app.satisfaction.of_ticket(agent, ticket_id)
    return TicketSurveyOut(
        ticket_id=survey.ticket_id, offered_at=survey.offered_at, agent_id=survey.agent_id,
        team_id=survey.team_id, rating=survey.rating.value if survey.rating else None,
        comment=survey.comment, rated_at=survey.rated_at)


@router.get("/reports/satisfaction", response_model=SatisfactionReportOut,
            responses=problem_responses(429))
def satisfaction_report(app: AppDep, agent: AgentDep, since: Instant = None,
                        until: Instant = None) -> SatisfactionReportOut:
    """The satisfaction surveys offered in [since, until) (default: the last 30 days up to
    now) and how customers answered them, for the desk and per agent and team credited
    (who held the ticket when it was solved). Times need a UTC offset."""
    start, end = report_window(since, until, app.deps.clock())
    return SatisfactionReportOut.of(app.satisfaction.report(agent, start, end))


class BacklogOut(BaseModel):
    with_desk: int = Field(description="new or open: the desk owes the next step")
    waiting: int = Field(description="pending or on hold: waiting on the customer or others")
    total: int

    @classmethod
    def of(cls, backlog: Backlog) -> BacklogOut:
        return cls(with_desk=backlog.with_desk, waiting=backlog.waiting, total=backlog.total)


class FlowDayOut(BaseModel):
    day: date = Field(description="a day on the desk's clock (HUBDESK_WFM_TIMEZONE)")
    received: int = Field(description="tickets created that day, every channel")
    solved: int = Field(description=(
        "tickets that left the backlog solved or closed (each time; merges not counted)"))
    merged: int = Field(description="unsolved tickets merged into another ticket")
    reopened: int = Field(description="solved or closed tickets that came back")
    backlog: BacklogOut = Field(description=(
        "unsolved tickets at the day's end (the window's, for its last day)"))

    @classmethod
    def of(cls, day: FlowDay) -> FlowDayOut:
        return cls(day=day.day, received=day.received, solved=day.solved, merged=day.merged,
                   reopened=day.reopened, backlog=BacklogOut.of(day.backlog))


class SolverOut(BaseModel):
    kind: str = Field(description="agent, customer or system (automations, held contacts)")
    agent_id: int | None
    agent_name: str
    solved: int


class FlowReportOut(BaseModel):
    since: datetime = Field(description="no earlier than 400 days before until, nor 1970")
    until: datetime = Field(description="no later than now: the future has no flow yet")
    time_zone: str = Field(description="whose days these are")
    team_id: int | None = Field(description=(
        "the team whose tickets (those in it now) these are; null: the whole desk's"))
    team_name: str
    received: int
    solved: int
    merged: int
    reopened: int
    reopened_share: float | None = Field(description=(
        "reopenings per ticket solved in the window, a fraction (above 1 when older solves "
        "came back); null when none was solved"))
    backlog_at_start: BacklogOut
    backlog_at_end: BacklogOut
    days: list[FlowDayOut]
    received_by_channel: dict[str, int]
    solved_by: list[SolverOut] = Field(description="who solved, most first")

    @classmethod
    def of(cls, result: FlowReportResult) -> FlowReportOut:
        report = result.report
        return cls(
            since=result.since, until=result.until, time_zone=str(result.zone),
            team_id=result.team.id if result.team else None,
            team_name=result.team.name if result.team else "",
            received=report.received, solved=report.solved, merged=report.merged,
            reopened=report.reopened, reopened_share=report.reopened_share,
            backlog_at_start=BacklogOut.of(report.backlog_at_start),
            backlog_at_end=BacklogOut.of(report.backlog_at_end),
            days=[FlowDayOut.of(day) for day in report.days],
            received_by_channel=report.received_by_channel,
            solved_by=[SolverOut(kind=solver.kind, agent_id=solver.agent_id,
                                 agent_name=result.agent_names.get(solver.agent_id, "")
                                 if solver.agent_id is not None else "", solved=count)
                       for solver, count in report.solved_by.items()])


@router.get("/reports/flow", response_model=FlowReportOut,
            responses=problem_responses(404, 429))
def flow_report(app: AppDep, agent: AgentDep, since: Instant = None,
                until: Instant = None, team_id: QueryId = None) -> FlowReportOut:
    """Tickets received, solved, merged and reopened on each day of [since, until) (default:
    the last 30 days up to now; of a longer window than 400 days, its last 400), days on the
    desk's clock, and the backlog of unsolved tickets at each day's end as it stood then;
    with `team_id`, of the tickets in that team now. Times need a UTC offset."""
    start, end = report_window(since, until, app.deps.clock())
    return FlowReportOut.of(app.flow.report(agent, start, end, team_id=team_id))
