"""Writes TNEF streams (`winmail.dat`) as Outlook lays them out (MS-OXTNEF), for the tests:
message attributes, the message's MAPI properties, then each attachment opened by its
rendering data, with its title, data and properties."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

SIGNATURE = 0x223E9F78
MESSAGE, ATTACHMENT = 1, 2
TNEF_VERSION = 0x00089006
OEM_CODEPAGE = 0x00069007
MESSAGE_CLASS = 0x00078008
BODY = 0x0002800C
MESSAGE_PROPERTIES = 0x00069003
RENDDATA = 0x00069002
TITLE = 0x00018010
DATA = 0x0006800F
ATTACHMENT_PROPERTIES = 0x00069005

PR_BODY = 0x1000
PR_RTF_COMPRESSED = 0x1009
PR_BODY_HTML = 0x1013
PR_SUBJECT = 0x0037
PR_ATTACH_DATA = 0x3701
PR_ATTACH_FILENAME = 0x3704
PR_ATTACH_METHOD = 0x3705
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_MIME_TAG = 0x370E
PR_ATTACH_CONTENT_ID = 0x3712
PR_ATTACH_SIZE = 0x0E20


def attribute(level: int, attribute_id: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return bytes([level]) + struct.pack("<II", attribute_id, len(data)) + data + \
        struct.pack("<H", checksum)


def _pad(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def unicode_property(number: int, text: str) -> bytes:
    encoded = (text + "\0").encode("utf-16-le")
    return struct.pack("<HHII", 0x001F, number, 1, len(encoded)) + _pad(encoded)


def string8_property(number: int, text: str, codec: str = "cp1252") -> bytes:
    encoded = text.encode(codec) + b"\0"
    return struct.pack("<HHII", 0x001E, number, 1, len(encoded)) + _pad(encoded)


def binary_property(number: int, data: bytes, kind: int = 0x0102) -> bytes:
    return struct.pack("<HHII", kind, number, 1, len(data)) + _pad(data)


def long_property(number: int, value: int) -> bytes:
    return struct.pack("<HHI", 0x0003, number, value)


def boolean_property(number: int, value: bool) -> bytes:
    return struct.pack("<HHI", 0x000B, number, int(value))


def time_property(number: int) -> bytes:
    return struct.pack("<HHQ", 0x0040, number, 133_000_000_000_000_000)


def named_long_property(name: str, value: int) -> bytes:
    """A named property (ids from 0x8000), named by a string in a property set."""
    encoded = (name + "\0").encode("utf-16-le")
    return struct.pack("<HH", 0x0003, 0x8001) + bytes(range(16)) + \
        struct.pack("<II", 1, len(encoded)) + _pad(encoded) + struct.pack("<I", value)


def multi_long_property(number: int, values: list[int]) -> bytes:
    return struct.pack("<HHI", 0x1003, number, len(values)) + \
        b"".join(struct.pack("<I", v) for v in values)


def properties(*encoded: bytes) -> bytes:
    return struct.pack("<I", len(encoded)) + b"".join(encoded)


@dataclass
class File:
    title: str
    data: bytes
    properties: list[bytes] = field(default_factory=list)


def tnef(files: Sequence[File] = (), *, message_properties: list[bytes] | None = None,
         body: bytes | None = None, codepage: int = 1252) -> bytes:
    out = struct.pack("<IH", SIGNATURE, 0x0A1B)
    out += attribute(MESSAGE, TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += attribute(MESSAGE, OEM_CODEPAGE, struct.pack("<II", codepage, 0))
    out += attribute(MESSAGE, MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\0")
    if body is not None:
        out += attribute(MESSAGE, BODY, body)
    if message_properties is not None:
        out += attribute(MESSAGE, MESSAGE_PROPERTIES, properties(*message_properties))
    for file in files:
        out += attribute(ATTACHMENT, RENDDATA, struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0))
        out += attribute(ATTACHMENT, TITLE, file.title.encode("cp1252", "replace") + b"\0")
        out += attribute(ATTACHMENT, DATA, file.data)
        out += attribute(ATTACHMENT, ATTACHMENT_PROPERTIES, properties(*file.properties))
    return out
