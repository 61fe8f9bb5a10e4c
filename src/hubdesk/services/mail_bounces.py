"""A bounce of mail the desk sent: the delivery it returns is marked undelivered, and the
ticket says so, in the same transaction that keeps the bounce on the ticket.

A delivery counts as sent once the next server accepted it; the recipient's server may still
return it hours later. Without this, an agent's reply to a mistyped or closed mailbox showed
as sent, and the customer was waited for in vain.
"""

from __future__ import annotations

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
                     at: datetime, returned: OutboundMail | None = None) -> list[int]:
    """Mark the sent mail that ``bounce`` returns (by the Message-IDs it quotes, or
    ``returned`` when found by its recipient), on the ticket or on one merged into it since,
    as failed with the receiving server's reason, and record `mail_delivery_failed` on the
    ticket for each (the caller saves the ticket and flushes its events). A bounce that only
    warns of a delay marks nothing. Returns the ids of the deliveries marked."""
    reason = undelivered(bounce)
    if reason is None or ticket.id is None:
        return []
    ids = returned_ids(bounce)
    keys = {message_id_key(message_id) for message_id in ids}
    # The mail stays with the ticket it was sent on: one merged since is not ``ticket``.
    sent_on = dict.fromkeys([ticket.id, uow.mail.ticket_for_message_ids(ids)])
    if returned is not None:
        keys.add(message_id_key(returned.message_id))
        sent_on[returned.ticket_id] = None
    marked = []
    deliveries = [d for ticket_id in sent_on if ticket_id is not None
                  for d in uow.mail.deliveries(ticket_id)]
    for delivery in deliveries:
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
