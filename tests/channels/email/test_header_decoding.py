"""Headers as their senders meant them, where the standard library's reading loses
characters: 8-bit headers in a charset other than UTF-8, encoded words in a charset it does
not know."""

from __future__ import annotations

import pytest

from hubdesk.channels.email.decoding import decode_raw_header
from hubdesk.channels.email.parsing import StdlibMailParser
from tests.channels.email import corpus


@pytest.mark.parametrize(("charset", "name", "subject"), [
    ("iso-8859-1", "Jürgen Groß", "Grüße aus Köln"),
    ("windows-1252", "Zoë Dupré", "Facture – 5 €"),
    ("koi8-r", "Иван Петров", "Заказ не пришёл"),
    ("utf-8", "Søren Ødegård", "Hilsen fra Århus"),
])
def test_an_old_clients_8bit_headers_read_in_the_charset_of_its_text(
        charset: str, name: str, subject: str) -> None:
    raw = corpus.eight_bit_headers(charset, name, subject, "Hello")
    parsed = StdlibMailParser().parse(raw)
    assert parsed.subject == subject
    assert parsed.from_name == name
    assert parsed.from_address == "old.client@example.com"
    assert dict(StdlibMailParser().headers(raw))["Subject"] == subject


def test_8bit_headers_without_any_declared_charset_fall_back_to_windows_1252() -> None:
    raw = (b"From: a@example.com\r\nSubject: Caf\xe9 cr\xe8me\r\nMessage-ID: <x@example.com>"
           b"\r\n\r\nhello\r\n")
    assert StdlibMailParser().parse(raw).subject == "Café crème"


def test_an_encoded_word_in_an_unknown_charset_keeps_its_letters() -> None:
    raw = (b"From: a@example.com\r\nSubject: =?x-unknown?q?caf=E9_au_lait?=\r\n"
           b"Message-ID: <y@example.com>\r\n\r\nhello\r\n")
    assert StdlibMailParser().parse(raw).subject == "café au lait"


def test_encoded_words_decode_each_in_its_own_charset_and_join_without_the_space() -> None:
    raw = "Re: =?iso-8859-1?q?Gr=FC=DFe?= =?utf-8?b?w6Ep?= from =?koi8-r?b?68nF1w==?= \udce9"
    assert decode_raw_header(raw, "iso-8859-1") == "Re: Grüßeá) from Киев é"


def test_an_undecodable_encoded_word_is_shown_as_it_came() -> None:
    assert decode_raw_header("=?utf-8?b?Q?= and =?utf-8?q?ok?=") == "=?utf-8?b?Q?= and ok"
    assert decode_raw_header("=?utf-8?b?QQ?=") == "A"  # padding a sender left out
    assert decode_raw_header("plain text, nothing encoded") == "plain text, nothing encoded"


def test_control_characters_never_reach_what_is_read_from_the_headers() -> None:
    parsed = StdlibMailParser().parse(corpus.control_characters())
    assert parsed.message_id == "<nul@example.com>"
    assert parsed.subject == "Refund please"
    assert (parsed.from_name, parsed.from_address) == ("Ann Lee", "ann@example.com")
    assert parsed.text.strip() == "Where is my refund?"  # its charset read despite the NUL
    [receipt] = parsed.attachments
    assert (receipt.filename, receipt.content_type) == ("receipt.pdf", "application/pdf")


@pytest.mark.parametrize("head", [
    b"From: John Doe john@example.com\r\n",  # no angle brackets: read as a quoted local part
    b"From: \r\nFrom: John <john@example.com>\r\n",  # an empty From before the real one
])
def test_a_sender_a_broken_client_wrote_is_still_found(head: bytes) -> None:
    raw = head + b"To: support@desk.test\r\nSubject: Hello\r\nMessage-ID: <s@example.com>" \
        b"\r\n\r\nWhere is my parcel?\r\n"
    assert StdlibMailParser().parse(raw).from_address == "john@example.com"
