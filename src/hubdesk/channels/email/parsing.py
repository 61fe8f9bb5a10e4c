"""A received message's bytes → `ParsedMail`, with the standard library's parser and its
modern policy, never trusting what the sender declared.

Every header and part is read defensively: a broken header becomes empty text, an unknown
or wrong charset falls back (`decoding.py`), an oversized part is left out with a notice.
What it refuses outright (raising `UnreadableMail`) is structure no honest client produces:
MIME nested deeper than `MAX_DEPTH`, or more parts than `MAX_PARTS`. The caller quarantines
those, with the reason.

Each header is cut to `MAX_HEADER_CHARACTERS` as it is read (`BOUNDED`): the standard
library's parsing of a header takes time and memory growing with the square of its length,
and a Subject of a megabyte of encoded words took 15 GB. Lists of Message-IDs keep their
end, where the nearest message is named.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.errors import MissingHeaderBodySeparatorDefect
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser, HeaderParser
from email.policy import EmailPolicy
from email.utils import getaddresses
from functools import partial
from itertools import islice
from weakref import WeakKeyDictionary

from hubdesk.channels.email.clearsigned import signed_words
from hubdesk.channels.email.decoding import (
    decode_raw_header,
    decode_text,
    html_charset,
    raw_parameter,
    repair_header,
)
from hubdesk.channels.email.flowed import unflowed
from hubdesk.channels.email.forwards import forward_block, forward_block_html
from hubdesk.channels.email.guessing import guess_charset
from hubdesk.channels.email.headers_block import mended, rejoined
from hubdesk.channels.email.htmltext import html_to_text
from hubdesk.channels.email.rtf import UnreadableRtf, decompressed, rtf_text
from hubdesk.channels.email.tnef import (
    RICH_TEXT_ONLY,
    TnefContent,
    UnreadableTnef,
    is_tnef,
    read_tnef,
)
from hubdesk.channels.email.uuencoding import UU_ENCODINGS, decoded_part, files_in_text
from hubdesk.domain.mail import MailAttachment, ParsedMail, RecipientReport, addresses_in
from hubdesk.domain.messages import one_line_filename, without_unencodable
from hubdesk.html import sanitise_html

MAX_DEPTH = 40
MAX_PARTS = 500
MAX_HEADERS = 500
SIGNAL_HEADERS = ("auto-submitted", "x-autoreply", "x-autorespond", "precedence", "x-loop",
                  "x-hubdesk-ticket", "list-id", "list-post", "return-path",
                  "authentication-results", "to", "content-class",
                  "x-ms-exchange-message-is-ndr", "x-spam-flag", "x-spam-status", "x-spam",
                  "x-ms-exchange-organization-scl", "x-forefront-antispam-report")
_MESSAGE_IDS_LIMIT = 100
# Real headers stay far below it: 16 KiB holds some 300 Message-IDs or recipients.
MAX_HEADER_CHARACTERS = 16 * 1024
# Real messages' headers come to a few KiB; a crafted one's 500 headers of 16 KiB each took
# seconds of CPU to decode (and to mask) for every look at its original.
MAX_HEADERS_SHOWN = 256 * 1024
_KEEP_THE_END = frozenset({"references", "in-reply-to"})


class _BoundedPolicy(EmailPolicy):
    """The standard library's modern policy, each header's value cut to a length its parsing
    stays quick at."""

    def header_source_parse(self, sourcelines: list[str]) -> tuple[str, str]:
        name, value = super().header_source_parse(sourcelines)
        if len(value) > MAX_HEADER_CHARACTERS:
            value = value[-MAX_HEADER_CHARACTERS:] if name.lower() in _KEEP_THE_END \
                else value[:MAX_HEADER_CHARACTERS]
        return name, value


BOUNDED = _BoundedPolicy()
_REPORTED = frozenset({"message/rfc822", "text/rfc822-headers", "message/rfc822-headers"})
# For mail clients only: S/MIME's and OpenPGP's detached signatures (the signed text is the
# part beside them) and OpenPGP's version line beside an encrypted part.
_FOR_CLIENTS_ONLY = frozenset({"application/pkcs7-signature", "application/x-pkcs7-signature",
                               "application/pgp-signature", "application/pgp-encrypted"})
_PGP_INLINE = "-----BEGIN PGP MESSAGE-----"
# An S/MIME part holding the text itself: encrypted, or signed "opaque".
_S_MIME = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})


class UnreadableMail(ValueError):
    """The message cannot be read at all; the reason says why."""


# The sanitiser's time grows with the square of a run of text or an attribute full of
# character references ("a&b a&b …": a megabyte took it 4 seconds, two megabytes 16, the
# largest mail accepted would take hours), so a mail's HTML is read up to the length the API
# accepts (`api/limits.py` MAX_HTML), about a second's work.
MAX_HTML_CHARACTERS = 500_000


@dataclass(frozen=True)
class Limits:
    attachment_bytes: int = 30 * 1024 * 1024
    text_characters: int = 1_000_000
    html_characters: int = MAX_HTML_CHARACTERS


# Control characters (NUL among them, which no database text column takes) are never part of
# an honest header's text; a broken or hostile client's are dropped.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def header(message: Message, name: str) -> str:
    """One header's decoded text on one line, without control characters; "" when it is
    missing or cannot be read at all."""
    try:
        value = message.get(name)
    except Exception:  # a header the registry cannot parse: read it raw
        value = _raw_header(message, name)
    if value is None:
        return ""
    try:
        text = str(value)
    except Exception:
        text = _raw_header(message, name) or ""
    return _one_line(_recovered(message, repair_header(text),
                                lambda: _raw_header(message, name)))


def _one_line(text: str) -> str:
    return " ".join(_CONTROLS.sub("", without_unencodable(text)).split())


def _content_type(part: Message) -> str:
    return _one_line(part.get_content_type())[:255]


def _recovered(message: Message, text: str, raw: Callable[[], str | None]) -> str:
    # The standard library puts U+FFFD for 8-bit bytes that are not UTF-8 and for encoded
    # words in a charset it does not know, and leaves an encoded word its charset refuses as
    # it came (Windows' ISO-2022-JP); the raw value (looked up only then) still holds what
    # was sent.
    if "\ufffd" not in text and _ENCODED_WORD.search(text) is None:
        return text
    value = raw()
    return text if value is None else decode_raw_header(value, _charset_hint(message))


_ENCODED_WORD = re.compile(r"=\?[^?\s]{1,40}\?[BbQq]\?[^?\s]*\?=")


# Worked out once per message, however many of its headers (up to `MAX_HEADERS`) ask: the
# guess decodes the text's bytes.
_HINTS: WeakKeyDictionary[Message, str | None] = WeakKeyDictionary()


def _charset_hint(message: Message) -> str | None:
    if message not in _HINTS:
        _HINTS[message] = _find_charset_hint(message)
    return _HINTS[message]


def _find_charset_hint(message: Message) -> str | None:
    """The charset of the message's first text that declares one, or else the one its first
    text's bytes show: what a client that wrote 8-bit headers without saying their charset
    most likely wrote them in (a subject alone is often too short to tell)."""
    first_text: Message | None = None
    for part in islice(message.walk(), MAX_PARTS):
        charset = _charset(part)
        if charset:
            return charset
        if first_text is None and _content_type(part) in ("text/plain", "text/html"):
            first_text = part
    return guess_charset(_payload(first_text)) if first_text is not None else None


def _raw_filename(part: Message, hint: Callable[[], str | None]) -> str | None:
    """A part's file name read from its raw headers, where the standard library dropped it
    (a bare encoded word) or put U+FFFD for bytes it could not decode."""
    for header_name, parameter in (("content-disposition", "filename"),
                                   ("content-type", "name")):
        value = _raw_header(part, header_name)
        name = raw_parameter(value, parameter, hint()) if value else None
        if name:
            return name
    return None


def _raw_header(message: Message, name: str) -> str | None:
    for key, raw in message.raw_items():
        if key.lower() == name:
            return str(raw)
    return None


_BARE_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def _addresses(message: Message, *names: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for name in names:
        text = header(message, name)
        if not text:
            continue
        listed = [(display.strip(), address.strip().lower())
                  for display, address in getaddresses([text])]
        good = [(d, a) for d, a in listed if _BARE_ADDRESS.fullmatch(a) and len(a) <= 320]
        if not good:  # a header the address parser gives up on: take what looks like one
            good = [("", a.lower()) for a in addresses_in(text) if len(a) <= 320]
        found.extend(good)
    if not found:
        # As sent, every occurrence: the parser "repairs" `John Doe john@example.com` into a
        # quoted local part, and reads only the first of two From headers (an empty one).
        for key, raw in message.raw_items():
            if key.lower() in names:
                found += [("", a.lower()) for a in addresses_in(_one_line(str(raw)))
                          if len(a) <= 320]
    return found


def _message_ids(text: str) -> tuple[str, ...]:
    ids = [token for token in text.replace(",", " ").split() if "@" in token]
    return tuple(dict.fromkeys(i if i.startswith("<") else f"<{i.strip('<>')}>"
                               for i in ids[-_MESSAGE_IDS_LIMIT:]))


class StdlibMailParser:
    """Implements the `MailParser` port."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def parse(self, raw: bytes) -> ParsedMail:
        message = BytesParser(policy=BOUNDED).parsebytes(raw)
        if not message.keys() or any(isinstance(defect, MissingHeaderBodySeparatorDefect)
                                     for defect in message.defects):
            repaired = mended(raw)
            if repaired is not None:
                message = BytesParser(policy=BOUNDED).parsebytes(repaired)
        elif message.get("content-type") is None and (repaired := rejoined(raw)) is not None:
            message = BytesParser(policy=BOUNDED).parsebytes(repaired)
        reader = _PartReader(self.limits, partial(_charset_hint, message))
        reader.walk(message, 0)
        reader.finish()
        from_list = _addresses(message, "from") or _addresses(message, "sender") or \
            _addresses(message, "return-path")
        from_name, from_address = from_list[0] if from_list else ("", None)
        reply_to_list = _addresses(message, "reply-to")
        reply_to_name, reply_to = reply_to_list[0] if reply_to_list else ("", None)
        text = _one_line_ending(reader.text())
        html = reader.html()
        if html is not None and len(html) > self.limits.html_characters:
            html = html[:self.limits.html_characters]
            reader.notices.append("the formatted (HTML) version was cut at "
                                  f"{self.limits.html_characters} characters")
        if not text.strip() and html:
            text = _one_line_ending(html_to_text(html))
        if len(text) > self.limits.text_characters:
            text = text[:self.limits.text_characters]
            reader.notices.append("the text was cut at "
                                  f"{self.limits.text_characters} characters")
        content_type = _content_type(message)
        return ParsedMail(
            message_id=_message_ids(header(message, "message-id"))[:1][0]
            if _message_ids(header(message, "message-id")) else None,
            subject=header(message, "subject")[:1000],
            from_address=from_address, from_name=from_name or None,
            reply_to=reply_to, reply_to_name=reply_to_name or None,
            to=tuple(a for _, a in _addresses(message, "to", "delivered-to", "x-original-to")),
            cc=tuple(a for _, a in _addresses(message, "cc")),
            in_reply_to=_message_ids(header(message, "in-reply-to")),
            references=_message_ids(header(message, "references")),
            text=text, html=sanitise_html(html) if html else None,
            attachments=tuple(reader.attachments),
            signals={name: header(message, name) for name in SIGNAL_HEADERS
                     if message.get(name) is not None},
            is_report=content_type == "multipart/report",
            report_type=str(message.get_param("report-type") or "") or None
            if content_type == "multipart/report" else None,
            reported_message_ids=tuple(reader.reported),
            returned_message_ids=_returned_ids(text),
            recipient_reports=tuple(reader.recipient_reports), notices=tuple(reader.notices))


    def headers(self, raw: bytes) -> tuple[tuple[str, str], ...]:
        """Every header as received, in order (a name may come more than once), decoded; one
        that cannot be decoded is shown as it came. Past `MAX_HEADERS_SHOWN` characters of
        them, one last line says how many more there are (the original holds them)."""
        message = BytesHeaderParser(policy=BOUNDED).parsebytes(raw)
        found = []
        shown = 0
        for index, (name, value) in enumerate(islice(message.raw_items(), MAX_HEADERS)):
            shown += len(value)
            if shown > MAX_HEADERS_SHOWN:
                found.append(("…", f"{len(message) - index} more headers, not shown here: "
                                   "the original message holds them"))
                break
            try:
                text = str(message.policy.header_fetch_parse(name, value))
            except Exception:
                text = str(value)
            found.append((name, _recovered(message, repair_header(" ".join(text.split())),
                                           partial(str, value))))
        return tuple(found)


