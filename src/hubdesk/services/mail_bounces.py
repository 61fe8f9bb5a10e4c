"""A bounce of mail the desk sent: the delivery it returns is marked undelivered, and the
ticket says so, in the same transaction that keeps the bounce on the ticket.

A delivery counts as sent once the next server accepted it; the recipient's server may still
return it hours later. Without this, an agent's reply to a mistyped or closed mailbox showed
as sent, and the customer was waited for in vain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.bounces import (
    RETURNED_WITHIN,
    failed_addresses,
    returned_ids,
    undelivered,
)
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.mail import DeliveryStatus, OutboundMail, ParsedMail, message_id_key
from hubdesk.domain.tickets import Ticket
from hubdesk.services.ports import UnitOfWork


@dataclass(frozen=True)
class Returned:
    """Where the mail a bounce returns was sent: the ticket it was sent on (a ticket merged
    since is not the one the bounce is kept on), and the mail itself when it was found by the
    address it failed to reach rather than by a Message-ID the bounce quotes."""

    ticket_id: int
    mail: OutboundMail | None = None


def returned_by_recipient(uow: UnitOfWork, bounce: ParsedMail, own_addresses: frozenset[str],
                          at: datetime) -> OutboundMail | None:
    """The desk's mail a bounce that quotes no Message-ID at all returns, found by the
    address it failed to reach: the newest sent there within `RETURNED_WITHIN`. None for a
    bounce that only warns of a delay, and for one that quotes a Message-ID the desk does not
    know: it returns someone else's mail (a forger's, sent in the desk's name)."""
    if returned_ids(bounce) or undelivered(bounce) is None:
        return None
    addresses = failed_addresses(bounce, own_addresses)
    if not addresses:
        return None
    return uow.mail.latest_sent_to(addresses, at - RETURNED_WITHIN)


def mark_undelivered(uow: UnitOfWork, ticket: Ticket, bounce: ParsedMail,
                     at: datetime, returned: Returned | None = None) -> list[int]:
    """Mark the sent mail that ``bounce`` returns (by the Message-IDs it quotes, or the
    mail ``returned`` names) on the ticket it was sent on, which may since be merged into
    ``ticket``, as failed with the receiving server's reason, and record
    `mail_delivery_failed` on ``ticket`` for each (the caller saves it and flushes its
    events). A bounce that only warns of a delay marks nothing. Returns the ids of the
    deliveries marked."""
    reason = undelivered(bounce)
    if reason is None or ticket.id is None:
        return []
    keys = {message_id_key(message_id) for message_id in returned_ids(bounce)}
    if returned is not None and returned.mail is not None:
        keys.add(message_id_key(returned.mail.message_id))
    sent_on = returned.ticket_id if returned is not None else ticket.id
    marked = []
    for delivery in uow.mail.deliveries(sent_on):
        if delivery.status is not DeliveryStatus.SENT or delivery.id is None \
                or message_id_key(delivery.message_id) not in keys:
            continue
        delivery.status, delivery.last_error = DeliveryStatus.FAILED, reason
        uow.mail.save_delivery(delivery)
        ticket.record(Actor.system(), EventKind.MAIL_DELIVERY_FAILED, at, data={
            "delivery_id": delivery.id, "kind": delivery.kind, "error": reason,
            "attempts": delivery.attempts, "gave_up": True, "next_attempt_at": None,
            "bounced": True})
        marked.append(delivery.id)
    return marked
