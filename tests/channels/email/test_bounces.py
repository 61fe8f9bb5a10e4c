"""Mail that reports on mail: a bounce of the desk's reply marks it undelivered on its
ticket, whatever server wrote it; receipts and reports open nothing and get no answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.intake import take
from hubdesk.channels.email.sending import SmtpTransport
from hubdesk.domain.agents import Role
from hubdesk.domain.events import EventKind
from hubdesk.domain.mail import DeliveryStatus, Outcome
from hubdesk.domain.tickets import Status
from hubdesk.services.auth import LOCAL_OPERATOR
from tests import factories
from tests.channels.email import corpus
from tests.channels.email.sink import Sink


@pytest.fixture
def sink() -> Iterator[Sink]:
    with Sink() as running:
        yield running


def _sent_reply(hub: Hub, sink: Sink) -> tuple[int, str]:
    """A customer's ticket with the agent's reply sent: its id and the reply's Message-ID."""
    take(hub.app, corpus.plain(sender="ann@example.com"), source="test")
    with hub.uows(write=False) as uow:
        ticket_id = uow.mail.ticket_for_message_ids(("<m1@example.com>",))
    assert ticket_id is not None
    agent = factories.staff(hub, Role.ADMIN).agent
    hub.app.tickets.reply(agent, ticket_id, "Please try the other charger.")
    hub.app.relay_outbox()
    hub.app.mail.deliver_due(SmtpTransport("127.0.0.1", sink.port, timeout=10))
    [reply] = [d for d in hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id)
               if d.kind == "reply"]
    assert reply.status is DeliveryStatus.SENT
    return ticket_id, reply.message_id


def _qmail_bounce(returned_message_id: str) -> bytes:
    """A bounce as qmail writes it: plain text, the returned message copied below a line."""
    return ("Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.net\r\n"
            "To: support@desk.test\r\nSubject: failure notice\r\n"
            "Date: Mon, 07 Dec 2026 06:00:00 +0000\r\n\r\n"
            "Hi. This is the mail program at mx.example.net.\r\n"
            "I could not deliver your message to the following addresses.\r\n\r\n"
            "<ann@example.com>:\r\nmailbox is full (#5.2.2)\r\n\r\n"
            "--- Below this line is a copy of the message.\r\n\r\n"
            "Return-Path: <support@desk.test>\r\n"
            f"Message-ID: {returned_message_id}\r\n"
            "From: support@desk.test\r\nTo: ann@example.com\r\n"
            "Subject: Re: Printer on fire\r\n\r\nPlease try the other charger.\r\n").encode()


def _report(returned_message_id: str, action: str, sender: str = "MAILER-DAEMON@mx.test"
            ) -> bytes:
    """A delivery report (RFC 3464) for one recipient, the returned message's headers in a
    text/rfc822-headers part."""
    status, words = ("5.1.1", "550 5.1.1 User unknown") if action == "failed" else \
        ("4.4.1", "connection timed out")
    return (f"From: Mail Delivery Subsystem <{sender}>\r\nReturn-Path: <>\r\n"
            "To: support@desk.test\r\nSubject: Returned mail\r\n"
            f"Message-ID: <report-{action}@mx.test>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=R\r\n\r\n"
            "--R\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            "--R\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.test\r\n\r\n"
            f"Final-Recipient: rfc822; ann@example.com\r\nAction: {action}\r\n"
            f"Status: {status}\r\nDiagnostic-Code: smtp; {words}\r\n\r\n"
            "--R\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            f"Message-ID: {returned_message_id}\r\nFrom: support@desk.test\r\n"
            "Subject: Re: Printer on fire\r\n\r\n--R--\r\n").encode()


