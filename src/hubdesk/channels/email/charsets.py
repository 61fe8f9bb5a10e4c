"""Decoding that refuses rather than replaces, and the tests every charset guess shares."""

from __future__ import annotations

import re
from collections.abc import Callable


def decoded_strictly(payload: bytes, charset: str) -> str | None:
    """``payload`` in ``charset``, or None where it is not (or the charset is unknown)."""
    try:
        return payload.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


# A character beyond ASCII with an ASCII letter right before or after it.
_TOUCHING_LATIN = re.compile(r"(?<=[A-Za-z])[^\x00-\x7f]|[^\x00-\x7f](?=[A-Za-z])")


def share_inside_latin_words(text: str, wanted: Callable[[str], bool]) -> float:
    """The share of ``text``'s characters beyond ASCII for which ``wanted`` holds that touch
    an ASCII letter: another script's letters read inside Latin words are Western text read
    in the wrong charset."""
    found = sum(1 for ch in text if ord(ch) > 127 and wanted(ch))
    if not found:
        return 0.0
    return sum(1 for touching in _TOUCHING_LATIN.finditer(text) if wanted(touching[0])) / found
