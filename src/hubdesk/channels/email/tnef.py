"""Outlook's `winmail.dat` (TNEF, `application/ms-tnef`): the files and text it wraps.

Outlook and Exchange send rich-text mail to other systems as a plain body beside one
`winmail.dat` part that holds the real attachments: shown as it came, the customer's
invoice or screenshot is a file no agent can open. The stream (Microsoft's MS-OXTNEF) is
read once, front to back, and every length and count in it is checked against the bytes
left before anything is read or kept, so a forged length costs nothing beyond the bytes
that came with it.

What is not read (a message embedded as an attachment, a stream cut short) is reported in
`unread`, each as a phrase about the stream ("a message attached inside it"); the caller then
keeps the `winmail.dat` itself as well. A body kept only as compressed RTF is handed over as
it is (`rich_text`): read into words (`rtf.py`) only when the mail has no text of its own.
"""

from __future__ import annotations

import mimetypes
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from hubdesk.channels.email.decoding import decode_text, html_charset, python_codec

SIGNATURE = 0x223E9F78
_LEVEL_MESSAGE, _LEVEL_ATTACHMENT = 1, 2

# Attributes: the high word is the attribute's type, the low word its id.
_ATT_BODY = 0x0002800C
_ATT_ATTACH_DATA = 0x0006800F
_ATT_ATTACH_TITLE = 0x00018010
_ATT_ATTACH_RENDDATA = 0x00069002  # opens each attachment
_ATT_MESSAGE_PROPERTIES = 0x00069003
_ATT_ATTACHMENT_PROPERTIES = 0x00069005
_ATT_OEM_CODEPAGE = 0x00069007

# MAPI properties read (by id); every other property is stepped over.
_PR_BODY = 0x1000
_PR_RTF_COMPRESSED = 0x1009
_PR_BODY_HTML = 0x1013
_PR_DISPLAY_NAME = 0x3001
_PR_ATTACH_DATA = 0x3701
_PR_ATTACH_FILENAME = 0x3704
_PR_ATTACH_METHOD = 0x3705
_PR_ATTACH_LONG_FILENAME = 0x3707
_PR_ATTACH_MIME_TAG = 0x370E
_PR_ATTACH_CONTENT_ID = 0x3712
_WANTED = {_PR_BODY, _PR_RTF_COMPRESSED, _PR_BODY_HTML, _PR_DISPLAY_NAME, _PR_ATTACH_DATA,
           _PR_ATTACH_FILENAME, _PR_ATTACH_METHOD, _PR_ATTACH_LONG_FILENAME,
           _PR_ATTACH_MIME_TAG, _PR_ATTACH_CONTENT_ID}
_ATTACH_EMBEDDED_MESSAGE = 5

# MAPI property types: fixed sizes as TNEF writes them (short and boolean padded to 4),
# and the types whose values carry their own lengths.
_PT_STRING8, _PT_UNICODE, _PT_OBJECT, _PT_BINARY = 0x001E, 0x001F, 0x000D, 0x0102
_VARIABLE = {_PT_STRING8, _PT_UNICODE, _PT_OBJECT, _PT_BINARY}
_FIXED = {0x0001: 4, 0x0002: 4, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8,
          0x000A: 4, 0x000B: 4, 0x0014: 8, 0x0040: 8, 0x0048: 16}
_MULTIPLE = 0x1000
_NAMED_FROM = 0x8000


# What `unread` says when the message's text is there only as compressed RTF: no loss when
# the mail carries its text beside it (Outlook's does), or when `rtf.py` reads the words.
RICH_TEXT_ONLY = "the message's text, kept in it only as rich text (RTF)"


class UnreadableTnef(ValueError):
    """Not a TNEF stream, or one whose first attribute cannot be read."""


@dataclass
class TnefFile:
    name: str
    content_type: str
    content: bytes
    content_id: str | None = None


@dataclass
class TnefContent:
    files: list[TnefFile] = field(default_factory=list)
    text: str | None = None
    html: str | None = None
    unread: list[str] = field(default_factory=list)
    rich_text: bytes | None = None  # compressed RTF, when the stream has no other text


# A MAPI property's type and its values (texts, binary data), or its number (a long).
_Properties = dict[int, tuple[int, list[memoryview] | int]]


