"""The routing store: profiles, loads changed only by conditional updates, tickets' routing
state, decisions and the desk's routing configuration."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hubdesk.domain.customers import Tier
from hubdesk.domain.tickets import UNRESOLVED
from hubdesk.domain.triage import UNKNOWN_LANGUAGE
from hubdesk.services.routing_records import (
    DONE,
    PRIORITY_ORDER,
    UNROUTABLE,
    AgentRoutingRow,
    ServedLines,
    StoredDecision,
    TicketRoutingState,
    WaitingTicket,
    urgency_rank,
)
from hubdesk.store import tables as t
from hubdesk.store.settings import SqlSettings
from hubdesk.store.tables import UNDATED_WAITING, WAITING_FOR_AN_AGENT

CONFIG_ROW = 1
_PRIORITY_ORDER = case(PRIORITY_ORDER, value=t.tickets.c.priority, else_=len(PRIORITY_ORDER))


class SqlRoutingRepository:
    def __init__(self, connection: Connection, settings: SqlSettings | None = None) -> None:
        self.db = connection
        self._settings = settings

    def _upsert(self, table: Any, values: dict[str, Any], keys: list[str]) -> None:
        maker = pg_insert if self.db.dialect.name == "postgresql" else sqlite_insert
        statement = maker(table).values(values)
        changed = {k: v for k, v in values.items() if k not in keys}
        self.db.execute(statement.on_conflict_do_update(index_elements=keys, set_=changed))

    # --- agents -------------------------------------------------------------------------

    def agents(self, *, available_only: bool = False,
               agent_ids: Iterable[int] | None = None) -> list[AgentRoutingRow]:
        """Agents with a routing profile; ``available_only`` keeps the active, online,
        unpaused ones with units to spare (the bounded set a decision looks at)."""
        a, r, ld, tm = t.agents, t.agent_routing, t.agent_loads, t.team_members
        # Each agent's teams in the same statement, as one comma-separated text.
        listed = (func.string_agg(cast(tm.c.team_id, String), ",")
                  if self.db.dialect.name == "postgresql" else func.group_concat(tm.c.team_id))
        teams = (select(listed).where(tm.c.agent_id == a.c.id).scalar_subquery()
                 .label("team_ids"))
        query = (select(a.c.id, a.c.name, a.c.role, a.c.active, a.c.tier, a.c.languages,
                        r.c.skills, r.c.channel_costs, r.c.presence, r.c.presence_since,
                        r.c.paused, r.c.shift_starts_at, r.c.shift_ends_at, ld.c.capacity,
                        ld.c.load, ld.c.last_assigned_at, teams)
                 .select_from(a.join(r, r.c.agent_id == a.c.id)
                              .join(ld, ld.c.agent_id == a.c.id))
                 .order_by(a.c.id))
        if available_only:
            query = query.where(a.c.active, r.c.presence == "online", r.c.paused.is_(False),
                                ld.c.load < ld.c.capacity)
        if agent_ids is not None:
            query = query.where(a.c.id.in_(sorted(set(agent_ids))))
        return [_agent_row(row, frozenset(int(team) for team in (row.team_ids or "").split(",")
                                          if team))
                for row in self.db.execute(query).all()]

    def anyone_routes(self) -> bool:
        """Whether any agent has a routing profile."""
        return self.db.execute(select(literal(1)).select_from(t.agent_routing)
                               .limit(1)).first() is not None

    def save_profile(self, agent_id: int, *, skills: dict[str, int],
                     channel_costs: dict[str, int], tier: int, languages: tuple[str, ...],
                     paused: bool, shift: tuple[datetime, datetime] | None,
                     at: datetime) -> None:
        """Write a profile (a new one starts offline with nothing in use)."""
        values = {"agent_id": agent_id, "skills": skills, "channel_costs": channel_costs,
                  "paused": paused, "shift_starts_at": shift[0] if shift else None,
                  "shift_ends_at": shift[1] if shift else None, "updated_at": at}
        changed = self.db.execute(update(t.agent_routing)
                                  .where(t.agent_routing.c.agent_id == agent_id)
                                  .values(values)).rowcount
        if not changed:
            if self._settings is not None:  # someone has a profile now: a setting
                self._settings.changed()
            self.db.execute(insert(t.agent_routing).values(
                presence="offline", presence_since=at, **values))
        self.db.execute(update(t.agents).where(t.agents.c.id == agent_id)
                        .values(tier=tier, languages=list(languages),
                                skills=sorted(skills)))

    def set_capacity(self, agent_id: int, capacity: int) -> bool:
        """Set the capacity unless more units are in use than it allows."""
        changed = self.db.execute(update(t.agent_loads)
                                  .where(t.agent_loads.c.agent_id == agent_id,
                                         t.agent_loads.c.load <= capacity)
                                  .values(capacity=capacity)).rowcount
        if changed:
            return True
        if self.load(agent_id) is None:
            self.db.execute(insert(t.agent_loads).values(agent_id=agent_id, load=0,
                                                         capacity=capacity))
            return True
        return False

    def load(self, agent_id: int) -> tuple[int, int] | None:
        row = self.db.execute(select(t.agent_loads.c.load, t.agent_loads.c.capacity)
                              .where(t.agent_loads.c.agent_id == agent_id)).first()
        return (int(row.load), int(row.capacity)) if row else None

    def presence_of(self, agent_id: int) -> str | None:
        """The agent's presence; None when they have no routing profile (take no work)."""
        return self.db.execute(select(t.agent_routing.c.presence)
                               .where(t.agent_routing.c.agent_id == agent_id)).scalar()

    def set_presence(self, agent_id: int, presence: str, at: datetime) -> bool:
        """False when the agent has no routing profile."""
        current = self.db.execute(select(t.agent_routing.c.presence)
                                  .where(t.agent_routing.c.agent_id == agent_id)).first()
        if current is None:
            return False
        # ``updated_at`` says when the profile last changed (`roster_changed_at`); presence
        # has its own ``presence_since``.
        values: dict[str, Any] = {"presence": presence}
        if current.presence != presence:
            values["presence_since"] = at
        self.db.execute(update(t.agent_routing).where(t.agent_routing.c.agent_id == agent_id)
                        .values(values))
        return True

    # --- units: never check-then-act --------------------------------------------------------

    def claim(self, agent_id: int, cost: int, at: datetime) -> bool:
        """Take ``cost`` units of the agent's capacity if they are free, in one statement."""
        ld = t.agent_loads
        taken = self.db.execute(
            update(ld).where(ld.c.agent_id == agent_id, ld.c.load + cost <= ld.c.capacity)
            .values(load=ld.c.load + cost, last_assigned_at=at)
            .returning(ld.c.load)).first()
        return taken is not None

    def release(self, agent_id: int, units: int) -> bool:
        ld = t.agent_loads
        if units <= 0:
            return True
        given = self.db.execute(
            update(ld).where(ld.c.agent_id == agent_id, ld.c.load >= units)
            .values(load=ld.c.load - units).returning(ld.c.load)).first()
        return given is not None

    # --- tickets ------------------------------------------------------------------------

    def ticket_state(self, ticket_id: int) -> TicketRoutingState | None:
        row = self.db.execute(select(t.ticket_routing)
                              .where(t.ticket_routing.c.ticket_id == ticket_id)).first()
        return _state(row) if row else None

    def put_ticket_state(self, state: TicketRoutingState, at: datetime) -> None:
        values = {"ticket_id": state.ticket_id, "state": state.state,
                  "agent_id": state.agent_id, "held": state.held, "locked": state.locked,
                  "difficult": state.difficult, "reason": state.reason,
                  "relaxations": list(state.relaxations), "assigned_at": state.assigned_at,
                  "waiting_since": state.waiting_since, "updated_at": at}
        self._upsert(t.ticket_routing, values, ["ticket_id"])

    def roster_changed_at(self) -> datetime | None:
        """When a routing profile or the desk's routing configuration last changed: who
        could ever serve a ticket may differ since."""
        profiles = self.db.execute(select(func.max(t.agent_routing.c.updated_at))).scalar()
        config = self.db.execute(select(t.routing_config.c.updated_at)
                                 .where(t.routing_config.c.id == CONFIG_ROW)).scalar()
        return max((at for at in (profiles, config) if at is not None), default=None)

    def waiting(self, limit: int, *, skip_locked: bool = False,
                after: WaitingTicket | None = None, with_state: bool = True,
                vip_levels: Mapping[str, int] | None = None,
                settled_since: datetime | None = None,
                lines: ServedLines | None = None) -> list[WaitingTicket]:
        """Unassigned, unresolved tickets nobody locked, most urgent first as the domain ranks
        them: the running answer clock's deadline (none last), priority, the customer's VIP
        level (``vip_levels``, by the requester's tier kept on the ticket), age. Every page is
        read in that order from an index, never by sorting the line: the tickets with a
        deadline from the partial index on it (`SqlSlaRepository.save_clocks` keeps it on the
        ticket; only tickets due at the same instant are sorted among themselves), then those
        without one as a merge of the runs of the partial index over them, one run per
        priority and tier, oldest first (`_undated`). ``after`` continues past a ticket of an
        earlier page. ``lines`` keeps only the tickets of the channels, teams and languages an
        agent serves. With ``skip_locked`` (PostgreSQL) the tickets are row-locked and those
        other transactions hold are skipped, so concurrent pulls never wait for or take the
        same ticket. Without ``with_state`` their routing state is left out (None): a lighter
        read of a long line. With ``settled_since``, tickets found unroutable at or after that
        instant and not changed since are left out (nothing could have made them
        servable)."""
        vip = dict(vip_levels or {})
        filters = _filters(lines, settled_since)
        found: list[WaitingTicket] = []
        if after is None or after.answer_due is not None:
            keys = _urgency_keys(vip)
            query = (_waiting_rows(with_state).where(t.tickets.c.answer_due_at.is_not(None),
                                                     *filters)
                     .order_by(t.tickets.c.answer_due_at, *keys).limit(limit))
            if after is not None:
                query = query.where(_after_due(after, keys, vip))
            found = self._read(query, with_state, skip_locked)
            if len(found) == limit:
                return found
            after = None  # the rest of the page: from the first ticket without a deadline
        return found + self._undated(limit - len(found), after, vip, filters, with_state,
                                     skip_locked)

    def _undated(self, limit: int, after: WaitingTicket | None, vip: dict[str, int],
                 filters: list[Any], with_state: bool,
                 skip_locked: bool) -> list[WaitingTicket]:
        """The waiting tickets without a deadline after ``after``, most urgent first. Each
        (priority, tier) is one run of `ix_tickets_waiting_undated`, oldest first; the runs
        are read at most ``limit`` rows each and merged in urgency order by the database (a
        handful of runs, whatever the line's length). The tickets chosen are then read whole
        (and locked when asked); any another transaction holds are skipped and the page is
        filled from past the last one chosen."""
        tk = t.tickets
        found: list[WaitingTicket] = []
        position = _position(after, vip) if after is not None else None
        while len(found) < limit:
            wanted = limit - len(found)
            runs = [run for run in (_run(priority, tier, vip, position, filters, wanted)
                                    for priority in PRIORITY_ORDER for tier in _TIERS)
                    if run is not None]
            if not runs:
                break
            merged = union_all(*runs).subquery()
            chosen = self.db.execute(
                select(merged.c.id, merged.c.rank, merged.c.vip, merged.c.created_at)
                .order_by(merged.c.rank, merged.c.vip, merged.c.created_at, merged.c.id)
                .limit(wanted)).all()
            if not chosen:
                break
            ids = [int(row.id) for row in chosen]
            rows = self._read(_waiting_rows(with_state).where(tk.c.id.in_(ids)), with_state,
                              skip_locked)
            by_id = {row.ticket_id: row for row in rows}
            found += [by_id[ticket_id] for ticket_id in ids if ticket_id in by_id]
            if len(chosen) < wanted:
                break
            last = chosen[-1]
            position = (int(last.rank), int(last.vip), last.created_at, int(last.id))
        return found

    def _read(self, query: Any, with_state: bool, skip_locked: bool) -> list[WaitingTicket]:
        if skip_locked and self.db.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=t.tickets)
        return [_waiting(row, with_state) for row in self.db.execute(query)]

    def unattended(self, agent_ids: list[int]) -> list[int]:
        """Tickets routing gave these agents, not locked, still unresolved, to which the
        agent has written nothing since they were given."""
        if not agent_ids:
            return []
        tk, tr, m = t.tickets, t.ticket_routing, t.messages
        answered = exists().where(m.c.ticket_id == tk.c.id, m.c.author_kind == "agent",
                                  m.c.author_id == tr.c.agent_id,
                                  m.c.created_at >= tr.c.assigned_at)
        query = (select(tk.c.id).select_from(tk.join(tr, tr.c.ticket_id == tk.c.id))
                 .where(tr.c.agent_id.in_(agent_ids), tr.c.state == "routed",
                        tr.c.locked.is_(False), tk.c.assignee_id == tr.c.agent_id,
                        tk.c.status.in_([s.value for s in UNRESOLVED]), ~answered)
                 .order_by(tk.c.id))
        return [int(row.id) for row in self.db.execute(query)]

    def holders_of(self, agent_ids: list[int]) -> dict[int, int]:
        """Units each agent holds by the tickets' own records (for checking the loads)."""
        if not agent_ids:
            return {}
        tr = t.ticket_routing
        rows = self.db.execute(select(tr.c.agent_id, func.sum(tr.c.held))
                               .where(tr.c.agent_id.in_(agent_ids)).group_by(tr.c.agent_id))
        return {int(agent): int(total or 0) for agent, total in rows}

    def recent_holds(self, limit: int) -> list[tuple[str, datetime, datetime]]:
        """(channel, assigned at, released at) of the tickets most recently done with, newest
        first: how long work holds an agent's units."""
        tk, tr = t.tickets, t.ticket_routing
        rows = self.db.execute(
            select(tk.c.channel, tr.c.assigned_at, tr.c.updated_at)
            .select_from(tr.join(tk, tk.c.id == tr.c.ticket_id))
            .where(tr.c.state == DONE, tr.c.assigned_at.is_not(None))
            .order_by(tr.c.updated_at.desc()).limit(limit))
        return [(str(row.channel), row.assigned_at, row.updated_at) for row in rows]

    def count_unroutable(self) -> int:
        return int(self.db.execute(
            select(func.count()).select_from(t.ticket_routing)
            .where(t.ticket_routing.c.state == "unroutable")).scalar_one())

    def unroutable(self, limit: int) -> list[TicketRoutingState]:
        rows = self.db.execute(select(t.ticket_routing)
                               .where(t.ticket_routing.c.state == "unroutable")
                               .order_by(t.ticket_routing.c.ticket_id).limit(limit))
        return [_state(row) for row in rows]

    def previous_agent(self, requester_id: int, ticket_id: int | None
                       ) -> tuple[int, datetime] | None:
        """Who served the customer's latest other ticket, and when it last changed."""
        tk = t.tickets
        query = (select(tk.c.assignee_id, tk.c.updated_at)
                 .where(tk.c.requester_id == requester_id, tk.c.assignee_id.is_not(None))
                 .order_by(tk.c.created_at.desc(), tk.c.id.desc()).limit(1))
        if ticket_id is not None:
            query = query.where(tk.c.id != ticket_id)
        row = self.db.execute(query).first()
        return (int(row.assignee_id), row.updated_at) if row else None

    # --- decisions ----------------------------------------------------------------------

    def add_decision(self, ticket_id: int, agent_id: int | None, mode: str, difficult: bool,
                     decision: dict[str, Any], at: datetime) -> None:
        self.db.execute(insert(t.routing_decisions).values(
            ticket_id=ticket_id, agent_id=agent_id, mode=mode, difficult=difficult,
            decision=decision, decided_at=at))

    def decisions(self, ticket_id: int, limit: int, *,
                  without_modes: tuple[str, ...] = ()) -> list[StoredDecision]:
        d = t.routing_decisions
        query = select(d).where(d.c.ticket_id == ticket_id).order_by(d.c.id.desc()).limit(limit)
        if without_modes:
            query = query.where(d.c.mode.not_in(without_modes))
        rows = self.db.execute(query)
        return [StoredDecision(id=r.id, ticket_id=r.ticket_id, agent_id=r.agent_id,
                               mode=r.mode, difficult=r.difficult, decision=dict(r.decision),
                               decided_at=r.decided_at) for r in rows]

    def difficult_since(self, agent_ids: Iterable[int], since: datetime
                        ) -> dict[int, list[datetime]]:
        """When each agent was given a difficult contact since ``since``, oldest first."""
        ids = sorted(set(agent_ids))
        if not ids:
            return {}
        d = t.routing_decisions
        found: dict[int, list[datetime]] = {}
        for agent_id, at in self.db.execute(
                select(d.c.agent_id, d.c.decided_at)
                .where(d.c.agent_id.in_(ids), d.c.difficult, d.c.decided_at >= since)
                .order_by(d.c.decided_at)):
            found.setdefault(int(agent_id), []).append(at)
        return found

    def held_by_channel(self, agent_ids: Iterable[int]
                        ) -> dict[int, dict[str, tuple[int, int]]]:
        """Per agent and channel, the tickets holding their units and the units they hold:
        one grouped query however many agents and tickets."""
        ids = sorted(set(agent_ids))
        if not ids:
            return {}
        tr, tk = t.ticket_routing, t.tickets
        found: dict[int, dict[str, tuple[int, int]]] = {}
        for agent_id, channel, tickets, units in self.db.execute(
                select(tr.c.agent_id, tk.c.channel, func.count(), func.sum(tr.c.held))
                .select_from(tr.join(tk, tk.c.id == tr.c.ticket_id))
                .where(tr.c.agent_id.in_(ids), tr.c.held > 0)
                .group_by(tr.c.agent_id, tk.c.channel)):
            found.setdefault(int(agent_id), {})[channel] = (int(tickets), int(units))
        return found

    def uncount_difficult(self, ticket_id: int) -> list[tuple[int, int | None]]:
        """Stop counting the ticket's difficult contacts: its decisions that counted one
        count none from now on, each taken back by this one conditional statement (a second
        call finds none). Returns (decision id, agent id) of each, oldest first."""
        d = t.routing_decisions
        rows = self.db.execute(update(d).where(d.c.ticket_id == ticket_id, d.c.difficult)
                               .values(difficult=False)
                               .returning(d.c.id, d.c.agent_id)).all()
        return sorted((int(row.id), row.agent_id) for row in rows)

    # --- configuration ------------------------------------------------------------------

    def config(self) -> dict[str, Any] | None:
        row = self.db.execute(select(t.routing_config.c.document)
                              .where(t.routing_config.c.id == CONFIG_ROW)).first()
        return dict(row.document) if row else None

    def save_config(self, document: dict[str, Any], at: datetime, by: int | None) -> None:
        if self._settings is not None:
            self._settings.changed()
        self._upsert(t.routing_config, {"id": CONFIG_ROW, "document": document,
                                        "updated_at": at, "updated_by_id": by}, ["id"])


