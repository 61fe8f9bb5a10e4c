"""The customer page: who the customer is and every ticket of theirs the caller may see,
read in one unit of work; the same customer as the ticket page's panel shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hubdesk.domain.agents import Agent, Team
from hubdesk.domain.customers import Customer, Organisation, search_spelling
from hubdesk.domain.errors import NotFound
from hubdesk.domain.permissions import (
    DirectoryKind,
    check_directory_read,
    may_read_directory,
    ticket_scope,
)
from hubdesk.domain.tickets import UNRESOLVED, Status, Ticket
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.routing_records import AgentExclusion
from hubdesk.services.sla_reads import ClockView, page_deadlines
from hubdesk.services.tickets import visible_page
from hubdesk.services.views import Page, TicketFilter, TicketOrder, TicketRow

MAX_TICKETS_SHOWN = 200


@dataclass(frozen=True)
class CustomerScreen:
    customer: Customer
    organisation: Organisation | None
    tickets: Page  # newest first, within the caller's scope
    # Agents the customer asked not to be served by, and the active agents one may add;
    # None for a caller who may not manage them (coordinators, managers, administrators may).
    exclusions: list[AgentExclusion] | None = None
    excludable: list[Agent] = field(default_factory=list)


def customer_screen(uows: UnitOfWorkFactory, actor: Agent, customer_id: int, *,
                    cursor: str | None = None) -> CustomerScreen:
    check_directory_read(actor, DirectoryKind.CUSTOMERS)
    with uows(write=False) as uow:
        customer = uow.customers.get(customer_id)
        if customer is None:
            raise NotFound(f"customer {customer_id} was not found")
        organisation = (uow.customers.get_organisation(customer.organisation_id)
                        if customer.organisation_id is not None else None)
        tickets = tickets_of(uow, actor, customer_id, MAX_TICKETS_SHOWN, cursor=cursor,
                             order=TicketOrder.CREATED)
        if not actor.oversees_everything:
            return CustomerScreen(customer, organisation, tickets)
        exclusions = uow.exclusions.of_customer(customer_id)
        taken = {exclusion.agent_id for exclusion in exclusions}
        excludable = [agent for agent in uow.agents.all()
                      if agent.active and agent.id not in taken]
        return CustomerScreen(customer, organisation, tickets, exclusions, excludable)


def tickets_of(uow: UnitOfWork, actor: Agent, customer_id: int, limit: int, *,
               cursor: str | None = None, order: TicketOrder = TicketOrder.UPDATED,
               status: tuple[Status, ...] = ()) -> Page:
    """A page of the customer's tickets that ``actor`` may see: the ticket lists' own scope
    (`ticket_scope`), so a liaison or an agent outside a ticket's team never finds it here."""
    return visible_page(uow, actor, TicketFilter(
        requester_id=customer_id, status=status, order=order), limit, cursor)


OTHERS_SHOWN = 5
HISTORY_SHOWN = 5
FINISHED = (Status.SOLVED, Status.CLOSED)


@dataclass(frozen=True)
class CustomerPanel:
    """The requester beside a ticket's conversation: who they are, their other open tickets
    (at most `OTHERS_SHOWN`, soonest due deadline first) and their latest finished ones,
    all within the reader's scope."""

    customer: Customer
    organisation: Organisation | None
    open_tickets: list[TicketRow]
    more_open: int  # open tickets of theirs beyond those listed
    deadlines: dict[int, ClockView]  # by ticket id, for the open ones listed
    finished: list[TicketRow]  # latest solved or closed first
    total: int  # every ticket of theirs the reader may see, this one included
    # whether the reader may open the customer and organisation pages (not liaisons, who
    # see customers only through their tickets)
    may_open_directory: bool


def customer_panel(uow: UnitOfWork, actor: Agent, ticket: Ticket, customer: Customer,
                   now: datetime) -> CustomerPanel:
    """The ticket page's customer panel, read in the page's own unit of work with a fixed
    number of queries: two pages, one grouped count, the listed tickets' deadlines."""
    assert customer.id is not None
    organisation = (uow.customers.get_organisation(customer.organisation_id)
                    if customer.organisation_id is not None else None)
    counts = uow.tickets.count_by_status(ticket_scope(actor),
                                         TicketFilter(requester_id=customer.id))
    unresolved = tickets_of(uow, actor, customer.id, OTHERS_SHOWN + 1, status=UNRESOLVED,
                            order=TicketOrder.DUE)
    others = [row for row in unresolved.rows if row.id != ticket.id][:OTHERS_SHOWN]
    open_count = sum(counts.get(status, 0) for status in UNRESOLVED)
    this_open = ticket.status in UNRESOLVED
    finished = tickets_of(uow, actor, customer.id, HISTORY_SHOWN, status=FINISHED).rows
    return CustomerPanel(
        customer=customer, organisation=organisation, open_tickets=others,
        more_open=max(0, open_count - int(this_open) - len(others)),
        deadlines=page_deadlines(uow, [row.id for row in others], now),
        finished=finished, total=sum(counts.values()),
        may_open_directory=may_read_directory(actor, DirectoryKind.CUSTOMERS))


MAX_MEMBERS_SHOWN = 200


@dataclass(frozen=True)
class OrganisationScreen:
    organisation: Organisation
    customers: list[Customer]  # by name, at most MAX_MEMBERS_SHOWN
    more_customers: bool
    tickets: Page  # of all its customers, newest first, within the caller's scope


def organisation_screen(uows: UnitOfWorkFactory, actor: Agent, organisation_id: int, *,
                        cursor: str | None = None) -> OrganisationScreen:
    check_directory_read(actor, DirectoryKind.CUSTOMERS)
    with uows(write=False) as uow:
        organisation = uow.customers.get_organisation(organisation_id)
        if organisation is None:
            raise NotFound(f"organisation {organisation_id} was not found")
        members = uow.customers.of_organisation(organisation_id, MAX_MEMBERS_SHOWN + 1)
        tickets = visible_page(uow, actor, TicketFilter(
            organisation_id=organisation_id, order=TicketOrder.CREATED), MAX_TICKETS_SHOWN,
            cursor)
    return OrganisationScreen(organisation, members[:MAX_MEMBERS_SHOWN],
                              len(members) > MAX_MEMBERS_SHOWN, tickets)


MAX_MATCHES_SHOWN = 10


@dataclass(frozen=True)
class NewTicketChoices:
    teams: list[Team]
    customer: Customer | None  # the known customer the ticket is for, when given
    # Known customers whose name, e-mail or phone starts with what was searched for.
    matches: list[Customer] = field(default_factory=list)


def new_ticket_choices(uows: UnitOfWorkFactory, actor: Agent, customer_id: int | None,
                       query: str = "") -> NewTicketChoices:
    """What the console's new-ticket form offers, read in one unit of work: the teams, the
    customer chosen, and the customers matching ``query`` to choose from."""
    query = query.strip()
    if customer_id is not None or query:
        check_directory_read(actor, DirectoryKind.CUSTOMERS)
    with uows(write=False) as uow:
        customer = uow.customers.get(customer_id) if customer_id is not None else None
        if customer_id is not None and customer is None:
            raise NotFound(f"customer {customer_id} was not found")
        matches = uow.customers.page(search_spelling(query), MAX_MATCHES_SHOWN, None) \
            if query else []
        return NewTicketChoices(sorted(uow.structure.teams(), key=lambda t: t.name), customer,
                                matches)