def test_a_plain_text_bounce_of_the_desks_reply_marks_it_undelivered_on_its_ticket(
        mail_hub: Hub, sink: Sink) -> None:
    ticket_id, reply_id = _sent_reply(mail_hub, sink)
    status = mail_hub.app.tickets.get(LOCAL_OPERATOR, ticket_id).ticket.status
    sent_before = len(sink.messages)

    assert take(mail_hub.app, _qmail_bounce(reply_id), source="test") is Outcome.AUTO_REPLY

    [reply] = [d for d in mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id)
               if d.kind == "reply"]
    assert reply.status is DeliveryStatus.FAILED
    assert reply.last_error == "returned undelivered: failure notice"
    history = mail_hub.app.tickets.history(LOCAL_OPERATOR, ticket_id)
    [failed] = [e.event for e in history if e.event.kind is EventKind.MAIL_DELIVERY_FAILED]
    assert failed.data["bounced"] is True and failed.data["delivery_id"] == reply.id
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, ticket_id)
    assert detail.ticket.status is status  # a robot's mail never wakes the ticket
    assert [m.channel_meta.get("automatic") for m in detail.messages][-1] == "bounce"
    # Nothing answers the bounce, and no other ticket was opened for it.
    mail_hub.app.relay_outbox()
    mail_hub.app.mail.deliver_due(SmtpTransport("127.0.0.1", sink.port, timeout=10))
    assert len(sink.messages) == sent_before
    with mail_hub.uows(write=False) as uow:
        assert uow.mail.ticket_for_message_ids(("<m1@example.com>",)) == ticket_id


@pytest.mark.parametrize("copied", [True, False],
                         ids=["returned headers copied", "nothing of the returned mail"])
def test_a_delivery_report_names_the_recipient_and_the_servers_words(
        mail_hub: Hub, sink: Sink, copied: bool) -> None:
    """Without a copy of the returned mail's headers, the report's failed recipient finds
    the mail it returns."""
    ticket_id, reply_id = _sent_reply(mail_hub, sink)
    # Sendmail names itself without a domain; the report is filed all the same.
    report = _report(reply_id, "failed", sender="MAILER-DAEMON")
    if not copied:
        report = report.replace(f"Message-ID: {reply_id}\r\n".encode(), b"")
    assert take(mail_hub.app, report, source="test") is Outcome.AUTO_REPLY
    [reply] = [d for d in mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id)
               if d.kind == "reply"]
    assert reply.status is DeliveryStatus.FAILED
    assert reply.last_error == "returned undelivered: ann@example.com: 550 5.1.1 User unknown"


def test_a_warning_of_delay_is_kept_on_the_ticket_and_leaves_the_reply_sent(
        mail_hub: Hub, sink: Sink) -> None:
    ticket_id, reply_id = _sent_reply(mail_hub, sink)
    assert take(mail_hub.app, _report(reply_id, "delayed"), source="test") is \
        Outcome.AUTO_REPLY
    [reply] = [d for d in mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id)
               if d.kind == "reply"]
    assert reply.status is DeliveryStatus.SENT
    history = mail_hub.app.tickets.history(LOCAL_OPERATOR, ticket_id)
    kinds = [e.event.kind for e in history]
    assert EventKind.MAIL_AUTOMATIC in kinds and EventKind.MAIL_DELIVERY_FAILED not in kinds


def test_a_bounce_of_mail_the_desk_never_sent_changes_nothing(mail_hub: Hub) -> None:
    take(mail_hub.app, corpus.plain(sender="ann@example.com"), source="test")
    assert take(mail_hub.app, _qmail_bounce("<someone-elses@example.org>"), source="test") \
        is Outcome.AUTO_REPLY
    coordinator = factories.staff(mail_hub, Role.COORDINATOR).agent
    [set_aside] = mail_hub.app.mail.set_aside(coordinator)
    assert set_aside.reason == "bounce" and set_aside.ticket_id is None


