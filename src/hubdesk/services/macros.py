"""Macros: managed by administrators, managers and team leads; listed to the agents who may use
them; filled in for one ticket for the reply box (the agent edits before sending)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.macros import Macro, check_may_manage, visible_to
from hubdesk.domain.permissions import TicketAction
from hubdesk.domain.rules.templates import ticket_values
from hubdesk.domain.tickets import Status, Ticket
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.tickets import load_for


@dataclass(frozen=True)
class FilledMacro:
    macro: Macro
    text: str  # the reply, placeholders filled for this ticket and agent
    then_status: Status | None
    add_tags: tuple[str, ...]


def usable_in(uow: UnitOfWork, actor: Agent) -> list[Macro]:
    """The desk's macros and those of the agent's teams (every macro for who sees every team)."""
    return [m for m in uow.macros.all() if visible_to(actor, m)]


def list_macros(uows: UnitOfWorkFactory, actor: Agent) -> list[Macro]:
    with uows(write=False) as uow:
        return usable_in(uow, actor)


def _team_known(uow: UnitOfWork, team_id: int | None) -> None:
    if team_id is not None and not uow.structure.team_exists(team_id):
        raise ValidationFailed(f"team {team_id} does not exist", {"team_id": "unknown"})


def create_macro(uows: UnitOfWorkFactory, actor: Agent, macro: Macro, *,
                 now: datetime) -> Macro:
    check_may_manage(actor, macro.team_id)
    with uows() as uow:
        _team_known(uow, macro.team_id)
        created = replace(macro, id=uow.macros.add(macro, now))
        uow.commit()
    return created


def _existing(uow: UnitOfWork, actor: Agent, macro_id: int) -> Macro:
    found = uow.macros.get(macro_id)
    if found is None or not visible_to(actor, found):
        raise NotFound(f"macro {macro_id} was not found")
    return found


def update_macro(uows: UnitOfWorkFactory, actor: Agent, macro_id: int, macro: Macro, *,
                 now: datetime) -> Macro:
    with uows() as uow:
        check_may_manage(actor, _existing(uow, actor, macro_id).team_id)
        check_may_manage(actor, macro.team_id)
        _team_known(uow, macro.team_id)
        changed = replace(macro, id=macro_id)
        uow.macros.save(changed, now)
        uow.commit()
    return changed


def delete_macro(uows: UnitOfWorkFactory, actor: Agent, macro_id: int) -> None:
    with uows() as uow:
        check_may_manage(actor, _existing(uow, actor, macro_id).team_id)
        uow.macros.delete(macro_id)
        uow.commit()


def fill_in(uow: UnitOfWork, actor: Agent, ticket: Ticket, macro_id: int) -> FilledMacro:
    """The macro's reply for a ticket the caller may answer, as they would send it."""
    macro = _existing(uow, actor, macro_id)
    customer = uow.customers.get(ticket.requester_id)
    values = ticket_values(ticket.id or 0, ticket.subject, ticket.status.value,
                           ticket.priority.value, customer.name if customer else None,
                           actor.name)
    return FilledMacro(macro, macro.fill(values), macro.then_status, macro.add_tags)


def fill_macro(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int,
               macro_id: int) -> FilledMacro:
    with uows(write=False) as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.PUBLIC_REPLY, for_update=False)
        return fill_in(uow, actor, ticket, macro_id)
