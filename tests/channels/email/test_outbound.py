"""Outbound mail: queued once per committed event, sent to a real SMTP server with the
headers customers' clients thread by; failures retried and shown on the ticket."""

from __future__ import annotations

import smtplib
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.intake import take
from hubdesk.channels.email.sending import SmtpTransport
from hubdesk.channels.email.smtpd import SmtpServer
from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.events import EventKind
from hubdesk.domain.mail import DeliveryStatus, Outcome
from hubdesk.domain.tickets import Status
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.mail_outbound import deliver_due, queue_for_event
from hubdesk.services.tickets import NewAttachment
from tests import factories
from tests.channels.email import corpus
from tests.channels.email.net import free_port, wait_for
from tests.channels.email.sink import Sink


@pytest.fixture
def sink() -> Iterator[Sink]:
    with Sink() as running:
        yield running


def _relay_and_send(hub: Hub, sink: Sink) -> int:
    hub.app.relay_outbox()
    return hub.app.mail.deliver_due(SmtpTransport("127.0.0.1", sink.port, timeout=10))


def _ticket_of(hub: Hub, message_id: str) -> int:
    with hub.uows(write=False) as uow:
        found = uow.mail.ticket_for_message_ids((message_id,))
    assert found is not None
    return found


def test_customer_writes_gets_an_acknowledgement_and_the_agents_reply_threads_back(
        mail_hub: Hub, sink: Sink) -> None:
    port = free_port()
    server = SmtpServer(mail_hub.app, "127.0.0.1", port, max_message_bytes=1_000_000)
    server.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("ann@example.com", ["support@desk.test"], corpus.plain())
        assert wait_for(lambda: _relay_and_send(mail_hub, sink) > 0 or bool(sink.messages))
        ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
        [ack] = sink.messages
        assert ack["To"] == "ann@example.com" and ack["From"] == "support@desk.test"
        assert ack["Subject"] == f"Re: Printer on fire [#{ticket_id}]"
        assert ack["In-Reply-To"] == "<m1@example.com>"
        assert ack["References"] == "<m1@example.com>"
        assert ack["Auto-Submitted"] == "auto-replied"
        assert ack.get_body(("plain",)).get_content().startswith("Hello Ann,")
        assert "<p>" in ack.get_body(("html",)).get_content()

        agent = factories.staff(mail_hub, Role.ADMIN).agent
        mail_hub.app.tickets.reply(agent, ticket_id, "Unplug it & call the <fire> brigade.")
        assert _relay_and_send(mail_hub, sink) == 1
        reply = sink.messages[-1]
        assert reply["In-Reply-To"] == "<m1@example.com>"
        assert reply["References"].split() == ["<m1@example.com>", ack["Message-ID"]]
        assert reply["Auto-Submitted"] is None
        assert "Unplug it & call the <fire> brigade." in reply.get_body(("plain",)).get_content()
        assert "&lt;fire&gt;" in reply.get_body(("html",)).get_content()

        # The customer's client answers the reply: same ticket, no new one.
        answer = corpus.plain(subject=reply["Subject"], body="Done, thanks",
                              message_id="<m9@example.com>",
                              In_Reply_To=reply["Message-ID"],
                              References=f"{reply['References']} {reply['Message-ID']}")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("ann@example.com", ["support@desk.test"], answer)
        assert wait_for(lambda: len(mail_hub.app.tickets.get(
            LOCAL_OPERATOR, ticket_id).messages) == 3)
        assert _ticket_of(mail_hub, "<m9@example.com>") == ticket_id
        assert _relay_and_send(mail_hub, sink) == 0  # a customer's message is not answered

        mail_hub.app.tickets.change_status(agent, ticket_id, Status.SOLVED)
        assert _relay_and_send(mail_hub, sink) == 1
        assert "marked as solved" in sink.messages[-1].get_body(("plain",)).get_content()
    finally:
        server.stop()


def test_an_event_relayed_twice_queues_one_mail(mail_hub: Hub, sink: Sink) -> None:
    take(mail_hub.app, corpus.plain(), source="test")
    ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
    payload = {"ticket_id": ticket_id, "kind": "created", "data": {}, "changes": {}}
    routing = mail_hub.app.mail.routing
    with mail_hub.uows() as uow:
        assert queue_for_event(uow, routing, "ticket.created", payload)
        assert not queue_for_event(uow, routing, "ticket.created", payload)
        uow.commit()
    mail_hub.app.relay_outbox()  # the real relay hands the same event on again
    assert _relay_and_send(mail_hub, sink) == 1
    assert len(sink.messages) == 1


