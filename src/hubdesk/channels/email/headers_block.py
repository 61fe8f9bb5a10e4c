"""A header block a program broke, mended so the message's sender and subject are read.

Web forms' PHP scripts and some gateways write a header's value over two lines without the
space that marks the second as its continuation, and message exports put a line of their own
("---- Original email message ----") above the headers. The standard library then takes the
stray line for the end of the headers: the From and Subject after it become text, and the
message names no sender. Here a stray line is made the continuation of the header above it,
but only where a header every message has (From, To, Subject, Date, Received…) still follows
it before the blank line (so a message that leaves out that blank line keeps its text), and
a line or two above the first header are dropped.
"""

from __future__ import annotations

import re

_HEADER = re.compile(rb"^[\x21-\x39\x3b-\x7e]{1,76}:")
_KNOWN = re.compile(rb"^(?:from|to|cc|subject|date|message-id|received|return-path|reply-to|"
                    rb"sender|mime-version|content-type|content-transfer-encoding|"
                    rb"in-reply-to|references|delivered-to)\s*:", re.IGNORECASE)
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_MAX_LINES_ABOVE = 2


def mended(raw: bytes) -> bytes | None:
    """``raw`` with its header block mended; None where there is nothing to mend."""
    blank = _BLANK_LINE.search(raw)
    head, rest = (raw[:blank.start()], raw[blank.start():]) if blank else (raw, b"")
    lines = head.split(b"\n")
    start = next((index for index, line in enumerate(lines[:_MAX_LINES_ABOVE + 1])
                  if _HEADER.match(line) or line.startswith(b"From ")), None)
    if start is None:
        return None
    last_known = max((index for index, line in enumerate(lines) if _KNOWN.match(line)),
                     default=-1)
    fixed = list(lines[start:start + 1])
    for index in range(start + 1, len(lines)):
        line = lines[index]
        stray = not _HEADER.match(line) and line[:1] not in (b" ", b"\t") and index < last_known
        fixed.append(b" " + line if stray else line)
    if start == 0 and fixed == lines:
        return None
    return b"\n".join(fixed) + rest
