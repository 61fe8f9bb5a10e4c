"""Mail templates (domain/mail_templates.py) as rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, delete, insert, or_, select, update

from hubdesk.domain.mail_templates import MailKind, MailTemplate
from hubdesk.store import tables as t

_m = t.mail_templates.c


def _template(row: Row[Any]) -> MailTemplate:
    return MailTemplate(MailKind(row.kind), row.subject, row.body, row.team_id, row.html)


def _of(team_id: int | None) -> ColumnElement[bool]:
    return _m.team_id.is_(None) if team_id is None else _m.team_id == team_id


class SqlMailTemplateRepository:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def all(self) -> list[MailTemplate]:
        rows = self.db.execute(select(t.mail_templates).order_by(_m.team_id, _m.kind))
        return [_template(row) for row in rows]

    def for_team(self, team_id: int | None) -> list[MailTemplate]:
        """The team's templates and the desk's, in one read."""
        where = _of(None) if team_id is None else or_(_of(None), _of(team_id))
        return [_template(row) for row in self.db.execute(select(t.mail_templates)
                                                          .where(where))]

    def recent_ticket(self, team_id: int | None) -> int | None:
        query = select(t.tickets.c.id).order_by(t.tickets.c.id.desc()).limit(1)
        if team_id is not None:
            query = query.where(t.tickets.c.team_id == team_id)
        return self.db.execute(query).scalar_one_or_none()

    def save(self, template: MailTemplate, at: datetime) -> None:
        values = {"subject": template.subject, "body": template.body, "html": template.html,
                  "updated_at": at}
        changed = self.db.execute(update(t.mail_templates).where(
            _of(template.team_id), _m.kind == template.kind.value).values(values)).rowcount
        if not changed:
            self.db.execute(insert(t.mail_templates).values(
                team_id=template.team_id, kind=template.kind.value, **values))

    def delete(self, kind: MailKind, team_id: int | None) -> bool:
        return bool(self.db.execute(delete(t.mail_templates).where(
            _of(team_id), _m.kind == kind.value)).rowcount)
