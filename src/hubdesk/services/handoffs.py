"""Handoff use cases: open, work, answer and close a department's part of a ticket.

Each is one transaction. A handoff's changes are events of its parent ticket, written through
`flush_events` like every ticket change; the parent ticket's row is locked first, so opening a
blocking handoff and solving the ticket can never interleave.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from hubdesk.domain.agents import Agent, active_coordinator_ids
from hubdesk.domain.calendars import BusinessCalendar, check_reachable
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.events import Actor, EventKind, TicketEvent
from hubdesk.domain.handoff_ladders import Notify, OlaStep, ladder_from_form
from hubdesk.domain.handoffs import (
    MAX_NOTE_LENGTH,
    Handoff,
    HandoffNote,
    HandoffStatus,
    Ola,
    SendBackCause,
    Side,
    check_may_solve,
    clean_text,
    record_transition,
)
from hubdesk.domain.messages import Message
from hubdesk.domain.permissions import (
    TicketAction,
    check_handoff,
    check_may_configure_olas,
    check_may_hand_off,
    handoff_departments,
)
from hubdesk.domain.tickets import Status, Ticket
from hubdesk.services.handoff_views import handoff_views
from hubdesk.services.intake import NO_TOOLS, IntakeTools, mask_line, read_agent_text
from hubdesk.services.messagebus import EventContext, MessageBus
from hubdesk.services.ports import DuplicateKey, UnitOfWork, UnitOfWorkFactory
from hubdesk.services.tickets import flush_events, load_for
from hubdesk.services.views import HandoffView

MAX_QUEUE = 500


@dataclass(frozen=True)
class NewHandoff:
    department_id: int
    request: str
    blocking: bool = False
    assignee_id: int | None = None


@dataclass(frozen=True)
class OlaInput:
    target_minutes: int
    calendar: dict[str, object] | None = None
    lead_id: int | None = None
    coordinator_after_minutes: int = 240
    # The ladder's steps in their plain form (`domain/handoff_ladders.py`); None: the
    # default ladder (the assignee at 75 %, the lead at the deadline, the coordinators
    # coordinator_after_minutes later).
    ladder: list[dict[str, object]] | None = None


def open_handoff(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, new: NewHandoff, *,
                 now: datetime | None = None, tools: IntakeTools = NO_TOOLS) -> HandoffView:
    at = now or utcnow()
    assert actor.id is not None
    request = read_agent_text(tools, clean_text(new.request, "request", MAX_NOTE_LENGTH,
                                                "request")).body
    with uows() as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW)
        check_may_hand_off(actor, ticket)
        handoff = open_on(uow, ticket, NewHandoff(new.department_id, request, new.blocking,
                                                  new.assignee_id),
                          requested_by_id=actor.id, author=Actor.agent(actor.id), at=at)
        view = _finish(uow, actor, ticket, handoff, at)
    return view


def open_on(uow: UnitOfWork, ticket: Ticket, new: NewHandoff, *, requested_by_id: int,
            author: Actor, at: datetime) -> Handoff:
    """Open a handoff on a ticket already loaded (and locked) in ``uow``, once whoever opens
    it was allowed to: a person (`open_handoff`) or an automation rule (`rule_handoffs`).
    The ticket and the handoff are saved by the caller."""
    department = uow.structure.get_department(new.department_id)
    if department is None:
        raise ValidationFailed(f"department {new.department_id} does not exist",
                               {"department_id": "unknown"})
    if new.assignee_id is not None:
        _check_member(uow, new.assignee_id, new.department_id)
    handoff = Handoff.open(ticket, department_id=new.department_id,
                           requested_by_id=requested_by_id, request=new.request,
                           blocking=new.blocking, ola=uow.handoffs.ola(new.department_id),
                           at=at, assignee_id=new.assignee_id)
    uow.handoffs.add(handoff)
    ticket.record(author, EventKind.HANDOFF_OPENED, at, data=handoff.event_data(
        department=department.name,
        due_at=handoff.due_at.isoformat() if handoff.due_at else None,
        assignee_id=handoff.assignee_id))
    return handoff


def add_note(uows: UnitOfWorkFactory, actor: Agent, handoff_id: int, body: str, *,
             now: datetime | None = None, tools: IntakeTools = NO_TOOLS) -> HandoffNote:
    """A note in the handoff's own thread, from either side."""
    at = now or utcnow()
    assert actor.id is not None
    text = read_agent_text(tools, clean_text(body, "body", MAX_NOTE_LENGTH, "note")).body
    with uows() as uow:
        _, handoff = _load(uow, actor, handoff_id, None)
        if handoff.is_final:
            raise ValidationFailed("the handoff is finished; open a new one to ask again",
                                   {"handoff": "finished"})
        note = HandoffNote(None, handoff_id, actor.id, text, at)
        uow.handoffs.add_note(note)
        handoff.updated_at = at
        uow.handoffs.save(handoff)
        uow.commit()
    return note