_TIERS = tuple(tier.value for tier in Tier)


def _waiting_rows(with_state: bool) -> Any:
    """The columns of waiting tickets (with their routing state), not locked by anyone."""
    tk, tr = t.tickets, t.ticket_routing
    state = [c.label(f"r_{c.name}") for c in tr.columns] if with_state else []
    return (select(tk.c.id, tk.c.subject, tk.c.channel, tk.c.priority, tk.c.category,
                   tk.c.language, tk.c.team_id, tk.c.requester_id, tk.c.created_at,
                   tk.c.requester_tier.label("customer_tier"), _escalated_tier(),
                   tk.c.answer_due_at, *state)
            .select_from(tk.outerjoin(tr, tr.c.ticket_id == tk.c.id))
            .where(text(WAITING_FOR_AN_AGENT),
                   or_(tr.c.locked.is_(None), tr.c.locked.is_(False))))


def _filters(lines: ServedLines | None, settled_since: datetime | None) -> list[Any]:
    tk, tr = t.tickets, t.ticket_routing
    found = _serving(lines) if lines is not None else []
    if settled_since is not None:
        found.append(~and_(tr.c.state.is_not(None), tr.c.state == UNROUTABLE,
                           tr.c.updated_at >= settled_since,
                           tr.c.updated_at >= tk.c.updated_at))
    return found


