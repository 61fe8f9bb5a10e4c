"""A corpus of varied e-mail built by the tests: the shapes real clients and servers send."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.policy import SMTP
from email.utils import format_datetime

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
DATE = format_datetime(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))


def plain(sender: str = "ann@example.com", to: str = "support@desk.test",
          subject: str = "Printer on fire", body: str = "The printer is on fire.",
          message_id: str | None = "<m1@example.com>", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = DATE
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes(policy=SMTP)


def alternative_with_files(message_id: str = "<alt@example.com>") -> bytes:
    message = EmailMessage()
    message["From"] = "Bob Builder <bob@example.com>"
    message["To"] = "support@desk.test"
    message["Cc"] = "carol@example.com, Dan <dan@example.org>"
    message["Subject"] = "Invoice question"
    message["Message-ID"] = message_id
    message.set_content("Please see the invoice attached.\n\nThanks, Bob")
    message.add_alternative('<p>Please see the <b>invoice</b> attached.</p>'
                            '<img src="cid:logo1"><script>alert(1)</script>', subtype="html")
    html_part = message.get_payload()[1]
    html_part.add_related(PNG, maintype="image", subtype="png", cid="<logo1>")
    message.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf",
                           filename="invoice.pdf")
    return message.as_bytes(policy=SMTP)


def html_only() -> bytes:
    message = EmailMessage()
    message["From"] = "eve@example.com"
    message["To"] = "support@desk.test"
    message["Subject"] = "Only HTML"
    message["Message-ID"] = "<html-only@example.com>"
    message.set_content("<html><body><h1>Hello</h1><p>My order <i>1234</i> is late.</p>"
                        "<style>p{color:red}</style></body></html>", subtype="html")
    return message.as_bytes(policy=SMTP)


def in_charset(charset: str, text: str, subject: str, transfer: str = "8bit",
               message_id: str = "<cs@example.com>") -> bytes:
    """A message in ``charset`` with an encoded-word subject."""
    from email.header import Header

    part = MIMEText(text, "plain", charset)
    if transfer == "quoted-printable":
        del part["Content-Transfer-Encoding"]
        import quopri

        part.set_payload(quopri.encodestring(text.encode(charset)).decode("ascii"))
        part["Content-Transfer-Encoding"] = "quoted-printable"
    part["From"] = "kenji@example.jp"
    part["To"] = "support@desk.test"
    part["Subject"] = Header(subject, charset).encode()
    part["Message-ID"] = message_id
    return part.as_bytes(policy=SMTP)


def mislabelled() -> bytes:
    """Declares UTF-8, holds Windows-1252 (a classic of old webmail), and an undeclared
    8-bit subject."""
    body = "Caf\xe9 cr\xe8me \u20ac5 price".encode("windows-1252")
    return (b"From: zoe@example.com\r\nTo: support@desk.test\r\n"
            b"Subject: R\xc3\xa9sum\xc3\xa9 attached\r\nMessage-ID: <mis@example.com>\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n" + body + b"\r\n")


def unknown_charset() -> bytes:
    return (b"From: x@example.com\r\nTo: support@desk.test\r\nSubject: =?x-klingon?q?qapla?=\r\n"
            b"Message-ID: <unk@example.com>\r\nContent-Type: text/plain; charset=x-klingon\r\n"
            b"\r\nHello there\r\n")


def broken_headers() -> bytes:
    return (b"From: \"Unclosed <broken@example.com\r\nTo: support@desk.test,,, <>\r\n"
            b"Subject: =?utf-8?b?!!!notbase64?=\r\nDate: yesterday-ish\r\n"
            b"Message-ID: <broken@example.com>\r\nContent-Type: multipart/mixed\r\n"
            b"\r\nno boundary at all\r\n")


def no_message_id(body: str = "No id here") -> bytes:
    return plain(message_id=None, body=body, subject="Missing id")


def long_lines() -> bytes:
    line = "word " * 20_000
    message = EmailMessage()
    message["From"] = "long@example.com"
    message["To"] = "support@desk.test"
    message["Subject"] = "Long"
    message["Message-ID"] = "<long@example.com>"
    message.set_content(line, cte="base64")
    return message.as_bytes(policy=SMTP)


def out_of_office(in_reply_to: str | None = None) -> bytes:
    headers = {"Auto_Submitted": "auto-replied", "X_Autoreply": "yes"}
    if in_reply_to:
        headers["In_Reply_To"] = in_reply_to
    return plain(sender="ann@example.com", subject="Out of Office: Printer on fire",
                 body="I am away until Monday.", message_id="<ooo@example.com>", **headers)


def bounce(original_message_id: str) -> bytes:
    """A delivery status notification as Postfix writes it (RFC 3464)."""
    return (b"From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\r\n"
            b"To: support@desk.test\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            b"Message-ID: <bounce1@mx.example.com>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/report; report-type=delivery-status;\r\n"
            b"\tboundary=\"RPT\"\r\n\r\n"
            b"--RPT\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
            b"The mail system could not deliver your message.\r\n\r\n"
            b"--RPT\r\nContent-Type: message/delivery-status\r\n\r\n"
            b"Reporting-MTA: dns; mx.example.com\r\n\r\n"
            b"Final-Recipient: rfc822; gone@example.com\r\nAction: failed\r\n"
            b"Status: 5.1.1\r\n\r\n"
            b"--RPT\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            b"From: support@desk.test\r\nTo: gone@example.com\r\n"
            b"Message-ID: " + original_message_id.encode() + b"\r\nSubject: Re: x\r\n\r\n"
            b"--RPT--\r\n")


# Replies as clients write them: the new words above, the quoted history below.
QUOTED_REPLIES = {
    "gmail_en": ("Thanks, that worked!\n\nOn Mon, 2 Mar 2026 at 09:30, Desk "
                 "<support@desk.test> wrote:\n> Try restarting it.\n> \n> Old text"),
    "gmail_de": ("Danke, es geht wieder.\n\nAm Mo., 2. März 2026 um 09:30 Uhr schrieb Desk "
                 "<support@desk.test>:\n> Bitte neu starten."),
    "apple_fr": ("Merci beaucoup.\n\nLe 2 mars 2026 à 09:30, Desk <support@desk.test> a écrit :"
                 "\n\n> Redémarrez-le."),
    "outlook_en": ("It works now.\n\n________________________________\nFrom: Desk "
                   "<support@desk.test>\nSent: Monday, March 2, 2026 9:30 AM\nTo: Ann\n"
                   "Subject: Re: Printer\n\nTry restarting it."),
    "outlook_es": ("Ya funciona.\n\n-----Mensaje original-----\nDe: Desk\nEnviado: lunes\n"
                   "Para: Ann\n\nReinícielo."),
    "signature_mobile": "Yes please.\n\nSent from my iPhone",
    "signature_dashes": "Yes please.\n\n-- \nAnn Example\nACME Ltd",
}


def deeply_nested(depth: int = 60) -> bytes:
    """Multipart inside multipart, deeper than any client nests: the parser refuses it."""
    head = b"From: deep@example.com\r\nTo: support@desk.test\r\nSubject: deep\r\n" \
           b"Message-ID: <deep@example.com>\r\nMIME-Version: 1.0\r\n"
    parts = []
    for level in range(depth):
        parts.append(f"Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n"
                     f"--b{level}\r\n".encode())
    body = b"".join(parts) + b"Content-Type: text/plain\r\n\r\nbottom\r\n"
    for level in reversed(range(depth)):
        body += f"--b{level}--\r\n".encode()
    return head + body


def eight_bit_headers(charset: str, name: str, subject: str, text: str,
                      message_id: str = "<8bit@example.com>") -> bytes:
    """An old client's message: sender name and subject written in ``charset`` straight into
    the headers, without encoded words; the text declares the charset."""
    return (f"From: {name} <old.client@example.com>\r\nTo: support@desk.test\r\n"
            f"Subject: {subject}\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset={charset}\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n").encode(charset) + text.encode(charset)


def long_subject(length: int, message_id: str = "<long-subject@example.com>") -> bytes:
    """A generated subject (a web form's, a monitoring tool's) longer than a ticket's."""
    words = " ".join(f"field{i}=value{i}" for i in range(length // 10 + 1))[:length]
    return (f"From: forms@example.com\r\nTo: support@desk.test\r\nSubject: {words}\r\n"
            f"Message-ID: {message_id}\r\n\r\nA form was sent.\r\n").encode("ascii")


def control_characters() -> bytes:
    """NUL and other control bytes where a broken or hostile client put them: in the
    Message-ID, the subject, the sender's name, a text part's charset, and an attachment's
    name and type (PostgreSQL stores no NUL in text)."""
    return (b"From: \"Ann\x00 Lee\x07\" <ann@example.com>\r\nTo: support@desk.test\r\n"
            b"Subject: Refund\x00 please\x1b\r\nMessage-ID: <nul\x00@example.com>\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            b"--b\r\nContent-Type: text/plain; charset=\"utf-8\x00\"\r\n\r\n"
            b"Where is my refund?\r\n"
            b"--b\r\nContent-Type: application/pdf\x00\r\n"
            b"Content-Disposition: attachment; filename=\"receipt\x00\x01.pdf\"\r\n\r\n"
            b"%PDF-1.4 fake\r\n--b--\r\n")
