"""Ticket lists: the filters, the four orders with their keyset cursors, and the risk flags
a queue row carries. The first three page on an index: (updated_at, id), (created_at, id),
(priority, updated_at, id) walked one priority at a time, most urgent first; the fourth on
the earliest running SLA deadline, then id. The API offers the last-changed and due orders,
whose cursors share one form: an encoded (instant, id)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    case,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB

from hubdesk.domain.ids import is_storable_id
from hubdesk.domain.permissions import TicketScope
from hubdesk.domain.tickets import Priority, Status
from hubdesk.services.views import (
    AssignedTicket,
    Page,
    TeamLine,
    TicketFilter,
    TicketOrder,
    TicketRow,
)
from hubdesk.store import tables as t
from hubdesk.store.search import matches_text
from hubdesk.store.types import UtcDateTime

MOST_URGENT_FIRST = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)


def encode_cursor(updated_at: datetime, ticket_id: int) -> str:
    return _encode(f"{updated_at.isoformat()}|{ticket_id}")


def _encode(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _moment(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        raise ValueError
    return moment


def _ticket_id(text: str) -> int:
    """A cursor's ticket id: one a ticket may have, else the database would be asked about
    a number its columns cannot hold."""
    ticket_id = int(text)
    if not is_storable_id(ticket_id):
        raise ValueError
    return ticket_id


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """An (updated_at, id) position, the cursor of the default order."""
    parts = _parts(cursor)
    if len(parts) != 2:
        raise ValueError("the cursor is not one this server handed out")
    try:
        return _moment(parts[0]), _ticket_id(parts[1])
    except ValueError as error:
        raise ValueError("the cursor is not one this server handed out") from error


def _parts(cursor: str) -> list[str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return base64.urlsafe_b64decode(padded).decode().split("|")
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ValueError("the cursor is not one this server handed out") from error


def _position(order: TicketOrder, cursor: str) -> tuple[Any, ...]:
    """The sort key a cursor of ``order`` stands for; ValueError if it is not one."""
    try:
        parts = _parts(cursor)
        if order in (TicketOrder.UPDATED, TicketOrder.DUE) and len(parts) == 2:
            return _moment(parts[0]), _ticket_id(parts[1])
        if order is TicketOrder.CREATED and len(parts) == 3 and parts[0] == "created":
            return _moment(parts[1]), _ticket_id(parts[2])
        if order is TicketOrder.PRIORITY and len(parts) == 4 and parts[0] == "priority":
            return Priority(parts[1]), _moment(parts[2]), _ticket_id(parts[3])
    except ValueError:
        pass
    raise ValueError("the cursor is not one this server handed out")


def _cursor_of(order: TicketOrder, row: Row[Any]) -> str:
    if order is TicketOrder.CREATED:
        return _encode(f"created|{row.created_at.isoformat()}|{row.id}")
    if order is TicketOrder.PRIORITY:
        return _encode(f"priority|{row.priority}|{row.updated_at.isoformat()}|{row.id}")
    if order is TicketOrder.DUE:
        return encode_cursor(row.due_key, row.id)
    return encode_cursor(row.updated_at, row.id)


def scope_conditions(scope: TicketScope) -> list[ColumnElement[bool]]:
    tk = t.tickets
    if scope.everything:
        return []
    visible: list[ColumnElement[bool]] = []
    if scope.team_ids:
        visible.append(tk.c.team_id.in_(sorted(scope.team_ids)))
    if scope.department_ids:
        visible.append(tk.c.department_id.in_(sorted(scope.department_ids)))
    if scope.assignee_id is not None:
        visible.append(tk.c.assignee_id == scope.assignee_id)
    return [or_(*visible) if visible else false()]


def filter_conditions(db: Connection, filters: TicketFilter) -> list[Any]:
    tk = t.tickets
    conditions: list[Any] = []
    if filters.status:
        conditions.append(tk.c.status.in_([s.value for s in filters.status]))
    if filters.priority:
        conditions.append(tk.c.priority.in_([p.value for p in filters.priority]))
    if filters.unassigned:
        conditions.append(tk.c.assignee_id.is_(None))
    elif filters.assignee_id is not None:
        conditions.append(tk.c.assignee_id == filters.assignee_id)
    for wanted, column in ((filters.team_id, tk.c.team_id),
                           (filters.department_id, tk.c.department_id),
                           (filters.requester_id, tk.c.requester_id)):
        if wanted is not None:
            conditions.append(column == wanted)
    if filters.organisation_id is not None:
        conditions.append(tk.c.requester_id.in_(
            select(t.customers.c.id).where(t.customers.c.organisation_id
                                           == filters.organisation_id)))
    if filters.channel is not None:
        conditions.append(tk.c.channel == filters.channel.value)
    if filters.tag:
        conditions.append(_has_tag(db, filters.tag))
    if filters.created_before is not None:
        conditions.append(tk.c.created_at < filters.created_before)
    if filters.query:
        conditions.append(_query_condition(db, filters.query))
    return conditions


def _has_tag(db: Connection, tag: str) -> ColumnElement[bool]:
    tk = t.tickets
    if db.dialect.name == "postgresql":
        # jsonb @>, served by the GIN index ix_tickets_tags
        return type_coerce(tk.c.tags, JSONB).contains([tag])
    each = func.json_each(tk.c.tags).table_valued("value")
    return exists(select(literal_column("1")).select_from(each).where(each.c.value == tag))


def _query_condition(db: Connection, query: str) -> Any:
    tk = t.tickets
    alternatives: list[ColumnElement[bool]] = []
    stripped = query.strip().lstrip("#")
    if stripped.isdigit() and len(stripped) < 16:
        alternatives.append(tk.c.id == int(stripped))
    if "@" in query:
        owners = select(t.customer_identities.c.customer_id).where(
            t.customer_identities.c.kind == "email",
            t.customer_identities.c.value == query.strip().lower())
        alternatives.append(tk.c.requester_id.in_(owners))
    text_match = matches_text(db, query)
    if text_match is not None:
        alternatives.append(text_match)
    return or_(*alternatives) if alternatives else false()


def page(db: Connection, scope: TicketScope, filters: TicketFilter, limit: int,
         cursor: str | None, reader_id: int | None = None) -> Page:
    """One keyset page. The page's ids are chosen on the tickets table alone (filters,
    order, limit); names and flags are read for those rows only, so a filter that matches
    many tickets never drags customer, agent and team rows through the sort. With
    ``reader_id``, each row says whether that agent has read the customer's latest words."""
    conditions = [*scope_conditions(scope), *filter_conditions(db, filters)]
    position = _position(filters.order, cursor) if cursor else None
    if filters.order is TicketOrder.PRIORITY:
        chosen = _by_priority(db, conditions, filters.priority, limit + 1, position)
    elif filters.order is TicketOrder.DUE:
        chosen = list(db.execute(_by_deadline(conditions, position).limit(limit + 1)).all())
    else:
        chosen = list(db.execute(_ordered(conditions, filters.order, position)
                                 .limit(limit + 1)).all())
    more = len(chosen) > limit
    chosen = chosen[:limit]
    if not chosen:
        return Page([], None)
    rows = _rows(db, [c.id for c in chosen], reader_id)
    cursors = [_cursor_of(filters.order, c) for c in chosen]
    return Page([rows[c.id] for c in chosen], cursors[-1] if more else None, cursors)


