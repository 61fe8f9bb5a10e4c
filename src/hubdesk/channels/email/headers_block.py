"""A header block a program broke, mended so the message's sender and subject are read.

Web forms' PHP scripts and some gateways write a header's value over two lines without the
space that marks the second as its continuation, and message exports put a line of their own
("---- Original email message ----") above the headers. The standard library then takes the
stray line for the end of the headers: the From and Subject after it become text, and the
message names no sender. Here a stray line is made the continuation of the header above it,
but only where a header every message has (From, To, Subject, Date, Received…) still follows
it before the blank line (so a message that leaves out that blank line keeps its text), and
a line or two above the first header are dropped.

Scripts also end their own headers with a blank line before handing them to a mail function
that adds one of its own (PHP's ``mail()`` with "\r\n\r\n" at the end of its headers): the
MIME-Version, Content-Type and often the From the script wrote then stand below the blank
line, and the form's HTML would be shown as raw text under a sender the web server made up.
Where the message's own headers name no Content-Type and what follows the blank line is a
header block of MIME's own, that blank line is taken out.
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


_MIME_HEADER = re.compile(rb"(?:mime-version|content-type|content-transfer-encoding)[ \t]*:",
                          re.IGNORECASE)
_CONTENT_TYPE = re.compile(rb"^content-type[ \t]*:", re.IGNORECASE | re.MULTILINE)
# A Content-Type a program wrote: a type and subtype, then parameters or the line's end.
_MEDIA_TYPE = re.compile(rb"^content-type[ \t]*:[ \t]*[\w.+-]{1,64}/[\w.+-]{1,64}[ \t]*(?:;|\r?$)",
                         re.IGNORECASE | re.MULTILINE)


def rejoined(raw: bytes) -> bytes | None:
    """``raw`` with the blank line a script left inside its header block taken out; None
    where the headers above it name a Content-Type or what follows is not a header block
    that starts with one of MIME's and names a media type."""
    blank = _BLANK_LINE.search(raw)
    if blank is None:
        return None
    head, rest = raw[:blank.start()], raw[blank.end():]
    if not _MIME_HEADER.match(rest) or _CONTENT_TYPE.search(head):
        return None
    end = _BLANK_LINE.search(rest)
    block = rest[:end.start()] if end else rest
    if _MEDIA_TYPE.search(block) is None or not all(
            _HEADER.match(line) or line[:1] in (b" ", b"\t") for line in block.split(b"\n")):
        return None
    return head + b"\r\n" + rest
