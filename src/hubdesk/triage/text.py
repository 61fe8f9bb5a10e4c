"""Turn whatever arrived into text the detectors can read safely and in bounded time.

Messages come from e-mail, chat and web forms: HTML with scripts, binary junk, a megabyte of
pasted log. Every detector reads the output of `prepare`, which never raises, removes markup
that is not prose, and caps the length so that no regular expression or model sees more than
`MAX_ANALYSED_CHARACTERS` characters.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

# Long enough for any real customer message; short enough that every detector stays linear
# and fast. Text past this point is still masked for personal data, but not classified.
MAX_ANALYSED_CHARACTERS = 20_000

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]{0,1000}>.{0,100000}?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[A-Za-z!/?][^<>]{0,2000}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]+")
_SPACES = re.compile(r"[ \t\u00a0]{2,}")
_LOOKS_LIKE_HTML = re.compile(r"</?[A-Za-z][^<>]{0,200}>")


@dataclass(frozen=True)
class PreparedText:
    text: str
    truncated: bool
    original_length: int


def coerce_to_text(value: object) -> str:
    """Accept str, bytes or anything else without raising; bytes decode leniently."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    try:
        return str(value)
    except Exception:
        return ""


def strip_html(text: str) -> str:
    """Drop scripts, styles and tags, keep the words; only when the text looks like markup."""
    if not _LOOKS_LIKE_HTML.search(text):
        return text
    text = _SCRIPT_OR_STYLE.sub(" ", text)
    text = _TAG.sub(" ", text)
    return html.unescape(text)


def prepare(value: object, max_characters: int = MAX_ANALYSED_CHARACTERS) -> PreparedText:
    raw = coerce_to_text(value)
    original_length = len(raw)
    # Cut before any regular expression runs, so a megabyte message costs what 20 kB costs.
    head = raw[: max_characters * 2]
    text = strip_html(head)
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    truncated = len(text) > max_characters or original_length > len(head)
    return PreparedText(text[:max_characters], truncated, original_length)


# Most messages are ASCII (`str.isascii` is a flag, not a scan): their letters are counted
# by deleting everything else in C rather than by asking each character in Python.
_ASCII_NOT_LETTERS = bytes(code for code in range(128) if not chr(code).isalpha())
_ASCII_NOT_CAPITALS = bytes(code for code in range(128) if not chr(code).isupper())


def letter_count(text: str) -> int:
    if text.isascii():
        return len(text.encode().translate(None, _ASCII_NOT_LETTERS))
    return sum(map(str.isalpha, text))


def capital_count(text: str) -> int:
    """Letters written in capitals (a Roman numeral "Ⅻ" is upper case but not a letter)."""
    if text.isascii():
        return len(text.encode().translate(None, _ASCII_NOT_CAPITALS))
    return sum(map(str.isupper, filter(str.isalpha, text)))


def is_mostly_symbols(text: str) -> bool:
    """Emoji-only or junk text: too few letters for language or intent to mean anything."""
    letters = letter_count(text)
    return letters < 2 or letters < 0.25 * len(text.replace(" ", ""))