def count_by_status(db: Connection, scope: TicketScope,
                    filters: TicketFilter) -> dict[Status, int]:
    """How many tickets a list would hold, by status: one grouped query under the same
    scope and filters as `page`."""
    tk = t.tickets
    conditions = [*scope_conditions(scope), *filter_conditions(db, filters)]
    counted = db.execute(select(tk.c.status, func.count()).where(*conditions)
                         .group_by(tk.c.status))
    return {Status(status): int(count) for status, count in counted}


def _keys() -> Select[Any]:
    tk = t.tickets
    return select(tk.c.id, tk.c.updated_at, tk.c.created_at, tk.c.priority)


def _ordered(conditions: list[Any], order: TicketOrder,
             position: tuple[Any, ...] | None) -> Select[Any]:
    tk = t.tickets
    choose = _keys().where(*conditions)
    if order is TicketOrder.CREATED:
        if position:
            choose = choose.where(tuple_(tk.c.created_at, tk.c.id) > tuple_(*position))
        return choose.order_by(tk.c.created_at, tk.c.id)
    if position:
        choose = choose.where(tuple_(tk.c.updated_at, tk.c.id) < tuple_(*position))
    return choose.order_by(tk.c.updated_at.desc(), tk.c.id.desc())


# Tickets without a running SLA clock sort after every deadline.
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)


