"""SLA calendars, policies and ticket clocks in SQL.

The sweep's question, which tickets have a clock due, is answered from the partial index on
running clocks' ``next_due_at``; on PostgreSQL the tickets found are locked with
``FOR UPDATE SKIP LOCKED``, so sweeps on several workers share the due tickets instead of
queueing behind one another, and a ticket being changed right now is left for the next tick.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.engine import Row

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.sla.clocks import LIVE, ClockEntry, ClockStatus, SlaClock
from hubdesk.domain.sla.policies import NamedCalendar, SlaPolicy, SlaTarget
from hubdesk.services.ports import DueTickets, DuplicateKey
from hubdesk.store import tables as t
from hubdesk.store.settings import SqlSettings
from hubdesk.store.sla_rematch import SlaRematchQueries
from hubdesk.store.sla_reports import SlaReportQueries
from hubdesk.store.types import among

_US = timedelta(microseconds=1)
_LIVE = [status.value for status in LIVE]
# The clocks that run until an agent answers: the ticket keeps the earliest running one's
# deadline beside it (`tickets.answer_due_at`), routing's first sort key.
ANSWER_TARGETS = (SlaTarget.FIRST_RESPONSE.value, SlaTarget.NEXT_RESPONSE.value)


class SqlSlaRepository(SlaRematchQueries, SlaReportQueries):
    def __init__(self, db: Connection, settings: SqlSettings | None = None) -> None:
        self.db = db
        self._settings = settings

    def _changed(self) -> None:
        """A policy or calendar is written: the settings token the transaction saw is old."""
        if self._settings is not None:
            self._settings.changed()

    # --- calendars -------------------------------------------------------------------------

    def calendars(self) -> list[NamedCalendar]:
        rows = self.db.execute(select(t.sla_calendars).order_by(t.sla_calendars.c.id)).all()
        return [_calendar(row) for row in rows]

    def get_calendar(self, calendar_id: int) -> NamedCalendar | None:
        row = self.db.execute(select(t.sla_calendars)
                              .where(t.sla_calendars.c.id == calendar_id)).first()
        return _calendar(row) if row else None

    def add_calendar(self, named: NamedCalendar, at: datetime) -> int:
        self._changed()
        self._free_name(t.sla_calendars, named.name, None)
        return int(self.db.execute(insert(t.sla_calendars).values(
            name=named.name, form=named.calendar.to_dict(), created_at=at, updated_at=at)
            .returning(t.sla_calendars.c.id)).scalar_one())

    def save_calendar(self, named: NamedCalendar, at: datetime) -> None:
        self._changed()
        self._free_name(t.sla_calendars, named.name, named.id)
        self.db.execute(update(t.sla_calendars).where(t.sla_calendars.c.id == named.id)
                        .values(name=named.name, form=named.calendar.to_dict(), updated_at=at))

    def delete_calendar(self, calendar_id: int) -> None:
        self._changed()
        self.db.execute(delete(t.sla_calendars).where(t.sla_calendars.c.id == calendar_id))

    # --- policies --------------------------------------------------------------------------

    def policies(self) -> list[SlaPolicy]:
        rows = self.db.execute(select(t.sla_policies).order_by(
            t.sla_policies.c.position, t.sla_policies.c.id)).all()
        return [_policy(row) for row in rows]

    def add_policy(self, policy: SlaPolicy, at: datetime) -> int:
        self._changed()
        self._free_name(t.sla_policies, policy.name, None)
        return int(self.db.execute(insert(t.sla_policies).values(
            **_policy_values(policy), created_at=at, updated_at=at)
            .returning(t.sla_policies.c.id)).scalar_one())

    def save_policy(self, policy: SlaPolicy, at: datetime) -> None:
        self._changed()
        self._free_name(t.sla_policies, policy.name, policy.id)
        self.db.execute(update(t.sla_policies).where(t.sla_policies.c.id == policy.id)
                        .values(**_policy_values(policy), updated_at=at))

    def delete_policy(self, policy_id: int) -> None:
        self._changed()
        self.db.execute(delete(t.sla_policies).where(t.sla_policies.c.id == policy_id))

    def _free_name(self, table: Any, name: str, own_id: int | None) -> None:
        found = self.db.execute(select(table.c.id).where(table.c.name == name)).scalar()
        if found is not None and found != own_id:
            raise DuplicateKey(f"name {name!r} is taken")

    # --- clocks ----------------------------------------------------------------------------

    def clocks(self, ticket_id: int, *, for_update: bool = False) -> list[SlaClock]:
        query = (select(t.ticket_sla_clocks).where(t.ticket_sla_clocks.c.ticket_id == ticket_id)
                 .order_by(t.ticket_sla_clocks.c.id))
        if for_update and self.db.dialect.name != "sqlite":
            query = query.with_for_update()
        return [_clock(row) for row in self.db.execute(query).all()]

    def clocks_of(self, ticket_ids: Iterable[int]) -> dict[int, list[SlaClock]]:
        ids = list(ticket_ids)
        found: dict[int, list[SlaClock]] = {i: [] for i in ids}
        if ids:
            rows = self.db.execute(select(t.ticket_sla_clocks).where(
                among(self.db, t.ticket_sla_clocks.c.ticket_id, ids))
                .order_by(t.ticket_sla_clocks.c.id))
            for row in rows:
                found[row.ticket_id].append(_clock(row))
        return found

    def assigned_awaiting_answer(
            self, limit: int) -> list[tuple[int, str, str, int | None, int, str]]:
        """(ticket id, subject, channel, team id, assignee id, assignee name) of assigned
        tickets with a running first- or next-response clock, the earliest deadline first."""
        tk, c, a = t.tickets, t.ticket_sla_clocks.c, t.agents
        rows = self.db.execute(
            select(tk.c.id, tk.c.subject, tk.c.channel, tk.c.team_id, tk.c.assignee_id,
                   a.c.name, func.min(c.due_at).label("due_at"))
            .select_from(tk.join(t.ticket_sla_clocks, c.ticket_id == tk.c.id)
                         .join(a, a.c.id == tk.c.assignee_id))
            .where(tk.c.assignee_id.is_not(None), c.status == ClockStatus.RUNNING.value,
                   c.target.in_([SlaTarget.FIRST_RESPONSE.value,
                                 SlaTarget.NEXT_RESPONSE.value]),
                   c.due_at.is_not(None))
            .group_by(tk.c.id, tk.c.subject, tk.c.channel, tk.c.team_id, tk.c.assignee_id,
                      a.c.name)
            .order_by(func.min(c.due_at), tk.c.id).limit(limit))
        return [(int(r.id), r.subject, str(r.channel), r.team_id, int(r.assignee_id), r.name)
                for r in rows]

    def save_clocks(self, ticket_id: int, clocks: Iterable[SlaClock]) -> None:
        """Write new and changed clocks and the history they recorded since loaded, and keep
        the ticket's answer deadline true when an answer clock was among them."""
        clocks = list(clocks)
        new = [clock for clock in clocks if clock.id is None]
        for clock in clocks:
            if clock.id is not None:
                self.db.execute(update(t.ticket_sla_clocks)
                                .where(t.ticket_sla_clocks.c.id == clock.id)
                                .values(_clock_values(clock)))
        if new:  # a new ticket's clocks: one statement for all, ids back in their order
            ids = self.db.execute(
                insert(t.ticket_sla_clocks).returning(t.ticket_sla_clocks.c.id,
                                                      sort_by_parameter_order=True),
                [{"ticket_id": ticket_id, **_clock_values(clock)} for clock in new]).scalars()
            for clock, clock_id in zip(new, ids, strict=True):
                clock.id = int(clock_id)
        history = [{"clock_id": clock.id, "ticket_id": ticket_id, "kind": entry.kind,
                    "cycle": entry.data.get("cycle", clock.cycle), "at": entry.at,
                    "data": entry.data} for clock in clocks for entry in clock.new_entries]
        if history:
            self.db.execute(insert(t.ticket_sla_clock_history), history)
        for clock in clocks:
            clock.new_entries = []
            clock.ticket_id = ticket_id
        if any(clock.target in ANSWER_TARGETS for clock in clocks):
            self._keep_answer_due(ticket_id)

    def _keep_answer_due(self, ticket_id: int) -> None:
        c, tk = t.ticket_sla_clocks, t.tickets
        due = (select(func.min(c.c.due_at))
               .where(c.c.ticket_id == ticket_id, c.c.status == ClockStatus.RUNNING.value,
                      c.c.target.in_(ANSWER_TARGETS))
               .scalar_subquery())
        self.db.execute(update(tk).where(tk.c.id == ticket_id,
                                         tk.c.answer_due_at.is_distinct_from(due))
                        .values(answer_due_at=due))

    def history(self, ticket_id: int) -> list[tuple[SlaTarget, int, ClockEntry]]:
        h, c = t.ticket_sla_clock_history, t.ticket_sla_clocks
        rows = self.db.execute(select(c.c.target, h.c.cycle, h.c.kind, h.c.at, h.c.data)
                               .join(c, c.c.id == h.c.clock_id)
                               .where(h.c.ticket_id == ticket_id).order_by(h.c.id)).all()
        return [(SlaTarget(row.target), row.cycle, ClockEntry(row.kind, row.at, dict(row.data)))
                for row in rows]

    def tickets_with_live_clocks(self, policy_ids: Iterable[int]) -> list[int]:
        c = t.ticket_sla_clocks
        rows = self.db.execute(select(c.c.ticket_id).distinct().where(
            c.c.policy_id.in_(list(policy_ids)), c.c.status.in_(_LIVE))
            .order_by(c.c.ticket_id)).scalars()
        return [int(i) for i in rows]

    def due_tickets(self, now: datetime, limit: int) -> DueTickets:
        """Tickets with a running clock due by ``now``, among the ``limit`` clocks due
        earliest, locked for this transaction (PostgreSQL skips tickets another transaction
        holds: that transaction sweeps them)."""
        c, tk = t.ticket_sla_clocks, t.tickets
        due = (select(c.c.ticket_id).where(c.c.status == ClockStatus.RUNNING.value,
                                            c.c.next_due_at <= now)
               .order_by(c.c.next_due_at).limit(limit))
        clock_rows = [int(i) for i in self.db.execute(due).scalars()]
        # Counted in clocks, not tickets: a ticket with two clocks due is one ticket.
        seen_all = len(clock_rows) < limit
        ids = list(dict.fromkeys(clock_rows))
        if self.db.dialect.name == "sqlite" or not ids:  # SQLite: the writer lock serialises
            return DueTickets(ids, seen_all)
        # Two statements, each on its own index, rather than one the planner might answer
        # by scanning every ticket. The ticket's row is what every change of its clocks
        # locks first, so locking it (never the clocks) cannot deadlock with a ticket change;
        # one swept meanwhile by another worker is found with nothing left to fire.
        locked = (select(tk.c.id).where(tk.c.id.in_(ids)).order_by(tk.c.id)
                  .with_for_update(skip_locked=True))
        held = {int(i) for i in self.db.execute(locked).scalars()}
        return DueTickets([i for i in ids if i in held], seen_all)

    def record_firing(self, clock_id: int, cycle: int, at_percent: int, at: datetime) -> bool:
        """Claim a ladder step for a clock's cycle; False if it was fired already."""
        f = t.sla_step_firings
        taken = self.db.execute(select(func.count()).select_from(f).where(
            f.c.clock_id == clock_id, f.c.cycle == cycle, f.c.at_percent == at_percent)
        ).scalar_one()
        if taken:
            return False
        # The unique key still guards a race this read did not see: that transaction fails.
        self.db.execute(insert(f).values(clock_id=clock_id, cycle=cycle,
                                         at_percent=at_percent, fired_at=at))
        return True


