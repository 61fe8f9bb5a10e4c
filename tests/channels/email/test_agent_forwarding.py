"""A customer's e-mail an agent forwards to the desk opens the customer's ticket, with the
agent's words above it kept as their internal note; anyone else's forward is their own."""

from __future__ import annotations

import pytest

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.intake import take
from hubdesk.domain.agents import Role
from hubdesk.domain.mail import Outcome
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.directory import AgentInput, update_agent
from tests import factories
from tests.channels.email import corpus
from tests.channels.email.conftest import SUPPORT, filed_ticket

FORWARD = """Could someone take this one? She is a good customer.

---------- Forwarded message ---------
From: Jane Roe <jane@example.org>
Date: Tue, 1 Dec 2026 at 10:02
Subject: Where is my order?
To: <{to}>


My order 1234 has not arrived. Card 4111 1111 1111 1111 was charged.

Jane"""


def _forward(sender: str, message_id: str, to: str = "sales@shop.example") -> bytes:
    return corpus.plain(sender=sender, subject="Fwd: Where is my order?",
                        body=FORWARD.format(to=to), message_id=message_id)


def test_an_agents_forward_opens_the_customers_ticket_with_their_note(mail_hub: Hub) -> None:
    rep = factories.staff(mail_hub, Role.REPRESENTATIVE).agent
    assert take(mail_hub.app, _forward(rep.email, "<fwd1@hubdesk.test>"), source="test") \
        is Outcome.CREATED
    detail = filed_ticket(mail_hub, "<fwd1@hubdesk.test>")
    assert (detail.requester.primary_email, detail.requester.name) == ("jane@example.org",
                                                                       "Jane Roe")
    assert detail.ticket.subject == "Where is my order?"
    first, note = detail.messages
    assert first.public and first.author.kind.value == "customer"
    assert first.body.startswith("My order 1234 has not arrived.")
    assert "4111 1111 1111 1111" not in first.body  # masked as any customer's text
    assert first.channel_meta["forwarded_by_agent_id"] == rep.id
    assert not note.public and note.author.id == rep.id
    assert note.body == "Could someone take this one? She is a good customer."


def test_a_customers_forward_stays_their_own_ticket(mail_hub: Hub) -> None:
    assert take(mail_hub.app, _forward("kim@example.net", "<fwd2@example.net>"),
                source="test") is Outcome.CREATED
    detail = filed_ticket(mail_hub, "<fwd2@example.net>")
    assert detail.requester.primary_email == "kim@example.net"
    assert detail.ticket.subject == "Fwd: Where is my order?"
    assert len(detail.messages) == 1


def test_forwards_by_a_former_agent_of_a_colleague_or_of_the_desk_are_not_rewritten(
        mail_hub: Hub) -> None:
    former = factories.staff(mail_hub, Role.REPRESENTATIVE).agent
    update_agent(mail_hub.uows, LOCAL_OPERATOR, former.id, AgentInput(
        fields_set=frozenset({"active"}), active=False))
    colleague = factories.staff(mail_hub, Role.REPRESENTATIVE).agent
    rep = factories.staff(mail_hub, Role.REPRESENTATIVE).agent
    from_colleague = FORWARD.replace("jane@example.org", colleague.email)
    from_the_desk = FORWARD.replace("jane@example.org", SUPPORT)
    cases = {
        "<fwd3@hubdesk.test>": _forward(former.email, "<fwd3@hubdesk.test>"),
        "<fwd4@hubdesk.test>": corpus.plain(sender=rep.email, subject="Fwd: From a colleague",
                                            body=from_colleague.format(to="x@y.example"),
                                            message_id="<fwd4@hubdesk.test>"),
        "<fwd5@hubdesk.test>": corpus.plain(sender=rep.email, subject="Fwd: From the desk",
                                            body=from_the_desk.format(to="x@y.example"),
                                            message_id="<fwd5@hubdesk.test>"),
    }
    for message_id, raw in cases.items():
        assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
        detail = filed_ticket(mail_hub, message_id)
        assert detail.requester.primary_email not in ("jane@example.org", colleague.email,
                                                      SUPPORT)
        assert detail.ticket.subject.startswith("Fwd: ")


NOTES_FORWARD = """Please take care of her.
---------------------- Forwarded by Kim Park/Sales/SHOP on 12/01/2026 10:30 AM -------------


"Jane Roe" <jane@example.org> on 12/01/2026 10:02:17 AM
To: Kim Park/Sales/SHOP@SHOP
cc:
Subject: Where is my order?

My order 1234 has not arrived."""


def test_an_agents_forward_from_notes_opens_the_customers_ticket(mail_hub: Hub) -> None:
    rep = factories.staff(mail_hub, Role.REPRESENTATIVE).agent
    raw = corpus.plain(sender=rep.email, subject="Where is my order?", body=NOTES_FORWARD,
                       message_id="<fwd6@hubdesk.test>")
    assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
    detail = filed_ticket(mail_hub, "<fwd6@hubdesk.test>")
    assert (detail.requester.primary_email, detail.requester.name) == ("jane@example.org",
                                                                       "Jane Roe")
    first, note = detail.messages
    assert first.body == "My order 1234 has not arrived."
    assert note.body == "Please take care of her."



def _forward_judged(sender: str, message_id: str, results: str) -> bytes:
    """An agent's forward as the receiving server passed it on, with its verdict on the From."""
    return corpus.plain(sender=sender, subject="Fwd: Where is my order?",
                        body=FORWARD.format(to="sales@shop.example"), message_id=message_id,
                        Authentication_Results=results)



@pytest.mark.parametrize(("results", "trusted"), [
    ("mx.desk.test; spf=fail smtp.mailfrom=attacker.test; dkim=none; "
     "dmarc=fail (p=REJECT) header.from=desk.test", False),
    ("mx.desk.test; spf=softfail smtp.mailfrom=relay.test; dkim=pass header.d=hubdesk.test; "
     "dmarc=pass", True)])
def test_an_agents_forward_is_trusted_unless_the_receiving_server_found_it_forged(
        mail_hub: Hub, results: str, trusted: bool) -> None:
    rep = factories.staff(mail_hub, Role.REPRESENTATIVE).agent
    forward = corpus.plain(sender=rep.email, subject="Fwd: Where is my order?",
                           body=FORWARD.format(to="sales@shop.example"),
                           message_id="<judged@hubdesk.test>", Authentication_Results=results)
    assert take(mail_hub.app, forward, source="test") is Outcome.CREATED
    detail = filed_ticket(mail_hub, "<judged@hubdesk.test>")
    if trusted:
        assert detail.requester.primary_email == "jane@example.org"
        assert detail.messages[1].author.id == rep.id and not detail.messages[1].public
    else:  # filed as the message it is: no customer's ticket, no note in the agent's name
        assert detail.requester.primary_email == rep.email
        assert detail.ticket.subject == "Fwd: Where is my order?"
        assert [m.public for m in detail.messages] == [True]
        assert "forwarded_by_agent_id" not in detail.messages[0].channel_meta
