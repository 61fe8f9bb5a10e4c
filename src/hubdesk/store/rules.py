"""Automation rules, the firing log of time-based ones, and the indexed search for tickets
that have waited long enough in a status."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    Select,
    Text,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from hubdesk.domain.rules import Rule, parse_rule
from hubdesk.domain.rules.usage import HourTally, RuleUsage, window_starts
from hubdesk.store import tables as t
from hubdesk.store.settings import SqlSettings
from hubdesk.store.types import UtcDateTime

# What a rule is made of, its definition as stored text: the parse cache's key, read without
# decoding the JSON the cache already holds parsed.
_RULE_COLUMNS = (t.rules.c.id, t.rules.c.name, t.rules.c.position, t.rules.c.enabled,
                 cast(t.rules.c.definition, Text).label("definition"))


def _rule_from_row(row: Row[Any]) -> Rule:
    m = row._mapping
    return _parsed(m["id"], m["name"], m["position"], m["enabled"], m["definition"])


@lru_cache(maxsize=4096)
def _parsed(rule_id: int, name: str, position: int, enabled: bool, definition: str) -> Rule:
    """Stored rules were validated when saved; parsing again gives back the same (immutable)
    rule, so each stored form is parsed once per process, not on every event of every
    change that reads the rules."""
    return parse_rule({"name": name, "position": position, "enabled": enabled,
                       **json.loads(definition)}, rule_id)


def _values(rule: Rule) -> dict[str, Any]:
    return {"name": rule.name, "position": rule.position, "enabled": rule.enabled,
            "kind": rule.kind, "definition": rule.definition()}


def candidates_query(rule_id: int, status: str, anchor: str, cutoff: datetime,
                     after: tuple[datetime, int] | None, limit: int) -> Select[Any]:
    """See `SqlRuleRepository.due_candidates`."""
    tk = t.tickets
    column = tk.c.status_changed_at if anchor == "status_changed" else tk.c.updated_at
    fired = exists().where(t.rule_firings.c.rule_id == rule_id,
                           t.rule_firings.c.ticket_id == tk.c.id,
                           t.rule_firings.c.entered_at == column)
    query = (select(tk.c.id, column)
             .where(tk.c.status == status, column <= cutoff,
                    tk.c.merged_into_id.is_(None), ~fired)
             .order_by(column, tk.c.id).limit(limit))
    if after is not None:
        query = query.where(tuple_(column, tk.c.id) > tuple_(*after))
    return query


class SqlRuleRepository:
    def __init__(self, connection: Connection, settings: SqlSettings | None = None) -> None:
        self.db = connection
        self._settings = settings

    def add(self, rule: Rule, created_by_id: int | None, at: datetime) -> int:
        self._changed()
        return int(self.db.execute(insert(t.rules).values(
            **_values(rule), created_by_id=created_by_id, created_at=at, updated_at=at)
            .returning(t.rules.c.id)).scalar_one())

    def get(self, rule_id: int, *, for_update: bool = False) -> Rule | None:
        query = select(*_RULE_COLUMNS).where(t.rules.c.id == rule_id)
        if for_update and self.db.dialect.name != "sqlite":
            query = query.with_for_update()
        row = self.db.execute(query).first()
        return _rule_from_row(row) if row else None

    def author(self, rule_id: int) -> int | None:
        """Who created the rule (None once that agent is gone, or for an unknown rule)."""
        value = self.db.execute(select(t.rules.c.created_by_id)
                                .where(t.rules.c.id == rule_id)).scalar()
        return None if value is None else int(value)

    def all(self) -> list[Rule]:
        rows = self.db.execute(select(*_RULE_COLUMNS).order_by(t.rules.c.position, t.rules.c.id))
        return [_rule_from_row(row) for row in rows]

    def enabled(self, kind: str) -> list[Rule]:
        """The enabled rules of ``kind`` in order, remembered while the desk's settings are
        unchanged (the rules handler asks for every event of every change)."""
        def load() -> tuple[Rule, ...]:
            rows = self.db.execute(
                select(*_RULE_COLUMNS).where(t.rules.c.kind == kind, t.rules.c.enabled)
                .order_by(t.rules.c.position, t.rules.c.id))
            return tuple(_rule_from_row(row) for row in rows)

        found = load() if self._settings is None else self._settings.remembered(
            f"rules.{kind}", load)
        return list(found)

    def save(self, rule: Rule, at: datetime) -> None:
        assert rule.id is not None
        self._changed()
        self.db.execute(update(t.rules).where(t.rules.c.id == rule.id)
                        .values(**_values(rule), updated_at=at))

    def delete(self, rule_id: int) -> bool:
        self._changed()
        return bool(self.db.execute(delete(t.rules).where(t.rules.c.id == rule_id)).rowcount)

    def _changed(self) -> None:
        if self._settings is not None:
            self._settings.changed()

    def due_candidates(self, rule_id: int, status: str, anchor: str, cutoff: datetime,
                       after: tuple[datetime, int] | None,
                       limit: int) -> list[tuple[int, datetime]]:
        """Tickets in ``status`` whose ``anchor`` instant (status_changed or updated) is at
        or before ``cutoff``, without a firing of the rule for that instant, oldest first;
        read through the (status, instant, id) indexes, a page at a time."""
        query = candidates_query(rule_id, status, anchor, cutoff, after, limit)
        return [(int(row[0]), row[1]) for row in self.db.execute(query)]

    def claim_firing(self, rule_id: int, ticket_id: int, entered_at: datetime,
                     at: datetime) -> bool:
        """Record that the rule fires on the ticket for this stay in its status; False when
        it already did (on PostgreSQL a concurrent claim waits for the first to finish)."""
        dialect = postgresql if self.db.dialect.name == "postgresql" else sqlite
        statement = (dialect.insert(t.rule_firings)
                     .values(rule_id=rule_id, ticket_id=ticket_id, entered_at=entered_at,
                             fired_at=at)
                     .on_conflict_do_nothing(index_elements=["rule_id", "ticket_id",
                                                             "entered_at"])
                     .returning(t.rule_firings.c.id))
        return self.db.execute(statement).first() is not None

    def count_usage(self, tallies: dict[tuple[int, datetime], HourTally]) -> None:
        """Add relayed firings to each rule's hours. Rows are written in key order, so two
        relays counting at once cannot deadlock; a rule deleted since it fired is skipped."""
        dialect = postgresql if self.db.dialect.name == "postgresql" else sqlite
        u = t.rule_usage.c
        for (rule_id, hour), tally in sorted(tallies.items()):
            existing = (select(t.rules.c.id, literal(hour, UtcDateTime()),
                               literal(tally.fired), literal(tally.last_fired_at, UtcDateTime()))
                        .where(t.rules.c.id == rule_id))
            statement = dialect.insert(t.rule_usage).from_select(
                ["rule_id", "hour", "fired", "last_fired_at"], existing)
            self.db.execute(statement.on_conflict_do_update(
                index_elements=[u.rule_id, u.hour],
                set_={"fired": u.fired + statement.excluded.fired,
                      "last_fired_at": case(
                          (statement.excluded.last_fired_at > u.last_fired_at,
                           statement.excluded.last_fired_at), else_=u.last_fired_at)}))

    def usage(self, now: datetime, rule_ids: Collection[int] | None = None
              ) -> dict[int, RuleUsage]:
        """Each rule that fired in the last 30 days (of ``rule_ids`` when given): its firings
        in the last 24 hours, 7 and 30 days, and its latest; read through the (rule, hour)
        key."""
        u = t.rule_usage.c
        starts = window_starts(now)
        counted = [func.sum(case((u.hour >= start, u.fired), else_=0)).label(name)
                   for name, start in starts.items()]
        query = (select(u.rule_id, *counted, func.max(u.last_fired_at).label("last_fired_at"))
                 .where(u.hour >= min(starts.values())).group_by(u.rule_id))
        if rule_ids is not None:
            query = query.where(u.rule_id.in_(list(rule_ids)))
        rows = self.db.execute(query)
        return {int(row.rule_id): RuleUsage(
            int(row.last_24_hours), int(row.last_7_days), int(row.last_30_days),
            row.last_fired_at) for row in rows}

    def fired_entries(self, ticket_id: int) -> frozenset[tuple[int, datetime]]:
        rows = self.db.execute(select(t.rule_firings.c.rule_id, t.rule_firings.c.entered_at)
                               .where(t.rule_firings.c.ticket_id == ticket_id))
        return frozenset((int(row[0]), row[1]) for row in rows)

    def latest_customer_triage(self, ticket_id: int) -> dict[str, Any] | None:
        """The stored triage of the customer's latest message on the ticket, if any."""
        m = t.messages
        found = self.db.execute(
            select(m.c.triage).where(and_(m.c.ticket_id == ticket_id,
                                          m.c.author_kind == "customer",
                                          m.c.triage.is_not(None)))
            .order_by(m.c.id.desc()).limit(1)).scalar()
        return dict(found) if found else None

    def latest_customer_body(self, ticket_id: int) -> str | None:
        """The text of the customer's latest message on the ticket, if any."""
        m = t.messages
        return self.db.execute(
            select(m.c.body).where(and_(m.c.ticket_id == ticket_id,
                                        m.c.author_kind == "customer"))
            .order_by(m.c.id.desc()).limit(1)).scalar()