def _calendar(row: Row[Any]) -> NamedCalendar:
    return NamedCalendar(row.id, row.name, BusinessCalendar.from_dict(row.form))


# Who saved a policy is kept in its JSON beside the plain form, which never carries it.
_SAVED_BY = "saved_by_id"


def _policy(row: Row[Any]) -> SlaPolicy:
    form = dict(row.form)
    saved_by = form.pop(_SAVED_BY, None)
    return replace(SlaPolicy.from_dict(form, policy_id=row.id), saved_by_id=saved_by)


def _policy_values(policy: SlaPolicy) -> dict[str, Any]:
    return {"name": policy.name, "position": policy.position,
            "calendar_id": policy.calendar_id,
            "form": {**policy.to_dict(), _SAVED_BY: policy.saved_by_id}}


def _clock_values(clock: SlaClock) -> dict[str, Any]:
    return {"target": clock.target.value, "policy_id": clock.policy_id,
            "status": clock.status.value, "cycle": clock.cycle,
            "goal_us": clock.goal // _US, "elapsed_us": clock.elapsed // _US,
            "started_at": clock.started_at, "since": clock.since, "due_at": clock.due_at,
            "next_due_at": clock.next_due_at, "breached_at": clock.breached_at,
            "met_at": clock.met_at, "fired": sorted(clock.fired)}


def _clock(row: Row[Any]) -> SlaClock:
    return SlaClock(target=SlaTarget(row.target), policy_id=row.policy_id,
                    goal=row.goal_us * _US, status=ClockStatus(row.status),
                    started_at=row.started_at, cycle=row.cycle, elapsed=row.elapsed_us * _US,
                    since=row.since, due_at=row.due_at, next_due_at=row.next_due_at,
                    breached_at=row.breached_at, met_at=row.met_at,
                    fired=frozenset(int(p) for p in row.fired), id=row.id,
                    ticket_id=row.ticket_id)
