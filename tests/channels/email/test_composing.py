"""The MIME message built from an outbound mail: its files attached by name and type."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

from hubdesk.channels.email.composing import compose
from hubdesk.domain.mail import MailFile, OutboundMail


def _mail(*files: MailFile) -> OutboundMail:
    return OutboundMail(
        id=1, key="reply:7", kind="reply", ticket_id=3, message_id="<hubdesk.3.x@desk.test>",
        to_address="ann@example.com", from_address="support@desk.test",
        subject="Re: Printer [#3]", in_reply_to=None, references=(), body_text="Attached.",
        body_html="<p>Attached.</p>", created_at=datetime(2026, 3, 1, tzinfo=UTC),
        files=files)


def _parsed(mail: OutboundMail, contents: dict[str, bytes]):
    return message_from_bytes(compose(mail, contents).as_bytes(), policy=policy.default)


def test_each_file_is_attached_with_its_name_type_and_bytes():
    message = _parsed(_mail(MailFile("Rücksendung.pdf", "application/pdf", "a1"),
                            MailFile("photo.png", "image/png", "b2")),
                      {"a1": b"%PDF-1.4 label", "b2": b"\x89PNG\r\n"})
    assert message.get_body(("plain",)).get_content().strip() == "Attached."
    assert [(p.get_filename(), p.get_content_type(), p.get_payload(decode=True),
             p.get_content_disposition()) for p in message.iter_attachments()] == [
        ("Rücksendung.pdf", "application/pdf", b"%PDF-1.4 label", "attachment"),
        ("photo.png", "image/png", b"\x89PNG\r\n", "attachment")]


def test_a_declared_type_that_is_not_a_mime_type_goes_as_plain_bytes():
    message = _parsed(_mail(MailFile("a.bin", "not a type", "c3"),
                            MailFile("b.txt", "text/plain; charset=utf-8", "d4"),
                            MailFile("c.bin", "multipart/mixed", "e5")),
                      {"c3": b"\x00\x01", "d4": b"plain", "e5": b"--x"})
    assert [p.get_content_type() for p in message.iter_attachments()] == [
        "application/octet-stream", "text/plain", "application/octet-stream"]


def test_a_mail_without_files_is_text_and_html_only():
    message = _parsed(_mail(), {})
    assert list(message.iter_attachments()) == []
    assert message.get_content_type() == "multipart/alternative"


def test_a_file_kept_under_a_name_across_lines_is_attached_under_one_line():
    message = _parsed(_mail(MailFile("label\r\nBcc: eve@example.com.pdf", "application/pdf",
                                     "a1")), {"a1": b"%PDF"})
    assert [p.get_filename() for p in message.iter_attachments()] == \
        ["label Bcc: eve@example.com.pdf"]
    assert message["Bcc"] is None
