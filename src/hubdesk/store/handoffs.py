"""Handoffs, their threads, their ladder firings, the departments' OLAs and ticket tiers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, case, delete, func, insert, select, update

from hubdesk.domain.escalation import SlaCause, TierStep
from hubdesk.domain.events import EventKind
from hubdesk.domain.handoff_ladders import OlaStep
from hubdesk.domain.handoff_report import StatusMove
from hubdesk.domain.handoffs import (
    AWAITING_DEPARTMENT,
    Handoff,
    HandoffNote,
    HandoffStatus,
    Ola,
    SendBackCause,
)
from hubdesk.store import tables as t

_h = t.handoffs.c
# The parent ticket's events that record a handoff's status moves.
_MOVE_EVENTS = (EventKind.HANDOFF_UPDATED, EventKind.HANDOFF_ANSWERED, EventKind.HANDOFF_DONE,
                EventKind.HANDOFF_REJECTED)


class SqlHandoffRepository:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    # --- OLAs ----------------------------------------------------------------------------

    def ola(self, department_id: int) -> Ola | None:
        row = self.db.execute(select(t.department_olas).where(
            t.department_olas.c.department_id == department_id)).first()
        return _ola(row) if row is not None else None

    def olas(self) -> dict[int, Ola]:
        """Every department's OLA, by department, in one read."""
        return {row.department_id: _ola(row)
                for row in self.db.execute(select(t.department_olas))}

    def set_ola(self, department_id: int, ola: Ola | None, at: datetime) -> None:
        self.db.execute(delete(t.department_olas).where(
            t.department_olas.c.department_id == department_id))
        if ola is not None:
            form = ola.to_dict()
            # The ladder only when the department chose one: the default follows
            # coordinator_after_minutes.
            ladder = form["ladder"] if ola.ladder is not None else None
            self.db.execute(insert(t.department_olas).values(
                department_id=department_id, target_minutes=form["target_minutes"],
                coordinator_after_minutes=form["coordinator_after_minutes"],
                calendar=form["calendar"], lead_id=ola.lead_id, ladder=ladder,
                updated_at=at))

    # --- handoffs ------------------------------------------------------------------------

    def add(self, handoff: Handoff) -> int:
        handoff.id = self.db.execute(insert(t.handoffs).values(**_values(handoff))
                                     .returning(_h.id)).scalar_one()
        return int(handoff.id)

    def get(self, handoff_id: int, *, for_update: bool = False) -> Handoff | None:
        query = select(t.handoffs).where(_h.id == handoff_id)
        if for_update and self.db.dialect.name != "sqlite":
            query = query.with_for_update()
        row = self.db.execute(query).first()
        return _handoff(row) if row else None

    def save(self, handoff: Handoff) -> None:
        self.db.execute(update(t.handoffs).where(_h.id == handoff.id).values(
            **_values(handoff)))

    def for_ticket(self, ticket_id: int) -> list[Handoff]:
        rows = self.db.execute(select(t.handoffs).where(_h.ticket_id == ticket_id)
                               .order_by(_h.id))
        return [_handoff(r) for r in rows]

    def queue(self, department_ids: frozenset[int] | None,
              statuses: tuple[HandoffStatus, ...], limit: int) -> list[Handoff]:
        """Handoffs of the departments (None: all), what is due first on top; those without
        a deadline last, oldest first."""
        query = select(t.handoffs)
        if department_ids is not None:
            query = query.where(_h.department_id.in_(sorted(department_ids)))
        if statuses:
            query = query.where(_h.status.in_([s.value for s in statuses]))
        query = query.order_by(_h.due_at.is_(None), _h.due_at, _h.id).limit(limit)
        return [_handoff(r) for r in self.db.execute(query)]

    def waiting_counts(self, now: datetime) -> tuple[int, int]:
        """Handoffs still awaited by their departments, and how many of those are past due."""
        waiting = _h.status.in_((HandoffStatus.OPEN.value, HandoffStatus.IN_PROGRESS.value))
        total, overdue = self.db.execute(
            select(func.count(), func.coalesce(func.sum(case((_h.due_at < now, 1), else_=0)), 0))
            .where(waiting)).one()
        return int(total), int(overdue)

    def department_counts(self, department_ids: frozenset[int] | None,
                          now: datetime) -> dict[int, dict[str, int]]:
        """Per department (None: all), its handoffs open, in progress and answered, and how
        many still awaited are past their deadline."""
        shown = (HandoffStatus.OPEN.value, HandoffStatus.IN_PROGRESS.value,
                 HandoffStatus.ANSWERED.value)
        late = case((_h.status.in_([s.value for s in AWAITING_DEPARTMENT]) & (_h.due_at < now),
                     1), else_=0)
        query = (select(_h.department_id, _h.status, func.count(), func.sum(late))
                 .where(_h.status.in_(shown)).group_by(_h.department_id, _h.status))
        if department_ids is not None:
            query = query.where(_h.department_id.in_(sorted(department_ids)))
        counts: dict[int, dict[str, int]] = {}
        for department_id, status, number, overdue in self.db.execute(query):
            tally = counts.setdefault(int(department_id), {"overdue": 0})
            tally[str(status)] = int(number)
            tally["overdue"] += int(overdue or 0)
        return counts

    def due_for_escalation(self, now: datetime, limit: int) -> list[int]:
        rows = self.db.execute(
            select(_h.id).where(_h.next_escalation_at <= now,
                                _h.status.in_([s.value for s in AWAITING_DEPARTMENT]))
            .order_by(_h.next_escalation_at, _h.id).limit(limit))
        return [int(r.id) for r in rows]

    def opened_between(self, since: datetime, until: datetime) -> list[Handoff]:
        rows = self.db.execute(select(t.handoffs).where(_h.opened_at >= since,
                                                        _h.opened_at < until)
                               .order_by(_h.id))
        return [_handoff(r) for r in rows]

    def status_moves_between(self, since: datetime,
                             until: datetime) -> dict[int, list[StatusMove]]:
        """The status moves, from the parent tickets' events, of the handoffs opened in
        [since, until): by handoff, in order, a send-back with its cause when it has one."""
        e = t.ticket_events.c
        rows = self.db.execute(
            select(_h.id, e.changes, e.data, e.created_at)
            .join(t.ticket_events, e.ticket_id == _h.ticket_id)
            .where(_h.opened_at >= since, _h.opened_at < until,
                   e.kind.in_([k.value for k in _MOVE_EVENTS]),
                   e.data["handoff_id"].as_integer() == _h.id)
            .order_by(_h.id, e.id))
        moves: dict[int, list[StatusMove]] = {}
        for row in rows:
            changed = row.changes.get("handoff_status")
            if changed:
                moves.setdefault(int(row.id), []).append(StatusMove(
                    row.created_at, HandoffStatus(changed[1]),
                    _cause((row.data or {}).get("cause"))))
        return moves

    def origin_teams_between(self, since: datetime, until: datetime) -> dict[int, int | None]:
        """The team of the ticket each handoff opened in [since, until) was handed off from."""
        rows = self.db.execute(
            select(_h.id, t.tickets.c.team_id).join(t.tickets, t.tickets.c.id == _h.ticket_id)
            .where(_h.opened_at >= since, _h.opened_at < until))
        return {int(r.id): r.team_id for r in rows}

    def ticket_subjects(self, ticket_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(ticket_ids))
        if not ids:
            return {}
        rows = self.db.execute(select(t.tickets.c.id, t.tickets.c.subject)
                               .where(t.tickets.c.id.in_(ids)))
        return {int(r.id): r.subject for r in rows}

    # --- threads and ladder firings ------------------------------------------------------

    def add_note(self, note: HandoffNote) -> int:
        note.id = self.db.execute(insert(t.handoff_notes).values(
            handoff_id=note.handoff_id, author_id=note.author_id, body=note.body,
            created_at=note.created_at).returning(t.handoff_notes.c.id)).scalar_one()
        return int(note.id)

    def notes(self, handoff_ids: Iterable[int]) -> dict[int, list[HandoffNote]]:
        ids = sorted(set(handoff_ids))
        found: dict[int, list[HandoffNote]] = {i: [] for i in ids}
        if not ids:
            return found
        c = t.handoff_notes.c
        for r in self.db.execute(select(t.handoff_notes).where(c.handoff_id.in_(ids))
                                 .order_by(c.handoff_id, c.id)):
            found[int(r.handoff_id)].append(
                HandoffNote(r.id, r.handoff_id, r.author_id, r.body, r.created_at))
        return found

    def record_firing(self, handoff_id: int, level: int, step: OlaStep,
                      notified: dict[str, Any], at: datetime) -> None:
        """A second firing of the same step (its level: its place on the handoff's own
        ladder) hits the primary key (DuplicateKey)."""
        self.db.execute(insert(t.handoff_escalations).values(
            handoff_id=handoff_id, level=level, step=step.name, notified=notified,
            fired_at=at))

    def firings(self, handoff_id: int) -> list[tuple[int, str]]:
        c = t.handoff_escalations.c
        return [(int(r.level), r.step) for r in self.db.execute(
            select(c.level, c.step).where(c.handoff_id == handoff_id).order_by(c.level))]

    # --- ticket tiers --------------------------------------------------------------------

    def tier_steps(self, ticket_id: int) -> list[TierStep]:
        c = t.ticket_tiers.c
        rows = self.db.execute(select(t.ticket_tiers).where(c.ticket_id == ticket_id)
                               .order_by(c.id))
        return [TierStep(r.ticket_id, r.tier, r.reason, r.previous_assignee_id,
                         r.previous_team_id, r.escalated_by_id, r.escalated_at,
                         SlaCause.from_dict(r.sla_cause) if r.sla_cause else None)
                for r in rows]

    def push_tier(self, step: TierStep) -> None:
        self.db.execute(insert(t.ticket_tiers).values(
            ticket_id=step.ticket_id, tier=step.tier, reason=step.reason,
            previous_assignee_id=step.previous_assignee_id,
            previous_team_id=step.previous_team_id, escalated_by_id=step.escalated_by_id,
            escalated_at=step.escalated_at,
            sla_cause=step.sla_cause.to_dict() if step.sla_cause else None))

    def pop_tier(self, ticket_id: int) -> None:
        c = t.ticket_tiers.c
        last = select(func.max(c.id)).where(c.ticket_id == ticket_id).scalar_subquery()
        self.db.execute(delete(t.ticket_tiers).where(c.id == last))

    def staffed_tiers(self) -> frozenset[int]:
        rows = self.db.execute(select(t.agents.c.tier).where(t.agents.c.active.is_(True))
                               .distinct())
        return frozenset(int(r.tier) for r in rows)