class _PartReader:
    def __init__(self, limits: Limits,
                 charset_hint: Callable[[], str | None] = lambda: None) -> None:
        self.limits = limits
        # The charset of the message's text: what its 8-bit file names are most likely in.
        self.charset_hint = charset_hint
        self.plain: list[str] = []
        self.htmls: list[str] = []
        self.attachments: list[MailAttachment] = []
        self.reported: list[str] = []
        self.recipient_reports: list[RecipientReport] = []
        self.notices: list[str] = []
        self.parts = 0
        self.split_once = False
        # Outlook's winmail.dat: its text (used when the mail has no other) and, for each,
        # the part itself with what could not be read from it.
        self.wrapped_texts: list[str] = []
        self.wrapped_htmls: list[str] = []
        self.wrappers: list[tuple[Message, str, TnefContent]] = []
        # Inside an alternative that has a plain text, whose HTML adds no words of its own.
        self.beside_plain = 0
        # HTML is read into words up to the length its display is cut at, over all its parts.
        self.html_words_left = limits.html_characters

    def text(self) -> str:
        return "\n\n".join(p.strip() for p in self.plain if p.strip())

    def html(self) -> str | None:
        return "\n".join(self.htmls) if self.htmls else None

    def finish(self) -> None:
        """What winmail.dat parts left to decide once every part is read: their text when
        the mail had none of its own (the words of their rich text, if that is all), and the
        part itself where something in it was not read (rich text is no loss where the mail
        has text)."""
        has_text = bool(self.text().strip() or self.htmls)
        if not has_text:
            self.plain.extend(self.wrapped_texts)
            self.htmls.extend(self.wrapped_htmls)
            has_text = bool(self.wrapped_texts or self.wrapped_htmls)
        for part, filename, found in self.wrappers:
            if not has_text and found.rich_text is not None:
                words = _rich_text_words(found.rich_text)
                self.plain.append(words)
                has_text = bool(words)
            missing = [what for what in found.unread
                       if not (what == RICH_TEXT_ONLY and has_text)]
            if missing:
                self.notices.append(f"{filename} (Outlook's wrapper for rich-text mail) is "
                                    f"attached as it came: {'; '.join(missing)} could not be "
                                    "read from it")
                self._keep_part(part, filename, "application/ms-tnef", _payload(part))

    def _count_part(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise UnreadableMail(f"the message has more than {MAX_PARTS} parts")

    def walk(self, part: Message, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise UnreadableMail(f"MIME parts are nested more than {MAX_DEPTH} levels deep")
        self._count_part()
        content_type = _content_type(part)
        if content_type in _REPORTED or content_type == "message/delivery-status":
            self._report_part(part, content_type, depth)
            return
        if content_type == "multipart/encrypted":
            self._sealed("the message (OpenPGP)")
        if part.is_multipart():
            children = part.get_payload()
            if not isinstance(children, list):
                return
            if content_type == "multipart/alternative":
                self._alternative([c for c in children if isinstance(c, Message)], depth)
                return
            for child in children:
                if isinstance(child, Message):
                    self.walk(child, depth + 1)
            return
        if content_type.startswith("multipart/"):  # declared multipart, no usable boundary
            # Once per message: each reading copies the part, and a chain of them nested in
            # one another would copy a large message once per level.
            split = None if self.split_once else _split_by_found_boundary(part)
            if split is not None:
                self.split_once = True
                self.walk(split, depth + 1)
                return
            content_type = "text/plain"
        self._leaf(part, content_type)

    def _sealed(self, what: str) -> None:
        """Encrypted, or signed in a form only the sender's certificate opens: kept as it
        came, and said (to the customer too, in the acknowledgement) rather than filed as an
        empty message."""
        self.notices.append(f"{what} is encrypted or sealed, and the desk cannot read it; "
                            "please send the text again without encryption")

    def _attached_message(self, part: Message, depth: int) -> None:
        """A message attached whole (a forward "as attachment"): its text and files, below
        the header block a client writes above a forward inline, so readers (and
        `domain/forwarding.py`) can tell whose words follow and from when."""
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if not isinstance(inner, Message):
            return
        plain_at, html_at = len(self.plain), len(self.htmls)
        self.walk(inner, depth + 1)
        block = forward_block(partial(header, inner))
        inner_text = "\n\n".join(p.strip() for p in self.plain[plain_at:] if p.strip())
        self.plain.insert(plain_at, "\n".join(block))
        if len(self.htmls) > html_at:
            self.htmls.insert(html_at, forward_block_html(block))
        elif self.htmls:  # the mail is shown as HTML: the forwarded text must show there too
            self.htmls.append(forward_block_html(block, inner_text))

    def _alternative(self, children: list[Message], depth: int) -> None:
        """One body from alternatives: the plain text for the text, the HTML for display."""
        plain = [c for c in children if _content_type(c) == "text/plain"]
        rich = [c for c in children if _content_type(c) == "text/html"]
        others = [c for c in children if c not in plain and c not in rich]
        if plain:
            self._leaf(plain[-1], "text/plain")
        self.beside_plain += bool(plain)
        try:
            if rich:
                self._leaf(rich[-1], "text/html")
            for child in others:
                self.walk(child, depth + 1)
        finally:
            self.beside_plain -= bool(plain)

    def _leaf(self, part: Message, content_type: str) -> None:
        disposition = (part.get_content_disposition() or "").lower()
        filename = self._filename(part)
        payload = _payload(part)
        if header(part, "content-transfer-encoding").strip().lower() in UU_ENCODINGS:
            payload = decoded_part(_raw_payload(part)) or payload
        if content_type.startswith("text/") and disposition != "attachment" and not filename \
                and content_type in ("text/plain", "text/html", "text/enriched"):
            declared = _charset(part)
            if declared is None and content_type == "text/html":
                declared = html_charset(payload)
            text, _ = decode_text(payload, declared)
            if content_type == "text/html":
                self._html(text)
                return
            text = _one_line_ending(text)
            if _parameter(part, "format") == "flowed":
                text = unflowed(text, delete_space=_parameter(part, "delsp") == "yes")
            if text.lstrip().startswith(_PGP_INLINE):
                self._sealed("the message (OpenPGP)")
            text = signed_words(text)
            text, files = files_in_text(text, max_files=MAX_PARTS - self.parts)
            for file in files:
                self._count_part()
                self._keep(_safe_filename(file.name), file.content_type, file.content, None,
                           inline=False)
            self.plain.append(text)
            return
        if content_type in _FOR_CLIENTS_ONLY:
            return  # the original message keeps it
        if content_type in _S_MIME:
            self._sealed(f"{filename or 'smime.p7m'} (S/MIME)")
        if (content_type == "application/ms-tnef" or (filename or "").lower() ==
                "winmail.dat") and self._unwrapped(part, filename or "winmail.dat", payload):
            return
        self._keep_part(part, filename, content_type, payload)

    def _html(self, html: str) -> None:
        """An HTML body; where no plain text stands beside it, its words go in the text where
        the part stands: a mail written in HTML alone keeps its sender's words in the text
        when a plain part comes with it (the text of a message it forwards as an
        attachment)."""
        self.htmls.append(html)
        if self.beside_plain:
            return
        piece = html[:self.html_words_left]
        self.html_words_left -= len(piece)
        if piece:
            self.plain.append(html_to_text(piece))

    def _keep_part(self, part: Message, filename: str | None, content_type: str,
                   payload: bytes) -> None:
        if filename and not _declares_a_type(part):
            content_type = _type_of_file(filename, declared=bool(header(part, "content-type")))
        content_id = header(part, "content-id").strip("<> ") or None
        disposition = (part.get_content_disposition() or "").lower()
        self._keep(filename, content_type, payload, content_id,
                   inline=disposition == "inline" or (content_id is not None and not filename))

    def _keep(self, filename: str | None, content_type: str, payload: bytes,
              content_id: str | None, *, inline: bool) -> None:
        if len(payload) > self.limits.attachment_bytes:
            self.notices.append(f"{filename or 'an attachment'} ({len(payload)} bytes) was "
                                f"larger than {self.limits.attachment_bytes} bytes and was "
                                "not kept")
            return
        self.attachments.append(MailAttachment(
            filename=filename or _default_name(content_type), content_type=content_type,
            content=payload, content_id=content_id, inline=inline))

    def _unwrapped(self, part: Message, filename: str, payload: bytes) -> bool:
        """The files and text inside Outlook's winmail.dat, kept as the mail's own; False
        (keep the part as it came) when it is not TNEF after all."""
        if not is_tnef(payload):
            return False
        try:
            found = read_tnef(payload, max_files=max(0, MAX_PARTS - self.parts))
        except UnreadableTnef:
            return False
        for file in found.files:
            self._count_part()
            self._keep(_safe_filename(file.name), file.content_type, file.content,
                       file.content_id, inline=file.content_id is not None
                       and file.content_type.startswith("image/"))
        self.wrapped_texts.extend([found.text] if found.text else [])
        self.wrapped_htmls.extend([found.html] if found.html else [])
        self.wrappers.append((part, filename, found))
        return True

    def _filename(self, part: Message) -> str | None:
        try:
            name = part.get_filename()
        except Exception:
            name = None
        if not name or "\ufffd" in name:
            name = _raw_filename(part, self.charset_hint) or name
        if not name:
            return None
        return _safe_filename(repair_header(name)) or None

    def _report_part(self, part: Message, content_type: str, depth: int) -> None:
        """A part a report is made of: read for what became of each recipient, or for the
        Message-ID it reports on; only an attached message whole is also read as one."""
        if content_type == "message/delivery-status":
            self._delivery_status(part)
            return
        self._reported(part)
        if content_type == "message/rfc822":
            self._attached_message(part, depth)

    def _delivery_status(self, part: Message) -> None:
        """Each recipient's fields of a delivery report: to whom, what became of it, and the
        receiving server's words. (The first block is about the message, not a recipient.)"""
        for block in _status_blocks(part):
            if len(self.recipient_reports) >= _MAX_REPORTED_RECIPIENTS:
                return
            recipient = _typed_value(header(block, "final-recipient")
                                     or header(block, "original-recipient"))
            action = header(block, "action").strip().lower()[:20]
            if not recipient and not action:
                continue
            self.recipient_reports.append(RecipientReport(
                recipient=recipient[:320], action=action,
                status=header(block, "status").strip()[:20],
                diagnostic=_typed_value(header(block, "diagnostic-code"))[:300]))

    def _reported(self, part: Message) -> None:
        """The Message-ID of the message a report (a bounce) is about."""
        inner: Message | None = None
        if part.is_multipart():
            payload = part.get_payload()
            first = payload[0] if isinstance(payload, list) and payload else None
            inner = first if isinstance(first, Message) else None
        else:
            text, _ = decode_text(_payload(part), _charset(part))
            inner = HeaderParser(policy=BOUNDED).parsestr(text)
        if inner is not None:
            self.reported.extend(_message_ids(header(inner, "message-id")))


_MAX_REPORTED_RECIPIENTS = 100
# "Message-ID: <…>" on a line of its own in the text: a returned message's header copied in.
_RETURNED_ID = re.compile(r"^[ \t>]*Message-ID:[ \t]*(<[^<>\s]{1,250}>)[ \t]*$",
                          re.IGNORECASE | re.MULTILINE)
_MAX_RETURNED_IDS = 20


def _returned_ids(text: str) -> tuple[str, ...]:
    """The Message-IDs header lines in ``text`` name (a bounce's copy of what it returns)."""
    found = (match[1] for match in _RETURNED_ID.finditer(text))
    return tuple(dict.fromkeys(islice(found, _MAX_RETURNED_IDS)))


def _status_blocks(part: Message) -> list[Message]:
    """The field blocks of a message/delivery-status part, which the standard library reads
    as a list of header blocks, or as text where the part is encoded."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text, _ = decode_text(_payload(part), _charset(part))
    return [HeaderParser(policy=BOUNDED).parsestr(block.strip() + "\n")
            for block in re.split(r"\n[ \t]*\n", _one_line_ending(text)) if block.strip()]


def _typed_value(value: str) -> str:
    """A report field's value without its type: "rfc822; ann@example.com" → the address,
    "smtp; 550 5.1.1 User unknown" → the server's words."""
    kind, separator, rest = value.partition(";")
    return rest.strip() if separator and " " not in kind.strip() else value.strip()


_MIME_TOKEN = re.compile(r"[A-Za-z0-9!#$&^_.+-]{1,64}")
# A delimiter line: "--" and a boundary of RFC 2046's characters, alone on its line.
_DELIMITER_LINE = re.compile(r"^--([0-9A-Za-z'()+_,./:=?-]{1,70})[ \t]*\r?$", re.MULTILINE)


def _split_by_found_boundary(part: Message) -> Message | None:
    """A multipart part whose Content-Type names no boundary, read again with the boundary
    its first delimiter line shows, when that line comes back as the closing delimiter; None
    when no such line is found."""
    body = part.get_payload(decode=True)
    if not isinstance(body, bytes):
        return None
    text = body.decode("ascii", "surrogateescape")
    found = _DELIMITER_LINE.search(text)
    if found is None or f"\n--{found[1]}--" not in text:
        return None
    # Only a subtype of MIME's own characters is carried over: a damaged one ("mi\ufffded")
    # would not survive being written back as ASCII.
    subtype = _content_type(part).partition("/")[2]
    if _MIME_TOKEN.fullmatch(subtype) is None:
        subtype = "mixed"
    head = f'Content-Type: multipart/{subtype}; boundary="{found[1]}"\r\n\r\n'
    split = BytesParser(policy=BOUNDED).parsebytes(head.encode("ascii") + body)
    return split if split.is_multipart() else None


def _rich_text_words(compressed: bytes) -> str:
    try:
        return rtf_text(decompressed(compressed))
    except UnreadableRtf:
        return ""


def _safe_filename(name: str) -> str:
    """A file's name kept as an upload's is (`one_line_filename`: no line breaks, no
    direction overrides that disguise its extension), and no folder in it."""
    return one_line_filename(without_unencodable(name)).replace("/", "_").replace(
        "\\", "_")[:255]


def _payload(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    return payload if isinstance(payload, bytes) else _raw_payload(part)


def _one_line_ending(text: str) -> str:
    """Lines ending in "\n", as the text a ticket shows, whatever the mail was sent with:
    Windows' "\r\n", old Macs' "\r", "\r\r\n" from a relay that added one."""
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")


def _raw_payload(part: Message) -> bytes:
    """The part's body as it came, its transfer encoding not undone."""
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _parameter(part: Message, name: str) -> str:
    """A Content-Type parameter's value in small letters; empty when absent or unreadable."""
    try:
        value = part.get_param(name)
    except Exception:
        return ""
    return value.strip().lower() if isinstance(value, str) else ""


def _charset(part: Message) -> str | None:
    try:
        value = part.get_content_charset()
    except Exception:
        return None
    return str(value) if value else None


# The standard library's own table only, so a file is named alike on every machine.
_KNOWN_TYPES = mimetypes.MimeTypes(filenames=())
# Types mail carries that the table does not know.
_MAIL_EXTENSIONS = {"text/calendar": ".ics", "text/vcard": ".vcf",
                    "application/pgp-keys": ".asc"}


def _declares_a_type(part: Message) -> bool:
    """Whether the part names its media type as type/subtype: without one ("application-x-
    gzip", or no Content-Type at all) the standard library says text/plain."""
    main, slash, sub = header(part, "content-type").partition(";")[0].strip().partition("/")
    return bool(main and slash and sub)


def _type_of_file(filename: str, *, declared: bool) -> str:
    """A named file's type from its name, where its part names none: a gzip file kept as
    text would open as text. Without a guess, a broken type is any bytes, and a missing one
    the text mail's rules say it is."""
    guessed, compressed = _KNOWN_TYPES.guess_type(filename, strict=False)
    if compressed:  # "logs.tar.gz" is a gzip file whatever it holds
        return _COMPRESSED.get(compressed, "application/octet-stream")
    return guessed or ("application/octet-stream" if declared else "text/plain")


_COMPRESSED = {"gzip": "application/gzip", "bzip2": "application/x-bzip2",
               "xz": "application/x-xz", "compress": "application/x-compress",
               "br": "application/x-brotli"}


def _default_name(content_type: str) -> str:
    """A name for a part that has none, with the extension its type is opened by."""
    main, _, sub = content_type.partition("/")
    extension = _MAIL_EXTENSIONS.get(content_type) or _KNOWN_TYPES.guess_extension(
        content_type) or f".{sub or 'bin'}"
    return f"{main or 'part'}{extension}"[:255]

