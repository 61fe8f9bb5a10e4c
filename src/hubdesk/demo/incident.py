"""One hostile customer in the demo: a threat that escalates itself to Security, a coordinator
who blocks the sender, and the next message held out of the queues — all through services.

The incident is played in its place in the demo's timeline, between the other contacts, so
whatever the sender writes after the block meets the block exactly as live intake would: it
is held (solved, tagged, out of every queue) by the desk's own rule, not by the demo.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hubdesk.bootstrap import Hub
from hubdesk.demo.organisation import Clientele, Structure
from hubdesk.demo.people import Person
from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.customers import Customer
from hubdesk.domain.tickets import Channel
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.tickets import NewTicket

THREAT = ("This is the third time you have ignored me. Refund order {order} today or you will "
          "regret it. I know where your office is and I will find you.")
AGAIN = "Why is nobody answering?! Refund order {order} NOW."
NOTE_AFTER = timedelta(minutes=14)
BLOCK_AFTER = timedelta(minutes=15)
WRITES_AGAIN_AFTER = timedelta(hours=3)


@dataclass
class Incident:
    customer: Customer
    person: Person
    order: str
    written: datetime
    threat_ticket_id: int | None = None

    @property
    def customer_id(self) -> int:
        assert self.customer.id is not None
        return self.customer.id

    @property
    def blocked_at(self) -> datetime:
        return self.written + BLOCK_AFTER


Step = tuple[datetime, Callable[[], None]]


def plan_incident(rng: random.Random, clientele: Clientele, now: datetime) -> Incident:
    customer, person = clientele.pick(rng)
    order = str(rng.randint(100_000, 999_999))
    return Incident(customer, person, order, now - timedelta(hours=rng.randint(20, 30)))


def incident_steps(hub: Hub, org: Structure, incident: Incident) -> list[Step]:
    """The incident's moments, each to be played when the timeline reaches it."""
    return [(incident.written, lambda: _threat(hub, org, incident)),
            (incident.blocked_at, lambda: _block(hub, org, incident)),
            (incident.written + WRITES_AGAIN_AFTER, lambda: _writes_again(hub, incident))]


def _threat(hub: Hub, org: Structure, incident: Incident) -> None:
    detail, _ = hub.app.tickets.open(LOCAL_OPERATOR, NewTicket(
        subject=f"Refund for order {incident.order}", body=THREAT.format(order=incident.order),
        requester_id=incident.customer_id, channel=Channel.EMAIL), now=incident.written)
    assert detail.ticket.id is not None
    incident.threat_ticket_id = detail.ticket.id
    hub.app.tickets.reply(_coordinator(org), detail.ticket.id,
                          "Security has this one. Nobody answers this sender until they decide.",
                          public=False, now=incident.written + NOTE_AFTER)


def _block(hub: Hub, org: Structure, incident: Incident) -> None:
    hub.app.safety.block_sender(_coordinator(org), incident.customer_id,
                                f"threatened staff in #{incident.threat_ticket_id}",
                                ticket_id=incident.threat_ticket_id, now=incident.blocked_at)


def _writes_again(hub: Hub, incident: Incident) -> None:
    hub.app.tickets.open(LOCAL_OPERATOR, NewTicket(
        subject=f"Order {incident.order}", body=AGAIN.format(order=incident.order),
        requester_id=incident.customer_id, channel=Channel.EMAIL),
        now=incident.written + WRITES_AGAIN_AFTER)


def _coordinator(org: Structure) -> Agent:
    return org.by_role(Role.COORDINATOR)[0]