def _ola(row: Row[Any]) -> Ola:
    return Ola.from_dict({"target_minutes": row.target_minutes, "calendar": row.calendar,
                         "lead_id": row.lead_id,
                         "coordinator_after_minutes": row.coordinator_after_minutes,
                         "ladder": row.ladder})


def _values(h: Handoff) -> dict[str, Any]:
    return {"ticket_id": h.ticket_id, "department_id": h.department_id,
            "requested_by_id": h.requested_by_id, "assignee_id": h.assignee_id,
            "request": h.request, "blocking": h.blocking, "status": h.status.value,
            "ola": h.ola.to_dict() if h.ola else None, "due_at": h.due_at,
            "answer": h.answer, "answered_at": h.answered_at, "closed_at": h.closed_at,
            "rejection_reason": h.rejection_reason,
            "send_back_cause": h.send_back_cause.value if h.send_back_cause else None,
            "escalation_level": h.escalation_level,
            "next_escalation_at": h.next_escalation_at, "opened_at": h.opened_at,
            "updated_at": h.updated_at or h.opened_at}


def _cause(value: object) -> SendBackCause | None:
    """A stored cause; None for a send-back recorded before causes were asked for."""
    try:
        return SendBackCause(str(value)) if value is not None else None
    except ValueError:
        return None


def _handoff(r: Row[Any]) -> Handoff:
    return Handoff(id=r.id, ticket_id=r.ticket_id, department_id=r.department_id,
                   requested_by_id=r.requested_by_id, request=r.request,
                   opened_at=r.opened_at, blocking=r.blocking, status=HandoffStatus(r.status),
                   assignee_id=r.assignee_id, ola=Ola.from_dict(r.ola) if r.ola else None,
                   due_at=r.due_at, answer=r.answer, answered_at=r.answered_at,
                   closed_at=r.closed_at, rejection_reason=r.rejection_reason,
                   send_back_cause=_cause(r.send_back_cause),
                   escalation_level=r.escalation_level,
                   next_escalation_at=r.next_escalation_at, updated_at=r.updated_at)
