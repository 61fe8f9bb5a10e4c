"""Forwarded messages found as mail clients write them, and replies never taken for one."""

import pytest

from hubdesk.domain.forwarding import forwarded, shown_text
from hubdesk.domain.quoting import DATE_WORDS, FROM_WORDS, SUBJECT_WORDS, new_text

ORDER = "My order 1234 has not arrived.\n\nJane"

GMAIL = f"""Could someone look at this one?

---------- Forwarded message ---------
From: Jane Roe <jane@example.org>
Date: Tue, 1 Dec 2026 at 10:02
Subject: Where is my order?
To: <sales@shop.example>


{ORDER}"""

OUTLOOK = f"""FYI

________________________________
From: Jane Roe <Jane@Example.org>
Sent: Tuesday, December 1, 2026 10:02 AM
To: Sales <sales@shop.example>
Cc: Kim <kim@example.net>
Subject: Where is my order?

{ORDER}"""

OUTLOOK_OLD = f"""-----Original Message-----
From: Jane Roe [mailto:jane@example.org]
Sent: Tuesday, December 01, 2026 10:02 AM
To: sales@shop.example
Subject: Where is my order?

{ORDER}"""

APPLE = f"""Begin forwarded message:

From: "Roe, Jane" <jane@example.org>
Subject: Where is my order?
Date: 1 December 2026 at 10:02:00 CET
To: sales@shop.example

{ORDER}"""

THUNDERBIRD = f"""Please answer her.

-------- Forwarded Message --------
Subject: \tWhere is my order?
Date: \tTue, 1 Dec 2026 10:02:00 +0100
From: \tJane Roe <jane@example.org>
To: \tsales@shop.example

{ORDER}"""

GERMAN_OUTLOOK = f"""Bitte übernehmen.

*Von:* Jane Roe <jane@example.org>
*Gesendet:* Dienstag, 1. Dezember 2026 10:02
*An:* Vertrieb <sales@shop.example>
*Betreff:* Where is my order?

{ORDER}"""

NOTES = f"""Can you look at this?

Thanks,
Kim
------------- Forwarded by Kim Park/Sales/SHOP on 12/01/2026 10:30 AM ---------------


"Jane Roe" <jane@example.org> on 12/01/2026 10:02:17 AM
To: Kim Park/Sales/SHOP@SHOP
cc:
Subject: Where is my order?

{ORDER}"""

NOTES_WITH_HEADERS = f"""----- Forwarded by Kim Park/Sales/SHOP on 12/01/2026 10:30 AM -----

From:\tJane Roe <jane@example.org>
To:\tsales@shop.example
Date:\t12/01/2026 10:02 AM
Subject:\tWhere is my order?

{ORDER}"""


@pytest.mark.parametrize(("body", "subject", "note", "name"), [
    (NOTES, "Where is my order?", "Can you look at this?\n\nThanks,\nKim", "Jane Roe"),
    (NOTES_WITH_HEADERS, "Fw: Where is my order?", "", "Jane Roe"),
    (GMAIL, "Fwd: Where is my order?", "Could someone look at this one?", "Jane Roe"),
    (GMAIL, "Where is my order?", "Could someone look at this one?", "Jane Roe"),
    (OUTLOOK, "FW: Where is my order?", "FYI", "Jane Roe"),
    (OUTLOOK_OLD, "Fw: Where is my order?", "", "Jane Roe"),
    (APPLE, "Fwd: Where is my order?", "", "Roe, Jane"),
    (THUNDERBIRD, "Fwd: Where is my order?", "Please answer her.", "Jane Roe"),
    (GERMAN_OUTLOOK, "WG: Where is my order?", "Bitte übernehmen.", "Jane Roe"),
])
def test_the_forwarded_message_its_sender_and_the_note_above_it(body, subject, note, name):
    found = forwarded(body, subject)
    assert found is not None
    assert (found.address, found.name, found.subject) == ("jane@example.org", name,
                                                          "Where is my order?")
    assert (found.note, found.text) == (note, ORDER)