def test_auto_replies_blocked_senders_and_robots_get_no_mail(mail_hub: Hub, sink: Sink) -> None:
    take(mail_hub.app, corpus.out_of_office(), source="test")
    take(mail_hub.app, corpus.plain(sender="no-reply@shop.example",
                                    message_id="<nr@shop.example>"), source="test")
    take(mail_hub.app, corpus.plain(sender="troll@example.net", message_id="<t@x.net>"),
         source="test")
    coordinator = factories.staff(mail_hub, Role.COORDINATOR).agent
    troll_ticket = _ticket_of(mail_hub, "<t@x.net>")
    mail_hub.app.relay_outbox()
    # the troll's acknowledgement was queued before the block; block, then reply
    mail_hub.app.safety.block_requester(coordinator, troll_ticket, "abuse")
    sink.messages.clear()
    mail_hub.app.tickets.reply(coordinator, troll_ticket, "Goodbye")
    _relay_and_send(mail_hub, sink)
    # The acknowledgement queued before the block goes; the reply after it does not, and
    # neither the auto-reply nor the no-reply robot hears from us.
    assert [(m["To"], m["Auto-Submitted"]) for m in sink.messages] == [
        ("troll@example.net", "auto-replied")]


def test_a_refused_mail_is_retried_later_and_shows_on_the_ticket(mail_hub: Hub,
                                                                 sink: Sink) -> None:
    take(mail_hub.app, corpus.plain(), source="test")
    ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
    mail_hub.app.relay_outbox()
    sink.refuse = True
    transport = SmtpTransport("127.0.0.1", sink.port, timeout=10)
    assert mail_hub.app.mail.deliver_due(transport) == 1
    assert mail_hub.app.mail.deliver_due(transport) == 0  # not due again yet
    [delivery] = mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id)
    assert delivery.status is DeliveryStatus.PENDING and delivery.attempts == 1
    assert "554" in (delivery.last_error or "")
    history = mail_hub.app.tickets.history(LOCAL_OPERATOR, ticket_id)
    failed = [e.event for e in history if e.event.kind is EventKind.MAIL_DELIVERY_FAILED]
    assert len(failed) == 1 and failed[0].data["gave_up"] is False
    sink.refuse = False
    later = utcnow() + timedelta(minutes=5)
    assert deliver_due(mail_hub.uows, transport, later) == 1
    [delivery] = mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id)
    assert delivery.status is DeliveryStatus.SENT and len(sink.messages) == 1


