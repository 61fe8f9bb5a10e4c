"""Received mail ends as a ticket update or a visible quarantine entry, once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.intake import take
from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.events import EventKind
from hubdesk.domain.mail import Outcome
from hubdesk.domain.mail_rules import REPLY_SUBJECT_DAYS
from hubdesk.domain.tickets import MAX_SUBJECT_LENGTH, Status
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.views import TicketFilter
from hubdesk.store.tables import tickets
from tests import factories
from tests.channels.email import corpus
from tests.channels.email.conftest import BILLING


def _tickets(hub: Hub) -> list[int]:
    page = hub.app.tickets.page(LOCAL_OPERATOR, TicketFilter(), limit=200)
    return sorted(row.id for row in page.rows)


def _ticket_of(hub: Hub, raw_message_id: str) -> int:
    with hub.uows(write=False) as uow:
        found = uow.mail.ticket_for_message_ids((raw_message_id,))
    assert found is not None
    return found


def test_a_new_message_opens_a_ticket_for_a_new_customer_with_files_and_copies(
        mail_hub: Hub) -> None:
    assert take(mail_hub.app, corpus.alternative_with_files(), source="test") is \
        Outcome.CREATED
    ticket_id = _ticket_of(mail_hub, "<alt@example.com>")
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, ticket_id)
    assert detail.requester.primary_email == "bob@example.com"
    assert detail.requester.name == "Bob Builder"
    assert detail.ticket.subject == "Invoice question"
    assert detail.ticket.channel.value == "email"
    message = detail.messages[0]
    assert message.body == "Please see the invoice attached.\n\nThanks, Bob"
    assert message.channel_meta["cc"] == ["carol@example.com", "dan@example.org"]
    assert "<script" not in (message.body_html or "") and "<b>invoice</b>" in \
        (message.body_html or "")
    files = {a.filename: a for a in message.attachments}
    assert set(files) == {"image.png", "invoice.pdf"}
    assert mail_hub.blobs.get(files["image.png"].sha256) == corpus.PNG


def test_control_characters_in_the_headers_are_filed_not_quarantined(mail_hub: Hub) -> None:
    """On PostgreSQL a NUL byte in any stored text fails the whole filing; such a message
    is filed without its control characters instead of being held in quarantine."""
    assert take(mail_hub.app, corpus.control_characters(), source="test") is Outcome.CREATED
    ticket_id = _ticket_of(mail_hub, "<nul@example.com>")
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, ticket_id)
    assert detail.ticket.subject == "Refund please"
    assert detail.requester.name == "Ann Lee"
    assert [a.filename for a in detail.messages[0].attachments] == ["receipt.pdf"]


def test_the_same_message_twice_is_stored_once(mail_hub: Hub) -> None:
    raw = corpus.plain()
    assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
    assert take(mail_hub.app, raw, source="test") is Outcome.DUPLICATE
    # Same Message-ID, other bytes (a second delivery through another relay).
    again = corpus.plain(body="The printer is on fire.", subject="Printer on fire!")
    assert take(mail_hub.app, again, source="test") is Outcome.DUPLICATE
    # No Message-ID: the bytes decide.
    bare = corpus.no_message_id()
    assert take(mail_hub.app, bare, source="test") is Outcome.CREATED
    assert take(mail_hub.app, bare, source="test") is Outcome.DUPLICATE
    assert len(_tickets(mail_hub)) == 2


def test_replies_thread_by_references_token_and_plus_address_never_duplicating(
        mail_hub: Hub) -> None:
    take(mail_hub.app, corpus.plain(), source="test")
    ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
    by_reference = corpus.plain(subject="Re: Printer on fire", body="Still burning",
                                message_id="<m2@example.com>", In_Reply_To="<m1@example.com>",
                                References="<m1@example.com>")
    assert take(mail_hub.app, by_reference, source="test") is Outcome.THREADED
    by_token = corpus.plain(subject=f"Other words [#{ticket_id}]", body="Token",
                            message_id="<m3@example.com>")
    assert take(mail_hub.app, by_token, source="test") is Outcome.THREADED
    by_plus = corpus.plain(to=f"support+{ticket_id}@desk.test", subject="New words",
                           body="Plus", message_id="<m4@example.com>")
    assert take(mail_hub.app, by_plus, source="test") is Outcome.THREADED
    # A stranger naming the ticket's number does not write into it.
    stranger = corpus.plain(sender="mallory@example.net", subject=f"Hi [#{ticket_id}]",
                            message_id="<m5@example.net>")
    assert take(mail_hub.app, stranger, source="test") is Outcome.CREATED
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, ticket_id)
    assert [m.body for m in detail.messages] == ["The printer is on fire.", "Still burning",
                                                 "Token", "Plus"]
    assert len(_tickets(mail_hub)) == 2


def test_quoted_history_is_hidden_and_the_original_kept(mail_hub: Hub) -> None:
    take(mail_hub.app, corpus.plain(), source="test")
    reply = corpus.plain(subject="Re: Printer on fire", message_id="<q@example.com>",
                         body=corpus.QUOTED_REPLIES["gmail_de"], In_Reply_To="<m1@example.com>")
    assert take(mail_hub.app, reply, source="test") is Outcome.THREADED
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, _ticket_of(mail_hub, "<m1@example.com>"))
    last = detail.messages[-1]
    assert last.body == "Danke, es geht wieder."
    assert last.channel_meta["quoted_text_hidden"] is True
    raw = mail_hub.app.mail.raw(LOCAL_OPERATOR, last.channel_meta["inbound_id"])
    assert b"Bitte neu starten." in raw


def test_a_message_to_a_closed_ticket_opens_a_linked_follow_up(mail_hub: Hub) -> None:
    take(mail_hub.app, corpus.plain(), source="test")
    ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
    admin = factories.staff(mail_hub, Role.ADMIN).agent
    mail_hub.app.tickets.change_status(admin, ticket_id, Status.SOLVED)
    mail_hub.app.tickets.change_status(admin, ticket_id, Status.CLOSED)
    late = corpus.plain(subject="Re: Printer on fire", body="It is back",
                        message_id="<late@example.com>", In_Reply_To="<m1@example.com>")
    assert take(mail_hub.app, late, source="test") is Outcome.CREATED
    follow_up = _ticket_of(mail_hub, "<late@example.com>")
    assert follow_up != ticket_id
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, follow_up)
    assert detail.ticket.custom_fields["follow_up_of"] == ticket_id
    assert detail.requester.primary_email == "ann@example.com"


def test_mail_to_a_routed_address_lands_in_its_team(mail_hub: Hub) -> None:
    take(mail_hub.app, corpus.plain(to=BILLING), source="test")
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, _ticket_of(mail_hub, "<m1@example.com>"))
    teams = {team.name: team.id for team in mail_hub.app.directory.teams(LOCAL_OPERATOR)}
    assert detail.ticket.team_id == teams["Billing"]


def test_auto_replies_and_bounces_are_kept_on_the_ticket_and_never_wake_it(
        mail_hub: Hub) -> None:
    take(mail_hub.app, corpus.plain(), source="test")
    ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
    admin = factories.staff(mail_hub, Role.ADMIN).agent
    mail_hub.app.tickets.change_status(admin, ticket_id, Status.SOLVED)
    assert take(mail_hub.app, corpus.out_of_office("<m1@example.com>"), source="test") is \
        Outcome.AUTO_REPLY
    assert take(mail_hub.app, corpus.bounce("<m1@example.com>"), source="test") is \
        Outcome.AUTO_REPLY
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, ticket_id)
    assert detail.ticket.status is Status.SOLVED
    automatic = [m.channel_meta["automatic"] for m in detail.messages
                 if "automatic" in m.channel_meta]
    assert automatic == ["auto_reply", "bounce"]
    kinds = [e.event.kind for e in mail_hub.app.tickets.history(LOCAL_OPERATOR, ticket_id)]
    assert kinds.count(EventKind.MAIL_AUTOMATIC) == 2
    # An auto-reply that answers nothing we know opens nothing.
    stray = corpus.plain(sender="robot@example.com", message_id="<ooo2@example.com>",
                         Auto_Submitted="auto-replied")
    assert take(mail_hub.app, stray, source="test") is Outcome.AUTO_REPLY
    assert len(_tickets(mail_hub)) == 1


def test_a_sender_writing_in_a_loop_is_rate_limited(mail_hub: Hub) -> None:
    outcomes = [take(mail_hub.app, corpus.plain(sender="loop@example.com",
                                                message_id=f"<loop{n}@example.com>",
                                                subject=f"Ping {n}"), source="test")
                for n in range(8)]
    assert outcomes[:5] == [Outcome.CREATED] * 5
    assert set(outcomes[5:]) == {Outcome.AUTO_REPLY}


def test_a_message_that_makes_the_parser_raise_ends_in_quarantine(mail_hub: Hub) -> None:
    assert take(mail_hub.app, corpus.deeply_nested(), source="test") is Outcome.QUARANTINED
    admin = factories.staff(mail_hub, Role.COORDINATOR).agent
    [entry] = mail_hub.app.mail.quarantined(admin)
    assert entry.reason is not None and "nested more than" in entry.reason
    assert entry.reason.startswith("unreadable: UnreadableMail")
    assert mail_hub.app.mail.retry(admin, entry.id or 0) is Outcome.QUARANTINED
    ticket_id = mail_hub.app.mail.to_ticket(admin, entry.id or 0, "deep@example.com")
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, ticket_id)
    assert "bottom" in detail.messages[0].body
    assert mail_hub.app.mail.quarantined(admin) == []


def test_a_message_without_any_sender_is_quarantined_with_the_reason(mail_hub: Hub) -> None:
    raw = b"To: support@desk.test\r\nSubject: who?\r\nMessage-ID: <anon@x.test>\r\n\r\nhi\r\n"
    assert take(mail_hub.app, raw, source="test") is Outcome.QUARANTINED
    admin = factories.staff(mail_hub, Role.ADMIN).agent
    [entry] = mail_hub.app.mail.quarantined(admin)
    assert "names no sender" in (entry.reason or "")


def test_representatives_do_not_see_the_quarantine(mail_hub: Hub) -> None:
    import pytest

    from hubdesk.domain.errors import PermissionDenied

    representative = factories.staff(mail_hub, Role.REPRESENTATIVE).agent
    with pytest.raises(PermissionDenied):
        mail_hub.app.mail.quarantined(representative)


def test_a_message_received_but_not_processed_is_processed_on_the_next_start(
        mail_hub: Hub) -> None:
    received = mail_hub.app.mail.receive(corpus.plain(), source="test")
    assert not received.duplicate
    assert _tickets(mail_hub) == []
    assert mail_hub.app.mail.process_pending() == [Outcome.CREATED]
    assert mail_hub.app.mail.process_pending() == []
    assert mail_hub.app.mail.process(received.inbound_id) is Outcome.CREATED
    assert len(_tickets(mail_hub)) == 1


def test_the_whole_corpus_is_filed_without_quarantine(mail_hub: Hub) -> None:
    messages = [
        corpus.alternative_with_files(), corpus.html_only(),
        corpus.in_charset("iso-2022-jp", "こんにちは、注文について", "注文の件",
                          message_id="<jp@example.jp>"),
        corpus.in_charset("gb2312", "你好，我的订单没有到", "订单", message_id="<gb@example.cn>"),
        corpus.in_charset("iso-8859-1", "Grüße aus Köln", "Grüße", "quoted-printable",
                          message_id="<qp@example.de>"),
        corpus.in_charset("windows-1252", "Price €5 – “quoted”", "Preis",
                          message_id="<cp@example.com>"),
        corpus.mislabelled(), corpus.unknown_charset(), corpus.broken_headers(),
        corpus.long_lines(), corpus.no_message_id("bare"),
    ]
    outcomes = [take(mail_hub.app, raw, source="test") for raw in messages]
    assert outcomes == [Outcome.CREATED] * len(messages)
    subjects = {mail_hub.app.tickets.get(LOCAL_OPERATOR, t).ticket.subject: t
                for t in _tickets(mail_hub)}
    assert {"注文の件", "订单", "Grüße", "Preis", "Résumé attached"} <= set(subjects)
    bodies = {s: mail_hub.app.tickets.get(LOCAL_OPERATOR, t).messages[0].body
              for s, t in subjects.items()}
    assert bodies["Résumé attached"] == "Café crème €5 price"
    assert bodies["Only HTML"] == "Hello\n\nMy order 1234 is late."
    assert bodies["订单"] == "你好，我的订单没有到"


def test_a_subject_longer_than_a_tickets_is_cut_not_quarantined(mail_hub: Hub) -> None:
    assert take(mail_hub.app, corpus.long_subject(2_000), source="test") is Outcome.CREATED
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR,
                                      _ticket_of(mail_hub, "<long-subject@example.com>"))
    assert len(detail.ticket.subject) == MAX_SUBJECT_LENGTH
    assert detail.ticket.subject.startswith("field0=value0 field1=value1")
    assert detail.ticket.subject.endswith("…")
    assert detail.messages[0].channel_meta["notices"] == [
        f"the subject was cut at {MAX_SUBJECT_LENGTH} characters"]


def test_old_clients_8bit_headers_reach_the_ticket_and_the_customer(mail_hub: Hub) -> None:
    raw = corpus.eight_bit_headers("iso-8859-1", "Jürgen Groß", "Grüße aus Köln",
                                   "Meine Bestellung fehlt.")
    assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, _ticket_of(mail_hub, "<8bit@example.com>"))
    assert detail.ticket.subject == "Grüße aus Köln"
    assert detail.requester.name == "Jürgen Groß"


def test_a_reply_that_lost_its_references_threads_by_subject_from_its_sender_only(
        mail_hub: Hub) -> None:
    take(mail_hub.app, corpus.plain(), source="test")
    ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
    for number, subject in enumerate(("RE: Printer on fire", "AW: Re: printer on  fire",
                                      "[EXTERNAL] Re: Printer on fire")):
        reply = corpus.plain(subject=subject, body=f"Answer {number}",
                             message_id=f"<r{number}@example.com>")
        assert take(mail_hub.app, reply, source="test") is Outcome.THREADED
    stranger = corpus.plain(sender="mallory@example.net", subject="Re: Printer on fire",
                            message_id="<s@example.net>")
    again = corpus.plain(subject="Printer on fire", body="A new fire", message_id="<n@x.com>")
    assert take(mail_hub.app, stranger, source="test") is Outcome.CREATED
    assert take(mail_hub.app, again, source="test") is Outcome.CREATED
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, ticket_id)
    assert [m.body for m in detail.messages] == [
        "The printer is on fire.", "Answer 0", "Answer 1", "Answer 2"]
    assert len(_tickets(mail_hub)) == 3


def test_a_reply_by_subject_to_a_long_quiet_ticket_opens_a_new_one(mail_hub: Hub) -> None:
    take(mail_hub.app, corpus.plain(), source="test")
    ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
    with mail_hub.engine.begin() as db:
        db.execute(tickets.update().where(tickets.c.id == ticket_id).values(
            updated_at=utcnow() - timedelta(days=REPLY_SUBJECT_DAYS + 1)))
    late = corpus.plain(subject="Re: Printer on fire", message_id="<late@example.com>")
    assert take(mail_hub.app, late, source="test") is Outcome.CREATED
    assert len(_tickets(mail_hub)) == 2


def test_a_notes_reply_quoting_the_desks_mail_under_a_forward_rule_shows_its_new_words(
        mail_hub: Hub) -> None:
    take(mail_hub.app, corpus.plain(sender="peter@example.at"), source="test")
    ticket_id = _ticket_of(mail_hub, "<m1@example.com>")
    reply = corpus.plain(
        sender="peter@example.at", subject=f"Re: Printer on fire [#{ticket_id}]",
        message_id="<notes-reply@example.at>", In_Reply_To="<m1@example.com>",
        body="Still failing after the restart.\n\n"
             "----- Forwarded by Peter Kurz/ACME on 12/07/2026 08:11 AM -----\n\n"
             "From:\tsupport@desk.test\nTo:\tPeter Kurz/ACME@ACME\n"
             f"Date:\t12/07/2026 07:55 AM\nSubject:\tRe: Printer on fire [#{ticket_id}]\n\n"
             "Please restart the printer.\n")
    assert take(mail_hub.app, reply, source="test") is Outcome.THREADED
    detail = mail_hub.app.tickets.get(LOCAL_OPERATOR, ticket_id)
    assert detail.messages[-1].body == "Still failing after the restart."


@pytest.mark.parametrize(("raw", "said"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8, "an Outlook item (.msg)"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\0" + bytes(range(256)), "a binary file"),
])
def test_a_file_that_is_no_message_is_quarantined_saying_what_it_is(
        mail_hub: Hub, raw: bytes, said: str) -> None:
    """An Outlook item or another file dropped where messages are read: before, it was read
    as a message with no headers and quarantined as naming no sender."""
    assert take(mail_hub.app, raw, source="test") is Outcome.QUARANTINED
    coordinator = factories.staff(mail_hub, Role.COORDINATOR).agent
    [entry] = mail_hub.app.mail.quarantined(coordinator)
    assert entry.reason is not None and said in entry.reason
