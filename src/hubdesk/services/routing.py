"""Routing use cases: push a ticket to the best eligible agent, pull the next best ticket, and
keep every agent's units in use true as tickets are assigned, solved and reassigned.

Safety under concurrency rests on two things. A ticket is assigned only by a transaction that
holds its row (locked; a brand-new ticket is visible to no one else) and has seen it
unassigned. Units are taken by one conditional statement (`RoutingRepository.claim`: load +
cost <= capacity), never read and then written, and the table's checks refuse a load beyond
capacity or below zero outright. When a claim fails (another process took the units first),
the next candidate is tried.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from functools import partial

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import Conflict, NotFound
from hubdesk.domain.escalation import FRONT_LINE, current_tier
from hubdesk.domain.events import Actor, EventKind, TicketEvent
from hubdesk.domain.permissions import TicketAction
from hubdesk.domain.routing import (
    AgentProfile,
    Presence,
    Relax,
    Roster,
    Router,
    RoutingDecision,
    TicketRequirements,
    first_exclusion,
    instant,
    serves,
)
from hubdesk.domain.routing.reach import reach_of
from hubdesk.domain.tickets import Status, Ticket
from hubdesk.domain.triage import TriageResult
from hubdesk.services.messagebus import EventContext, MessageBus
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.routing_config import RoutingSettings
from hubdesk.services.routing_records import (
    DONE,
    MANUAL,
    ROUTED,
    UNROUTABLE,
    WAITING,
    ServedLines,
    TicketRoutingState,
    WaitingTicket,
)
from hubdesk.services.routing_roster import (
    available_roster,
    desk_routes,
    full_roster,
    requirements_for,
    roster_of,
    settings_in,
)
from hubdesk.services.tickets import detail_of, flush_events, load_for
from hubdesk.services.views import TicketDetail

# Pull mode looks at this many of the most urgent unassigned tickets per batch, and at most
# this many batches: a bounded scan, whatever the backlog.
PULL_BATCH = 25
PULL_BATCHES = 8
# An agent with room is offered at most this many tickets at once (their units bound it first).
MAX_OFFERED = 20
FINISHED = (Status.SOLVED, Status.CLOSED)
FINISHED_VALUES = tuple(status.value for status in FINISHED)
NO_PROFILES = "no agent has a routing profile yet"


def is_difficult(triage: TriageResult | None) -> bool:
    """Triage's reading of the customer: an angry ("difficult contact") or abusive message."""
    if triage is None:
        return False
    return triage.signals.difficult_contact or triage.abuse.abusive


def waiting_of(ticket: Ticket, customer_tier: str, tier: int = FRONT_LINE) -> WaitingTicket:
    return WaitingTicket(ticket_id=ticket.id or 0, channel=ticket.channel.value,
                         priority=ticket.priority.value, category=ticket.category,
                         language=ticket.language, team_id=ticket.team_id,
                         requester_id=ticket.requester_id, customer_tier=customer_tier,
                         created_at=ticket.created_at, state=None, subject=ticket.subject,
                         tier=tier)


def escalated_tier(uow: UnitOfWork, ticket: Ticket) -> int:
    """The tier the ticket was escalated to (a new ticket is at the front line)."""
    return current_tier(uow.handoffs.tier_steps(ticket.id)) if ticket.id is not None \
        else FRONT_LINE


def _choose_and_claim(uow: UnitOfWork, roster: Roster, settings: RoutingSettings,
                      needs: TicketRequirements, now: datetime,
                      mode: str) -> tuple[RoutingDecision, int]:
    """The policy's decision, with the chosen agent's units taken; when another process took
    them first, that agent leaves the roster and the policy decides again."""
    router = Router(roster, settings.policy)
    moment = instant(now)
    while True:
        decision = router.route(needs, moment, mode)
        if decision.agent_id is None:
            return decision, 0
        cost = roster.state(decision.agent_id).profile.channel_costs[needs.channel]
        if uow.routing.claim(decision.agent_id, cost, now):
            return decision, cost
        roster.remove(decision.agent_id)


