"""An HTML part whose header names no charset is read in the charset its document declares,
as a browser would read it; a charset the header does name still comes first."""

from __future__ import annotations

import pytest

from hubdesk.channels.email.decoding import html_charset
from hubdesk.channels.email.parsing import StdlibMailParser

HEAD = (b"From: Ann <ann@example.com>\r\nTo: support@desk.test\r\nSubject: Order\r\n"
        b"Message-ID: <html-charset@example.com>\r\nMIME-Version: 1.0\r\n")


@pytest.mark.parametrize(("meta", "codec"), [
    ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', "cp1251"),
    ("<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=KOI8-R'>", "koi8_r"),
    ('<meta charset="iso-8859-7">', "iso8859_7"),
    ("<meta charset=shift_jis>", "cp932"),
])
def test_an_html_part_without_a_charset_is_read_in_the_one_it_declares(meta, codec):
    text = "Заказ не пришёл" if codec in ("cp1251", "koi8_r") else (
        "Η παραγγελία δεν ήρθε" if codec == "iso8859_7" else "注文が届きません")
    raw = (HEAD + b"Content-Type: text/html\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           + f"<html><head>{meta}<style>p {{}}</style></head><body><p>".encode()
           + text.encode(codec) + b"</p></body></html>\r\n")
    parsed = StdlibMailParser().parse(raw)
    assert parsed.text.strip() == text
    assert parsed.html is not None and text in parsed.html


def test_the_parts_own_charset_comes_before_the_documents():
    raw = (HEAD + b'Content-Type: text/html; charset="utf-8"\r\n\r\n'
           b'<meta charset="windows-1251"><p>' + "Grüße".encode() + b"</p>\r\n")
    assert StdlibMailParser().parse(raw).text.strip() == "Grüße"


def test_only_the_start_of_a_document_is_searched_for_its_charset():
    assert html_charset(b'<p>hello</p><meta charset="koi8-r">') == "koi8-r"
    assert html_charset(b"<p>" + b"x" * 5000 + b'<meta charset="koi8-r">') is None
    assert html_charset(b"<meta name=viewport content=width=device-width>") is None