@pytest.mark.parametrize("subject", ["RE: Where is my order?", "Where is my order?", ""])
def test_outlooks_block_above_a_message_it_answers_is_no_forward(subject):
    reply = OUTLOOK.replace("FYI", "Thanks, that helped.")
    assert forwarded(reply, subject) is None
    assert forwarded(OUTLOOK_OLD, subject) is None


def test_text_without_a_forwarded_senders_address_is_no_forward():
    assert forwarded("Hello,\n\nmy order is late.\n\nFrom: me, with thanks", "Fwd: x") is None
    assert forwarded("---------- Forwarded message ---------\nFrom: Jane Roe\n\nhi") is None
    assert forwarded("On Tue, 1 Dec 2026, Jane <jane@example.org> wrote:\n> hi", "Re: x") \
        is None


def test_a_forwarded_header_line_of_any_length_is_read_at_once():
    """A search for the address in a megabyte of letters would take hours (this test would
    not end); anyone can send such a line, agent or not."""
    long_from = "---------- Forwarded message ---------\nFrom: " + "a" * 1_000_000 + "\n\nhi"
    assert forwarded(long_from) is None
    name = "J" * 100_000
    found = forwarded(f"---------- Forwarded message ---------\nFrom: {name} <j@example.org>"
                      "\n\nhi")
    assert found is not None and (found.address, found.name) == ("j@example.org", name)


@pytest.mark.parametrize("body,subject", [(GMAIL, "Fwd: Where is my order?"),
                                          (OUTLOOK, "FW: Where is my order?"),
                                          (APPLE, "Fwd: Where is my order?"),
                                          (THUNDERBIRD, "Fwd: Where is my order?")])
def test_a_forward_is_shown_whole_for_what_it_forwards(body, subject):
    assert shown_text(body, subject) == body.strip()
    signed = body.replace("\n\n", "\n\n-- \nAna\n\n", 1)
    assert shown_text(signed, subject).endswith(ORDER)


def test_a_forward_inside_quoted_history_is_history_and_a_reply_is_its_new_words():
    reply = ("Thanks, that helps.\n\nFrom: Desk <support@desk.example>\n"
             "Sent: Wednesday, December 2, 2026 9:00 AM\nSubject: RE: Where is my order?\n\n"
             "Could you send us the shop's mail?\n\n" + GMAIL)
    assert shown_text(reply, "RE: Where is my order?") == "Thanks, that helps."
    gmail_reply = "Sorted, thanks!\n\nOn Tue, 1 Dec 2026, Desk <support@desk.example> wrote:\n" \
                  + "\n".join(f"> {line}" for line in GMAIL.split("\n"))
    assert shown_text(gmail_reply, "Re: Where is my order?") == "Sorted, thanks!"
    assert shown_text("Where is it?\n\n-- \nAna") == "Where is it?"


@pytest.mark.parametrize("rule,sender,subject", [
    ("---------- Vidarebefordrat meddelande ---------", "Från", "Ämne"),
    ("---------- Wiadomość przekazana dalej ---------", "Od", "Temat"),
    ("---------- Пересылаемое сообщение ---------", "От", "Тема"),
    ("---------- Välitetty viesti ---------", "Lähettäjä", "Aihe"),
    ("---------- 転送されたメッセージ ---------", "差出人", "件名"),
    ("---------- 已转发邮件 ---------", "发件人", "主题"),
])
def test_gmails_forward_in_other_languages_is_found_and_shown_whole(rule, sender, subject):
    body = (f"Kan ni titta på detta?\n\n{rule}\n{sender}: Jane Roe <jane@example.org>\n"
            f"{subject}: Where is my order?\n\n{ORDER}")
    found = forwarded(body)
    assert found is not None and found.address == "jane@example.org"
    assert found.subject == "Where is my order?" and found.text == ORDER
    assert shown_text(body) == body