def _why_waiting(uow: UnitOfWork, settings: RoutingSettings, decision: RoutingDecision,
                 needs: TicketRequirements, now: datetime) -> RoutingDecision | None:
    """Whether nobody at all (whatever their presence or load) could serve the ticket, now or
    at any relaxation step still to come, asked of everyone with a profile: only then is it
    unroutable rather than waiting; the reason given is the one that holds now. None when no
    agent has a routing profile yet (the desk does not route yet)."""
    roster = full_roster(uow, settings, now)
    if not len(roster):
        return None
    policy = settings.policy
    reasons = [roster.never_served_because(policy.relaxed(needs, steps))
               for steps in range(len(needs.relaxations), len(policy.relaxation) + 1)]
    return replace(decision, unroutable=reasons[0] if all(reasons) else None)


def route_in(uow: UnitOfWork, ticket: Ticket, state: TicketRoutingState, customer_tier: str,
             now: datetime, *, mode: str = "push",
             first_contact: bool = False) -> tuple[RoutingDecision, int]:
    """Decide for an unassigned ticket inside the caller's transaction; a chosen agent's
    units are taken and ``state`` says where the ticket stands. The ticket itself is not
    assigned here (see `assign_routed`). ``first_contact``: the customer was created with
    this ticket, so there is no previous agent or exclusion to read."""
    settings = settings_in(uow)
    # Nobody with a routing profile: no previous agent or exclusion can matter either.
    routes = desk_routes(uow)
    fresh = first_contact or not routes
    needs = requirements_for(uow, settings,
                             waiting_of(ticket, customer_tier, escalated_tier(uow, ticket)),
                             state.difficult, now, with_previous=not fresh,
                             excluded=frozenset() if fresh else None)
    roster = available_roster(uow, settings, now) if routes else roster_of((), {}, settings,
                                                                           now)
    decision, cost = _choose_and_claim(uow, roster, settings, needs, now, mode)
    state.relaxations = list(needs.relaxations)
    if decision.agent_id is not None:
        state.state, state.agent_id, state.held = ROUTED, decision.agent_id, cost
        state.assigned_at, state.reason, state.waiting_since = now, None, None
        return decision, cost
    explained = _why_waiting(uow, settings, decision, needs, now) if routes else None
    if explained is None:
        state.state, state.reason = WAITING, NO_PROFILES
        return decision, 0
    decision = explained
    state.state = UNROUTABLE if decision.unroutable else WAITING
    state.reason = decision.unroutable or _waiting_reason(decision)
    state.waiting_since = state.waiting_since or now
    return decision, 0


def _waiting_reason(decision: RoutingDecision) -> str:
    screened = {reason: count for reason, count in decision.screened_out.items() if count}
    excluded = {str(reason): len(agents) for reason, agents in decision.excluded.items()}
    parts = [f"{reason} {count}" for reason, count in {**screened, **excluded}.items()]
    return "no eligible agent is available now" + (f" ({', '.join(parts)})" if parts else "")


def assign_routed(ticket: Ticket, agent_id: int, actor: Actor, now: datetime) -> None:
    """Give the ticket through its own method, so the assignment is recorded as an event."""
    ticket.update(actor, now, assignee_id=agent_id)


def _record(uow: UnitOfWork, ticket_id: int, state: TicketRoutingState,
            decision: RoutingDecision, now: datetime,
            context: dict[str, object] | None = None) -> None:
    uow.routing.put_ticket_state(state, now)
    uow.routing.add_decision(ticket_id, decision.agent_id, decision.mode, state.difficult,
                             {**decision.to_dict(), "ticket_id": ticket_id, **(context or {})},
                             now)


# --- push on arrival: the in-transaction handler -----------------------------------------

def route_on_arrival(event: TicketEvent, context: EventContext) -> None:
    """A new ticket goes to the best eligible agent at once, or waits flagged with why.

    It runs before the new ticket is written (so the assignment is written with it); what
    needs the ticket's id (its routing state and the decision) is written once it has one."""
    ticket, uow = context.ticket, context.uow
    if ticket.assignee_id is not None or ticket.status not in (Status.NEW, Status.OPEN) \
            or ticket.merged_into_id is not None:
        return
    arrival = context.arrival
    tier = arrival.sender.tier.value if arrival is not None else "standard"
    state = TicketRoutingState(ticket_id=0, difficult=is_difficult(
        arrival.triage if arrival is not None else None))
    decision, _ = route_in(uow, ticket, state, tier, event.at,
                           first_contact=arrival is not None and arrival.first_contact)
    if decision.agent_id is not None:
        context.once(_ROUTED_ON_ARRIVAL, lambda: decision.agent_id)
        assign_routed(ticket, decision.agent_id, Actor.system(), event.at)

    def write() -> None:
        assert ticket.id is not None
        state.ticket_id = ticket.id
        _record(uow, ticket.id, state, replace(decision, ticket_id=ticket.id), event.at)

    if state.reason != NO_PROFILES:  # a desk not routing yet keeps no record per ticket
        context.when_stored(write)


