"""A message's Reply-To names the customer: a web shop's contact form sends as itself on the
customer's behalf, a mailing list as the list. Answers go to where the sender asked."""

from __future__ import annotations

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.intake import take
from hubdesk.domain.mail import Outcome, ParsedMail
from hubdesk.domain.mail_rules import customer_address
from tests.channels.email import corpus
from tests.channels.email.conftest import SUPPORT, filed_ticket


def test_contact_forms_sent_by_one_robot_open_tickets_for_each_customer(mail_hub: Hub) -> None:
    for n, customer in enumerate(["Jane Roe <jane@example.org>", "kim@example.net"]):
        raw = corpus.plain(sender="Shop website <noreply@shop.example>",
                           subject="Contact form: where is my order?",
                           message_id=f"<form{n}@shop.example>", reply_to=customer)
        assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
    jane = filed_ticket(mail_hub, "<form0@shop.example>")
    kim = filed_ticket(mail_hub, "<form1@shop.example>")
    assert (jane.requester.primary_email, jane.requester.name) == ("jane@example.org", "Jane Roe")
    assert kim.requester.primary_email == "kim@example.net"
    meta = jane.messages[0].channel_meta
    assert (meta["from"], meta["reply_to"]) == ("noreply@shop.example", "jane@example.org")
    # Jane writes again herself, without the references: her own ticket takes it.
    again = corpus.plain(sender="jane@example.org", subject="Re: Contact form: where is my order?",
                         message_id="<jane-again@example.org>")
    assert take(mail_hub.app, again, source="test") is Outcome.THREADED
    assert len(filed_ticket(mail_hub, "<form0@shop.example>").messages) == 2


def test_the_robot_sending_for_many_customers_is_not_taken_for_a_loop(mail_hub: Hub) -> None:
    """The desk allows five messages a sender in ten minutes here: the sender counted is the
    customer, not the contact form sending for all of them."""
    outcomes = [take(mail_hub.app, corpus.plain(
        sender="noreply@shop.example", subject=f"Contact form {n}",
        message_id=f"<many{n}@shop.example>", reply_to=f"customer{n}@example.org"),
        source="test") for n in range(8)]
    assert outcomes == [Outcome.CREATED] * 8


def test_a_message_with_only_a_reply_to_is_filed_not_quarantined(mail_hub: Hub) -> None:
    raw = (b"To: support@desk.test\r\nReply-To: Ann Lee <ann@example.com>\r\nSubject: Help\r\n"
           b"Message-ID: <only-reply-to@example.com>\r\n\r\nMy order is late.\r\n")
    assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
    assert filed_ticket(mail_hub, "<only-reply-to@example.com>").requester.primary_email == \
        "ann@example.com"


def test_a_reply_to_the_desks_own_address_leaves_the_sender_the_customer() -> None:
    mail = ParsedMail(message_id=None, subject="Hi", from_address="bob@example.com",
                      from_name="Bob", reply_to=SUPPORT, reply_to_name="Support")
    assert customer_address(mail, frozenset({SUPPORT})) == ("bob@example.com", "Bob")
    same = ParsedMail(message_id=None, subject="Hi", from_address="bob@example.com",
                      from_name="Bob Builder", reply_to="bob@example.com")
    assert customer_address(same) == ("bob@example.com", "Bob Builder")
    listed = ParsedMail(message_id=None, subject="Hi", from_address="list@lists.example",
                        from_name="Jane via Users", reply_to="jane@example.org")
    assert customer_address(listed) == ("jane@example.org", None)
    to_the_list = ParsedMail(message_id=None, subject="Hi", from_address="jane@example.org",
                             from_name="Jane", reply_to="users@lists.example",
                             signals={"list-post": "<mailto:Users@lists.example>"})
    assert customer_address(to_the_list) == ("jane@example.org", "Jane")
