"""A header block a program broke (a value wrapped without its continuation space, a line an
export put above the headers) is mended so the message's sender and subject are read; a
message that only leaves out the blank line after its headers keeps its text."""

from __future__ import annotations

import pytest

from hubdesk.channels.email.parsing import StdlibMailParser

BODY = b"Name: Ana Lima\nOrder: 1234\nMessage: my parcel has not arrived.\n"


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_a_value_wrapped_without_its_continuation_space_is_read_whole(newline):
    raw = (b"Return-Path: <www-data@shop.example>\n"
           b"X-Spam-Status: No, hits=0.0 required=5.0\n"
           b"tests=BAYES_00, HTML_MESSAGE\n"
           b"Received: from web1.shop.example\n"
           b"by mail.shop.example with ESMTP; Mon, 7 Dec 2026 10:02:00 +0100\n"
           b"Subject: Contact form: a message from\n"
           b"the website\n"
           b"From: Shop website <noreply@shop.example>\n"
           b"Reply-To: ana@example.com\n"
           b"Message-ID: <form-1@shop.example>\n"
           b"Content-Type: text/plain; charset=utf-8\n\n" + BODY).replace(b"\n", newline)
    parsed = StdlibMailParser().parse(raw)
    assert (parsed.from_address, parsed.reply_to) == ("noreply@shop.example", "ana@example.com")
    assert parsed.subject == "Contact form: a message from the website"
    assert parsed.message_id == "<form-1@shop.example>"
    assert parsed.text.strip() == BODY.decode().strip()


def test_a_line_an_export_put_above_the_headers_is_left_out():
    raw = (b"---- Original email message ----\n"
           b"From: Ana Lima <ana@example.com>\nTo: support@desk.test\n"
           b"Subject: Parcel\nMessage-ID: <export-1@example.com>\n\n" + BODY)
    parsed = StdlibMailParser().parse(raw)
    assert (parsed.from_address, parsed.subject) == ("ana@example.com", "Parcel")
    assert parsed.text.strip() == BODY.decode().strip()


def test_a_message_without_the_blank_line_after_its_headers_keeps_its_text():
    raw = (b"From: Ana Lima <ana@example.com>\nTo: support@desk.test\nSubject: Parcel\n"
           b"Hello, my parcel has not arrived.\nIt was order 1234.\n")
    parsed = StdlibMailParser().parse(raw)
    assert (parsed.from_address, parsed.subject) == ("ana@example.com", "Parcel")
    assert parsed.text.strip() == "Hello, my parcel has not arrived.\nIt was order 1234."


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_headers_a_script_wrote_below_a_blank_line_of_its_own_are_read_as_headers(newline):
    raw = (b"Return-Path: <www-data@web1.shop.example>\n"
           b"Received: by web1.shop.example (Postfix, from userid 33)\n"
           b"To: support@desk.test\nSubject: Contact form\n"
           b"Message-ID: <form-2@web1.shop.example>\n\n"
           b"MIME-Version: 1.0\nContent-type: text/html; charset=utf-8\n"
           b"From: Ana Lima <ana@example.com>\n\n"
           b"<html><body><p>Name: Ana Lima</p><p>My parcel has <b>not</b> arrived.</p>"
           b"</body></html>\n").replace(b"\n", newline)
    parsed = StdlibMailParser().parse(raw)
    assert (parsed.from_address, parsed.subject) == ("ana@example.com", "Contact form")
    assert parsed.text.strip() == "Name: Ana Lima\n\nMy parcel has not arrived."
    assert parsed.html is not None and "<b>not</b>" in parsed.html


def test_a_text_that_begins_by_naming_a_header_is_not_taken_for_one():
    raw = (b"From: Ana Lima <ana@example.com>\nTo: support@desk.test\nSubject: Upload\n\n"
           b"Content-Type: is what your upload form rejects.\n\nIt says text/csv is wrong.\n")
    parsed = StdlibMailParser().parse(raw)
    assert parsed.text.strip() == ("Content-Type: is what your upload form rejects.\n\n"
                                   "It says text/csv is wrong.")
    raw = raw.replace(b"Subject: Upload\n", b"Subject: Upload\nContent-Type: text/plain\n")
    assert StdlibMailParser().parse(raw).text.startswith("Content-Type: is what")
