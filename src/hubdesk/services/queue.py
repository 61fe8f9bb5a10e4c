"""The queue screen (one read), agents' saved views, and changes to many tickets at once.

A bulk change is one use case per ticket, each in its own transaction with its own permission
check, so one refused ticket never undoes or blocks the others; what failed is reported per
ticket."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from hubdesk.domain.agents import Agent, Department, Team
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import DomainError, NotFound, ValidationFailed
from hubdesk.domain.events import Actor
from hubdesk.domain.permissions import TicketAction
from hubdesk.domain.tickets import Priority, Status
from hubdesk.services.intake import NO_TOOLS, IntakeTools, mask_tags
from hubdesk.services.ports import UnitOfWorkFactory
from hubdesk.services.sla_reads import ClockView, page_deadlines
from hubdesk.services.tickets import (
    TicketChanges,
    flush_events,
    load_for,
    update_ticket,
    visible_page,
)
from hubdesk.services.views import Page, SavedView, TicketFilter

MAX_PAGE_SIZE = 200
MAX_VIEW_NAME = 80
MAX_VIEW_QUERY = 1000
MAX_BULK = 200


@dataclass(frozen=True)
class QueueScreen:
    page: Page
    teams: list[Team] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)
    saved_views: list[SavedView] = field(default_factory=list)
    deadlines: dict[int, ClockView] = field(default_factory=dict)  # by ticket id


def queue_screen(uows: UnitOfWorkFactory, actor: Agent, filters: TicketFilter | None, *,
                 limit: int, cursor: str | None) -> QueueScreen:
    """A page of tickets with what the filters offer (teams, departments, agents) and the
    agent's saved views: one read transaction. No filters: no page, only the rest."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"limit must be between 1 and {MAX_PAGE_SIZE}",
                               {"limit": "out of range"})
    assert actor.id is not None
    with uows(write=False) as uow:
        page = Page([], None)
        if filters is not None:
            page = visible_page(uow, actor, filters, limit, cursor)
        return QueueScreen(page=page, teams=uow.structure.teams(),
                           departments=uow.structure.departments(), agents=uow.agents.all(),
                           saved_views=uow.saved_views.of_agent(actor.id),
                           deadlines=page_deadlines(uow, [r.id for r in page.rows], utcnow()))


def save_view(uows: UnitOfWorkFactory, actor: Agent, name: str, query: str, *,
              now: datetime | None = None) -> SavedView:
    """Name the current queue filters; a view of the same name is replaced."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_VIEW_NAME:
        raise ValidationFailed(f"give the view a name of 1 to {MAX_VIEW_NAME} characters",
                               {"name": "invalid"})
    if len(query) > MAX_VIEW_QUERY:
        raise ValidationFailed("these filters are too long to save", {"query": "too long"})
    assert actor.id is not None
    with uows() as uow:
        view_id = uow.saved_views.put(actor.id, name, query.lstrip("?"), now or utcnow())
        uow.commit()
    return SavedView(view_id, name, query.lstrip("?"))


def delete_view(uows: UnitOfWorkFactory, actor: Agent, view_id: int) -> None:
    assert actor.id is not None
    with uows() as uow:
        if not uow.saved_views.remove(actor.id, view_id):
            raise NotFound(f"saved view {view_id} was not found")
        uow.commit()


def add_tags(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, tags: tuple[str, ...], *,
             now: datetime | None = None, tools: IntakeTools = NO_TOOLS) -> None:
    """Add tags to a ticket, keeping the others (read and written under the row lock)."""
    at = now or utcnow()
    assert actor.id is not None
    masked = mask_tags(tools, tags)
    with uows() as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.EDIT)
        ticket.update(Actor.agent(actor.id), at, tags=(*ticket.tags, *masked))
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
        uow.commit()


class BulkAction(StrEnum):
    ASSIGN = "assign"
    STATUS = "status"
    PRIORITY = "priority"
    TAG = "tag"


@dataclass(frozen=True)
class BulkOutcome:
    changed: list[int]
    failed: list[tuple[int, str]]  # (ticket id, why)


def bulk_change(uows: UnitOfWorkFactory, actor: Agent, ticket_ids: list[int],
                action: BulkAction, value: str, *, now: datetime | None = None,
                tools: IntakeTools = NO_TOOLS) -> BulkOutcome:
    """Apply one change to each ticket through its own use case and permission check."""
    if not ticket_ids:
        raise ValidationFailed("select at least one ticket", {"ticket_ids": "required"})
    if len(ticket_ids) > MAX_BULK:
        raise ValidationFailed(f"select at most {MAX_BULK} tickets", {"ticket_ids": "too many"})
    changes = _changes(action, value)
    changed: list[int] = []
    failed: list[tuple[int, str]] = []
    for ticket_id in dict.fromkeys(ticket_ids):
        try:
            if changes is None:
                add_tags(uows, actor, ticket_id, (value,), now=now, tools=tools)
            else:
                update_ticket(uows, actor, ticket_id, changes, now=now, tools=tools)
        except DomainError as error:
            failed.append((ticket_id, str(error)))
        else:
            changed.append(ticket_id)
    return BulkOutcome(changed, failed)


def _changes(action: BulkAction, value: str) -> TicketChanges | None:
    """The change each ticket gets; None for adding a tag (which keeps the other tags)."""
    try:
        if action is BulkAction.ASSIGN:
            if value and not value.isdigit():
                raise ValueError
            return TicketChanges(frozenset({"assignee_id"}),
                                 assignee_id=int(value) if value else None)
        if action is BulkAction.STATUS:
            return TicketChanges(frozenset({"status"}), status=Status(value))
        if action is BulkAction.PRIORITY:
            return TicketChanges(frozenset({"priority"}), priority=Priority(value))
    except ValueError:
        raise ValidationFailed(f"{value!r} is not a valid {action.value}",
                               {"value": "invalid"}) from None
    if not value.strip():
        raise ValidationFailed("type the tag to add", {"value": "required"})
    return None