def _urgency_keys(vip_levels: Mapping[str, int]) -> list[Any]:
    """The waiting order's keys after the deadline, smallest first
    (`TicketRequirements.urgency`)."""
    vip = case(dict(vip_levels), value=t.tickets.c.requester_tier, else_=0) if vip_levels \
        else literal(0)
    return [_PRIORITY_ORDER, -vip, t.tickets.c.created_at, t.tickets.c.id]


def _after_due(ticket: WaitingTicket, keys: list[Any], vip_levels: Mapping[str, int]) -> Any:
    """Tickets with a deadline after ``ticket`` (one with a deadline) in the waiting order."""
    due = t.tickets.c.answer_due_at
    rest = _later_than(keys, [urgency_rank(ticket.priority),
                              -vip_levels.get(ticket.customer_tier, 0), ticket.created_at,
                              ticket.ticket_id])
    return or_(due > ticket.answer_due, and_(due == ticket.answer_due, rest))


Position = tuple[int, int, datetime, int]  # (priority rank, -VIP level, created at, id)


def _position(ticket: WaitingTicket, vip_levels: Mapping[str, int]) -> Position:
    return (urgency_rank(ticket.priority), -vip_levels.get(ticket.customer_tier, 0),
            ticket.created_at, ticket.ticket_id)


