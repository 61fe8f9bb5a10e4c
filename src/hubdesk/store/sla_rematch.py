"""Which open tickets a change of SLA policies, calendars or a customer may move, in SQL, and
the runs that walk them when they are too many for one transaction.

A scope (`domain/sla/ticket_rules.py` `RematchScope`) becomes one WHERE clause: open tickets
(neither solved nor closed) with a live clock under one of its policies, or meeting one of its
condition sets (priority, channel, category and team are the ticket's columns, the tier the
requester's tier kept beside the ticket, the organisation the requester's), walked by primary
key from a cursor, so a batch costs an index range however many tickets there are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    false,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import Row

from hubdesk.domain.sla.clocks import LIVE
from hubdesk.domain.sla.ticket_rules import RematchRun, RematchScope
from hubdesk.domain.tickets import UNRESOLVED
from hubdesk.store import tables as t

_UNRESOLVED = [status.value for status in UNRESOLVED]
_LIVE = [status.value for status in LIVE]


class SlaRematchQueries:
    db: Connection

    def rematch_candidates(self, scope: RematchScope, after_id: int, limit: int) -> list[int]:
        """Ids of the open tickets in ``scope`` after ``after_id``, in id order."""
        tk = t.tickets
        rows = self.db.execute(select(tk.c.id).where(tk.c.id > after_id, _in_scope(scope))
                               .order_by(tk.c.id).limit(limit)).scalars()
        return [int(i) for i in rows]

    def count_rematch_candidates(self, scope: RematchScope) -> int:
        return int(self.db.execute(select(func.count()).select_from(t.tickets)
                                   .where(_in_scope(scope))).scalar_one())

    def add_rematch_run(self, run: RematchRun) -> int:
        return int(self.db.execute(insert(t.sla_rematch_runs).values(
            reason=run.reason[:300], at=run.at, scope=run.scope.to_dict(),
            before={str(k): dict(v) for k, v in run.before.items()}, total=run.total,
            after_ticket_id=run.after_ticket_id, done=run.done, changed=run.changed,
            finished_at=run.finished_at).returning(t.sla_rematch_runs.c.id)).scalar_one())

    def next_rematch_run(self) -> RematchRun | None:
        """The oldest unfinished run, locked until this transaction ends: a second worker
        waits for the batch under way and goes on from where it left off."""
        r = t.sla_rematch_runs
        query = (select(r).where(r.c.finished_at.is_(None)).order_by(r.c.id).limit(1))
        if self.db.dialect.name != "sqlite":  # SQLite: the writer lock serialises
            query = query.with_for_update()
        row = self.db.execute(query).first()
        return _run(row) if row is not None else None

    def advance_rematch_run(self, run_id: int, after_id: int, done: int, changed: int,
                            finished_at: datetime | None) -> None:
        r = t.sla_rematch_runs
        self.db.execute(update(r).where(r.c.id == run_id).values(
            after_ticket_id=after_id, done=r.c.done + done, changed=r.c.changed + changed,
            finished_at=finished_at))

    def rematch_runs(self, *, unfinished: bool = False, limit: int = 20) -> list[RematchRun]:
        r = t.sla_rematch_runs
        query = select(r).order_by(r.c.id.desc()).limit(limit)
        if unfinished:
            query = query.where(r.c.finished_at.is_(None))
        return [_run(row) for row in self.db.execute(query)]


def _in_scope(scope: RematchScope) -> ColumnElement[bool]:
    """The open tickets a policy's conditions take in, or whose clocks run under one of the
    scope's policies. The conditions come first, so that a policy taking in every ticket
    decides without a look at the clocks; the clocks are one uncorrelated list, looked up per
    ticket: a per-ticket subquery let SQLite walk every clock of the policy for each ticket
    (eleven seconds a batch at 100,000 tickets, all the while holding the write lock)."""
    tk, c = t.tickets, t.ticket_sla_clocks
    either: list[ColumnElement[bool]] = [_meets(conditions) for conditions in scope.conditions]
    if scope.policy_ids:
        either.append(tk.c.id.in_(select(c.c.ticket_id).where(
            c.c.policy_id.in_(sorted(scope.policy_ids)), c.c.status.in_(_LIVE))))
    where = [tk.c.status.in_(_UNRESOLVED), or_(false(), *either)]
    if scope.customer_id is not None:
        where.append(tk.c.requester_id == scope.customer_id)
    return and_(*where)


def _meets(conditions: Mapping[str, frozenset[Any]]) -> ColumnElement[bool]:
    tk = t.tickets
    columns = {"priority": tk.c.priority, "channel": tk.c.channel,
               "category": tk.c.category, "team_id": tk.c.team_id,
               "customer_tier": tk.c.requester_tier}
    each: list[ColumnElement[bool]] = [true()]
    for key, values in conditions.items():
        allowed = sorted(values, key=str)
        if key == "organisation_id":
            each.append(tk.c.requester_id.in_(select(t.customers.c.id).where(
                t.customers.c.organisation_id.in_(allowed))))
        else:
            each.append(columns[key].in_(allowed))
    return and_(*each)


def _run(row: Row[Any]) -> RematchRun:
    return RematchRun(id=row.id, reason=row.reason, at=row.at,
                      scope=RematchScope.from_dict(row.scope),
                      before={int(k): v for k, v in row.before.items()}, total=row.total,
                      after_ticket_id=row.after_ticket_id, done=row.done, changed=row.changed,
                      finished_at=row.finished_at)
