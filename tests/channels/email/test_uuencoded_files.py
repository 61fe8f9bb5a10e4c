"""Files written into a message with uuencode, as Unix mail scripts send them, are kept as
files; and a message's text has one kind of line ending, whatever it was sent with."""

from __future__ import annotations

import binascii

from hubdesk.channels.email.parsing import StdlibMailParser

REPORT = b"RULESET_ID;NAME;ACTIVE\n387;Invitations;T\n" * 5


def _uuencoded(content: bytes, name: str | None) -> bytes:
    lines = [binascii.b2a_uu(content[i:i + 45]) for i in range(0, len(content), 45)]
    begin = [f"begin 644 {name}\n".encode()] if name else []
    return b"".join(begin + lines + [b"`\n", b"end\n"])


def _mail(body: bytes, *, headers: bytes = b"Content-Type: text/plain; charset=us-ascii\n",
          newline: bytes = b"\n") -> bytes:
    raw = (b"From: Database <oracle@db01.example.com>\nTo: support@desk.test\n"
           b"Subject: Nightly report\nMessage-ID: <report@db01.example.com>\n"
           b"MIME-Version: 1.0\n" + headers + b"\n" + body)
    return raw.replace(b"\n", newline)


def test_a_uuencoded_file_in_the_text_is_kept_as_a_file() -> None:
    body = b"Rulesets found in test status: 1\n\n" + _uuencoded(REPORT, "rulesets.csv") + \
        b"\n-- \ncron on db01\n"
    for newline in (b"\n", b"\r\n"):
        parsed = StdlibMailParser().parse(_mail(body, newline=newline))
        assert "begin 644" not in parsed.text and "M4E5" not in parsed.text
        assert parsed.text.startswith("Rulesets found in test status: 1")
        [file] = parsed.attachments
        assert (file.filename, file.content_type, file.content) == ("rulesets.csv", "text/csv",
                                                                   REPORT)


def test_a_part_sent_as_x_uuencode_is_decoded_with_or_without_its_begin_line() -> None:
    for name in ("comments.txt", None):
        body = (b"--b\nContent-Type: text/plain\n\nAttached are our comments.\n"
                b"--b\nContent-Type: application/octet-stream; name=\"comments.txt\"\n"
                b"Content-Disposition: attachment; filename=\"comments.txt\"\n"
                b"Content-Transfer-Encoding: x-uuencode\n\n"
                + _uuencoded(b"hello desk, these are our comments", name) + b"--b--\n")
        parsed = StdlibMailParser().parse(_mail(
            body, headers=b"Content-Type: multipart/mixed; boundary=b\n"))
        assert [a.content for a in parsed.attachments] == \
            [b"hello desk, these are our comments"]


def test_text_that_only_looks_like_uuencode_stays_text() -> None:
    body = b"Please begin 644 steps now.\nbegin 644 notes.txt\nthis is no uuencode at all\n"
    parsed = StdlibMailParser().parse(_mail(body))
    assert parsed.text.strip() == body.decode().strip()
    assert parsed.attachments == ()


def test_the_text_has_one_kind_of_line_ending() -> None:
    for newline in (b"\r\n", b"\r\r\n", b"\r"):
        body = b"Hello,\n\nmy order is late.\nAna\n".replace(b"\n", newline)
        parsed = StdlibMailParser().parse(_mail(b"") + body)
        assert parsed.text.strip() == "Hello,\n\nmy order is late.\nAna"
