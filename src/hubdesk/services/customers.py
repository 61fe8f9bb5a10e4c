"""The customer page: who the customer is and every ticket of theirs the caller may see,
read in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field

from hubdesk.domain.agents import Agent, Team
from hubdesk.domain.customers import Customer, Organisation
from hubdesk.domain.errors import NotFound
from hubdesk.domain.permissions import DirectoryKind, check_directory_read, ticket_scope
from hubdesk.services.ports import UnitOfWorkFactory
from hubdesk.services.routing_records import AgentExclusion
from hubdesk.services.views import Page, TicketFilter, TicketOrder

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
        tickets = uow.tickets.page(
            ticket_scope(actor), TicketFilter(requester_id=customer_id,
                                              order=TicketOrder.CREATED),
            MAX_TICKETS_SHOWN, cursor, reader_id=actor.id)
        if not actor.oversees_everything:
            return CustomerScreen(customer, organisation, tickets)
        exclusions = uow.exclusions.of_customer(customer_id)
        taken = {exclusion.agent_id for exclusion in exclusions}
        excludable = [agent for agent in uow.agents.all()
                      if agent.active and agent.id not in taken]
        return CustomerScreen(customer, organisation, tickets, exclusions, excludable)


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
        tickets = uow.tickets.page(
            ticket_scope(actor), TicketFilter(organisation_id=organisation_id,
                                              order=TicketOrder.CREATED),
            MAX_TICKETS_SHOWN, cursor, reader_id=actor.id)
    return OrganisationScreen(organisation, members[:MAX_MEMBERS_SHOWN],
                              len(members) > MAX_MEMBERS_SHOWN, tickets)


@dataclass(frozen=True)
class NewTicketChoices:
    teams: list[Team]
    customer: Customer | None  # the known customer the ticket is for, when given


def new_ticket_choices(uows: UnitOfWorkFactory, actor: Agent,
                       customer_id: int | None) -> NewTicketChoices:
    """What the console's new-ticket form offers, read in one unit of work."""
    if customer_id is not None:
        check_directory_read(actor, DirectoryKind.CUSTOMERS)
    with uows(write=False) as uow:
        customer = uow.customers.get(customer_id) if customer_id is not None else None
        if customer_id is not None and customer is None:
            raise NotFound(f"customer {customer_id} was not found")
        return NewTicketChoices(sorted(uow.structure.teams(), key=lambda t: t.name), customer)
