"""Many free agents and many waiting tickets at once (a shift starting, an outage over, the
desk's needs relaxed): the sweep gives them out together, optimally, instead of one by one.

One by one, each ticket takes the best agent left at its turn, and an early ticket can take
the only agent a later one could have had. The batch scores every pair by the routing policy
and maximises the total (`routing/batch.py` `assign_optimal`). It is decided on a snapshot;
each assignment is then made in its own transaction, checked again against the ticket and
the agent as they are by then, and the units taken by the conditional claim: one that no
longer fits is left to the one-by-one offers that follow.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hubdesk.domain.events import Actor
from hubdesk.domain.routing import Router, instant
from hubdesk.domain.tickets import Status
from hubdesk.routing.batch import BatchResult, assign_optimal
from hubdesk.services.ports import UnitOfWorkFactory
from hubdesk.services.routing import escalated_tier, fits_now, give_ticket, waiting_of
from hubdesk.services.routing_records import TicketRoutingState
from hubdesk.services.routing_roster import available_roster, requirements_for, settings_in

# At least this many free agents and this many waiting tickets: the smallest case where
# one-by-one can leave a ticket unserved that an assignment of all at once would serve.
BATCH_AT_LEAST = 2
BATCH = "batch"


def assign_in_batch(uows: UnitOfWorkFactory, *, now: datetime, limit: int,
                    settled_since: datetime | None = None) -> int:
    """Give the most urgent ``limit`` waiting tickets to the free agents together, when there
    are at least `BATCH_AT_LEAST` of each; returns how many were given."""
    with uows(write=False) as uow:
        settings = settings_in(uow)
        roster = available_roster(uow, settings, now)
        if len(roster.states) < BATCH_AT_LEAST:
            return 0
        page = uow.routing.waiting(limit, vip_levels=settings.vip_levels,
                                   settled_since=settled_since)
        if len(page) < BATCH_AT_LEAST:
            return 0
        excluded = uow.exclusions.agent_ids(w.requester_id for w in page)
        needs = [requirements_for(uow, settings, w, w.state.difficult if w.state else False,
                                  now, excluded=excluded.get(w.requester_id, frozenset()))
                 for w in page]
    result = assign_optimal(Router(roster, settings.policy), needs, instant(now))
    context = _context(result, len(needs), len(roster.states))
    return sum(_give_chosen(uows, ticket_id, agent_id, now, context)
               for ticket_id, agent_id in result.assignments)


def _context(result: BatchResult, tickets: int, agents: int) -> dict[str, object]:
    return {"batch": {"tickets": tickets, "agents": agents,
                      "assigned": len(result.assignments),
                      "total_score": round(result.total_score, 4)}}


def _give_chosen(uows: UnitOfWorkFactory, ticket_id: int, agent_id: int, now: datetime,
                 context: dict[str, object]) -> bool:
    """The batch's choice, made if the ticket still waits and the agent may still take it."""
    with uows() as uow:
        ticket = uow.tickets.get(ticket_id, for_update=True)
        state = uow.routing.ticket_state(ticket_id) or TicketRoutingState(ticket_id)
        if ticket is None or ticket.assignee_id is not None or state.locked \
                or ticket.status not in (Status.NEW, Status.OPEN) \
                or ticket.merged_into_id is not None:
            return False
        settings = settings_in(uow)
        roster = available_roster(uow, settings, now, agent_ids=[agent_id])
        if agent_id not in roster.states:
            return False
        customer = uow.customers.get(ticket.requester_id)
        waiting = replace(waiting_of(ticket, customer.tier.value if customer else "",
                                     escalated_tier(uow, ticket)), state=state)
        needs = requirements_for(uow, settings, waiting, state.difficult, now)
        if not fits_now(settings, roster, agent_id, needs, now) or give_ticket(
                uow, settings, roster, agent_id, waiting, needs, now, BATCH, Actor.system(),
                context) is None:
            return False
        uow.commit()
    return True