def transition(uows: UnitOfWorkFactory, actor: Agent, handoff_id: int, status: HandoffStatus,
               text: str | None = None, *, cause: SendBackCause | None = None,
               now: datetime | None = None, tools: IntakeTools = NO_TOOLS) -> HandoffView:
    """Move a handoff along its lifecycle. The department's answer comes back to the ticket's
    owner: as an event naming whom to notify, and as an internal note on the ticket. Sending
    an answer back needs its ``cause``, recorded on the event for the turnaround report."""
    at = now or utcnow()
    assert actor.id is not None
    if text is not None:
        text = (mask_line(tools, text) if status is HandoffStatus.REJECTED
                else read_agent_text(tools, text).body)
    with uows() as uow:
        probe = _find(uow, handoff_id)
        ticket = _lock_ticket(uow, probe.ticket_id)
        handoff = _visible(uow, actor, handoff_id, ticket)
        check_handoff(actor, handoff, ticket, handoff.side_of(status))
        before = handoff.status
        handoff.transition(status, at, text, cause)
        author = Actor.agent(actor.id)
        if status is HandoffStatus.ANSWERED:
            message = _answer_note(uow, ticket, handoff, author, at)
            owner = ticket.assignee_id or handoff.requested_by_id
            record_transition(ticket, handoff, before, author, at, answer=handoff.answer,
                              message_id=message.id, notify_agent_ids=[owner])
        elif status is HandoffStatus.REJECTED:
            record_transition(ticket, handoff, before, author, at,
                              reason=handoff.rejection_reason,
                              notify_agent_ids=[ticket.assignee_id or handoff.requested_by_id])
        elif cause is not None:
            record_transition(ticket, handoff, before, author, at, cause=cause.value)
        else:
            record_transition(ticket, handoff, before, author, at)
        view = _finish(uow, actor, ticket, handoff, at)
    return view


def assign_handoff(uows: UnitOfWorkFactory, actor: Agent, handoff_id: int,
                   assignee_id: int | None, *, now: datetime | None = None) -> HandoffView:
    """Who in the department works the handoff: its members decide."""
    at = now or utcnow()
    assert actor.id is not None
    with uows() as uow:
        probe = _find(uow, handoff_id)
        ticket = _lock_ticket(uow, probe.ticket_id)
        handoff = _visible(uow, actor, handoff_id, ticket)
        check_handoff(actor, handoff, ticket, Side.DEPARTMENT)
        if handoff.is_final:
            raise ValidationFailed("the handoff is finished", {"handoff": "finished"})
        if assignee_id is not None:
            _check_member(uow, assignee_id, handoff.department_id)
        before, handoff.assignee_id, handoff.updated_at = handoff.assignee_id, assignee_id, at
        ticket.record(Actor.agent(actor.id), EventKind.HANDOFF_UPDATED, at,
                      changes={"handoff_assignee_id": (before, assignee_id)},
                      data=handoff.event_data())
        view = _finish(uow, actor, ticket, handoff, at)
    return view


def get_handoff(uows: UnitOfWorkFactory, actor: Agent, handoff_id: int, *,
                now: datetime | None = None) -> HandoffView:
    with uows(write=False) as uow:
        probe = _find(uow, handoff_id)
        ticket = uow.tickets.get(probe.ticket_id)
        assert ticket is not None
        check_handoff(actor, probe, ticket)
        return handoff_views(uow, actor, [probe], now or utcnow(),
                             tickets={probe.ticket_id: ticket}, with_notes=True)[0]


def ticket_handoffs(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, *,
                    now: datetime | None = None) -> list[HandoffView]:
    """The ticket's handoffs the caller may see (a liaison: its departments' only)."""
    with uows(write=False) as uow:
        ticket = uow.tickets.get(ticket_id)
        handoffs = uow.handoffs.for_ticket(ticket_id) if ticket is not None else []
        views = handoff_views(uow, actor, handoffs, now or utcnow(),
                              tickets={ticket_id: ticket} if ticket else {}, with_notes=True)
        if not views:  # reveal nothing about a ticket the caller may not see
            load_for(uow, actor, ticket_id, TicketAction.VIEW, for_update=False)
        return views


