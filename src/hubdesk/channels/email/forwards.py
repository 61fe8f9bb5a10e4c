"""The header block above a message forwarded as an attachment, written as mail clients write
it above a forward inline (Gmail's and Thunderbird's rule, then From, Date, Subject, To)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

FORWARD_RULE = "---------- Forwarded message ----------"
SHOWN_HEADERS = ("From", "Date", "Subject", "To")


def forward_block(header: Callable[[str], str]) -> list[str]:
    """The rule and a line for each of `SHOWN_HEADERS` the message has (``header``: one
    header's decoded text, "" when missing)."""
    found = ((name, header(name)) for name in SHOWN_HEADERS)
    return [FORWARD_RULE, *(f"{name}: {value}" for name, value in found if value)]


def forward_block_html(lines: list[str], text: str = "") -> str:
    """The block for an HTML body, with ``text``, the forwarded plain text, below it when
    the forwarded message had no HTML of its own."""
    block = "<br>".join(escape(line) for line in lines)
    paragraphs = "".join(f"<p>{escape(p.strip()).replace(chr(10), '<br>')}</p>"
                         for p in text.split("\n\n") if p.strip())
    return f"<div><p>{block}</p>{paragraphs}</div>"
