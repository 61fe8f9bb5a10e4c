"""Customer satisfaction: offering the survey when an e-mail ticket is solved, the customer's
answer through the link (no sign-in: the signed link is the credential), and the report
(`domain/satisfaction.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import ensure_utc, utcnow
from hubdesk.domain.errors import Conflict, NotFound, PermissionDenied
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.permissions import TicketAction, check_may_read_reports
from hubdesk.domain.satisfaction import (
    CLOSED,
    Rating,
    SatisfactionReport,
    Survey,
    SurveyLink,
    bounded_comment,
    parse_rating,
    read_survey_token,
    satisfaction_report,
    survey_token,
    survey_url,
)
from hubdesk.domain.tickets import Ticket
from hubdesk.services.fair_share import FairShare
from hubdesk.services.intake import IntakeTools, mask_line
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.tickets import flush_events, load_for

COMMENTS_SHOWN = 50
_NO_SUCH_SURVEY = "this survey link is not valid: check that it was copied whole"


@dataclass(frozen=True)
class SurveyLinks:
    """Where the desk's survey page is reached, and the key its links are signed with; a
    desk without a public address offers no survey."""

    base_url: str | None
    key: bytes

    def url(self, ticket_id: int, offered_at: datetime) -> str | None:
        """The link to the survey of ``ticket_id`` offered at ``offered_at`` (None when the
        desk has no public address)."""
        if not self.base_url:
            return None
        return survey_url(self.base_url, self.key, ticket_id, offered_at)


def offer_survey(uows: UnitOfWorkFactory, links: SurveyLinks, actor: Agent, ticket_id: int,
                 at: datetime) -> str:
    """Offer a ticket's survey outside a solved notice (a desk loading its history, the
    demo), to the credit of whoever holds it now; returns the token of its link."""
    if not actor.oversees_everything:
        raise PermissionDenied("surveys are offered by hand by administrators, managers and "
                               "coordinators only")
    offered = at.replace(microsecond=0)
    with uows() as uow:
        ticket = uow.tickets.get(ticket_id, for_update=True)
        if ticket is None:
            raise NotFound(f"ticket #{ticket_id} was not found")
        uow.satisfaction.offer(ticket_id, offered, ticket.assignee_id, ticket.team_id)
        uow.commit()
    return survey_token(links.key, ticket_id, offered)


@dataclass(frozen=True)
class SurveyPage:
    """What the customer's survey page shows."""

    ticket_id: int
    subject: str
    rating: Rating | None
    comment: str | None
    open: bool


def survey_page(uows: UnitOfWorkFactory, key: bytes, token: str,
                now: datetime | None = None) -> SurveyPage:
    link = _link(key, token)
    at = now or utcnow()
    with uows(write=False) as uow:
        ticket, survey = _survey_of(uow, link, for_update=False)
        return SurveyPage(link.ticket_id, ticket.subject, survey.rating, survey.comment,
                          survey.takes_answers(link, at))


def answer_survey(uows: UnitOfWorkFactory, tools: IntakeTools, key: bytes, token: str,
                  rating: object, comment: object, now: datetime | None = None) -> SurveyPage:
    """Record the customer's answer as the ticket's `satisfaction_rated` event; the comment
    is kept bounded and with personal data masked, like every text a customer writes. A
    forged link is not found, a closed survey refused (409) before what was sent is read
    (a 422 for a wrong rating)."""
    link = _link(key, token)
    kept = bounded_comment(comment)
    kept = mask_line(tools, kept) if kept else None
    at = now or utcnow()
    with uows() as uow:
        ticket, survey = _survey_of(uow, link, for_update=True)
        if not survey.takes_answers(link, at):
            raise Conflict(CLOSED)
        rating = parse_rating(rating)
        if survey.rating is rating and survey.comment == kept and survey.takes_answers(link, at):
            # the same answer sent again (a double click, a reload): nothing new to record
            return SurveyPage(link.ticket_id, ticket.subject, rating, kept, True)
        before = survey.answer(link, rating, kept, at)
        uow.satisfaction.save_answer(survey)
        ticket.record(Actor.customer(ticket.requester_id), EventKind.SATISFACTION_RATED, at,
                      changes={"satisfaction": (before.value if before else None,
                                                rating.value)},
                      data={"rating": rating.value,
                            "before": before.value if before else None,
                            "commented": kept is not None})
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        uow.commit()
    return SurveyPage(link.ticket_id, ticket.subject, survey.rating, survey.comment, True)