def test_a_read_receipt_written_as_plain_mail_opens_nothing(mail_hub: Hub) -> None:
    """Outlook's receipt as Exchange hands it on: no report, no In-Reply-To, only its
    content class and its subject say what it is."""
    receipt = (b"From: Karl <karl@example.de>\r\nTo: support@desk.test\r\n"
               b"Subject: Read: Printer question\r\nMessage-ID: <receipt@example.de>\r\n"
               b"Content-Class: urn:content-classes:MDN\r\n"
               b"Content-Type: text/plain; charset=us-ascii\r\n\r\n"
               b"Your message was read on Monday.\r\n")
    assert take(mail_hub.app, receipt, source="test") is Outcome.AUTO_REPLY
    coordinator = factories.staff(mail_hub, Role.COORDINATOR).agent
    assert [m.reason for m in mail_hub.app.mail.set_aside(coordinator)] == ["auto_reply"]


def test_a_solved_tickets_bounce_does_not_reopen_it(mail_hub: Hub, sink: Sink) -> None:
    ticket_id, reply_id = _sent_reply(mail_hub, sink)
    admin = factories.staff(mail_hub, Role.ADMIN).agent
    mail_hub.app.tickets.change_status(admin, ticket_id, Status.SOLVED)
    assert take(mail_hub.app, _qmail_bounce(reply_id), source="test") is Outcome.AUTO_REPLY
    assert mail_hub.app.tickets.get(LOCAL_OPERATOR, ticket_id).ticket.status is Status.SOLVED


def test_exchange_onlines_report_sent_as_ordinary_mail_is_a_bounce(
        mail_hub: Hub, sink: Sink) -> None:
    """Exchange Online writes some reports as mixed mail from an address of its own
    organisation, the returned message attached; its header says what it is."""
    ticket_id, reply_id = _sent_reply(mail_hub, sink)
    report = ("From: Microsoft Outlook <MicrosoftExchange1f2e@contoso.example>\r\n"
              "To: support@desk.test\r\nSubject: Undeliverable: Re: Printer on fire\r\n"
              "Message-ID: <ndr@contoso.example>\r\nX-MS-Exchange-Message-Is-Ndr:\r\n"
              "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=N\r\n\r\n"
              "--N\r\nContent-Type: text/plain\r\n\r\n"
              "Your message to ann@example.com couldn't be delivered.\r\n"
              "--N\r\nContent-Type: message/rfc822\r\n\r\n"
              f"Message-ID: {reply_id}\r\nFrom: support@desk.test\r\n"
              "Subject: Re: Printer on fire\r\n\r\nPlease try the other charger.\r\n"
              "--N--\r\n").encode()
    assert take(mail_hub.app, report, source="test") is Outcome.AUTO_REPLY
    [reply] = [d for d in mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id)
               if d.kind == "reply"]
    assert reply.status is DeliveryStatus.FAILED
    assert reply.last_error == "returned undelivered: Undeliverable: Re: Printer on fire"


def test_a_report_on_hundreds_of_recipients_is_read_not_refused_for_its_parts() -> None:
    """The standard library reads each recipient's fields as a part of their own: a report on
    a mailing to 600 people is one report, not 600 parts past the limit."""
    from hubdesk.channels.email.parsing import MAX_PARTS, StdlibMailParser

    blocks = "".join(f"Final-Recipient: rfc822; u{n}@example.org\r\nAction: failed\r\n"
                     "Status: 5.1.1\r\n\r\n" for n in range(MAX_PARTS + 100))
    raw = ("From: MAILER-DAEMON@mx.test\r\nTo: support@desk.test\r\nSubject: Returned\r\n"
           "MIME-Version: 1.0\r\nContent-Type: multipart/report; "
           "report-type=delivery-status; boundary=R\r\n\r\n--R\r\n"
           "Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.test\r\n\r\n"
           + blocks + "--R--\r\n").encode()
    reports = StdlibMailParser().parse(raw).recipient_reports
    assert reports[0].recipient == "u0@example.org" and reports[0].action == "failed"
    assert len(reports) == 100  # the first hundred name the failure well enough