def department_queue(uows: UnitOfWorkFactory, actor: Agent, *,
                     department_id: int | None = None,
                     statuses: tuple[HandoffStatus, ...] = (), limit: int = 100,
                     now: datetime | None = None) -> list[HandoffView]:
    """A department's handoffs, due first: the queue liaisons work from."""
    if not 1 <= limit <= MAX_QUEUE:
        raise ValidationFailed(f"limit must be between 1 and {MAX_QUEUE}",
                               {"limit": "out of range"})
    allowed = handoff_departments(actor)
    wanted: frozenset[int] | None = allowed
    if department_id is not None:
        if allowed is not None and department_id not in allowed:
            raise NotFound(f"department {department_id} has no queue you may see")
        wanted = frozenset({department_id})
    with uows(write=False) as uow:
        handoffs = uow.handoffs.queue(wanted, statuses, limit) if wanted != frozenset() else []
        return handoff_views(uow, actor, handoffs, now or utcnow())


def set_ola(uows: UnitOfWorkFactory, actor: Agent, department_id: int,
            data: OlaInput | None, *, now: datetime | None = None) -> Ola | None:
    """Set (or, with None, remove) a department's OLA; open handoffs keep their deadlines."""
    check_may_configure_olas(actor)
    ola = ola_of(data)
    with uows() as uow:
        if uow.structure.get_department(department_id) is None:
            raise NotFound(f"department {department_id} was not found")
        set_ola_on(uow, department_id, ola, now or utcnow())
        uow.commit()
    return ola


def ola_of(data: OlaInput | None) -> Ola | None:
    """The OLA as given, validated as far as it can be without the store."""
    if data is None:
        return None
    ola = Ola.of_minutes(data.target_minutes, data.coordinator_after_minutes,
                         calendar=_calendar(data.calendar), lead_id=data.lead_id)
    if data.ladder is None:
        return ola
    return replace(ola, ladder=ladder_from_form(data.ladder, ola.target))


def set_ola_on(uow: UnitOfWork, department_id: int, ola: Ola | None, at: datetime) -> None:
    """Store an existing department's OLA in ``uow``'s transaction; its lead must be an
    active agent, and its longest wait must end on its calendar."""
    if ola is not None:
        check_reachable(ola.business_calendar, at, ola.longest_wait(), "target_minutes",
                        "the OLA's deadline or a step of its ladder")
    if ola is not None and ola.lead_id is not None:
        lead = uow.agents.get(ola.lead_id)
        if lead is None or not lead.active:
            raise ValidationFailed("the department lead must be an active agent",
                                   {"lead_id": "unknown"})
    uow.handoffs.set_ola(department_id, ola, at)


def _calendar(form: dict[str, object] | None) -> BusinessCalendar | None:
    """The calendar of an OLA; its problems are named as fields of ``calendar``."""
    if form is None:
        return None
    try:
        return BusinessCalendar.from_dict(form)
    except ValidationFailed as error:
        raise ValidationFailed(f"the calendar is not valid: {error}",
                               {f"calendar.{name}": problem
                                for name, problem in error.fields.items()}) from error


def get_ola(uows: UnitOfWorkFactory, actor: Agent, department_id: int) -> Ola | None:
    with uows(write=False) as uow:
        if uow.structure.get_department(department_id) is None:
            raise NotFound(f"department {department_id} was not found")
        return uow.handoffs.ola(department_id)


# --- the escalation ladder, run by the periodic job (jobs/handoffs.py) ----------------------

def climb_ladders(uows: UnitOfWorkFactory, now: datetime, limit: int = 200) -> int:
    """Fire every ladder step due by ``now``; returns how many fired. Safe to run twice and on
    several workers at once: each handoff is re-read under its ticket's lock, and a step's
    firing row has a primary key (handoff, level), so a step fires once."""
    with uows(write=False) as uow:
        due = uow.handoffs.due_for_escalation(now, limit)
    fired = 0
    for handoff_id in due:
        try:
            fired += _climb(uows, handoff_id, now)
        except DuplicateKey:
            continue  # another worker fired it in the meantime
    return fired


def _climb(uows: UnitOfWorkFactory, handoff_id: int, now: datetime) -> int:
    with uows() as uow:
        probe = _find(uow, handoff_id)
        ticket = _lock_ticket(uow, probe.ticket_id)
        handoff = _find(uow, handoff_id, for_update=True)
        steps = handoff.due_steps(now)
        if not steps:
            return 0
        assert handoff.id is not None
        for level, step in steps:
            notify = _recipients(uow, handoff, step)
            uow.handoffs.record_firing(handoff.id, level, step, {"agent_ids": notify}, now)
            ticket.record(Actor.system(), EventKind.HANDOFF_ESCALATED, now,
                          data=handoff.event_data(
                              step=step.name, level=level, at_percent=step.at_percent,
                              warning=step.is_warning,
                              notify=[n.value for n in step.notify], notify_agent_ids=notify,
                              due_at=handoff.due_at.isoformat() if handoff.due_at else None))
        handoff.climb([level for level, _ in steps], now)
        uow.handoffs.save(handoff)
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        uow.commit()
    return len(steps)


