"""Outlook's winmail.dat (TNEF) is opened: the files and text it wraps become the mail's own,
what cannot be read from it keeps the part as it came with a notice, and a forged length or
count inside it costs nothing beyond its own bytes.

The streams are written by `tnef_writer.py` as Outlook lays them out; an independent TNEF
reader (tnefparse 1.4.0) read the same files, names and body from them when they were made.
"""

from __future__ import annotations

import base64
import struct

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.intake import take
from hubdesk.channels.email.parsing import MAX_PARTS, Limits, StdlibMailParser
from hubdesk.channels.email.tnef import read_tnef
from hubdesk.domain.mail import Outcome
from hubdesk.services.auth import LOCAL_OPERATOR
from tests.channels.email import tnef_writer as w

PDF = b"%PDF-1.4\n% an invoice\n" + bytes(range(256))
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40


def _mail(*parts: tuple[str, bytes], message_id: str = "<outlook@example.com>") -> bytes:
    """A multipart/mixed mail as Exchange sends rich text out: its parts in order, each
    (content type with parameters, payload), binary ones in base64."""
    head = (f"From: Jürgen Weiß <jw@example.com>\r\nTo: support@desk.test\r\n"
            f"Subject: Invoice attached\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n').encode()
    body = b""
    for content_type, payload in parts:
        body += f"--b1\r\nContent-Type: {content_type}\r\n".encode()
        if content_type.startswith("text/"):
            body += b"Content-Transfer-Encoding: 8bit\r\n\r\n" + payload + b"\r\n"
        else:
            body += (b"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment;"
                     b" filename=\"winmail.dat\"\r\n\r\n" + base64.encodebytes(payload))
    return head + body + b"--b1--\r\n"


TNEF = 'application/ms-tnef; name="winmail.dat"'
PLAIN = "text/plain; charset=utf-8"


def _invoice_and_screenshot(message_properties: list[bytes] | None = None) -> bytes:
    return w.tnef([
        w.File("INVOIC~1.PDF", PDF, [
            w.long_property(w.PR_ATTACH_METHOD, 1), w.time_property(0x3007),
            w.named_long_property("Keywords", 3), w.multi_long_property(0x3000, [1, 2, 3]),
            w.unicode_property(w.PR_ATTACH_LONG_FILENAME, "Rechnung März 2026.pdf"),
            w.string8_property(w.PR_ATTACH_MIME_TAG, "application/pdf")]),
        w.File("image001.png", PNG, [
            w.long_property(w.PR_ATTACH_SIZE, len(PNG)),
            w.string8_property(w.PR_ATTACH_CONTENT_ID, "image001.png@01DB4C2A")]),
    ], message_properties=message_properties)


def test_the_files_inside_winmail_dat_become_the_mails_own():
    stream = _invoice_and_screenshot(message_properties=[
        w.unicode_property(w.PR_SUBJECT, "Invoice attached"),
        w.binary_property(w.PR_RTF_COMPRESSED, b"\x2a\0\0\0LZFu-compressed rich text")])
    parsed = StdlibMailParser().parse(_mail(
        (PLAIN, "Please find the invoice attached.\r\nJürgen".encode()), (TNEF, stream)))
    assert parsed.text == "Please find the invoice attached.\nJürgen"
    assert [(a.filename, a.content_type, a.content, a.content_id, a.inline)
            for a in parsed.attachments] == [
        ("Rechnung März 2026.pdf", "application/pdf", PDF, None, False),
        ("image001.png", "image/png", PNG, "image001.png@01DB4C2A", True)]
    # The rich text is the plain part's text again: nothing is missing, nothing to say.
    assert parsed.notices == ()


def test_a_mail_whose_only_text_is_inside_winmail_dat_shows_it():
    stream = w.tnef(message_properties=[
        w.unicode_property(w.PR_BODY, "Mein Paket ist beschädigt angekommen.")])
    parsed = StdlibMailParser().parse(_mail((TNEF, stream)))
    assert parsed.text == "Mein Paket ist beschädigt angekommen."
    assert parsed.attachments == ()


def test_an_html_body_inside_winmail_dat_is_shown_sanitised():
    html = b'<p>See <img src="cid:image001.png@01DB4C2A"></p><script>alert(1)</script>'
    stream = _invoice_and_screenshot(message_properties=[
        w.binary_property(w.PR_BODY_HTML, html)])
    parsed = StdlibMailParser().parse(_mail((TNEF, stream)))
    assert parsed.html is not None
    assert "cid:image001.png@01DB4C2A" in parsed.html and "<script" not in parsed.html
    assert parsed.text == "See"


def test_an_html_body_inside_winmail_dat_is_read_in_the_charset_it_names():
    html = '<meta charset="utf-8"><p>Grüße aus Kraków</p>'.encode()
    stream = w.tnef(message_properties=[w.binary_property(w.PR_BODY_HTML, html)])
    parsed = StdlibMailParser().parse(_mail((TNEF, stream)))
    assert parsed.text == "Grüße aus Kraków"


def test_a_legacy_body_and_a_title_are_read_in_the_streams_codepage():
    stream = w.tnef(body="Посылка не пришла".encode("cp1251"), codepage=1251)
    assert read_tnef(stream, max_files=10).text == "Посылка не пришла"
    # A file named only by its title (no long name), written in the codepage.
    stream = w.tnef([w.File("placeholder", b"data", [])], codepage=1251)
    named = stream.replace(b"placeholder", "счёт-03.pdf".encode("cp1251"))
    assert len(named) == len(stream)
    [file] = read_tnef(named, max_files=10).files
    assert (file.name, file.content_type) == ("счёт-03.pdf", "application/pdf")


def test_an_embedded_message_keeps_winmail_dat_with_a_notice():
    stream = w.tnef([
        w.File("Forwarded", b"", [
            w.long_property(w.PR_ATTACH_METHOD, 5),
            w.binary_property(w.PR_ATTACH_DATA, bytes(16) + b"nested TNEF", kind=0x000D)]),
        w.File("photo.jpg", b"\xff\xd8\xff jpeg", [])])
    parsed = StdlibMailParser().parse(_mail((PLAIN, b"See the forwarded mail."),
                                            (TNEF, stream)))
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("photo.jpg", "image/jpeg"), ("winmail.dat", "application/ms-tnef")]
    assert parsed.attachments[1].content == stream
    [notice] = parsed.notices
    assert "winmail.dat" in notice and "a message attached inside it" in notice


