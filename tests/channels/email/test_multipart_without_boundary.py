"""A multipart message whose Content-Type names no boundary is split by the boundary its own
delimiter lines show, as mail clients read it, instead of showing its raw MIME as text."""

from __future__ import annotations

import base64

from hubdesk.channels.email.parsing import StdlibMailParser

HEAD = (b"From: Ann <ann@example.com>\r\nTo: support@desk.test\r\nSubject: Order\r\n"
        b"Message-ID: <no-boundary@example.com>\r\nMIME-Version: 1.0\r\n")

# A PDF attachment's headers and base64 body, as a part between two delimiter lines.
INVOICE_PART = (b"Content-Type: application/pdf; name=invoice.pdf\r\n"
                b"Content-Disposition: attachment; filename=invoice.pdf\r\n"
                b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n")


def _mail(content_type: bytes, body: bytes) -> bytes:
    return HEAD + b"Content-Type: " + content_type + b"\r\n\r\n" + body


def test_a_mixed_message_without_a_boundary_shows_its_text_and_keeps_its_file():
    raw = _mail(b"multipart/mixed", (
        b"This is a multi-part message in MIME format.\r\n\r\n"
        b"--=_NextPart_000_0001\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n"
        + "My order has not arrived. Grüße, Jürgen\r\n".encode() +
        b"--=_NextPart_000_0001\r\n" + INVOICE_PART + b"--=_NextPart_000_0001--\r\n"))
    parsed = StdlibMailParser().parse(raw)
    assert parsed.text == "My order has not arrived. Grüße, Jürgen"
    assert [(a.filename, a.content) for a in parsed.attachments] == [
        ("invoice.pdf", b"%PDF-1.4\n")]


def test_an_alternative_without_a_boundary_shows_one_of_its_texts():
    raw = _mail(b"multipart/alternative", (
        b"--b1\r\nContent-Type: text/plain\r\n\r\nWhere is my parcel?\r\n"
        b"--b1\r\nContent-Type: text/html\r\n\r\n<p>Where is my <b>parcel</b>?</p>\r\n"
        b"--b1--\r\n"))
    parsed = StdlibMailParser().parse(raw)
    assert parsed.text == "Where is my parcel?"
    assert parsed.html is not None and "parcel" in parsed.html


def test_without_a_closing_delimiter_the_body_is_shown_as_text():
    body = b"--not-a-boundary\r\nJust text that starts with two dashes.\r\n"
    parsed = StdlibMailParser().parse(_mail(b"multipart/mixed", body))
    assert "Just text that starts with two dashes." in parsed.text
    assert parsed.attachments == ()


def test_only_one_part_without_a_boundary_is_split_per_message():
    # Each split copies the part: a chain nested in one another would copy a large message
    # once per level. The inner one is shown as text, as before.
    inner = (b"Content-Type: multipart/mixed\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\n"
             b"Inner words\r\n--inner--\r\n")
    raw = _mail(b"multipart/mixed", (
        b"--outer\r\nContent-Type: text/plain\r\n\r\nOuter words\r\n--outer\r\n" + inner +
        b"--outer--\r\n"))
    parsed = StdlibMailParser().parse(raw)
    assert parsed.text.startswith("Outer words")
    assert "--inner" in parsed.text


def test_a_damaged_subtype_is_split_as_mixed_not_refused():
    """An 8-bit byte in the subtype ("mi\\xffed") made writing the found boundary back as ASCII
    raise, and the message went to quarantine."""
    raw = _mail(b"multipart/mi\xffed", (
        b"--b1\r\nContent-Type: text/plain\r\n\r\nWhere is my parcel?\r\n"
        b"--b1\r\n" + INVOICE_PART + b"--b1--\r\n"))
    parsed = StdlibMailParser().parse(raw)
    assert parsed.text == "Where is my parcel?"
    assert [a.filename for a in parsed.attachments] == ["invoice.pdf"]


def test_a_body_that_never_uses_its_boundary_nor_closes_its_own_is_split_by_its_first():
    """Some bulk senders declare one boundary, open their parts with another and close with a
    third. Before, the part's header and its base64 were shown as the ticket's text."""
    html = base64.encodebytes("<p>¿Dónde está mi pedido?</p>".encode()).replace(b"\n", b"\r\n")
    raw = _mail(b'multipart/alternative; boundary="--=_declared"', (
        b"----=_opened\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + html + b"\r\n----=_closed--\r\n"))
    parsed = StdlibMailParser().parse(raw)
    assert parsed.text == "¿Dónde está mi pedido?"
    assert "Content-Type" not in parsed.text