# --- keeping units true: the in-transaction handler of assignments and endings -------------

_ROUTED_ON_ARRIVAL = "routing.routed_on_arrival"
_OWNED_OTHERWISE = "routing.owned_otherwise"


def _owned_otherwise(event: TicketEvent, context: EventContext) -> bool:
    """Whether a new ticket was given an owner other than routing's pick on arrival (an
    automation rule's, say), at this event or before: from then on its events are kept true
    once it is stored. Routing's own pick records its state itself (`route_on_arrival`), so
    a ticket routed as usual costs nothing more here."""
    seen: dict[str, bool] = context.once(_OWNED_OTHERWISE, dict)
    routed = context.once(_ROUTED_ON_ARRIVAL, lambda: None)
    if not seen and event.kind in OWNER_CHANGES and "assignee_id" in event.changes \
            and event.changes["assignee_id"][1] != routed:
        seen["yes"] = True
    return bool(seen)


# Events that may change a ticket's assignee: an assignment, and an escalation (which leaves it
# unassigned for the next tier) or de-escalation (which hands it back to its previous owner).
OWNER_CHANGES = (EventKind.ASSIGNED, EventKind.ESCALATED, EventKind.DEESCALATED)


def keep_units_true(event: TicketEvent, context: EventContext) -> None:
    """Units go back when a ticket is solved, closed, merged, reassigned, unassigned or
    escalated; a hand assignment (or a de-escalation back to the previous owner) takes the
    new agent's units when they have room (a coordinator may go beyond capacity by hand:
    then none are held, and the load stays true)."""
    ticket, uow = context.ticket, context.uow
    if ticket.id is None:
        if _owned_otherwise(event, context):
            context.when_stored(partial(keep_units_true, event, context))
        return
    state = uow.routing.ticket_state(ticket.id)
    if event.kind in OWNER_CHANGES and "assignee_id" in event.changes:
        new = event.changes["assignee_id"][1]
        if state is not None and state.agent_id == new:
            return  # routing's own assignment, recorded already
        state = state or TicketRoutingState(ticket.id)
        if new is None:
            _give_back(uow, state)
            state.state, state.waiting_since = WAITING, event.at
            if event.kind is EventKind.ESCALATED:
                state.locked = False  # the lock kept it with an owner it no longer has
        elif state.agent_id is not None and state.agent_id > int(new):
            # Two agents' rows, always locked in id order: two reassignments between the
            # same agents in opposite directions cannot wait for each other.
            _hold_for_manual(uow, ticket, state, int(new), event.at)
        else:
            _give_back(uow, state)
            _hold_for_manual(uow, ticket, state, int(new), event.at)
        uow.routing.put_ticket_state(state, event.at)
    elif state is not None and state.held and (
            ticket.status in FINISHED or ticket.merged_into_id is not None):
        _give_back(uow, state)
        state.state = DONE
        uow.routing.put_ticket_state(state, event.at)


def _give_back(uow: UnitOfWork, state: TicketRoutingState) -> None:
    if state.agent_id is not None and state.held:
        uow.routing.release(state.agent_id, state.held)
    state.agent_id, state.held = None, 0


def _hold_for_manual(uow: UnitOfWork, ticket: Ticket, state: TicketRoutingState,
                     agent_id: int, at: datetime) -> None:
    """Take the new agent's units (when they have room), then give the previous holder's
    back if they are still held."""
    rows = uow.routing.agents(agent_ids=[agent_id])
    cost = rows[0].channel_costs.get(ticket.channel.value) if rows else None
    held = cost if cost is not None and uow.routing.claim(agent_id, cost, at) else 0
    _give_back(uow, state)
    state.state, state.agent_id, state.held = MANUAL, agent_id, held
    state.assigned_at, state.reason, state.waiting_since = at, None, None
    uow.routing.add_decision(ticket.id or 0, agent_id, "manual", state.difficult,
                             {"ticket_id": ticket.id, "agent_id": agent_id, "mode": "manual",
                              "held_units": held, "decided_at": instant(at)}, at)