def _bounce_without_a_copy(recipient: str) -> bytes:
    """A bounce that keeps nothing of the returned message, as some mailbox providers
    write one: only the address it could not reach."""
    return ("Return-Path: <>\r\nFrom: Mail Delivery System <mailer-daemon@mx.example.net>\r\n"
            "To: support@desk.test\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            "Date: Mon, 07 Dec 2026 06:00:00 +0000\r\n\r\n"
            "This is the mail system at host mx.example.net.\r\n\r\n"
            "I'm sorry to have to inform you that your message could not be delivered to\r\n"
            f"one or more recipients.\r\n\r\n<{recipient}>: host mx.example.net said: 550 "
            "5.1.1 mailbox unavailable\r\n").encode()


def test_a_bounce_that_copies_no_message_id_is_matched_by_the_address_it_failed_to_reach(
        mail_hub: Hub, sink: Sink) -> None:
    ticket_id, _ = _sent_reply(mail_hub, sink)
    assert take(mail_hub.app, _bounce_without_a_copy("Ann@Example.com"), source="test") \
        is Outcome.AUTO_REPLY
    deliveries = mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id)
    [reply] = [d for d in deliveries if d.kind == "reply"]
    assert reply.status is DeliveryStatus.FAILED
    # Only the newest mail to that address is taken for the returned one.
    assert [d.status for d in deliveries if d.kind != "reply"] == \
        [DeliveryStatus.SENT] * (len(deliveries) - 1)
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, ticket_id)
    assert [m.channel_meta.get("automatic") for m in detail.messages][-1] == "bounce"
    coordinator = factories.staff(mail_hub, Role.COORDINATOR).agent
    assert mail_hub.app.mail.set_aside(coordinator) == []


def test_a_bounce_to_an_address_the_desk_did_not_write_to_is_set_aside(
        mail_hub: Hub, sink: Sink) -> None:
    ticket_id, _ = _sent_reply(mail_hub, sink)
    assert take(mail_hub.app, _bounce_without_a_copy("bob@example.org"), source="test") \
        is Outcome.AUTO_REPLY
    assert all(d.status is DeliveryStatus.SENT
               for d in mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id))
    coordinator = factories.staff(mail_hub, Role.COORDINATOR).agent
    assert [m.reason for m in mail_hub.app.mail.set_aside(coordinator)] == ["bounce"]


def test_a_bounce_of_someone_elses_mail_is_not_taken_for_the_desks_by_its_recipient(
        mail_hub: Hub, sink: Sink) -> None:
    """A forger sent mail in the desk's name to a customer the desk also wrote to: the
    bounce quotes the forger's Message-ID, which the desk never sent."""
    ticket_id, _ = _sent_reply(mail_hub, sink)
    assert take(mail_hub.app, _qmail_bounce("<forged@spam.example>"), source="test") \
        is Outcome.AUTO_REPLY
    assert all(d.status is DeliveryStatus.SENT
               for d in mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id))


def test_a_bounce_of_a_reply_on_a_ticket_merged_since_marks_the_reply_on_the_kept_one(
        mail_hub: Hub, sink: Sink) -> None:
    ticket_id, reply_id = _sent_reply(mail_hub, sink)
    take(mail_hub.app, corpus.plain(sender="ann@example.com", subject="Printer, again",
                                    message_id="<m2@example.com>"), source="test")
    with mail_hub.uows(write=False) as uow:
        kept = uow.mail.ticket_for_message_ids(("<m2@example.com>",))
    assert kept is not None and kept != ticket_id
    admin = factories.staff(mail_hub, Role.ADMIN).agent
    mail_hub.app.tickets.merge(admin, ticket_id, kept)

    assert take(mail_hub.app, _qmail_bounce(reply_id), source="test") is Outcome.AUTO_REPLY
    replies = [d for t in (ticket_id, kept)
               for d in mail_hub.app.mail.deliveries(LOCAL_OPERATOR, t) if d.kind == "reply"]
    assert [d.status for d in replies] == [DeliveryStatus.FAILED]
    history = mail_hub.app.tickets.history(LOCAL_OPERATOR, kept)
    assert any(e.event.kind is EventKind.MAIL_DELIVERY_FAILED for e in history)


