"""One hostile customer in the demo: a threat that escalates itself to Security, a coordinator
who blocks the sender, and the next message held out of the queues — all through services."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from hubdesk.bootstrap import Hub
from hubdesk.demo.organisation import Clientele, Structure
from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Channel
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.tickets import NewTicket

THREAT = ("This is the third time you have ignored me. Refund order {order} today or you will "
          "regret it. I know where your office is and I will find you.")
AGAIN = "Why is nobody answering?! Refund order {order} NOW."


def play_incident(hub: Hub, rng: random.Random, org: Structure, clientele: Clientele,
                  now: datetime) -> None:
    customer, _person = clientele.pick(rng)
    assert customer.id is not None
    order = str(rng.randint(100_000, 999_999))
    written = now - timedelta(hours=rng.randint(20, 30))
    detail, _ = hub.app.tickets.open(LOCAL_OPERATOR, NewTicket(
        subject=f"Refund for order {order}", body=THREAT.format(order=order),
        requester_id=customer.id, channel=Channel.EMAIL), now=written)
    assert detail.ticket.id is not None
    coordinator = org.by_role(Role.COORDINATOR)[0]
    hub.app.tickets.reply(coordinator, detail.ticket.id,
                "Security has this one. Nobody answers this sender until they decide.",
                public=False, now=written + timedelta(minutes=14))
    hub.app.safety.block_sender(coordinator, customer.id, "threatened staff in #"
                 f"{detail.ticket.id}", ticket_id=detail.ticket.id,
                 now=written + timedelta(minutes=15))
    hub.app.tickets.open(LOCAL_OPERATOR, NewTicket(
        subject=f"Order {order}", body=AGAIN.format(order=order), requester_id=customer.id,
        channel=Channel.EMAIL), now=written + timedelta(hours=3))