# --- a ticket escalated (or de-escalated to nobody) goes to an agent of its new tier ------

def route_on_tier_change(event: TicketEvent, context: EventContext) -> None:
    """An escalated ticket, left unassigned, goes at once to the best eligible agent of its
    new tier (never below it), or waits for one; a de-escalated ticket whose previous owner
    is gone is offered to its tier again. Runs after `keep_units_true` gave units back."""
    ticket, uow = context.ticket, context.uow
    if ticket.id is None or ticket.assignee_id is not None \
            or ticket.status not in (Status.NEW, Status.OPEN) \
            or ticket.merged_into_id is not None:
        return
    state = uow.routing.ticket_state(ticket.id) or TicketRoutingState(ticket.id)
    if state.locked:
        return
    customer = uow.customers.get(ticket.requester_id)
    decision, _ = route_in(uow, ticket, state, customer.tier.value if customer else "",
                           event.at)
    if state.reason == NO_PROFILES:
        return  # a desk not routing yet keeps no record per ticket
    _record(uow, ticket.id, state, decision, event.at)
    if decision.agent_id is not None:
        context.once(_ROUTED_ON_ARRIVAL, lambda: decision.agent_id)
        assign_routed(ticket, decision.agent_id, Actor.system(), event.at)


def register(bus: MessageBus, *, enabled: bool) -> None:
    """Units are kept true whether or not routing assigns by itself."""
    if enabled:
        bus.on(EventKind.CREATED, route_on_arrival)
    bus.on((*OWNER_CHANGES, EventKind.STATUS_CHANGED, EventKind.MERGED_INTO), keep_units_true)
    if enabled:  # after the units were given back
        bus.on((EventKind.ESCALATED, EventKind.DEESCALATED), route_on_tier_change)
        bus.on((*OWNER_CHANGES, EventKind.STATUS_CHANGED, EventKind.MERGED_INTO),
               offer_freed_units)


# --- push for a waiting ticket, and pull ------------------------------------------------

def route_ticket(uows: UnitOfWorkFactory, actor: Agent | None, ticket_id: int, *,
                 now: datetime, record_unchanged: bool = True) -> RoutingDecision | None:
    """Route one unassigned ticket now (a coordinator's "route now", or the re-offer job,
    ``actor`` None). None when there is nothing to do: assigned meanwhile, locked, finished,
    or (``record_unchanged`` False) still waiting for the same reason."""
    with uows() as uow:
        ticket = (load_for(uow, actor, ticket_id, TicketAction.ASSIGN) if actor is not None
                  else uow.tickets.get(ticket_id, for_update=True))
        if ticket is None:
            raise NotFound(f"ticket #{ticket_id} was not found")
        state = uow.routing.ticket_state(ticket_id) or TicketRoutingState(ticket_id)
        if ticket.assignee_id is not None or state.locked \
                or ticket.status not in (Status.NEW, Status.OPEN) \
                or ticket.merged_into_id is not None:
            return None
        before = (state.state, state.reason, list(state.relaxations))
        customer = uow.customers.get(ticket.requester_id)
        decision, _ = route_in(uow, ticket, state, customer.tier.value if customer else "",
                               now)
        if decision.agent_id is None and not record_unchanged \
                and before == (state.state, state.reason, state.relaxations):
            if state.state == UNROUTABLE:  # checked again: settled until something changes
                uow.routing.put_ticket_state(state, now)
                uow.commit()
            return None
        _record(uow, ticket_id, state, decision, now)
        if decision.agent_id is not None:
            assign_routed(ticket, decision.agent_id, Actor.system(), now)
            uow.tickets.save(ticket)
            flush_events(uow, ticket)
        uow.commit()
    return decision


def route_again(uow: UnitOfWork, ticket: Ticket, now: datetime, *, mode: str,
                context: dict[str, object] | None = None) -> RoutingDecision | None:
    """Route an unassigned ticket again inside the caller's transaction (one just taken from
    its agent): to the best eligible agent now, or it waits with why, the decision recorded
    with ``context``. None when the desk does not route yet."""
    assert ticket.id is not None
    state = uow.routing.ticket_state(ticket.id) or TicketRoutingState(ticket.id)
    customer = uow.customers.get(ticket.requester_id)
    decision, _ = route_in(uow, ticket, state, customer.tier.value if customer else "", now,
                           mode=mode)
    if state.reason == NO_PROFILES:
        return None
    _record(uow, ticket.id, state, decision, now, context)
    if decision.agent_id is not None:
        assign_routed(ticket, decision.agent_id, Actor.system(), now)
        uow.tickets.save(ticket)
        flush_events(uow, ticket)
    return decision


