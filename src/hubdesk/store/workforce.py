"""Schedules, shifts, change requests and the presence log (domain/schedules.py,
domain/adherence.py) as rows, and ticket arrival times for forecasting."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, case, delete, func, insert, select, update

from hubdesk.domain.adherence import PresenceSpan
from hubdesk.domain.schedules import (
    ChangeRequest,
    PlannedShift,
    RequestKind,
    RequestStatus,
    ScheduleStatus,
    TeamWeek,
)
from hubdesk.store import tables as t
from hubdesk.store.types import among

_s, _sh, _p, _r = (t.wfm_schedules.c, t.wfm_shifts.c, t.wfm_presence_log.c,
                   t.wfm_schedule_requests.c)


def _shift_values(shift: PlannedShift) -> dict[str, Any]:
    return {"agent_id": shift.agent_id, "starts_at": shift.starts_at, "ends_at": shift.ends_at,
            "break_starts_at": shift.break_starts_at, "break_ends_at": shift.break_ends_at}


def _shift(row: Row[Any]) -> PlannedShift:
    return PlannedShift(int(row.id), int(row.agent_id), row.starts_at, row.ends_at,
                        row.break_starts_at, row.break_ends_at)


def _request(row: Row[Any]) -> ChangeRequest:
    return ChangeRequest(int(row.id), int(row.agent_id), row.shift_id, row.note,
                         RequestStatus(row.status), row.answer, row.created_at,
                         row.answered_by_id, RequestKind(row.kind), row.swap_shift_id,
                         row.new_starts_at, row.new_ends_at)


class SqlWorkforceRepository:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    # --- arrivals --------------------------------------------------------------------------

    def arrival_times(self, team_id: int | None, since: datetime, until: datetime,
                      channel: str | None = None) -> list[datetime]:
        """When each ticket (of one team, or of the desk; of one channel, or of all) was
        opened in [since, until)."""
        query = select(t.tickets.c.created_at).where(t.tickets.c.created_at >= since,
                                                     t.tickets.c.created_at < until)
        if team_id is not None:
            query = query.where(t.tickets.c.team_id == team_id)
        if channel is not None:
            query = query.where(t.tickets.c.channel == channel)
        return [row.created_at for row in self.db.execute(query)]

    def ticket_traits(self, team_id: int, since: datetime,
                      until: datetime) -> list[tuple[str | None, str | None]]:
        """(category, language) of each of the team's tickets opened in [since, until)."""
        return [(row.category, row.language) for row in self.db.execute(
            select(t.tickets.c.category, t.tickets.c.language).where(
                t.tickets.c.team_id == team_id, t.tickets.c.created_at >= since,
                t.tickets.c.created_at < until))]

    def message_trails(self, team_id: int | None, since: datetime, until: datetime,
                       channel: str | None = None, limit: int = 2000
                       ) -> list[tuple[list[tuple[bool, datetime, int | None]],
                                       datetime | None]]:
        """Of the ``limit`` latest tickets opened in [since, until) (of one team, or of the
        desk; of one channel, or of all): each one's messages as (by an agent, written at,
        the writing agent's id or None), in order, and when it was last assigned."""
        tk, m, tr = t.tickets.c, t.messages.c, t.ticket_routing.c
        query = select(tk.id, tr.assigned_at).select_from(t.tickets.outerjoin(
            t.ticket_routing, tr.ticket_id == tk.id)).where(tk.created_at >= since,
                                                             tk.created_at < until)
        if team_id is not None:
            query = query.where(tk.team_id == team_id)
        if channel is not None:
            query = query.where(tk.channel == channel)
        assigned = {int(row.id): row.assigned_at for row in self.db.execute(
            query.order_by(tk.created_at.desc(), tk.id.desc()).limit(limit))}
        if not assigned:
            return []
        trails: dict[int, list[tuple[bool, datetime, int | None]]] = defaultdict(list)
        for row in self.db.execute(select(m.ticket_id, m.author_kind, m.author_id,
                                          m.created_at).where(
                among(self.db, m.ticket_id, sorted(assigned))).order_by(m.ticket_id, m.id)):
            by_agent = row.author_kind == "agent"
            trails[int(row.ticket_id)].append((by_agent, row.created_at, int(
                row.author_id) if by_agent and row.author_id is not None else None))
        return [(trails[ticket], assigned[ticket]) for ticket in sorted(trails)]

    # --- schedules -------------------------------------------------------------------------

    def _week(self, row: Row[Any] | None) -> TeamWeek | None:
        if row is None:
            return None
        shifts = self.db.execute(select(t.wfm_shifts).where(_sh.schedule_id == row.id)
                                 .order_by(_sh.starts_at, _sh.agent_id, _sh.id))
        return TeamWeek(int(row.id), int(row.team_id), row.week_start,
                        ScheduleStatus(row.status), tuple(_shift(s) for s in shifts),
                        row.updated_at, row.updated_by_id)

    def week(self, team_id: int, week_start: date) -> TeamWeek | None:
        return self._week(self.db.execute(select(t.wfm_schedules).where(
            _s.team_id == team_id, _s.week_start == week_start)).first())

    def get(self, schedule_id: int, *, for_update: bool = False) -> TeamWeek | None:
        query = select(t.wfm_schedules).where(_s.id == schedule_id)
        if for_update:
            query = query.with_for_update()
        return self._week(self.db.execute(query).first())

    def weeks(self, team_id: int | None = None, status: ScheduleStatus | None = None,
              limit: int = 100) -> list[TeamWeek]:
        """Schedules newest week first (of one team, or of all; of one status, or any), each
        with its shifts, in two queries."""
        query = select(t.wfm_schedules).order_by(_s.week_start.desc(), _s.team_id, _s.id)
        if team_id is not None:
            query = query.where(_s.team_id == team_id)
        if status is not None:
            query = query.where(_s.status == status.value)
        rows = self.db.execute(query.limit(limit)).all()
        shifts: dict[int, list[PlannedShift]] = defaultdict(list)
        if rows:
            for row in self.db.execute(select(t.wfm_shifts).where(among(
                    self.db, _sh.schedule_id, [int(r.id) for r in rows]))
                    .order_by(_sh.starts_at, _sh.agent_id, _sh.id)):
                shifts[int(row.schedule_id)].append(_shift(row))
        return [TeamWeek(int(r.id), int(r.team_id), r.week_start, ScheduleStatus(r.status),
                         tuple(shifts[int(r.id)]), r.updated_at, r.updated_by_id) for r in rows]

    def add(self, week: TeamWeek, by: int | None, at: datetime) -> int:
        schedule_id = int(self.db.execute(insert(t.wfm_schedules).values(
            team_id=week.team_id, week_start=week.week_start, status=week.status.value,
            created_by_id=by, created_at=at, updated_by_id=by, updated_at=at,
        ).returning(_s.id)).scalar_one())
        self.replace_shifts(schedule_id, week.shifts)
        return schedule_id

    def replace_shifts(self, schedule_id: int, shifts: tuple[PlannedShift, ...]) -> None:
        self.db.execute(delete(t.wfm_shifts).where(_sh.schedule_id == schedule_id))
        if shifts:
            self.db.execute(insert(t.wfm_shifts), [
                {"schedule_id": schedule_id, **_shift_values(s)} for s in shifts])

    def touch(self, schedule_id: int, status: ScheduleStatus, by: int | None,
              at: datetime) -> None:
        self.db.execute(update(t.wfm_schedules).where(_s.id == schedule_id).values(
            status=status.value, updated_by_id=by, updated_at=at))

    def add_shift(self, schedule_id: int, shift: PlannedShift) -> int:
        return int(self.db.execute(insert(t.wfm_shifts).values(
            schedule_id=schedule_id, **_shift_values(shift)).returning(_sh.id)).scalar_one())

    def save_shift(self, shift: PlannedShift) -> None:
        self.db.execute(update(t.wfm_shifts).where(_sh.id == shift.id)
                        .values(_shift_values(shift)))

    def delete_shift(self, shift_id: int) -> None:
        self.db.execute(delete(t.wfm_shifts).where(_sh.id == shift_id))

    def published_shifts(self, since: datetime, until: datetime,
                         agent_ids: list[int] | None = None) -> list[PlannedShift]:
        """Published shifts that overlap [since, until), of some agents or of everyone."""
        query = (select(t.wfm_shifts).join(t.wfm_schedules, _s.id == _sh.schedule_id)
                 .where(_s.status == ScheduleStatus.PUBLISHED.value, _sh.starts_at < until,
                        _sh.ends_at > since).order_by(_sh.starts_at, _sh.id))
        if agent_ids is not None:
            query = query.where(among(self.db, _sh.agent_id, agent_ids))
        return [_shift(row) for row in self.db.execute(query)]

    def shift_schedule(self, shift_id: int) -> int | None:
        return self.db.execute(select(_sh.schedule_id).where(_sh.id == shift_id)).scalar()

    def shift_schedules(self, shift_ids: list[int]) -> dict[int, int]:
        """The week of each shift still there, in one statement."""
        if not shift_ids:
            return {}
        return {row.id: row.schedule_id for row in self.db.execute(
            select(_sh.id, _sh.schedule_id).where(among(self.db, _sh.id, shift_ids)))}

    # --- presence --------------------------------------------------------------------------

    def record_presence(self, agent_id: int, presence: str, at: datetime) -> None:
        """Close the agent's open row and open one for ``presence``, unless it is unchanged."""
        current = self.db.execute(select(_p.id, _p.presence).where(
            _p.agent_id == agent_id, _p.until.is_(None)).order_by(_p.since.desc())).first()
        if current is not None and current.presence == presence:
            return
        if current is not None:
            self.db.execute(update(t.wfm_presence_log).where(_p.id == current.id)
                            .values(until=at))
        self.db.execute(insert(t.wfm_presence_log).values(
            agent_id=agent_id, presence=presence, since=at, until=None))

    def presence(self, agent_ids: list[int], since: datetime,
                 until: datetime) -> dict[int, list[PresenceSpan]]:
        """Each agent's presence rows overlapping [since, until), oldest first."""
        if not agent_ids:
            return {}
        rows = self.db.execute(select(t.wfm_presence_log).where(
            among(self.db, _p.agent_id, agent_ids), _p.since < until,
            (_p.until.is_(None)) | (_p.until > since)).order_by(_p.since, _p.id))
        found: dict[int, list[PresenceSpan]] = defaultdict(list)
        for row in rows:
            found[int(row.agent_id)].append(PresenceSpan(row.presence, row.since, row.until))
        return dict(found)

    def last_breaks(self, since: datetime) -> dict[int, datetime | None]:
        """When each agent's latest break that ended after ``since`` ended; None while they
        are on one. Agents with no such break are absent. One grouped read."""
        on_break_now = func.max(case((_p.until.is_(None), 1), else_=0))
        rows = self.db.execute(select(_p.agent_id, on_break_now.label("now"),
                                      func.max(_p.until).label("ended"))
                               .where(_p.presence == "on_break",
                                      _p.until.is_(None) | (_p.until > since))
                               .group_by(_p.agent_id))
        return {int(row.agent_id): None if row.now else row.ended for row in rows}

    # --- requests --------------------------------------------------------------------------

    def add_request(self, request: ChangeRequest, at: datetime) -> int:
        return int(self.db.execute(insert(t.wfm_schedule_requests).values(
            agent_id=request.agent_id, shift_id=request.shift_id, note=request.note,
            status=request.status.value, created_at=at, kind=request.kind.value,
            swap_shift_id=request.swap_shift_id, new_starts_at=request.new_starts_at,
            new_ends_at=request.new_ends_at).returning(_r.id)).scalar_one())

    def get_request(self, request_id: int) -> ChangeRequest | None:
        row = self.db.execute(select(t.wfm_schedule_requests)
                              .where(_r.id == request_id)).first()
        return _request(row) if row else None

    def answer_request(self, request_id: int, status: RequestStatus, answer: str | None,
                       by: int | None, at: datetime) -> bool:
        """Answer an open request; False when it was already answered (never twice)."""
        return bool(self.db.execute(update(t.wfm_schedule_requests).where(
            _r.id == request_id, _r.status == RequestStatus.OPEN.value).values(
            status=status.value, answer=answer, answered_by_id=by,
            answered_at=at)).rowcount)

    def requests(self, agent_id: int | None = None, status: RequestStatus | None = None,
                 limit: int = 100) -> list[ChangeRequest]:
        query = select(t.wfm_schedule_requests).order_by(_r.created_at.desc(), _r.id.desc())
        if agent_id is not None:
            query = query.where(_r.agent_id == agent_id)
        if status is not None:
            query = query.where(_r.status == status.value)
        return [_request(row) for row in self.db.execute(query.limit(limit))]
