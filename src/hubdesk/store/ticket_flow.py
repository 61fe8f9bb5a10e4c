"""What the ticket flow report reads (`domain/ticket_flow.py`), counted in SQL in one
statement, so the backlog now and the history since agree to the ticket however busy the desk.

Arrivals come from the tickets' creation instants (`ix_tickets_created`), status changes and
merges from the history by instant (the partial indexes of migration 0033); each is counted
per quarter-hour slot, so only a few rows per slot leave the database however many tickets
the window holds. Who solved is counted per actor over the whole window, not per slot: per
slot and actor, a busy desk's 90 days were tens of thousands of rows. A team's flow is that
of the tickets in the team now: the same tickets in the backlog, the arrivals and the
history, so its days add up as the desk's do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    union_all,
)

from hubdesk.domain.ticket_flow import (
    SLOT_SECONDS,
    Arrivals,
    Backlog,
    Merges,
    Moves,
    Part,
    Solves,
    stage_of,
)
from hubdesk.domain.tickets import UNRESOLVED, Status
from hubdesk.store import tables as t

FlowHistory = tuple[Backlog, list[Arrivals], list[Moves], list[Merges], list[Solves]]

_UNSOLVED = [status.value for status in UNRESOLVED]
_DONE = [Status.SOLVED.value, Status.CLOSED.value]


class SqlTicketFlow:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def history(self, since: datetime, until: datetime, team_id: int | None = None
                ) -> FlowHistory:
        """The backlog now, every arrival, status change and merge from ``since`` on (those
        from ``until`` on marked `Part.AFTER`), and who took tickets out of the backlog in
        [since, until); of the tickets in team ``team_id`` now, unless None."""
        tickets, events = t.tickets.c, t.ticket_events.c
        in_team = [] if team_id is None else [tickets.team_id == team_id]
        live = select(literal("live"), _no_text(), literal(0, BigInteger), tickets.status,
                      _no_text(), _no_text(), _no_id(), func.count()
                      ).where(tickets.status.in_(_UNSOLVED), *in_team).group_by(tickets.status)
        arrivals = self._counted("arrival", tickets.created_at, until, [
            tickets.channel, _no_text(), _no_text(), _no_id()], tickets.created_at >= since,
            *in_team)
        changed = [events.kind == "status_changed", events.created_at >= since,
                   *_of_team(events.ticket_id, team_id)]
        moves = self._counted("move", events.created_at, until, [
            _status(events.changes, 0), _status(events.changes, 1), _no_text(), _no_id()],
            *changed)
        # Who took tickets out of the backlog in the window: per actor, not per slot.
        solves = select(literal("solve"), literal(Part.WINDOW.value), literal(0, BigInteger),
                        _no_text(), _no_text(), events.actor_kind, events.actor_id,
                        func.count()).where(
            *changed, events.created_at < until, _status(events.changes, 0).in_(_UNSOLVED),
            _status(events.changes, 1).in_(_DONE)).group_by(events.actor_kind, events.actor_id)
        merge, move = t.ticket_events.alias("merge"), t.ticket_events.alias("move")
        # Merges that took a ticket out of the backlog: its status left an unsolved one at
        # the merge's instant (a solved ticket merged had left before).
        left_backlog = exists().where(
            move.c.ticket_id == merge.c.ticket_id, move.c.kind == "status_changed",
            move.c.created_at == merge.c.created_at,
            _status(move.c.changes, 0).in_(_UNSOLVED))
        merges = self._counted("merge", merge.c.created_at, until, [
            _no_text(), _no_text(), merge.c.actor_kind, merge.c.actor_id],
            merge.c.kind == "merged_into", merge.c.created_at >= since, left_backlog,
            *_of_team(merge.c.ticket_id, team_id))
        backlog = Backlog()
        arrived: list[Arrivals] = []
        moved: list[Moves] = []
        merged: list[Merges] = []
        solved: list[Solves] = []
        for source, part, slot, first, second, actor_kind, actor_id, count in \
                self.db.execute(union_all(live, arrivals, moves, merges, solves)):
            if source == "live":
                backlog = backlog.moved(stage_of(first), count)
            elif source == "arrival":
                arrived.append(Arrivals(Part(part), slot, first, count))
            elif source == "move":
                moved.append(Moves(Part(part), slot, first, second, count))
            elif source == "merge":
                merged.append(Merges(Part(part), slot, actor_kind, actor_id, count))
            else:
                solved.append(Solves(actor_kind, actor_id, count))
        return backlog, arrived, moved, merged, solved

    def _counted(self, source: str, instant: ColumnElement[datetime], until: datetime,
                 columns: list[ColumnElement[Any]], *where: ColumnElement[bool]
                 ) -> Select[Any]:
        """``columns`` (four, NULL where the source has none) counted per part and slot of
        ``instant`` among the rows ``where`` selects."""
        part = case((instant < until, literal(Part.WINDOW.value)),
                    else_=literal(Part.AFTER.value))
        inner = select(part.label("part"), self._slot(instant).label("slot"),
                       *[column.label(f"c{n}") for n, column in enumerate(columns)]
                       ).where(*where).subquery()
        keys = [inner.c.part, inner.c.slot, *(inner.c[f"c{n}"] for n in range(len(columns)))]
        return select(literal(source), *keys, func.count()).group_by(*keys)

    def _slot(self, instant: ColumnElement[datetime]) -> ColumnElement[int]:
        if self.db.dialect.name == "postgresql":
            return cast(func.floor(func.extract("epoch", instant) / SLOT_SECONDS), BigInteger)
        return cast(cast(func.strftime("%s", instant), Integer) / SLOT_SECONDS, Integer)


def _of_team(ticket_id: ColumnElement[int], team_id: int | None) -> list[ColumnElement[bool]]:
    """The history of the team's tickets only (none: every ticket's)."""
    if team_id is None:
        return []
    return [ticket_id.in_(select(t.tickets.c.id).where(t.tickets.c.team_id == team_id))]


def _no_text() -> ColumnElement[str]:
    return cast(null(), String)


def _no_id() -> ColumnElement[int]:
    return cast(null(), BigInteger)


def _status(changes: ColumnElement[Any], side: int) -> ColumnElement[str]:
    """The status before (0) or after (1) a status change, as its history stored it."""
    return changes[("status", side)].as_string()  # type: ignore[no-any-return]