@dataclass
class _Attachment:
    title: str | None = None
    data: memoryview | None = None
    properties: _Properties = field(default_factory=dict)


def is_tnef(data: bytes) -> bool:
    return len(data) >= 6 and struct.unpack_from("<I", data)[0] == SIGNATURE


def read_tnef(data: bytes, *, max_files: int) -> TnefContent:
    """The files and text of a TNEF stream; at most ``max_files`` files are read (the rest
    are reported unread). A stream cut short keeps what came before the cut."""
    if not is_tnef(data):
        raise UnreadableTnef("not a TNEF stream")
    found = TnefContent()
    codepage = "cp1252"
    attachments: list[_Attachment] = []
    message_properties: _Properties = {}
    legacy_body: memoryview | None = None
    for level, attribute, value in _attributes(memoryview(data), found):
        if attribute == _ATT_OEM_CODEPAGE and len(value) >= 4:
            codepage = python_codec(f"cp{struct.unpack_from('<I', value)[0]}") or "cp1252"
        elif level == _LEVEL_ATTACHMENT:
            if attribute == _ATT_ATTACH_RENDDATA or not attachments:
                attachments.append(_Attachment())
            _attachment_attribute(attachments[-1], attribute, value, codepage, found)
        elif level == _LEVEL_MESSAGE and attribute == _ATT_BODY:
            legacy_body = value
        elif level == _LEVEL_MESSAGE and attribute == _ATT_MESSAGE_PROPERTIES:
            message_properties = _properties(value, found)
    _read_body(found, message_properties, legacy_body, codepage)
    for attachment in attachments:
        if len(found.files) == max_files:
            found.unread.append(f"its files beyond the first {max_files}")
            break
        _read_file(found, attachment, codepage)
    return found


def _attributes(view: memoryview, found: TnefContent
                ) -> Iterator[tuple[int, int, memoryview]]:
    """Each attribute's level, id and value, in order; each ends with a checksum, which is
    not checked (writers get it wrong, and nothing here depends on it)."""
    position = 6  # after the signature and a legacy key
    while position < len(view):
        whole = len(view) - position >= 9
        length = struct.unpack_from("<I", view, position + 5)[0] if whole else 0
        if not whole or length > len(view) - position - 11:
            if position == 6:
                raise UnreadableTnef("the first attribute runs past the end of the stream")
            found.unread.append("its end, which was cut short")
            return
        attribute, = struct.unpack_from("<I", view, position + 1)
        yield view[position], attribute, view[position + 9:position + 9 + length]
        position += 11 + length


def _attachment_attribute(attachment: _Attachment, attribute: int, value: memoryview,
                          codepage: str, found: TnefContent) -> None:
    if attribute == _ATT_ATTACH_TITLE:
        attachment.title = _string8(value, codepage)
    elif attribute == _ATT_ATTACH_DATA:
        attachment.data = value
    elif attribute == _ATT_ATTACHMENT_PROPERTIES:
        attachment.properties = _properties(value, found)


def _read_body(found: TnefContent, properties: _Properties,
               legacy_body: memoryview | None, codepage: str) -> None:
    found.text = _text_property(properties.get(_PR_BODY), codepage)
    if found.text is None and legacy_body is not None:
        found.text = _string8(legacy_body, codepage) or None
    html = properties.get(_PR_BODY_HTML)
    if html is not None and html[0] == _PT_BINARY and isinstance(html[1], list) and html[1]:
        # HTML kept as bytes says its charset in its own <meta> tag, if anywhere.
        raw = bytes(html[1][0]).split(b"\0", 1)[0]
        found.html = decode_text(raw, html_charset(raw) or codepage)[0].strip() or None
    else:
        found.html = _text_property(html, codepage)
    rich = properties.get(_PR_RTF_COMPRESSED)
    if found.text is None and found.html is None and rich is not None \
            and isinstance(rich[1], list) and rich[1]:
        # Read into words (`rtf.py`) only if the mail turns out to have no text of its own.
        found.rich_text = bytes(rich[1][0])
        found.unread.append(RICH_TEXT_ONLY)


