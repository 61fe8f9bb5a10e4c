"""Text from bytes in whatever charset a mail client claimed, including wrong claims.

The declared charset is tried first and strictly; then UTF-8; then the charset a mislabelled
message most likely used; Windows-1252 (which decodes every byte) is the last resort, so
decoding never fails and never drops a message.
"""

from __future__ import annotations

import binascii
import codecs
import re

# Labels senders use for a charset Python knows under another name, or a superset to prefer
# (Outlook labels Windows-1252 text as ISO-8859-1; GB2312 mail routinely holds GBK).
_SUPERSETS = {"iso-8859-1": "windows-1252", "latin-1": "windows-1252", "latin1": "windows-1252",
              "us-ascii": "windows-1252", "ascii": "windows-1252", "gb2312": "gb18030",
              "gbk": "gb18030", "x-gbk": "gb18030", "iso-2022-jp": "iso2022_jp_2",
              "shift_jis": "cp932", "shift-jis": "cp932", "x-sjis": "cp932",
              "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "unicode-1-1-utf-7": "utf-7",
              "utf8": "utf-8", "x-unknown": "utf-8", "unknown-8bit": "utf-8"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    name = label.strip().strip('"').lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):  # ValueError: a NUL byte inside the label
        return None


def decode_text(payload: bytes, declared: str | None) -> tuple[str, bool]:
    """``payload`` as text, and whether the declared charset was right."""
    first = _codec(declared)
    for attempt in dict.fromkeys(c for c in (first, "utf-8") if c):
        try:
            return payload.decode(attempt), attempt == first
        except (UnicodeDecodeError, LookupError):
            continue
    return payload.decode("windows-1252", "replace"), False


def repair_header(value: str) -> str:
    """A decoded header that still holds raw 8-bit bytes (smuggled in as surrogates when a
    client wrote UTF-8 or Latin-1 without encoded words)."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    text, _ = decode_text(raw, None)
    return text


# RFC 2047: =?charset[*language]?B|Q?text?=
_ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_ONLY_SPACE = re.compile(rb"\s*")


def decode_raw_header(raw: str, hint: str | None = None) -> str:
    """A header's text from its raw value, where the standard library's reading lost
    characters: 8-bit bytes in a charset other than UTF-8 (old clients write Latin-1 or
    KOI8-R headers unencoded, most likely in the charset of their text, ``hint``) and encoded
    words in a charset it does not know or a sender got wrong. Each encoded word is decoded as
    `decode_text` decodes a text part; the bytes between them in ``hint``; space between two
    encoded words is dropped (RFC 2047, 6.2)."""
    data = raw.encode("utf-8", "surrogateescape")  # smuggled 8-bit bytes come back as bytes
    parts: list[str] = []
    end = 0
    previous_was_word = False
    for word in _ENCODED_WORD.finditer(data):
        between = data[end:word.start()]
        if between and not (previous_was_word and _ONLY_SPACE.fullmatch(between)):
            parts.append(decode_text(between, hint)[0])
        parts.append(_decoded_word(word))
        end = word.end()
        previous_was_word = True
    if end < len(data):
        parts.append(decode_text(data[end:], hint)[0])
    return " ".join("".join(parts).split())


def _decoded_word(word: re.Match[bytes]) -> str:
    charset = word.group(1).decode("ascii", "replace").partition("*")[0]
    payload = word.group(3)
    try:
        if word.group(2) in (b"B", b"b"):
            data = binascii.a2b_base64(payload + b"=" * (-len(payload) % 4))
        else:
            data = binascii.a2b_qp(payload, header=True)
    except (binascii.Error, ValueError):
        return word.group(0).decode("ascii", "replace")  # not decodable: shown as it came
    return decode_text(data, charset)[0]
