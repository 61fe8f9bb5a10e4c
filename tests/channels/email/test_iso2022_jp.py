"""Japanese mail in ISO-2022-JP as Windows writes it, with NEC's and IBM's additions (circled
numbers, "㈱", kanji of names), is read; so is ISO-2022-JP sent without its label."""

from __future__ import annotations

import base64

import pytest

from hubdesk.channels.email.decoding import decode_text
from hubdesk.channels.email.parsing import StdlibMailParser

TEXT = "①ご注文の件：㈱髙﨑商事の山田です。\n②納期は３日後でお願いします。"


def _jis(text: str) -> bytes:
    """``text`` in ISO-2022-JP as Windows writes it: each Shift_JIS pair moved back to its
    JIS row and cell."""
    out = bytearray()
    kanji = False
    for ch in text:
        code = ch.encode("cp932")
        if len(code) == 1:
            out += b"\x1b(B" if kanji else b""
            kanji = False
            out += code
            continue
        out += b"" if kanji else b"\x1b$B"
        kanji = True
        lead, trail = code
        row = (lead - (0xB0 if lead >= 0xE0 else 0x70)) * 2
        if trail < 0x9F:
            out += bytes((row - 1, trail - 0x1F - (trail >= 0x80)))
        else:
            out += bytes((row, trail - 0x7E))
    return bytes(out + (b"\x1b(B" if kanji else b""))


def test_the_helper_writes_what_pythons_codec_reads_for_plain_jis():
    assert _jis("注文の件です") == "注文の件です".encode("iso2022_jp")


@pytest.mark.parametrize("label", ["ISO-2022-JP", "iso-2022-jp", None, "us-ascii"])
def test_windows_iso_2022_jp_is_read_with_its_additions(label):
    text, declared_right = decode_text(_jis(TEXT), label)
    assert text == TEXT
    assert declared_right == (label is not None and label.lower() == "iso-2022-jp")


def test_a_mail_and_its_subject_in_windows_iso_2022_jp_are_read():
    subject = "①納期について"
    name = base64.b64encode(_jis("山田"))
    raw = (b"From: =?ISO-2022-JP?B?" + name + b"?= <yamada@example.jp>\r\n"
           b"To: support@desk.test\r\nSubject: =?ISO-2022-JP?B?"
           + base64.b64encode(_jis(subject)) + b"?=\r\nMessage-ID: <jis@example.jp>\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n"
           b"Content-Transfer-Encoding: 7bit\r\n\r\n" + _jis(TEXT).replace(b"\n", b"\r\n"))
    parsed = StdlibMailParser().parse(raw)
    assert (parsed.subject, parsed.from_name, parsed.text.strip()) == (subject, "山田", TEXT)


def test_escapes_of_another_set_are_not_read_as_japanese():
    korean = "안녕하세요".encode("iso2022_kr")
    assert decode_text(korean, "iso-2022-kr")[0] == "안녕하세요"
