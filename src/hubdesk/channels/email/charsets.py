"""Decoding that refuses rather than replaces: for trying one charset after another."""

from __future__ import annotations


def decoded_strictly(payload: bytes, charset: str) -> str | None:
    """``payload`` in ``charset``, or None where it is not (or the charset is unknown)."""
    try:
        return payload.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None