def pull_next(uows: UnitOfWorkFactory, actor: Agent, *, now: datetime) -> TicketDetail | None:
    """The most urgent waiting ticket the calling agent may serve now, assigned to them; None
    when there is none. Concurrent pulls skip each other's tickets (PostgreSQL: FOR UPDATE
    SKIP LOCKED; SQLite: one writer at a time)."""
    assert actor.id is not None
    with uows() as uow:
        settings = settings_in(uow)
        rows = uow.routing.agents(agent_ids=[actor.id])
        if not rows:
            raise Conflict("you have no routing profile yet: a coordinator sets your skills "
                           "and capacity first")
        if rows[0].paused:
            raise Conflict("routing is paused for you, so you take no work from it: a "
                           "coordinator resumes it on the control room's team board")
        if rows[0].presence != Presence.ONLINE.value:
            raise Conflict("set your presence to online to take work")
        ticket = _give_next(uow, settings, actor.id, now, "pull", Actor.agent(actor.id))
        if ticket is None:
            return None
        detail = detail_of(uow, ticket)
        uow.commit()
    return detail


def _give_next(uow: UnitOfWork, settings: RoutingSettings, agent_id: int, now: datetime,
               mode: str, actor: Actor) -> Ticket | None:
    """Assign the most urgent waiting ticket the agent may serve now to them, their units
    taken by the conditional claim; None when they have no units to spare, nothing fits, or
    their units were taken meanwhile."""
    roster = available_roster(uow, settings, now, agent_ids=[agent_id])
    if agent_id not in roster.states:
        return None  # no units to spare (or not available)
    for waiting, needs in _servable(uow, settings, roster.state(agent_id).profile, now):
        if fits_now(settings, roster, agent_id, needs, now):
            return give_ticket(uow, settings, roster, agent_id, waiting, needs, now, mode,
                               actor)
    return None


def _servable(uow: UnitOfWork, settings: RoutingSettings, profile: AgentProfile,
              now: datetime, besides: frozenset[int] = frozenset()
              ) -> Iterator[tuple[WaitingTicket, TicketRequirements]]:
    """The waiting tickets (other than ``besides``) the agent's profile serves, most urgent
    first: the store keeps to the agent's lines, a page at a time, in one walk of the line
    (at most `PULL_BATCHES` pages)."""
    lines = lines_of(profile, settings)
    after: WaitingTicket | None = None
    for _ in range(PULL_BATCHES):
        batch = uow.routing.waiting(PULL_BATCH, skip_locked=True, after=after,
                                    vip_levels=settings.vip_levels, lines=lines)
        excluded = uow.exclusions.agent_ids(w.requester_id for w in batch)
        for waiting in batch:
            if waiting.ticket_id in besides \
                    or profile.agent_id in excluded.get(waiting.requester_id, ()):
                continue
            difficult = waiting.state.difficult if waiting.state else False
            needs = requirements_for(uow, settings, waiting, difficult, now,
                                     excluded=excluded.get(waiting.requester_id, frozenset()))
            if serves(profile, needs):
                yield waiting, needs
        if len(batch) < PULL_BATCH:
            return
        after = batch[-1]


def lines_of(profile: AgentProfile, settings: RoutingSettings) -> ServedLines:
    """What the store may filter the waiting line by for this agent; when a relaxation step
    may give a ticket a language they speak, tickets of any language are theirs to look at.
    Categories and tiers are kept to those within their reach at any step of relaxation
    (`reach_of`), so a walk of the line reads no page of tickets they could never take."""
    relaxes_language = any(step.kind is Relax.FALLBACK_LANGUAGE
                           and step.value in profile.languages
                           for step in settings.policy.relaxation)
    reach = reach_of(profile, settings.skill_map, settings.policy)
    return ServedLines(
        channels=tuple(sorted(c for c in profile.channel_costs
                              if profile.cost_of(c) is not None)),
        team_ids=tuple(sorted(int(team) for team in profile.teams if team.isdigit())),
        languages=None if relaxes_language else tuple(sorted(profile.languages)),
        skip_categories=tuple(sorted(reach.unserved)) if reach.default else (),
        only_categories=None if reach.default else tuple(sorted(reach.served)),
        max_tier=reach.max_tier)