def _run(priority: str, tier: str, vip_levels: Mapping[str, int], after: Position | None,
         filters: list[Any], limit: int) -> Any:
    """The first ``limit`` waiting tickets without a deadline of one priority and requester
    tier past ``after``, oldest first, as one range of `ix_tickets_waiting_undated`; None
    when the whole run comes before ``after``."""
    tk, tr = t.tickets, t.ticket_routing
    rank, vip = PRIORITY_ORDER[priority], -vip_levels.get(tier, 0)
    query = (select(tk.c.id, literal(rank).label("rank"), literal(vip).label("vip"),
                    tk.c.created_at)
             .select_from(tk.outerjoin(tr, tr.c.ticket_id == tk.c.id))
             .where(text(UNDATED_WAITING), tk.c.priority == priority,
                    tk.c.requester_tier == tier,
                    or_(tr.c.locked.is_(None), tr.c.locked.is_(False)), *filters)
             .order_by(tk.c.created_at, tk.c.id).limit(limit))
    if after is not None:
        if (rank, vip) < after[:2]:
            return None
        if (rank, vip) == after[:2]:
            query = query.where(_later_than([tk.c.created_at, tk.c.id], list(after[2:])))
    return select(query.subquery())


def _serving(lines: ServedLines) -> list[Any]:
    """Conditions keeping the tickets of an agent's lines: a superset of what they may
    serve (the domain still decides), never fewer."""
    tk = t.tickets
    found = [tk.c.channel.in_(lines.channels),
             or_(tk.c.team_id.is_(None), tk.c.team_id.in_(lines.team_ids))]
    if lines.languages is not None:
        found.append(or_(tk.c.language.is_(None),
                         tk.c.language.in_(("", UNKNOWN_LANGUAGE, *lines.languages))))
    if lines.only_categories is not None:
        found.append(tk.c.category.in_(lines.only_categories))
    elif lines.skip_categories:
        found.append(or_(tk.c.category.is_(None),
                         tk.c.category.not_in(lines.skip_categories)))
    if lines.max_tier is not None:
        found.append(_tier_reached() <= lines.max_tier)
    return found


