"""A file whose part names no media type, or a broken one, is typed by its name: the standard
library would call it text/plain, and the console would offer a gzip file as text."""

from __future__ import annotations

import pytest

from hubdesk.channels.email.parsing import StdlibMailParser


def _with_file(content_type_line: str, filename: str) -> bytes:
    return (b"From: ann@example.com\r\nSubject: Logs\r\nMessage-ID: <types@example.com>\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
            b"--b\r\nContent-Type: text/plain\r\n\r\nThe logs are attached.\r\n"
            b"--b\r\n" + content_type_line.encode() +
            f"Content-Disposition: attachment; filename=\"{filename}\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\nH4sIAAAAAAAAA+MCAJMG1zIDAAAA\r\n"
            "--b--\r\n".encode())


@pytest.mark.parametrize(("content_type_line", "filename", "expected"), [
    ("Content-Type: application-x-gzip\r\n", "logs.tar.gz", "application/gzip"),
    ("Content-Type: application-x-gzip\r\n", "dump.gz", "application/gzip"),
    ("Content-Type: application-x-gzip\r\n", "dump", "application/octet-stream"),
    ("Content-Type: pdf; name=\"report.pdf\"\r\n", "report.pdf", "application/pdf"),
    ("", "report.pdf", "application/pdf"),
    ("", "README", "text/plain"),  # no type at all: mail's own default
    ("Content-Type: application/x-gzip\r\n", "dump.txt", "application/x-gzip"),  # as named
])
def test_a_file_without_a_readable_type_is_typed_by_its_name(content_type_line, filename,
                                                              expected):
    parsed = StdlibMailParser().parse(_with_file(content_type_line, filename))
    [file] = parsed.attachments
    assert (file.filename, file.content_type) == (filename, expected)
    assert parsed.text.strip() == "The logs are attached."


def test_a_mailed_file_is_named_as_an_uploaded_one_is():
    # A direction override makes "invoice\u202etxt.exe" read as "invoiceexe.txt".
    parsed = StdlibMailParser().parse(_with_file(
        "Content-Type: application/octet-stream\r\n", "invoice\u202etxt.exe"))
    [file] = parsed.attachments
    assert file.filename == "invoice txt.exe"  # as an upload of that name is kept