def _gateways_bounce(returned_message_id: str | None, *, envelope: str = "",
                     words: str = "Received >>> 550 5.1.1 unknown user.") -> bytes:
    """A bounce as a mail-scanning gateway writes it: ordinary mail from its own address,
    neither a report nor a mailer-daemon's, saying in its text which address failed."""
    copied = (f"---------- Forwarded message ----------\r\nMessage-ID: {returned_message_id}"
              "\r\nFrom: support@desk.test\r\nSubject: Re: Printer on fire\r\n"
              if returned_message_id else "")
    return (f"{envelope}From: scanner@gw.example.net\r\nTo: support@desk.test\r\n"
            "Subject: Mail could not be delivered\r\nMessage-ID: <gw-1@gw.example.net>\r\n"
            "Date: Mon, 07 Dec 2026 06:00:00 +0000\r\n\r\n"
            "****** Message from the mail gateway ******\r\n\r\n"
            f"Sent <<< RCPT TO:<ann@example.com>\r\n{words}\r\n\r\n"
            "Unable to deliver message to <ann@example.com>.\r\n\r\n" + copied).encode()


@pytest.mark.parametrize("returned", [True, False],
                         ids=["returned headers copied", "nothing of the returned mail"])
def test_a_scanning_gateways_bounce_marks_the_reply_undelivered_and_opens_nothing(
        mail_hub: Hub, sink: Sink, returned: bool) -> None:
    """Before, its From was no mailer-daemon's and it was no report: it opened a ticket for
    the gateway and the desk acknowledged it."""
    ticket_id, reply_id = _sent_reply(mail_hub, sink)
    sent_before = len(sink.messages)
    bounce = _gateways_bounce(reply_id if returned else None)
    assert take(mail_hub.app, bounce, source="test") is Outcome.AUTO_REPLY
    [reply] = [d for d in mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id)
               if d.kind == "reply"]
    assert reply.status is DeliveryStatus.FAILED
    mail_hub.app.relay_outbox()
    mail_hub.app.mail.deliver_due(SmtpTransport("127.0.0.1", sink.port, timeout=10))
    assert len(sink.messages) == sent_before


def test_mail_from_a_mailer_daemons_envelope_is_a_bounce_whatever_its_words(
        mail_hub: Hub, sink: Sink) -> None:
    ticket_id, _ = _sent_reply(mail_hub, sink)
    bounce = _gateways_bounce(None, envelope="Return-Path: <MAILER-DAEMON@gw.example.net>\r\n",
                              words="The recipient is not known here.")
    assert take(mail_hub.app, bounce, source="test") is Outcome.AUTO_REPLY
    [reply] = [d for d in mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id)
               if d.kind == "reply"]
    assert reply.status is DeliveryStatus.FAILED


@pytest.mark.parametrize("action", ["failure", "failed (Bad destination mailbox address)",
                                    "error", ""])
def test_a_report_in_a_servers_own_words_for_failed_marks_the_reply_undelivered(
        mail_hub: Hub, sink: Sink, action: str) -> None:
    """Some servers write "failure", "error" or a comment after "failed", or no action at
    all beside a permanent status. Before, each was read as a warning of delay and the reply
    stayed sent."""
    ticket_id, reply_id = _sent_reply(mail_hub, sink)
    report = _report(reply_id, "failed").replace(b"Action: failed\r\n",
                                                 f"Action: {action}\r\n".encode())
    assert take(mail_hub.app, report, source="test") is Outcome.AUTO_REPLY
    [reply] = [d for d in mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id)
               if d.kind == "reply"]
    assert reply.status is DeliveryStatus.FAILED