def _by_deadline(conditions: list[Any], position: tuple[Any, ...] | None) -> Select[Any]:
    """Earliest running SLA deadline first, then id. The running clocks are aggregated per
    ticket; met and stopped ones, the many, are left out as by the partial index."""
    tk, clocks = t.tickets, t.ticket_sla_clocks
    deadlines = (select(clocks.c.ticket_id, func.min(clocks.c.due_at).label("due_at"))
                 .where(clocks.c.status == "running").group_by(clocks.c.ticket_id).subquery())
    key = func.coalesce(deadlines.c.due_at, literal(NO_DEADLINE, UtcDateTime()))
    choose = (_keys().add_columns(key.label("due_key"))
              .select_from(tk.outerjoin(deadlines, deadlines.c.ticket_id == tk.c.id))
              .where(*conditions))
    if position:
        choose = choose.where(tuple_(key, tk.c.id) > tuple_(*position))
    return choose.order_by(key, tk.c.id)


def _by_priority(db: Connection, conditions: list[Any], wanted: Sequence[Priority],
                 limit: int, position: tuple[Any, ...] | None) -> list[Row[Any]]:
    """Most urgent first: one indexed keyset query per priority, at most four."""
    tk = t.tickets
    start = MOST_URGENT_FIRST.index(position[0]) if position else 0
    levels = [p for p in MOST_URGENT_FIRST[start:] if not wanted or p in wanted]
    chosen: list[Row[Any]] = []
    for level in levels:
        query = _keys().where(*conditions, tk.c.priority == level.value)
        if position and position[0] is level:
            query = query.where(tuple_(tk.c.updated_at, tk.c.id) < tuple_(*position[1:]))
        query = query.order_by(tk.c.updated_at.desc(), tk.c.id.desc())
        chosen.extend(db.execute(query.limit(limit - len(chosen))).all())
        if len(chosen) >= limit:
            break
    return chosen


def _rows(db: Connection, ids: list[int], reader_id: int | None) -> dict[int, TicketRow]:
    tk, cu = t.tickets, t.customers
    found = db.execute(
        select(tk.c.id, tk.c.subject, tk.c.status, tk.c.priority, tk.c.channel,
               tk.c.category, tk.c.tags, tk.c.requester_id,
               cu.c.name.label("requester_name"), tk.c.assignee_id,
               t.agents.c.name.label("assignee_name"), tk.c.team_id,
               t.teams.c.name.label("team_name"), tk.c.department_id, tk.c.created_at,
               tk.c.updated_at, cu.c.tier.label("requester_tier"), tk.c.language,
               cu.c.blocked_at.label("blocked_at"))
        .select_from(tk.join(cu, cu.c.id == tk.c.requester_id)
                     .outerjoin(t.agents, t.agents.c.id == tk.c.assignee_id)
                     .outerjoin(t.teams, t.teams.c.id == tk.c.team_id))
        .where(tk.c.id.in_(ids))).all()
    flags = _contact_flags(db, ids, reader_id)
    rows: dict[int, TicketRow] = {}
    for r in found:
        values = dict(r._mapping)
        blocked_at = values.pop("blocked_at")
        rows[r.id] = TicketRow(**{**values, "status": Status(r.status),
                                  "priority": Priority(r.priority), "tags": tuple(r.tags),
                                  "requester_blocked": blocked_at is not None,
                                  "abusive": r.id in flags.abusive,
                                  "difficult": r.id in flags.difficult,
                                  "customer_waiting": r.id in flags.waiting,
                                  "unread": r.id in flags.unread})
    return rows


@dataclass(frozen=True)
class _Flags:
    abusive: set[int]
    difficult: set[int]
    waiting: set[int]
    unread: set[int]