def test_rich_text_with_no_other_text_keeps_winmail_dat_with_a_notice():
    stream = _invoice_and_screenshot(message_properties=[
        w.binary_property(w.PR_RTF_COMPRESSED, b"rich text only")])
    parsed = StdlibMailParser().parse(_mail((TNEF, stream)))
    assert [a.filename for a in parsed.attachments] == [
        "Rechnung März 2026.pdf", "image001.png", "winmail.dat"]
    [notice] = parsed.notices
    assert "rich text (RTF)" in notice


def test_a_stream_cut_short_keeps_the_files_before_the_cut_and_itself():
    stream = _invoice_and_screenshot()
    cut = stream[:stream.index(PNG) + 10]
    parsed = StdlibMailParser().parse(_mail((PLAIN, b"Invoice."), (TNEF, cut)))
    assert [a.filename for a in parsed.attachments] == ["Rechnung März 2026.pdf",
                                                        "winmail.dat"]
    assert "its end, which was cut short" in parsed.notices[0]


def test_a_winmail_dat_that_is_not_tnef_is_kept_as_it_came():
    parsed = StdlibMailParser().parse(_mail((PLAIN, b"Hello."),
                                            (TNEF, b"not a TNEF stream at all")))
    assert [(a.filename, a.content) for a in parsed.attachments] == [
        ("winmail.dat", b"not a TNEF stream at all")]
    assert parsed.notices == ()


def test_forged_lengths_and_counts_are_refused_by_what_is_there():
    whole = _invoice_and_screenshot()
    # The first attribute claims four gigabytes: not read, the part kept as it came.
    forged = whole[:6] + whole[6:7] + whole[7:11] + struct.pack("<I", 0xFFFFFFF0) + whole[15:]
    parsed = StdlibMailParser().parse(_mail((PLAIN, b"Hi."), (TNEF, forged)))
    assert [a.filename for a in parsed.attachments] == ["winmail.dat"]
    # An attachment's property list claiming four billion properties: its file is still
    # read (its data is an attribute of its own), under the stream's short title.
    first = w.long_property(w.PR_ATTACH_METHOD, 1)
    claimed = whole.replace(struct.pack("<I", 6) + first, struct.pack("<I", 0xFFFFFFFF) + first)
    assert len(claimed) == len(whole)
    found = read_tnef(claimed, max_files=10)
    assert [f.name for f in found.files] == ["INVOIC~1.PDF", "image001.png"]
    assert found.unread == ["some of its properties"]
    # A value claiming to be longer than its list.
    value = w.unicode_property(w.PR_ATTACH_LONG_FILENAME, "Rechnung März 2026.pdf")
    long_value = value[:8] + struct.pack("<I", 0x7FFFFFFF) + value[12:]
    found = read_tnef(whole.replace(value, long_value), max_files=10)
    assert found.files[0].name == "INVOIC~1.PDF" and found.unread == [
        "some of its properties"]


def test_files_larger_than_the_limit_are_left_out_with_a_notice():
    stream = _invoice_and_screenshot()
    parsed = StdlibMailParser(Limits(attachment_bytes=100)).parse(
        _mail((PLAIN, b"Invoice."), (TNEF, stream)))
    assert [a.filename for a in parsed.attachments] == ["image001.png"]
    assert f"Rechnung März 2026.pdf ({len(PDF)} bytes) was larger than 100 bytes" in \
        parsed.notices[0]


def test_a_stream_of_more_files_than_a_mail_may_hold_keeps_what_fits():
    stream = w.tnef([w.File(f"f{i}.txt", b"x", []) for i in range(MAX_PARTS + 20)])
    parsed = StdlibMailParser().parse(_mail((PLAIN, b"Many files."), (TNEF, stream)))
    # The mail, its two parts and the files: MAX_PARTS in all, then winmail.dat itself.
    assert len(parsed.attachments) == MAX_PARTS - 3 + 1
    assert parsed.attachments[-1].filename == "winmail.dat"
    assert f"its files beyond the first {MAX_PARTS - 3}" in parsed.notices[0]


def test_the_files_reach_the_ticket(mail_hub: Hub) -> None:
    raw = _mail((PLAIN, b"Please find the invoice attached."), (TNEF, _invoice_and_screenshot()),
                message_id="<winmail-ticket@example.com>")
    assert take(mail_hub.app, raw, source="test") is Outcome.CREATED
    with mail_hub.uows(write=False) as uow:
        ticket_id = uow.mail.ticket_for_message_ids(("<winmail-ticket@example.com>",))
    assert ticket_id is not None
    message = mail_hub.app.tickets.get(LOCAL_OPERATOR, ticket_id).messages[0]
    files = {a.filename: a for a in message.attachments}
    assert set(files) == {"Rechnung März 2026.pdf", "image001.png"}
    assert mail_hub.blobs.get(files["Rechnung März 2026.pdf"].sha256) == PDF
