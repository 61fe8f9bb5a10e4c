"""One person, two customer records (wrote once from work and once from home, called from a
phone nobody linked): merged into one, so their history, tier and "do not route to" wishes
are in one place and routing sees every earlier contact.

The record kept takes the other's identities, tickets and exclusions (`merged_customer`
decides the fields); every ticket moved records the change of requester in its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.customers import Customer, merged_customer
from hubdesk.domain.errors import NotFound
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.permissions import check_may_merge_customers, ticket_scope
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.tickets import flush_events
from hubdesk.services.views import Page, TicketFilter, TicketOrder

MERGED = "customer records merged"  # the reason in each moved ticket's history
SHOWN_BEFORE_MERGING = 20  # of the absorbed customer's tickets, on the confirmation


@dataclass(frozen=True)
class MergePreview:
    kept: Customer
    absorbed: Customer
    result: Customer  # the kept record as it will be
    tickets: Page  # the absorbed customer's newest tickets, all of which will move


@dataclass(frozen=True)
class CustomerMerge:
    customer: Customer  # the kept record, as saved
    absorbed_id: int
    tickets_moved: list[int]


def preview_merge(uows: UnitOfWorkFactory, actor: Agent, kept_id: int,
                  absorbed_id: int) -> MergePreview:
    """What merging ``absorbed_id`` into ``kept_id`` would do, changing nothing."""
    check_may_merge_customers(actor)
    with uows(write=False) as uow:
        kept, absorbed = _pair(uow, kept_id, absorbed_id)
        result = merged_customer(kept, absorbed)
        tickets = uow.tickets.page(ticket_scope(actor), TicketFilter(
            requester_id=absorbed_id, order=TicketOrder.CREATED), SHOWN_BEFORE_MERGING, None)
    return MergePreview(kept, absorbed, result, tickets)


def merge_customers(uows: UnitOfWorkFactory, actor: Agent, kept_id: int, absorbed_id: int, *,
                    now: datetime) -> CustomerMerge:
    """Merge customer ``absorbed_id`` into ``kept_id``, in one transaction; the absorbed
    record is gone afterwards."""
    check_may_merge_customers(actor)
    assert actor.id is not None
    with uows() as uow:
        kept, absorbed = _pair(uow, kept_id, absorbed_id)
        result = merged_customer(kept, absorbed)
        moved = uow.customers.absorb(absorbed_id, kept_id)
        uow.customers.save(result, now)
        if result.blocked is not None and kept.blocked is None:
            uow.customers.set_block(kept_id, result.blocked, now)
        who = Actor.agent(actor.id)
        # Each through the handlers and the outbox, as any change; read in one statement.
        for ticket in uow.tickets.get_many(moved):
            ticket.record(who, EventKind.UPDATED, now,
                          changes={"requester_id": (absorbed_id, kept_id)},
                          data={"reason": MERGED})
            uow.tickets.save(ticket)
            flush_events(uow, ticket)
        uow.commit()
    return CustomerMerge(result, absorbed_id, moved)


def _pair(uow: UnitOfWork, kept_id: int, absorbed_id: int) -> tuple[Customer, Customer]:
    kept = uow.customers.get(kept_id)
    if kept is None:
        raise NotFound(f"customer {kept_id} was not found")
    absorbed = uow.customers.get(absorbed_id)
    if absorbed is None:
        raise NotFound(f"customer {absorbed_id} was not found")
    return kept, absorbed
