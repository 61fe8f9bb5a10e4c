"""Read models of handoffs: what the ticket page, the department queue and the API show."""

from __future__ import annotations

from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.handoffs import Handoff
from hubdesk.domain.permissions import handoff_sides
from hubdesk.domain.tickets import Ticket
from hubdesk.services.ports import UnitOfWork
from hubdesk.services.views import HandoffView


def handoff_views(uow: UnitOfWork, viewer: Agent, handoffs: list[Handoff], now: datetime, *,
                  tickets: dict[int, Ticket] | None = None,
                  with_notes: bool = False) -> list[HandoffView]:
    """Views of the handoffs ``viewer`` may see, in the given order; the others are left out."""
    tickets = dict(tickets or {})
    missing = {h.ticket_id for h in handoffs} - set(tickets)
    if missing:
        tickets.update((t.id, t) for t in uow.tickets.get_many(missing) if t.id is not None)
    visible = [(h, sides) for h in handoffs
               if h.ticket_id in tickets
               and (sides := handoff_sides(viewer, h, tickets[h.ticket_id]))]
    if not visible:
        return []
    departments = {d.id: d.name for d in uow.structure.departments()}
    notes = uow.handoffs.notes([h.id for h, _ in visible if h.id]) if with_notes else {}
    people = {h.requested_by_id for h, _ in visible} | {
        h.assignee_id for h, _ in visible if h.assignee_id} | {
        n.author_id for thread in notes.values() for n in thread}
    names = uow.agents.names(sorted(people))
    return [HandoffView(
        handoff=h, department_name=departments.get(h.department_id, f"#{h.department_id}"),
        ticket_subject=tickets[h.ticket_id].subject,
        requested_by_name=names.get(h.requested_by_id),
        assignee_name=names.get(h.assignee_id) if h.assignee_id else None,
        as_of=now, time_left=h.time_left(now), overdue=h.is_overdue(now), sides=sides,
        notes=notes.get(h.id or 0, []), author_names=names) for h, sides in visible]


def ticket_handoffs(uow: UnitOfWork, viewer: Agent, ticket: Ticket,
                    now: datetime) -> list[HandoffView]:
    assert ticket.id is not None
    return handoff_views(uow, viewer, uow.handoffs.for_ticket(ticket.id), now,
                         tickets={ticket.id: ticket}, with_notes=True)
