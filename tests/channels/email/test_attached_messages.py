"""A message forwarded as an attachment (message/rfc822) reads as a forward inline does: a
header block saying whose message follows and from when, then its text, in the plain body
and, where the mail is shown as HTML, in the HTML too; its own files are kept."""

from __future__ import annotations

from email.message import EmailMessage

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.intake import take
from hubdesk.channels.email.parsing import StdlibMailParser
from hubdesk.domain.agents import Role
from hubdesk.domain.mail import Outcome
from tests import factories
from tests.channels.email.conftest import SUPPORT, filed_ticket


def _shipped(html: str | None = None) -> EmailMessage:
    inner = EmailMessage()
    inner["From"] = "=?utf-8?q?J=C3=BCrgen_Shop?= <orders@shop.example>"
    inner["To"] = "ana@example.com"
    inner["Subject"] = "=?utf-8?q?Versandbest=C3=A4tigung_1234?="
    inner["Date"] = "Mon, 30 Nov 2026 10:00:00 +0000"
    inner.set_content("Your parcel 1234 left our warehouse.\n\nTracking: <XY123>\n")
    if html is not None:
        inner.add_alternative(html, subtype="html")
    inner.add_attachment(b"%PDF-1.4 label", maintype="application", subtype="pdf",
                         filename="label.pdf")
    return inner


def _forward(sender: str, words: str, inner: EmailMessage, *, html: bool = False,
             message_id: str = "<fwd-attached@example.com>") -> bytes:
    outer = EmailMessage()
    outer["From"] = sender
    outer["To"] = SUPPORT
    outer["Subject"] = "Fw: my parcel"
    outer["Message-ID"] = message_id
    outer.set_content(words)
    if html:
        outer.add_alternative(f"<p>{words}</p>", subtype="html")
    outer.add_attachment(inner)
    return bytes(outer)


HEADER_BLOCK = ("---------- Forwarded message ----------\n"
                "From: Jürgen Shop <orders@shop.example>\n"
                "Date: Mon, 30 Nov 2026 10:00:00 +0000\n"
                "Subject: Versandbestätigung 1234\n"
                "To: ana@example.com")


def test_the_forwarded_message_follows_its_header_block_with_its_files() -> None:
    parsed = StdlibMailParser().parse(_forward("ana@example.com", "It never came.", _shipped()))
    assert parsed.text == ("It never came.\n\n" + HEADER_BLOCK + "\n\n"
                           "Your parcel 1234 left our warehouse.\n\nTracking: <XY123>")
    assert parsed.html is None
    assert [a.filename for a in parsed.attachments] == ["label.pdf"]


def test_an_html_mail_shows_a_plain_forwarded_message_escaped_below_its_block() -> None:
    parsed = StdlibMailParser().parse(_forward("ana@example.com", "It never came.", _shipped(),
                                               html=True))
    assert parsed.html is not None
    assert parsed.html.index("<p>It never came.</p>") < parsed.html.index(
        "---------- Forwarded message ----------")
    assert "From: Jürgen Shop &lt;orders@shop.example&gt;" in parsed.html
    assert "Tracking: &lt;XY123&gt;" in parsed.html and "<XY123>" not in parsed.html
    assert HEADER_BLOCK in parsed.text


def test_a_forwarded_html_message_keeps_its_own_html_below_the_block() -> None:
    inner = _shipped(html="<p>Your parcel <b>1234</b> left.</p>")
    parsed = StdlibMailParser().parse(_forward("ana@example.com", "It never came.", inner,
                                               html=True))
    assert parsed.html is not None
    block = parsed.html.index("Subject: Versandbestätigung 1234")
    assert parsed.html.index("<p>It never came.</p>") < block
    assert block < parsed.html.index("<b>1234</b>")
    assert "Tracking" not in parsed.html  # the forwarded message's own HTML, not its text



def test_words_written_in_html_alone_stay_in_the_text_above_a_plain_forward() -> None:
    outer = EmailMessage()
    outer["From"] = "ana@example.com"
    outer["To"] = SUPPORT
    outer["Subject"] = "Fw: my parcel"
    outer.set_content("<div>It <b>never</b> came.</div><div>Please resend it.</div>",
                      subtype="html")
    outer.add_attachment(_shipped())
    parsed = StdlibMailParser().parse(bytes(outer))
    assert parsed.text == ("It never came.\n\nPlease resend it.\n\n" + HEADER_BLOCK + "\n\n"
                           "Your parcel 1234 left our warehouse.\n\nTracking: <XY123>")
    assert parsed.html is not None and "<b>never</b>" in parsed.html


def test_a_forwarded_message_written_in_html_alone_keeps_its_words_in_the_text() -> None:
    inner = EmailMessage()
    inner["From"] = "=?utf-8?q?J=C3=BCrgen_Shop?= <orders@shop.example>"
    inner["To"] = "ana@example.com"
    inner["Subject"] = "=?utf-8?q?Versandbest=C3=A4tigung_1234?="
    inner["Date"] = "Mon, 30 Nov 2026 10:00:00 +0000"
    inner.set_content("<p>Your parcel <b>1234</b> left our warehouse.</p>", subtype="html")
    parsed = StdlibMailParser().parse(_forward("ana@example.com", "It never came.", inner))
    assert parsed.text == ("It never came.\n\n" + HEADER_BLOCK + "\n\n"
                           "Your parcel 1234 left our warehouse.")


def test_a_customers_forward_shows_what_it_forwards_on_the_ticket(mail_hub: Hub) -> None:
    raw = _forward("Ana <ana@example.com>", "It never came.", _shipped(),
                   message_id="<fwd-attached-customer@example.com>")
    assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
    detail = filed_ticket(mail_hub, "<fwd-attached-customer@example.com>")
    [first] = detail.messages
    assert first.body == ("It never came.\n\n" + HEADER_BLOCK + "\n\n"
                          "Your parcel 1234 left our warehouse.\n\nTracking: <XY123>")
    assert "quoted_text_hidden" not in first.channel_meta
    assert [a.filename for a in first.attachments] == ["label.pdf"]


def test_an_agents_forward_as_an_attachment_opens_the_customers_ticket(mail_hub: Hub) -> None:
    rep = factories.staff(mail_hub, Role.REPRESENTATIVE).agent
    customer = EmailMessage()
    customer["From"] = "Jane Roe <jane@example.org>"
    customer["To"] = rep.email
    customer["Subject"] = "Where is my order?"
    customer["Date"] = "Tue, 01 Dec 2026 10:02:00 +0000"
    customer.set_content("My order 1234 has not arrived.\n\nJane\n")
    raw = _forward(rep.email, "Could someone take this one?", customer,
                   message_id="<fwd-attached-agent@hubdesk.test>")
    assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
    detail = filed_ticket(mail_hub, "<fwd-attached-agent@hubdesk.test>")
    assert (detail.requester.primary_email, detail.requester.name) == ("jane@example.org",
                                                                       "Jane Roe")
    assert detail.ticket.subject == "Where is my order?"
    first, note = detail.messages
    assert first.author.kind.value == "customer"
    assert first.body.startswith("My order 1234 has not arrived.")
    assert not note.public and note.body == "Could someone take this one?"
