"""Satisfaction surveys: one row per ticket, offered by an upsert shared by both databases,
answered under the ticket's lock, and counted per agent and team for the report."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Connection, RowMapping, case, func, select
from sqlalchemy.dialects import postgresql, sqlite

from hubdesk.domain.satisfaction import Rating, Survey, SurveyCount
from hubdesk.store import tables as t

_s = t.satisfaction_surveys.c


class SqlSatisfaction:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def offer(self, ticket_id: int, at: datetime, agent_id: int | None,
              team_id: int | None) -> None:
        """The ticket's survey offered at ``at`` to the credit of ``agent_id`` and
        ``team_id``; a survey offered before is offered again, its answer kept (the customer
        may change it)."""
        dialect = postgresql if self.db.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(t.satisfaction_surveys).values(
            ticket_id=ticket_id, offered_at=at, agent_id=agent_id, team_id=team_id)
        self.db.execute(statement.on_conflict_do_update(
            index_elements=[_s.ticket_id],
            set_={"offered_at": statement.excluded.offered_at,
                  "agent_id": statement.excluded.agent_id,
                  "team_id": statement.excluded.team_id}))

    def get(self, ticket_id: int) -> Survey | None:
        row = self.db.execute(t.satisfaction_surveys.select().where(
            _s.ticket_id == ticket_id)).mappings().first()
        return _survey(row) if row is not None else None

    def save_answer(self, survey: Survey) -> None:
        self.db.execute(t.satisfaction_surveys.update().where(
            _s.ticket_id == survey.ticket_id).values(
            rating=survey.rating.value if survey.rating else None, comment=survey.comment,
            rated_at=survey.rated_at, answers=survey.answers))

    def counts(self, since: datetime, until: datetime) -> list[SurveyCount]:
        """Surveys offered in [since, until) and their answers, per agent and team."""
        good = func.sum(case((_s.rating == Rating.GOOD.value, 1), else_=0))
        bad = func.sum(case((_s.rating == Rating.BAD.value, 1), else_=0))
        rows = self.db.execute(
            select(_s.agent_id, _s.team_id, func.count(), good, bad)
            .where(_s.offered_at >= since, _s.offered_at < until)
            .group_by(_s.agent_id, _s.team_id)).all()
        return [SurveyCount(agent, team, int(offered), int(good or 0), int(bad or 0))
                for agent, team, offered, good, bad in rows]

    def comments(self, since: datetime, until: datetime, limit: int,
                 teams: Collection[int] | None = None) -> list[Survey]:
        """The latest answers with a comment among the surveys offered in [since, until)
        (credited to one of ``teams``, unless None)."""
        query = t.satisfaction_surveys.select().where(
            _s.offered_at >= since, _s.offered_at < until, _s.comment.is_not(None))
        if teams is not None:
            query = query.where(_s.team_id.in_(sorted(teams)))
        rows = self.db.execute(query.order_by(_s.rated_at.desc(), _s.ticket_id.desc())
                               .limit(limit)).mappings()
        return [_survey(row) for row in rows]


def _survey(row: RowMapping) -> Survey:
    return Survey(ticket_id=row["ticket_id"], offered_at=row["offered_at"],
                  agent_id=row["agent_id"], team_id=row["team_id"],
                  rating=Rating(row["rating"]) if row["rating"] else None,
                  comment=row["comment"], rated_at=row["rated_at"], answers=row["answers"])
