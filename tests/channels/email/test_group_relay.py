"""Support mail that reaches the desk through a group (a Google Group or a mailing list that
is the support address): the customer's message opens their ticket and is acknowledged to
them, whatever the group set on it, and the desk's own mail coming back is still a loop."""

from __future__ import annotations

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.intake import take
from hubdesk.domain.mail import Outcome
from hubdesk.services.mail_outbound import deliveries
from tests.channels.email.conftest import SUPPORT, filed_ticket

GROUP_HEADERS = (
    "Mailing-list: list support@desk.test; contact support+owners@desk.test\r\n"
    "List-ID: <support.desk.test>\r\nPrecedence: list\r\nX-Google-Group-Id: 123456789\r\n"
    "List-Post: <https://groups.google.com/a/desk.test/group/support/post>, "
    "<mailto:support@desk.test>\r\n"
    "List-Unsubscribe: <mailto:googlegroups-manage+123+unsubscribe@googlegroups.com>\r\n")


def _relayed(sender: str, reply_to: str | None, message_id: str) -> bytes:
    reply = f"Reply-To: {reply_to}\r\n" if reply_to else ""
    return (f"From: {sender}\r\nTo: {SUPPORT}\r\n{reply}Subject: My parcel is late\r\n"
            f"Message-ID: {message_id}\r\nMIME-Version: 1.0\r\n{GROUP_HEADERS}"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nOrder 1234 has not come.\r\n"
            ).encode()


def test_a_customers_mail_relayed_by_the_group_opens_their_ticket(mail_hub: Hub) -> None:
    raw = _relayed("Ana Lima <ana@example.com>", None, "<relayed@example.com>")
    assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
    detail = filed_ticket(mail_hub, "<relayed@example.com>")
    assert detail.requester.primary_email == "ana@example.com"
    assert detail.messages[0].body == "Order 1234 has not come."
    mail_hub.app.relay_outbox()
    [acknowledgement] = deliveries(mail_hub.uows, detail.ticket.id)
    assert acknowledgement.to_address == "ana@example.com"


def test_a_relay_under_the_desks_own_address_is_the_customers(mail_hub: Hub) -> None:
    """Where the customer's domain asks for DMARC, the group sends as itself and names the
    customer in Reply-To."""
    raw = _relayed(f"'Ana Lima' via Support <{SUPPORT}>", "Ana Lima <ana@example.com>",
                   "<rewritten@example.com>")
    assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
    detail = filed_ticket(mail_hub, "<rewritten@example.com>")
    assert (detail.requester.primary_email, detail.requester.name) == ("ana@example.com",
                                                                       "Ana Lima")


def test_the_desks_own_mail_back_through_the_group_is_still_a_loop(mail_hub: Hub) -> None:
    raw = _relayed(f"Support <{SUPPORT}>", None, "<own@desk.test>")
    assert take(mail_hub.app, raw, source="test") is Outcome.AUTO_REPLY


def test_a_post_to_a_list_the_desk_subscribes_to_is_set_aside_unanswered(
        mail_hub: Hub) -> None:
    raw = (f"From: Ann Lee <ann@example.org>\r\nTo: devs@lists.example.org\r\n"
           f"Delivered-To: {SUPPORT}\r\nSubject: [devs] Meeting moved to Wednesday\r\n"
           "Message-ID: <list-post@example.org>\r\nList-Id: Devs <devs.lists.example.org>\r\n"
           "List-Post: <mailto:devs@lists.example.org>\r\nPrecedence: list\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nThe meeting moves to Wednesday.\r\n"
           ).encode()
    assert take(mail_hub.app, raw, source="test") is Outcome.AUTO_REPLY
    with mail_hub.uows(write=False) as uow:
        assert uow.mail.ticket_for_message_ids(("<list-post@example.org>",)) is None
        [aside] = uow.mail.set_aside(10, None)
    assert aside.reason == "mailing_list"


def test_a_customers_mail_forwarded_with_the_forwarders_x_loop_opens_their_ticket(
        mail_hub: Hub) -> None:
    """A mail server's forwarding rule (procmail's formail -A) marks every message it passes
    on with an X-Loop naming the support address, to stop its own loops."""
    raw = (f"From: Ana Lima <ana@example.com>\r\nTo: {SUPPORT}\r\n"
           f"X-Loop: {SUPPORT}\r\nSubject: My parcel is late\r\n"
           "Message-ID: <forwarded@example.com>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nOrder 1234 has not come.\r\n"
           ).encode()
    assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
    detail = filed_ticket(mail_hub, "<forwarded@example.com>")
    assert detail.requester.primary_email == "ana@example.com"
    another_systems_own = raw.replace(f"X-Loop: {SUPPORT}".encode(), b"X-Loop: yes") \
        .replace(b"<forwarded@", b"<robot@")
    assert take(mail_hub.app, another_systems_own, source="test") is Outcome.AUTO_REPLY


def test_a_persons_mail_to_a_distribution_group_exchange_marked_opens_their_ticket(
        mail_hub: Hub) -> None:
    """Exchange asks receivers not to auto-reply (X-Auto-Response-Suppress) on a person's
    message it expands to a distribution group the desk's mailbox is in."""
    raw = (f"From: Ana Lima <ana@example.com>\r\nTo: Support team <team@example.com>\r\n"
           f"Cc: {SUPPORT}\r\nX-Auto-Response-Suppress: DR, OOF, AutoReply\r\n"
           "X-MS-Has-Attach:\r\nSubject: Invoice 77 is wrong\r\n"
           "Message-ID: <grouped@example.com>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nIt charges me twice.\r\n").encode()
    assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
    all_suppressed = raw.replace(b"DR, OOF, AutoReply", b"All").replace(b"<grouped@",
                                                                       b"<grouped-all@")
    assert take(mail_hub.app, all_suppressed, source="test") is Outcome.CREATED
