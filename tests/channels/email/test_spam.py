"""Mail the receiving server's filter marked as spam opens no ticket: it is set aside, with
"spam" as the reason, where a coordinator can file it as a person's. A reply to a ticket is
filed on it whatever the filter said."""

from __future__ import annotations

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.intake import take
from hubdesk.domain.agents import Role
from hubdesk.domain.mail import Outcome
from tests import factories
from tests.channels.email import corpus
from tests.channels.email.conftest import filed_ticket

SPAMASSASSIN = {"X_Spam_Flag": "YES",
                "X_Spam_Status": "Yes, score=12.3 required=5.0 tests=BAYES_99,URIBL_BLACK"}


def test_spam_opens_no_ticket_and_is_set_aside_for_a_coordinator(mail_hub: Hub) -> None:
    spam = corpus.plain(sender="winner@lottery.example", subject="You have won",
                        body="Claim your prize now", message_id="<spam-1@lottery.example>",
                        **SPAMASSASSIN)
    received = mail_hub.app.mail.receive(spam, source="test")
    assert mail_hub.app.mail.process(received.inbound_id) is Outcome.AUTO_REPLY
    coordinator = factories.staff(mail_hub, Role.COORDINATOR).agent
    assert [(m.id, m.reason, m.ticket_id) for m in mail_hub.app.mail.set_aside(coordinator)] \
        == [(received.inbound_id, "spam", None)]
    with mail_hub.uows(write=False) as uow:
        assert uow.mail.ticket_for_message_ids(("<spam-1@lottery.example>",)) is None

    # The filter was wrong: filed by hand, it opens its ticket.
    assert mail_hub.app.mail.file_by_hand(coordinator, received.inbound_id) is Outcome.CREATED
    assert filed_ticket(mail_hub, "<spam-1@lottery.example>").ticket.subject == "You have won"


def test_a_customers_reply_is_filed_on_its_ticket_though_a_filter_called_it_spam(
        mail_hub: Hub) -> None:
    assert take(mail_hub.app, corpus.plain(message_id="<first@example.com>"),
                source="test") is Outcome.CREATED
    reply = corpus.plain(subject="Re: Printer on fire", body="Still burning, see the link",
                         message_id="<second@example.com>", In_Reply_To="<first@example.com>",
                         X_Spam_Flag="YES")
    assert take(mail_hub.app, reply, source="test") is Outcome.THREADED
    detail = filed_ticket(mail_hub, "<second@example.com>")
    assert detail.ticket.id == filed_ticket(mail_hub, "<first@example.com>").ticket.id
    assert detail.messages[-1].body.startswith("Still burning")


def test_mail_a_filter_passed_opens_its_ticket(mail_hub: Hub) -> None:
    clean = corpus.plain(message_id="<clean@example.com>", X_Spam_Flag="NO",
                         X_Spam_Status="No, score=-1.9 required=5.0 tests=DKIM_VALID",
                         X_MS_Exchange_Organization_SCL="-1")
    assert take(mail_hub.app, clean, source="test") is Outcome.CREATED


def test_exchange_onlines_junk_verdict_is_spam(mail_hub: Hub) -> None:
    junk = corpus.plain(sender="offers@bulk.example", message_id="<junk@bulk.example>",
                        X_MS_Exchange_Organization_SCL="6",
                        X_Forefront_Antispam_Report="CIP:198.51.100.7;SCL:6;SFV:SPM;CAT:SPM;")
    assert take(mail_hub.app, junk, source="test") is Outcome.AUTO_REPLY
