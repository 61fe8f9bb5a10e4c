"""The ticket workspace: everything one ticket's page shows, read in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field

from hubdesk.domain.agents import Agent, Department, Role, Team
from hubdesk.domain.clock import utcnow
from hubdesk.domain.macros import Macro
from hubdesk.domain.permissions import TicketAction, allowed_actions
from hubdesk.domain.satisfaction import Survey
from hubdesk.domain.tickets import UNRESOLVED
from hubdesk.domain.triage import SimilarTicket
from hubdesk.services.customers import CustomerPanel, customer_panel
from hubdesk.services.macros import FilledMacro, fill_in, usable_in
from hubdesk.services.ports import SimilarityFinder, UnitOfWorkFactory
from hubdesk.services.related import SolvedExample, solved_before
from hubdesk.services.routing_view import RoutingView, routing_view
from hubdesk.services.tickets import detail_of, likely_duplicates, load_for
from hubdesk.services.views import StoredEvent, TicketDetail


@dataclass(frozen=True)
class TicketWorkspace:
    detail: TicketDetail
    history: list[StoredEvent]
    duplicates: list[SimilarTicket] = field(default_factory=list)
    solved_before: list[SolvedExample] = field(default_factory=list)
    # How agents corrected triage: (message id, verdict) → value.
    corrections: dict[tuple[int, str], bool] = field(default_factory=dict)
    agents: list[Agent] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    # Why the ticket is where it is, and the assignee picker's ranking.
    routing: RoutingView | None = None
    # The macros the caller may use here, and the one asked for filled in.
    macros: list[Macro] = field(default_factory=list)
    filled: FilledMacro | None = None
    # The requester, their other open tickets and their history, as the reader may see them.
    customer: CustomerPanel | None = None
    # The customer's answer to the satisfaction survey, if one was offered.
    satisfaction: Survey | None = None

    @property
    def allowed(self) -> frozenset[TicketAction]:
        return self.detail.allowed_actions


def ticket_workspace(uows: UnitOfWorkFactory, finder: SimilarityFinder | None, actor: Agent,
                     ticket_id: int, *, blocking_roles: frozenset[Role],
                     macro_id: int | None = None) -> TicketWorkspace:
    """The ticket, its conversation and history, its requester with their other tickets,
    likely duplicates, similar solved tickets, triage corrections, the people and groups it
    may be given to, the macros the caller may reply with (``macro_id`` filled in, if it is
    one of them), and what the caller may do: one transaction, one permission check. Its one
    write marks the conversation read by the caller up to its last message (the queue's
    "Unread" is per agent); on SQLite that makes the page a writer for its read, the price of
    not opening a second transaction."""
    assert actor.id is not None
    with uows() as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW, for_update=False)
        detail = detail_of(uow, ticket, viewer=actor)
        detail.allowed_actions = allowed_actions(actor, ticket, blocking_roles=blocking_roles)
        now = utcnow()
        still_open = ticket.status in UNRESOLVED and ticket.merged_into_id is None
        macros = usable_in(uow, actor) \
            if TicketAction.PUBLIC_REPLY in detail.allowed_actions else []
        filled = fill_in(uow, actor, ticket, macro_id) \
            if macro_id is not None and macro_id in {m.id for m in macros} else None
        space = TicketWorkspace(
            detail=detail, history=uow.tickets.events(ticket_id),
            duplicates=likely_duplicates(uow, finder, actor, ticket) if still_open else [],
            solved_before=solved_before(uow, finder, actor, ticket) if still_open else [],
            corrections=uow.tickets.corrections(ticket_id),
            agents=uow.agents.all(), teams=uow.structure.teams(),
            departments=uow.structure.departments(),
            routing=routing_view(uow, ticket, detail.requester.tier.value, now),
            macros=macros, filled=filled,
            customer=customer_panel(uow, actor, ticket, detail.requester, now),
            satisfaction=uow.satisfaction.get(ticket_id))
        seen = [m.id for m in detail.messages if m.id is not None]
        if seen:
            uow.reads.mark(actor.id, ticket_id, max(seen), now)
        uow.commit()
    return space
