"""The demo organisation: structure, customers, six weeks of tickets and the desk's rules run
through them, all through services."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hubdesk.bootstrap import Hub
from hubdesk.demo.conversations import play_ticket
from hubdesk.demo.incident import incident_steps, plan_incident
from hubdesk.demo.intent_model import train_demo_intent_model
from hubdesk.demo.macros import add_macros
from hubdesk.demo.organisation import build_customers, build_organisations, build_structure
from hubdesk.demo.people import ADMIN_EMAIL
from hubdesk.demo.rules import add_rules, sweep_until
from hubdesk.demo.service_levels import add_service_levels
from hubdesk.demo.timeline import contact_moments
from hubdesk.demo.workforce import add_schedules
from hubdesk.domain.clock import utcnow

DEFAULT_SEED = 20240601
FULL_TICKETS = 1000
FULL_CUSTOMERS = 200
HISTORY = timedelta(weeks=6)
# The newest contacts wait for anyone, whenever the demo is seeded: a Monday morning or a
# small demo still opens on a queue with deadlines running.
QUEUE_AT_LEAST = 6


@dataclass(frozen=True)
class DemoSummary:
    teams: int
    departments: int
    agents: int
    customers: int
    tickets: int
    admin_email: str


def demo_size(scale: float) -> tuple[int, int]:
    """(customers, tickets) at ``scale`` (1.0 is the full demo)."""
    return max(5, round(FULL_CUSTOMERS * scale)), max(1, round(FULL_TICKETS * scale))


def seed_demo(hub: Hub, *, scale: float = 1.0, seed: int = DEFAULT_SEED,
              now: datetime | None = None, password: str | None = None,
              on_customer: Callable[[], None] | None = None,
              on_ticket: Callable[[], None] | None = None) -> DemoSummary:
    """Fill an empty, migrated database with the demo organisation.

    The same ``seed`` gives the same people, texts and stories; times are relative to
    ``now``. Staff get ``password`` (none means they cannot sign in to the console).
    """
    rng = random.Random(seed)
    now = now or utcnow()
    customer_count, ticket_count = demo_size(scale)
    train_demo_intent_model(hub, seed)
    structure = build_structure(hub, password=password)
    add_macros(hub, structure)
    add_service_levels(hub, structure)
    add_rules(hub, structure, since=now - HISTORY)
    organisations = build_organisations(hub)
    clientele = build_customers(hub, rng, customer_count, organisations,
                                on_customer=on_customer)
    incident = plan_incident(rng, clientele, now)
    blocks = {incident.customer_id: incident.blocked_at}
    # The incident is played in its place in time, so contacts after the block meet it.
    pending = incident_steps(hub, structure, incident)
    moments = contact_moments(rng, ticket_count, now - HISTORY, now - timedelta(minutes=5))
    next_sweep = now - HISTORY
    for index, moment in enumerate(moments):
        while pending and pending[0][0] <= moment:
            pending.pop(0)[1]()
        next_sweep = sweep_until(hub, next_sweep, moment)
        play_ticket(hub, rng, structure, clientele, moment, now, blocks=blocks,
                    unreached=index >= len(moments) - QUEUE_AT_LEAST)
        if on_ticket is not None:
            on_ticket()
    for _, step in pending:
        step()
    sweep_until(hub, next_sweep, now)
    add_schedules(hub, structure, rng, now)
    return DemoSummary(teams=len(structure.teams), departments=len(structure.departments),
                       agents=len(structure.agents), customers=customer_count,
                       tickets=ticket_count, admin_email=ADMIN_EMAIL)