def _link(key: bytes, token: str) -> SurveyLink:
    link = read_survey_token(key, token)
    if link is None:
        raise NotFound(_NO_SUCH_SURVEY)
    return link


def _survey_of(uow: UnitOfWork, link: SurveyLink, *, for_update: bool
               ) -> tuple[Ticket, Survey]:
    ticket = uow.tickets.get(link.ticket_id, for_update=for_update)
    survey = uow.satisfaction.get(link.ticket_id)
    if ticket is None or survey is None:  # a merged-away or deleted ticket
        raise NotFound(_NO_SUCH_SURVEY)
    return ticket, survey


@dataclass(frozen=True)
class SatisfactionReportResult:
    since: datetime
    until: datetime
    report: SatisfactionReport
    comments: list[Survey]
    agent_names: dict[int, str]
    team_names: dict[int, str]


def satisfaction_report_between(uows: UnitOfWorkFactory, actor: Agent, since: datetime,
                                until: datetime) -> SatisfactionReportResult:
    """The surveys offered in [since, until) and how they were answered, for the desk and
    per agent and team credited, with the latest comments (the customers' own words: only
    those of the reader's teams unless they oversee the whole desk)."""
    check_may_read_reports(actor)
    since, until = ensure_utc(since), ensure_utc(until)
    with uows(write=False) as uow:
        counts = uow.satisfaction.counts(since, until) if since < until else []
        # a team lead reads their own teams' customers
        teams_read = None if actor.oversees_everything else actor.team_ids
        comments = (uow.satisfaction.comments(since, until, COMMENTS_SHOWN, teams_read)
                    if since < until else [])
        report = satisfaction_report(counts)
        agents = uow.agents.names([a for a in report.agents if a is not None])
        teams = {team.id: team.name for team in uow.structure.teams() if team.id is not None}
    return SatisfactionReportResult(since, until, report, comments, agents, teams)


def ticket_survey(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int) -> Survey:
    """The survey of a ticket ``actor`` may see: when it was offered, to whose credit, and
    the customer's answer if any; NotFound when none was offered."""
    with uows(write=False) as uow:
        load_for(uow, actor, ticket_id, TicketAction.VIEW, for_update=False)
        survey = uow.satisfaction.get(ticket_id)
    if survey is None:
        raise NotFound(f"no satisfaction survey was offered for ticket #{ticket_id}")
    return survey


class SatisfactionUseCases:
    """``app.satisfaction``: the customer's survey page and answer, and the report."""

    def __init__(self, uows: UnitOfWorkFactory, tools: IntakeTools, surveys: SurveyLinks,
                 clock: Callable[[], datetime], *, share: FairShare | None = None) -> None:
        self._uows, self._tools, self._surveys, self._clock = uows, tools, surveys, clock
        self._share = share or FairShare()

    def offer(self, actor: Agent, ticket_id: int, *, now: datetime | None = None) -> str:
        return offer_survey(self._uows, self._surveys, actor, ticket_id, now or self._clock())

    def survey(self, token: str, *, now: datetime | None = None) -> SurveyPage:
        return survey_page(self._uows, self._surveys.key, token, now or self._clock())

    def answer(self, token: str, rating: object, comment: object = None, *,
               now: datetime | None = None) -> SurveyPage:
        return answer_survey(self._uows, self._tools, self._surveys.key, token, rating,
                             comment, now or self._clock())

    def of_ticket(self, actor: Agent, ticket_id: int) -> Survey:
        return ticket_survey(self._uows, actor, ticket_id)

    def report(self, actor: Agent, since: datetime, until: datetime
               ) -> SatisfactionReportResult:
        with self._share.turn(actor):
            return satisfaction_report_between(self._uows, actor, since, until)
