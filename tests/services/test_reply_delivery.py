"""What the agent is told after a reply matches what the outbound mail does, on both
databases: queued for the customer's address, or saved but not e-mailed, and why."""

from __future__ import annotations

import pytest

from hubdesk.bootstrap import assemble
from hubdesk.domain.agents import Role
from hubdesk.services.tickets import NewTicket
from tests import factories

SUPPORT = "support@desk.test"


def _desk(hub, **settings):
    return assemble(hub.settings.model_copy(update=settings), hub.engine)


def _ticket(desk, agent, email="ana@example.com"):
    detail, _ = desk.app.tickets.open(agent, NewTicket(
        subject="Parcel never arrived", body="Where is my order?", requester_email=email))
    return detail.ticket


def _mails(desk, ticket_id):
    while desk.app.relay_outbox():
        pass
    with desk.uows(write=False) as uow:
        return [(m.kind, m.to_address) for m in uow.mail.deliveries(ticket_id)]


@pytest.mark.parametrize(("smtp", "said"), [
    (None, "Reply queued for delivery to ana@example.com; it is sent once an outgoing mail "
           "server is set up"),
    ("mail.desk.test", "Reply queued for delivery to ana@example.com")])
def test_a_reply_queued_for_the_customer_says_to_which_address(hub, smtp, said):
    desk = _desk(hub, mail_addresses={SUPPORT: None}, mail_smtp_host=smtp)
    rep = factories.staff(desk, Role.ADMIN).agent
    ticket = _ticket(desk, rep)
    sent = desk.app.tickets.send_reply(rep, ticket.id, "It left today.")
    assert sent.said == said and sent.message.public
    assert _mails(desk, ticket.id) == [("reply", "ana@example.com")]


def test_a_reply_to_a_blocked_sender_or_a_no_reply_address_says_why_it_was_not_mailed(hub):
    desk = _desk(hub, mail_addresses={SUPPORT: None})
    admin = factories.staff(desk, Role.ADMIN).agent
    blocked = _ticket(desk, admin, "troll@example.com")
    desk.app.safety.block_sender(admin, blocked.requester_id, "abuse")
    sent = desk.app.tickets.send_reply(admin, blocked.id, "Please stop.")
    assert sent.said == ("Reply saved on the ticket but not e-mailed: the customer's sender "
                         "is blocked")
    assert _mails(desk, blocked.id) == []
    robot = _ticket(desk, admin, "noreply@shop.test")
    said = desk.app.tickets.send_reply(admin, robot.id, "Thanks.").said
    assert said == "Reply saved on the ticket but not e-mailed: noreply@shop.test does not " \
                   "take replies"
    assert _mails(desk, robot.id) == []


def test_without_a_support_address_nothing_is_mailed_and_a_note_is_a_note(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    ticket = _ticket(hub, admin)
    assert hub.app.tickets.send_reply(admin, ticket.id, "Hello").said == (
        "Reply saved on the ticket but not e-mailed: the desk has no support e-mail address "
        "set up")
    assert hub.app.tickets.send_reply(admin, ticket.id, "Check stock", public=False).said == (
        "Internal note added")
    assert _mails(hub, ticket.id) == []