def _recipients(uow: UnitOfWork, handoff: Handoff, step: OlaStep) -> list[int]:
    """Whom ``step`` tells, each once (the notifications reach only the active ones)."""
    found: list[int] = []
    if Notify.ASSIGNEE in step.notify and handoff.assignee_id is not None:
        found.append(handoff.assignee_id)
    lead = handoff.ola.lead_id if handoff.ola else None
    if Notify.DEPARTMENT_LEAD in step.notify and lead is not None:
        found.append(lead)
    if Notify.COORDINATORS in step.notify:
        found += sorted(active_coordinator_ids(uow.agents.all()))
    return list(dict.fromkeys(found))


# --- the rule that a blocking handoff holds the ticket open ---------------------------------

def refuse_solving_while_blocked(event: TicketEvent, context: EventContext) -> None:
    """In the transaction of every status change: solving a ticket that waits on a blocking
    handoff is refused, whoever or whatever solves it, and the change rolls back."""
    changed = event.changes.get("status")
    if changed is None or changed[1] != Status.SOLVED.value or context.ticket.id is None:
        return
    check_may_solve(context.uow.handoffs.for_ticket(context.ticket.id))


def register(bus: MessageBus) -> None:
    bus.on(EventKind.STATUS_CHANGED, refuse_solving_while_blocked)


# --- helpers --------------------------------------------------------------------------------

def _find(uow: UnitOfWork, handoff_id: int, *, for_update: bool = False) -> Handoff:
    handoff = uow.handoffs.get(handoff_id, for_update=for_update)
    if handoff is None:
        raise NotFound(f"handoff #{handoff_id} was not found")
    return handoff


def _lock_ticket(uow: UnitOfWork, ticket_id: int) -> Ticket:
    ticket = uow.tickets.get(ticket_id, for_update=True)
    assert ticket is not None  # a handoff's ticket is never deleted
    return ticket


def _visible(uow: UnitOfWork, actor: Agent, handoff_id: int, ticket: Ticket) -> Handoff:
    """The handoff re-read under its ticket's lock, if the actor may see it."""
    handoff = _find(uow, handoff_id, for_update=True)
    check_handoff(actor, handoff, ticket)
    return handoff


def _load(uow: UnitOfWork, actor: Agent, handoff_id: int,
          side: Side | None) -> tuple[Ticket, Handoff]:
    probe = _find(uow, handoff_id)
    ticket = _lock_ticket(uow, probe.ticket_id)
    handoff = _visible(uow, actor, handoff_id, ticket)
    if side is not None:
        check_handoff(actor, handoff, ticket, side)
    return ticket, handoff


def _check_member(uow: UnitOfWork, agent_id: int, department_id: int) -> None:
    agent = uow.agents.get(agent_id)
    if agent is None or not agent.active or department_id not in agent.department_ids:
        raise ValidationFailed("the assignee must be an active member of the department",
                               {"assignee_id": "not a member"})


def _answer_note(uow: UnitOfWork, ticket: Ticket, handoff: Handoff, author: Actor,
                 at: datetime) -> Message:
    """The answer as an internal note on the ticket, where its owner works."""
    assert ticket.id is not None
    department = uow.structure.get_department(handoff.department_id)
    name = department.name if department else f"department #{handoff.department_id}"
    message = Message(id=None, ticket_id=ticket.id, author=author, public=False,
                      body=f"{name} answered handoff #{handoff.id}:\n\n{handoff.answer}",
                      created_at=at)
    uow.tickets.add_message(message)
    uow.tickets.index_text(ticket.id, message.body)
    return message


def _finish(uow: UnitOfWork, actor: Agent, ticket: Ticket, handoff: Handoff,
            at: datetime) -> HandoffView:
    """Save the handoff and its ticket, write the events, commit, and answer with the view."""
    uow.handoffs.save(handoff)
    uow.tickets.save(ticket)
    flush_events(uow, ticket)
    view = handoff_views(uow, actor, [handoff], at, tickets={handoff.ticket_id: ticket},
                         with_notes=True)[0]
    uow.commit()
    return view