def _contact_flags(db: Connection, ids: list[int], reader_id: int | None) -> _Flags:
    """Tickets with a customer message read as abusive, and as from a difficult contact (an
    agent's correction of a message's verdict wins over triage's); tickets whose customer
    wrote after the last message of an agent (public or not); and, for ``reader_id``, those
    with a customer message newer than the last message that agent read (or never opened).
    One grouped query over the page's messages, the reader's marks joined in."""
    m, fb, rd = t.messages, t.triage_feedback, t.ticket_reads
    customer = m.c.author_kind == "customer"
    abusive_read = m.c.triage[("abuse", "abusive")].as_boolean()
    difficult_read = m.c.triage[("signals", "difficult_contact")].as_boolean()
    corrected = {v: select(fb.c.value).where(fb.c.message_id == m.c.id, fb.c.verdict == v)
                 .scalar_subquery() for v in ("abusive", "difficult")}

    def any_customer(verdict: Any) -> Any:
        return func.max(case((customer & verdict, 1), else_=0))

    def last(kind: str) -> Any:
        return type_coerce(func.max(case((m.c.author_kind == kind, m.c.created_at),
                                         else_=None)), UtcDateTime)

    query = (select(m.c.ticket_id,
                    any_customer(func.coalesce(corrected["abusive"], abusive_read))
                    .label("abusive"),
                    any_customer(func.coalesce(corrected["difficult"], difficult_read))
                    .label("difficult"),
                    last("customer").label("customer"), last("agent").label("agent"),
                    func.max(case((customer, m.c.id), else_=None)).label("customer_message"))
             .where(m.c.ticket_id.in_(ids)).group_by(m.c.ticket_id))
    if reader_id is not None:
        query = (query.add_columns(func.max(rd.c.last_message_id).label("read_up_to"))
                 .outerjoin(rd, (rd.c.ticket_id == m.c.ticket_id) & (rd.c.agent_id == reader_id)))
    found = db.execute(query).all()
    return _Flags(
        {r.ticket_id for r in found if r.abusive},
        {r.ticket_id for r in found if r.difficult},
        {r.ticket_id for r in found
         if r.customer is not None and (r.agent is None or r.customer > r.agent)},
        {r.ticket_id for r in found if reader_id is not None and r.customer_message is not None
         and (r.read_up_to is None or r.customer_message > r.read_up_to)})


def team_lines(db: Connection, now: datetime, since: datetime) -> list[TeamLine]:
    """Per team (None: no team), the unresolved tickets, those waiting for an agent and since
    when the oldest has, live SLA clocks past their deadline, and tickets created since
    ``since``: three grouped queries, whatever the number of teams or tickets."""
    tk, clocks = t.tickets, t.ticket_sla_clocks
    waiting = (tk.c.assignee_id.is_(None)) & tk.c.status.in_((Status.NEW.value,
                                                              Status.OPEN.value))
    lines: dict[int | None, dict[str, Any]] = {}

    def line(team_id: int | None) -> dict[str, Any]:
        return lines.setdefault(team_id, {"unresolved": 0, "waiting": 0, "oldest": None,
                                          "breached": 0, "arrived": 0})

    unresolved = [s.value for s in Status if s not in (Status.SOLVED, Status.CLOSED)]
    for team_id, count, waiting_count, oldest in db.execute(
            select(tk.c.team_id, func.count(),
                   func.coalesce(func.sum(case((waiting, 1), else_=0)), 0),
                   # typed, so the column type reads the aggregate back as an aware UTC time
                   type_coerce(func.min(case((waiting, tk.c.created_at), else_=None)),
                               UtcDateTime))
            .where(tk.c.status.in_(unresolved), tk.c.merged_into_id.is_(None))
            .group_by(tk.c.team_id)):
        found = line(team_id)
        found.update(unresolved=int(count), waiting=int(waiting_count),
                     oldest=oldest)
    for team_id, count in db.execute(
            select(tk.c.team_id, func.count(func.distinct(tk.c.id)))
            .select_from(clocks.join(tk, tk.c.id == clocks.c.ticket_id))
            .where(clocks.c.status.in_(("running", "paused")), clocks.c.due_at < now)
            .group_by(tk.c.team_id)):
        line(team_id)["breached"] = int(count)
    for team_id, count in db.execute(
            select(tk.c.team_id, func.count()).where(tk.c.created_at >= since)
            .group_by(tk.c.team_id)):
        line(team_id)["arrived"] = int(count)
    return [TeamLine(team_id, v["unresolved"], v["waiting"], v["oldest"], v["breached"],
                     v["arrived"]) for team_id, v in lines.items()]



def assigned_work(db: Connection, per_agent: int) -> list[AssignedTicket]:
    """Each agent's unresolved tickets, the oldest first and at most ``per_agent`` of them:
    one query, whatever the number of agents or tickets."""
    tk = t.tickets
    unresolved = [s.value for s in Status if s not in (Status.SOLVED, Status.CLOSED)]
    rank = func.row_number().over(partition_by=tk.c.assignee_id,
                                  order_by=(tk.c.created_at, tk.c.id)).label("rank")
    ranked = (select(tk.c.id, tk.c.subject, tk.c.priority, tk.c.assignee_id, rank)
              .where(tk.c.assignee_id.is_not(None), tk.c.status.in_(unresolved),
                     tk.c.merged_into_id.is_(None))
              .subquery())
    rows = db.execute(select(ranked).where(ranked.c.rank <= per_agent)
                      .order_by(ranked.c.assignee_id, ranked.c.rank))
    return [AssignedTicket(r.id, r.subject, Priority(r.priority), r.assignee_id) for r in rows]