def _read_file(found: TnefContent, attachment: _Attachment, codepage: str) -> None:
    properties = attachment.properties
    method = properties.get(_PR_ATTACH_METHOD)
    embedded = properties.get(_PR_ATTACH_DATA)
    if (method is not None and method[1] == _ATTACH_EMBEDDED_MESSAGE) or \
            (embedded is not None and embedded[0] == _PT_OBJECT):
        found.unread.append("a message attached inside it")
        return
    content = attachment.data
    if content is None and embedded is not None and isinstance(embedded[1], list) \
            and embedded[1]:
        content = embedded[1][0]
    if content is None:
        return
    name = (_text_property(properties.get(_PR_ATTACH_LONG_FILENAME), codepage)
            or _text_property(properties.get(_PR_ATTACH_FILENAME), codepage)
            or attachment.title
            or _text_property(properties.get(_PR_DISPLAY_NAME), codepage) or "attachment")
    declared = (_text_property(properties.get(_PR_ATTACH_MIME_TAG), codepage) or "").lower()
    content_type = declared if _looks_like_content_type(declared) else \
        mimetypes.guess_type(name)[0] or "application/octet-stream"
    content_id = _text_property(properties.get(_PR_ATTACH_CONTENT_ID), codepage)
    found.files.append(TnefFile(name=name, content_type=content_type,
                                content=bytes(content), content_id=content_id or None))


def _properties(view: memoryview, found: TnefContent
                ) -> _Properties:
    """The wanted properties of a MAPI property list: (type, values) for texts and binary
    data, (type, number) for a long; reading stops, keeping what came before, at the first
    property that cannot be read."""
    wanted: _Properties = {}
    try:
        count, = struct.unpack_from("<I", view)
        position = 4
        if count > (len(view) - 4) // 4:  # each property takes at least four bytes
            raise struct.error("more properties than bytes")
        for _ in range(count):
            kind, number = struct.unpack_from("<HH", view, position)
            position += 4
            if number >= _NAMED_FROM:  # a named property: its GUID and name, stepped over
                position += 16
                name_kind, = struct.unpack_from("<I", view, position)
                position += 4
                if name_kind == 0:
                    position += 4
                else:
                    name_length, = struct.unpack_from("<I", view, position)
                    position += 4 + _padded(name_length)
            base = kind & ~_MULTIPLE
            if base in _VARIABLE:
                values, position = _variable_values(view, position)
                if number in _WANTED:
                    wanted[number] = (base, values)
            elif base in _FIXED:
                size = _FIXED[base]
                if kind & _MULTIPLE:
                    many, = struct.unpack_from("<I", view, position)
                    position += 4 + many * size
                else:
                    if number in _WANTED and base == 0x0003:
                        wanted[number] = (base, struct.unpack_from("<I", view, position)[0])
                    position += size
            else:
                raise struct.error(f"unknown property type {kind:#06x}")
            if position > len(view):
                raise struct.error("a property runs past the end of its list")
    except struct.error:
        found.unread.append("some of its properties")
    return wanted


def _variable_values(view: memoryview, position: int) -> tuple[list[memoryview], int]:
    many, = struct.unpack_from("<I", view, position)
    position += 4
    if many > (len(view) - position) // 4:
        raise struct.error("more values than bytes")
    values = []
    for _ in range(many):
        size, = struct.unpack_from("<I", view, position)
        position += 4
        if size > len(view) - position:
            raise struct.error("a value runs past the end of its list")
        values.append(view[position:position + size])
        position += _padded(size)
    return values, position


def _padded(size: int) -> int:
    return (size + 3) & ~3


def _text_property(found: tuple[int, list[memoryview] | int] | None,
                   codepage: str) -> str | None:
    if found is None or not isinstance(found[1], list) or not found[1]:
        return None
    kind, value = found[0], found[1][0]
    if kind == _PT_UNICODE:
        text = bytes(value).decode("utf-16-le", "replace").split("\0", 1)[0]
    elif kind == _PT_STRING8:
        text = _string8(value, codepage)
    else:
        return None
    return text.strip() or None


def _string8(value: memoryview, codepage: str) -> str:
    return bytes(value).split(b"\0", 1)[0].decode(codepage, "replace").strip()


def _looks_like_content_type(value: str) -> bool:
    main, slash, sub = value.partition("/")
    return bool(slash and main.isascii() and sub.isascii() and main.isalpha()
                and sub and " " not in value and len(value) <= 100)