def fits_now(settings: RoutingSettings, roster: Roster, agent_id: int,
             needs: TicketRequirements, now: datetime) -> bool:
    """Whether the agent may take the ticket now: every hard constraint, and a difficult
    contact held back from a guarded agent for the guard's hold."""
    agent = roster.state(agent_id)
    moment = instant(now)
    if first_exclusion(agent, needs, moment):
        return False
    guard = settings.policy.wellbeing
    return not (needs.difficult and agent.guarded(moment, guard)
                and moment - needs.arrived_at < guard.hold_s)


def give_ticket(uow: UnitOfWork, settings: RoutingSettings, roster: Roster, agent_id: int,
                waiting: WaitingTicket, needs: TicketRequirements, now: datetime, mode: str,
                actor: Actor, context: dict[str, object] | None = None) -> Ticket | None:
    """Assign ``waiting`` to the agent with their units taken by the conditional claim; None
    when the units were taken meanwhile (by a push in another transaction). ``context`` is
    kept with the decision (what a batch decided by)."""
    cost = roster.state(agent_id).profile.channel_costs[needs.channel]
    if not uow.routing.claim(agent_id, cost, now):
        return None
    ticket = uow.tickets.get(waiting.ticket_id, for_update=True)
    assert ticket is not None and ticket.assignee_id is None
    state = waiting.state or TicketRoutingState(waiting.ticket_id)
    state.state, state.agent_id, state.held, state.assigned_at = ROUTED, agent_id, cost, now
    state.reason, state.waiting_since, state.relaxations = None, None, list(needs.relaxations)
    decision = Router(roster, settings.policy).route(needs, instant(now), mode)
    _record(uow, waiting.ticket_id, state, replace(decision, agent_id=agent_id), now, context)
    assign_routed(ticket, agent_id, actor, now)
    uow.tickets.save(ticket)
    flush_events(uow, ticket)
    return ticket


# --- offering waiting work the moment an agent has room ----------------------------------

def offer_waiting(uow: UnitOfWork, agent_id: int, now: datetime, *,
                  besides: frozenset[int] = frozenset()) -> int:
    """Give waiting tickets to an agent who has just freed units, come online or been
    unpaused, inside the caller's transaction: most urgent first, one conditional claim each,
    until their units are used up (at most `MAX_OFFERED`), in one walk of the tickets of
    their lines. Returns how many were given."""
    if not pushes(uow):
        return 0
    settings = settings_in(uow)
    roster = available_roster(uow, settings, now, agent_ids=[agent_id])
    if agent_id not in roster.states:
        return 0
    given = 0
    for waiting, needs in _servable(uow, settings, roster.state(agent_id).profile, now,
                                    besides):
        if not fits_now(settings, roster, agent_id, needs, now):
            continue
        if give_ticket(uow, settings, roster, agent_id, waiting, needs, now, "offer",
                       Actor.system()) is None:
            break  # their units were taken meanwhile
        given += 1
        # their load and difficult contacts as they now stand
        roster = available_roster(uow, settings, now, agent_ids=[agent_id])
        if given >= MAX_OFFERED or agent_id not in roster.states:
            break
    return given


def pushes(uow: UnitOfWork) -> bool:
    """Whether the desk assigns by itself (routing on arrival is wired), not only on pull."""
    return uow.bus.handles(EventKind.CREATED, route_on_arrival)


def offer_freed_units(event: TicketEvent, context: EventContext) -> None:
    """After `keep_units_true` gave an agent's units back (the ticket reassigned, unassigned,
    escalated, solved, closed or merged), offer that agent waiting work at once; the ticket
    itself is never handed straight back."""
    ticket, uow = context.ticket, context.uow
    if ticket.id is None:
        return
    if event.kind in OWNER_CHANGES:
        if "assignee_id" not in event.changes:
            return
        before, after = event.changes["assignee_id"]
        freed = before if before is not None and before != after else None
    elif event.kind is EventKind.MERGED_INTO or (
            ticket.status in FINISHED
            and event.changes.get("status", (None,))[0] not in FINISHED_VALUES):
        freed = ticket.assignee_id  # its units went back now, not at an earlier ending
    else:
        return
    if freed is not None:
        offer_waiting(uow, int(freed), event.at, besides=frozenset({ticket.id}))