def _later_than(keys: list[Any], values: list[Any]) -> Any:
    """Rows after ``values`` in the order of ``keys``."""
    key, value = keys[0], values[0]
    if len(keys) == 1:
        return key > value
    return or_(key > value, and_(key == value, _later_than(keys[1:], values[1:])))


def _escalated_tier() -> Any:
    return _tier_reached().label("escalated_tier")


def _tier_reached() -> Any:
    """The tier a ticket was escalated to (its last step still in force), read through the
    index on (ticket_id, id); 1 when it never was."""
    tt = t.ticket_tiers
    last = (select(tt.c.tier).where(tt.c.ticket_id == t.tickets.c.id)
            .order_by(tt.c.id.desc()).limit(1).scalar_subquery())
    return func.coalesce(last, 1)


def _agent_row(row: Any, teams: frozenset[int]) -> AgentRoutingRow:
    return AgentRoutingRow(
        agent_id=int(row.id), name=row.name, role=row.role, active=bool(row.active),
        tier=int(row.tier), languages=tuple(row.languages), team_ids=teams,
        skills={str(k): int(v) for k, v in dict(row.skills).items()},
        channel_costs={str(k): int(v) for k, v in dict(row.channel_costs).items()},
        presence=row.presence, presence_since=row.presence_since, paused=bool(row.paused),
        shift_starts_at=row.shift_starts_at, shift_ends_at=row.shift_ends_at,
        capacity=int(row.capacity), load=int(row.load), last_assigned_at=row.last_assigned_at)


def _state(row: Row[Any], prefix: str = "") -> TicketRoutingState:
    m = row._mapping
    return TicketRoutingState(
        ticket_id=int(m[f"{prefix}ticket_id"]), state=m[f"{prefix}state"],
        agent_id=m[f"{prefix}agent_id"], held=int(m[f"{prefix}held"]),
        locked=bool(m[f"{prefix}locked"]), difficult=bool(m[f"{prefix}difficult"]),
        reason=m[f"{prefix}reason"], relaxations=list(m[f"{prefix}relaxations"]),
        assigned_at=m[f"{prefix}assigned_at"], waiting_since=m[f"{prefix}waiting_since"])


def _waiting(row: Any, with_state: bool = True) -> WaitingTicket:  # a Row `waiting` selects
    state = _state(row, "r_") if with_state and row.r_ticket_id is not None else None
    return WaitingTicket(ticket_id=int(row.id), channel=row.channel, priority=row.priority,
                         category=row.category, language=row.language, team_id=row.team_id,
                         requester_id=int(row.requester_id), customer_tier=row.customer_tier,
                         created_at=row.created_at, state=state, subject=row.subject,
                         tier=int(row.escalated_tier), answer_due=row.answer_due_at)
