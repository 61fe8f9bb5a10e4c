"""Plain text sent as format=flowed (RFC 3676) reaches the ticket as its paragraphs, not as a
column of lines wrapped at 72 characters."""

from __future__ import annotations

from hubdesk.channels.email.flowed import unflowed
from hubdesk.channels.email.parsing import StdlibMailParser

FLOWED = ("Hello,\r\n\r\n"
          "my order 4411 arrived today, but the box was damaged and two of the \r\n"
          "three glasses inside were broken. Could you send replacements or \r\n"
          "refund them?\r\n\r\n"
          "On Monday, Support wrote:\r\n"
          "> Your order has shipped and should arrive within three \r\n"
          "> business days.\r\n"
          ">> Where is my order? It has been a \r\n"
          ">> week.\r\n\r\n"
          "-- \r\n"
          "Ann Lee\r\n")


def _mail(content_type: bytes, body: bytes) -> bytes:
    return (b"From: Ann Lee <ann@example.com>\r\nTo: support@desk.test\r\nSubject: Broken\r\n"
            b"Message-ID: <flowed@example.com>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: " + content_type + b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + body)


def test_a_flowed_message_is_read_as_its_paragraphs():
    parsed = StdlibMailParser().parse(
        _mail(b"text/plain; charset=utf-8; format=flowed", FLOWED.encode()))
    assert parsed.text == (
        "Hello,\n\n"
        "my order 4411 arrived today, but the box was damaged and two of the three glasses "
        "inside were broken. Could you send replacements or refund them?\n\n"
        "On Monday, Support wrote:\n"
        "> Your order has shipped and should arrive within three business days.\n"
        ">> Where is my order? It has been a week.\n\n"
        "-- \n"
        "Ann Lee")


def test_text_that_is_not_flowed_keeps_its_lines():
    parsed = StdlibMailParser().parse(_mail(b"text/plain; charset=utf-8", FLOWED.encode()))
    assert "two of the \nthree glasses" in parsed.text.replace("\r\n", "\n")


def test_delsp_joins_without_the_space_that_marked_the_break():
    body = "Bitte um R\u00fcck \r\nerstattung.\r\n"
    parsed = StdlibMailParser().parse(
        _mail(b'text/plain; charset=utf-8; format="Flowed"; delsp=yes', body.encode()))
    assert parsed.text == "Bitte um R\u00fcckerstattung."


def test_space_stuffing_is_removed_and_a_flowed_line_ends_at_a_change_of_depth():
    assert unflowed(" From here on, \n>quoted\n") == "From here on, \n> quoted\n"
    assert unflowed("a \n> b\nc") == "a \n> b\nc"