def test_quoting_and_forwarding_read_the_same_header_words() -> None:
    """A header block the quoting rules cut as a reply's history is one the forwarding rules
    read as a forward's: the words are listed once for both."""
    for sender in FROM_WORDS:
        for sent in DATE_WORDS:
            subject = SUBJECT_WORDS[len(sent) % len(SUBJECT_WORDS)]
            block = (f"{sender}: Jane Roe <jane@example.org>\n{sent}: 1.12.2026 10:02\n"
                     f"{subject}: Where is my order?\n\n{ORDER}")
            found = forwarded(f"FYI\n\n{block}", "FW: Where is my order?")
            assert found is not None and found.address == "jane@example.org", (sender, sent)
            assert found.subject == "Where is my order?", (sender, sent, subject)
            assert new_text(f"Thanks.\n\n{block}") == "Thanks.", (sender, sent)


@pytest.mark.parametrize(("sender", "sent", "to", "subject"), [
    ("De", "Enviado el", "Para", "Asunto"),
    ("보낸 사람", "보낸 날짜", "받는 사람", "제목"),
    ("寄件者", "寄件日期", "收件者", "主旨"),
    ("מאת", "נשלח", "אל", "נושא"),
    ("من", "تاريخ الإرسال", "إلى", "الموضوع"),
    ("Από", "Στάλθηκε", "Προς", "Θέμα"),
])
def test_outlooks_forward_in_more_languages_names_its_sender_and_subject(
        sender, sent, to, subject):
    body = (f"FYI\n\n{sender}: Jane Roe <jane@example.org>\n{sent}: 1.12.2026 10:02\n"
            f"{to}: Sales <sales@shop.example>\n{subject}: Where is my order?\n\n{ORDER}")
    found = forwarded(body, "FW: Where is my order?")
    assert found is not None and found.address == "jane@example.org"
    assert found.subject == "Where is my order?" and found.text == ORDER and found.note == "FYI"
    assert new_text(f"Thanks.\n\n{body.removeprefix('FYI')}") == "Thanks."


def test_outlooks_recipients_wrapped_onto_a_line_of_their_own_stay_in_the_header_block():
    body = ("Para los interesados.\n\nDe: Jane Roe [mailto:jane@example.org]\n"
            "Enviado el: viernes, 16 de junio de 2026 12:03 p.m.\n"
            "Para: ventas@shop.example; Artex; toni@example.net;\ntatiana@example.net\n"
            f"Asunto: Where is my order?\n\n{ORDER}")
    found = forwarded(body, "RV: Where is my order?")
    assert found is not None and found.address == "jane@example.org"
    assert found.subject == "Where is my order?" and found.text == ORDER


@pytest.mark.parametrize("rule,block", [
    ("----- Forwarded by Peter Kurz/ACME on 12/07/2026 08:11 AM -----",
     "From:\tSupport <support@desk.example>\nTo:\tPeter Kurz/ACME@ACME\n"
     "Date:\t12/07/2026 07:55 AM\nSubject:\tRe: Printer [#12]"),
    ("----- Weitergeleitet von Peter Kurz/ACME am 07.12.2026 08:11 -----",
     "Von:\tsupport+12@desk.example\nAn:\tPeter Kurz/ACME@ACME\nDatum:\t07.12.2026 07:55\n"
     "Betreff:\tRe: Printer [#12]"),
])
def test_the_desks_own_mail_under_a_notes_forward_rule_is_history(rule, block):
    """A Notes user answers the desk's mail a colleague passed on to them: the rule naming
    the colleague and the desk's message below it are history, not a forward to show."""
    body = (f"Still failing after the restart.\n\nPeter\n\n{rule}\n\n{block}\n\n\n"
            "Please restart the service.")
    own = frozenset({"support@desk.example"})
    assert shown_text(body, "Re: Printer [#12]", own) == "Still failing after the restart.\n\nPeter"
    assert shown_text(body, "Re: Printer [#12]") == body  # another's mail: a forward, whole
