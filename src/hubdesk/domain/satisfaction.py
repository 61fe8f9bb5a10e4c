"""Customer satisfaction: the one-question survey a customer is offered when their e-mail
ticket is solved, its answer, and the figures managers read from the answers.

A survey is one per ticket. Solving the ticket (again) offers it (again): the link in the
solved notice carries a signed token naming the ticket and when it was offered, and stays
good for `SURVEY_OPEN_FOR`. The customer answers good or bad with an optional comment and
may change their mind while the link is good; the latest answer counts. The answer is
credited to the agent and team that held the ticket when it was solved, not to whoever holds
it when the customer gets round to answering.

The link itself records nothing: mail filters and link scanners open links, so the page it
opens asks the customer to confirm (`web/surveys.py`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from hubdesk.domain.errors import Conflict, ValidationFailed

SURVEY_OPEN_FOR = timedelta(days=28)
MAX_COMMENT = 2_000
MAX_TOKEN = 100
# A customer may change their mind; a link passed around may not rewrite the ticket's
# history without end.
MAX_ANSWERS = 20
CLOSED = "this survey has closed; to tell us more, reply to the e-mail about your request"
_MAC_BYTES = 16


class Rating(StrEnum):
    GOOD = "good"
    BAD = "bad"


def parse_rating(value: object) -> Rating:
    try:
        return Rating(str(value).strip().lower())
    except ValueError:
        raise ValidationFailed("a rating is good or bad", {"rating": "good or bad"}) from None


@dataclass(frozen=True)
class SurveyLink:
    ticket_id: int
    offered_at: datetime


@dataclass
class Survey:
    """The survey of one ticket: when it was offered, to whose credit, and its answer."""

    ticket_id: int
    offered_at: datetime
    agent_id: int | None = None
    team_id: int | None = None
    rating: Rating | None = None
    comment: str | None = None
    rated_at: datetime | None = None
    answers: int = 0  # how many times it was answered

    def link_open(self, link: SurveyLink, at: datetime) -> bool:
        """Whether ``link`` (this survey's latest offer or an earlier one) still takes an
        answer at ``at``."""
        return (link.ticket_id == self.ticket_id and link.offered_at <= self.offered_at
                and link.offered_at <= at < link.offered_at + SURVEY_OPEN_FOR)

    def takes_answers(self, link: SurveyLink, at: datetime) -> bool:
        return self.link_open(link, at) and self.answers < MAX_ANSWERS

    def answer(self, link: SurveyLink, rating: Rating, comment: str | None,
               at: datetime) -> Rating | None:
        """Record the customer's answer through ``link`` (``comment`` already bounded and
        masked); returns the answer it replaces."""
        if not self.takes_answers(link, at):
            raise Conflict(CLOSED)
        before = self.rating
        self.rating, self.comment, self.rated_at = rating, comment or None, at
        self.answers += 1
        return before


def bounded_comment(text: object) -> str | None:
    """A comment as it is kept: trimmed, cut at `MAX_COMMENT` characters, None when empty."""
    if not isinstance(text, str):
        return None
    kept = text.strip()[:MAX_COMMENT].strip()
    return kept or None


# Survey links. The token is "<ticket>.<offered, epoch seconds>.<MAC>", the MAC an HMAC-SHA256
# under a key derived from the desk's secret key, cut to 128 bits: a link can neither be
# guessed nor moved to another ticket or survey, and a key change retires every link.

def survey_token(key: bytes, ticket_id: int, offered_at: datetime) -> str:
    signed = f"{ticket_id}.{int(offered_at.timestamp())}"
    return f"{signed}.{_mac(key, signed)}"


def read_survey_token(key: bytes, token: str) -> SurveyLink | None:
    """The ticket and offer a genuine token names, else None."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        return None
    ticket, _, rest = token.partition(".")
    offered, _, mac = rest.partition(".")
    if not (ticket.isascii() and ticket.isdigit() and offered.isascii()
            and offered.isdigit()) or len(ticket) > 19 or len(offered) > 12:
        return None
    if not mac.isascii() or not hmac.compare_digest(_mac(key, f"{ticket}.{offered}"), mac):
        return None
    return SurveyLink(int(ticket), datetime.fromtimestamp(int(offered), UTC))


def _mac(key: bytes, signed: str) -> str:
    digest = hmac.new(key, signed.encode(), hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def survey_url(base_url: str, key: bytes, ticket_id: int, offered_at: datetime) -> str:
    return f"{base_url.rstrip('/')}/survey/{survey_token(key, ticket_id, offered_at)}"


# The report.

@dataclass(frozen=True)
class SurveyCount:
    """Surveys offered in a window for one agent and team, and how they were answered."""

    agent_id: int | None
    team_id: int | None
    offered: int
    good: int
    bad: int


@dataclass(frozen=True)
class SatisfactionFigures:
    offered: int = 0
    good: int = 0
    bad: int = 0

    @property
    def answered(self) -> int:
        return self.good + self.bad

    @property
    def answered_share(self) -> float | None:
        """Answered among the surveys offered, a fraction between 0 and 1."""
        return self.answered / self.offered if self.offered else None

    @property
    def good_share(self) -> float | None:
        """Good among the answers (the CSAT score), a fraction between 0 and 1."""
        return self.good / self.answered if self.answered else None

    def __add__(self, other: SatisfactionFigures) -> SatisfactionFigures:
        return SatisfactionFigures(self.offered + other.offered, self.good + other.good,
                                   self.bad + other.bad)


@dataclass(frozen=True)
class SatisfactionReport:
    overall: SatisfactionFigures = SatisfactionFigures()
    # key None: surveys of tickets solved with no agent, or in no team
    agents: dict[int | None, SatisfactionFigures] = field(default_factory=dict)
    teams: dict[int | None, SatisfactionFigures] = field(default_factory=dict)


def satisfaction_report(counts: Iterable[SurveyCount]) -> SatisfactionReport:
    """The desk's figures, and each agent's and team's, from counts per (agent, team)."""
    overall = SatisfactionFigures()
    agents: dict[int | None, SatisfactionFigures] = {}
    teams: dict[int | None, SatisfactionFigures] = {}
    for count in counts:
        figures = SatisfactionFigures(count.offered, count.good, count.bad)
        overall += figures
        agents[count.agent_id] = agents.get(count.agent_id, SatisfactionFigures()) + figures
        teams[count.team_id] = teams.get(count.team_id, SatisfactionFigures()) + figures
    return SatisfactionReport(overall, agents, teams)