def test_several_workers_send_each_mail_once(mail_hub: Hub, sink: Sink) -> None:
    for n in range(12):
        assert take(mail_hub.app, corpus.plain(sender=f"c{n}@example.com",
                                               message_id=f"<w{n}@example.com>"),
                    source="test") is Outcome.CREATED
    mail_hub.app.relay_outbox()
    transport = SmtpTransport("127.0.0.1", sink.port, timeout=10)
    workers = [threading.Thread(target=lambda: [deliver_due(mail_hub.uows, transport,
                                                            limit=3) for _ in range(6)])
               for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    recipients = sorted(m["To"] for m in sink.messages)
    assert recipients == sorted(f"c{n}@example.com" for n in range(12))


def test_a_customer_hears_which_parts_of_a_message_could_not_be_kept(mail_hub: Hub,
                                                                      sink: Sink) -> None:
    from email.message import EmailMessage
    from email.policy import SMTP

    from hubdesk.bootstrap import assemble

    small = assemble(mail_hub.settings.model_copy(update={"mail_max_attachment_bytes": 1000}),
                     mail_hub.engine)

    def with_file(message_id: str, in_reply_to: str | None, size: int) -> bytes:
        message = EmailMessage()
        message["From"] = "ann@example.com"
        message["To"] = "support@desk.test"
        message["Subject"] = "Printer on fire"
        message["Message-ID"] = message_id
        if in_reply_to:
            message["In-Reply-To"] = in_reply_to
        message.set_content("Photo attached.")
        message.add_attachment(b"x" * size, maintype="image", subtype="jpeg",
                               filename="fire.jpg")
        return message.as_bytes(policy=SMTP)

    assert take(small.app, with_file("<first@example.com>", None, 5000),
                source="test") is Outcome.CREATED
    ticket_id = _ticket_of(small, "<first@example.com>")
    assert take(small.app, with_file("<second@example.com>", "<first@example.com>", 5000),
                source="test") is Outcome.THREADED
    assert take(small.app, with_file("<third@example.com>", "<first@example.com>", 10),
                source="test") is Outcome.THREADED
    _relay_and_send(small, sink)
    ack, notice = sink.messages  # and nothing for the third, which lost nothing
    assert "fire.jpg" in ack.get_body(("plain",)).get_content()
    assert notice["Subject"] == f"Re: Printer on fire [#{ticket_id}]"
    assert notice["In-Reply-To"] == "<second@example.com>"
    assert notice["Auto-Submitted"] == "auto-replied"
    text = notice.get_body(("plain",)).get_content()
    assert "fire.jpg (5000 bytes)" in text and "could be kept" in text


def test_queueing_a_mail_reads_the_customer_once_and_other_events_read_nothing(
        mail_hub: Hub) -> None:
    from tests.web.test_query_counts import count_queries

    take(mail_hub.app, corpus.plain(), source="test")
    ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
    routing = mail_hub.app.mail.routing
    created = {"ticket_id": ticket_id, "kind": "created", "data": {}, "changes": {}}
    assigned = {"ticket_id": ticket_id, "kind": "assigned", "data": {}, "changes": {}}
    with mail_hub.uows() as uow, count_queries(mail_hub.engine) as statements:
        assert queue_for_event(uow, routing, "ticket.created", created)
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert sum(" customers" in s for s in reads) == 1, reads
        # the team's and the desk's templates are one read
        assert sum("mail_templates" in s for s in reads) == 1, reads
        statements.clear()
        assert not queue_for_event(uow, routing, "ticket.assigned", assigned)
        assert statements == []  # an event that never mails reads nothing


def test_a_reply_with_attachments_carries_them_as_mime_attachments(mail_hub: Hub,
                                                                  sink: Sink) -> None:
    take(mail_hub.app, corpus.plain(), source="test")
    ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
    agent = factories.staff(mail_hub, Role.ADMIN).agent
    pdf = b"%PDF-1.4 the return label"
    mail_hub.app.tickets.reply(agent, ticket_id, "The label is attached.", attachments=[
        NewAttachment("return label.pdf", "application/pdf", pdf),
        NewAttachment("steps.txt", "text/plain", b"1. print 2. stick")])
    mail_hub.app.tickets.reply(agent, ticket_id, "Seen the label.", public=False,
                               attachments=[NewAttachment("internal.txt", "text/plain", b"x")])

    _relay_and_send(mail_hub, sink)

    reply = sink.messages[-1]
    assert "The label is attached." in reply.get_body(("plain",)).get_content()
    files = [(part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
             for part in reply.iter_attachments()]
    assert files == [("return label.pdf", "application/pdf", pdf),
                     ("steps.txt", "text/plain", b"1. print 2. stick")]
    assert all(m["Subject"] and "internal.txt" not in m.as_string() for m in sink.messages)


def test_a_file_named_across_lines_is_sent_under_a_one_line_name(mail_hub: Hub,
                                                                 sink: Sink) -> None:
    take(mail_hub.app, corpus.plain(), source="test")
    ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
    agent = factories.staff(mail_hub, Role.ADMIN).agent
    mail_hub.app.tickets.reply(agent, ticket_id, "Both attached.", attachments=[
        NewAttachment("label\r\nBcc: eve@example.com.pdf", "application/pdf", b"%PDF"),
        NewAttachment("notes\x0bdraft\u2028v2.txt", "text/plain", b"x")])

    _relay_and_send(mail_hub, sink)

    reply = sink.messages[-1]
    assert "Both attached." in reply.get_body(("plain",)).get_content()
    assert [part.get_filename() for part in reply.iter_attachments()] == \
        ["label Bcc: eve@example.com.pdf", "notes draft v2.txt"]
    assert reply["Bcc"] is None

def test_a_mail_whose_file_cannot_be_read_is_retried_not_sent_without_it(mail_hub: Hub,
                                                                          sink: Sink) -> None:
    take(mail_hub.app, corpus.plain(), source="test")
    ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
    agent = factories.staff(mail_hub, Role.ADMIN).agent
    mail_hub.app.tickets.reply(agent, ticket_id, "Attached.", attachments=[
        NewAttachment("label.pdf", "application/pdf", b"%PDF")])
    mail_hub.app.relay_outbox()
    # Without the file store the bytes cannot be read: the reply waits, the rest goes.
    transport = SmtpTransport("127.0.0.1", sink.port, timeout=10)
    assert deliver_due(mail_hub.uows, transport) == 2
    assert [m["Auto-Submitted"] for m in sink.messages] == ["auto-replied"]
    [reply] = [d for d in mail_hub.app.mail.deliveries(LOCAL_OPERATOR, ticket_id)
               if d.kind == "reply"]
    assert reply.status is DeliveryStatus.PENDING and "attachments" in (reply.last_error or "")
