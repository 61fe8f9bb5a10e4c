"""Routing's periodic work: unattended tickets of agents who went offline (past a grace) or
whose shift ended go back to the queue, then waiting tickets are offered again: to many free
agents at once together (`services/routing_batch.py`), then one by one, most urgent first,
with the relaxations their wait has earned (recorded in their decisions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hubdesk.domain.events import Actor
from hubdesk.services.ports import UnitOfWorkFactory
from hubdesk.services.routing import route_ticket
from hubdesk.services.routing_batch import assign_in_batch
from hubdesk.services.routing_records import WaitingTicket
from hubdesk.services.routing_roster import settings_in
from hubdesk.services.tickets import flush_events

# The sweep looks at waiting tickets a page at a time, and at most this many pages per run.
MAX_REOFFERED = 200
MAX_PAGES = 10
# A ticket found unroutable is looked at again once this long has passed even if no profile
# or configuration changed (an agent's activation or teams carry no change time).
SETTLED_FOR = timedelta(hours=1)


@dataclass(frozen=True)
class SweepResult:
    returned: int
    routed: int
    still_waiting: int


def return_unattended(uows: UnitOfWorkFactory, *, now: datetime) -> int:
    """Unassign routed tickets (never locked ones) that agents gone offline or off shift have
    not answered; their units go back by the assignment handler."""
    with uows() as uow:
        grace = timedelta(seconds=settings_in(uow).offline_grace_s)
        gone = [row.agent_id for row in uow.routing.agents()
                if not row.active or (row.presence == "offline" and
                                      now - row.presence_since >= grace)
                or (row.shift_ends_at is not None and row.shift_ends_at <= now)]
        returned = 0
        for ticket_id in uow.routing.unattended(gone):
            ticket = uow.tickets.get(ticket_id, for_update=True)
            if ticket is None or ticket.assignee_id is None:
                continue
            ticket.update(Actor.system(), now, assignee_id=None)
            uow.tickets.save(ticket)
            flush_events(uow, ticket)
            returned += 1
        uow.commit()
    return returned


def reoffer_waiting(uows: UnitOfWorkFactory, *, now: datetime,
                    limit: int = MAX_REOFFERED) -> tuple[int, int]:
    """Offer waiting tickets again, most urgent first, each in its own transaction, a page of
    ``limit`` at a time (at most `MAX_PAGES` pages), until nobody is available. Tickets
    found unroutable since the roster or the configuration last changed (and within the last
    `SETTLED_FOR`) are passed over unless they changed themselves: nothing could have made
    them servable, and they would crowd out work that can be served. Returns (routed, still
    waiting among those looked at)."""
    with uows(write=False) as uow:
        vip_levels = settings_in(uow).vip_levels
        changed = uow.routing.roster_changed_at()
        since = max(changed, now - SETTLED_FOR) if changed is not None else now - SETTLED_FOR
        if not uow.routing.agents(available_only=True):
            return 0, len(uow.routing.waiting(limit, with_state=False, settled_since=since))
    # Many free agents and many waiting tickets at once: together first, optimally.
    routed = assign_in_batch(uows, now=now, limit=limit, settled_since=since)
    looked_at = routed
    after: WaitingTicket | None = None
    for _ in range(MAX_PAGES):
        with uows(write=False) as uow:
            page = uow.routing.waiting(limit, with_state=False, vip_levels=vip_levels,
                                       after=after, settled_since=since)
        for waiting in page:
            looked_at += 1
            decision = route_ticket(uows, None, waiting.ticket_id, now=now,
                                    record_unchanged=False)
            if decision is not None and decision.agent_id is not None:
                routed += 1
                if not _anyone_free(uows):
                    return routed, looked_at - routed
        if len(page) < limit:
            break
        after = page[-1]
    return routed, looked_at - routed


def _anyone_free(uows: UnitOfWorkFactory) -> bool:
    with uows(write=False) as uow:
        return bool(uow.routing.agents(available_only=True))


def sweep(uows: UnitOfWorkFactory, *, now: datetime) -> SweepResult:
    returned = return_unattended(uows, now=now)
    routed, waiting = reoffer_waiting(uows, now=now)
    return SweepResult(returned, routed, waiting)
