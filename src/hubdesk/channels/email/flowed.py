"""Plain text sent as `format=flowed` (RFC 3676), read back into its paragraphs.

Thunderbird, Apple Mail and many webmails wrap a paragraph at about 72 characters and mark
each break they made with a trailing space, so that the reader can join the lines again.
Read as it came, every such paragraph is a column of short lines on the ticket and in what
triage reads. A line ending in a space joins the next one of the same quote depth; a space
the sender added in front of a line (space-stuffing) is dropped; the signature separator
"-- " stays a line of its own.
"""

from __future__ import annotations

_SIGNATURE_SEPARATOR = "-- "


def unflowed(text: str, *, delete_space: bool = False) -> str:
    """``text`` with its flowed lines joined into paragraphs; with ``delete_space``
    (`DelSp=yes`), the space that marked a break is not part of the text."""
    paragraphs: list[tuple[int, str]] = []
    open_paragraph: tuple[int, str] | None = None
    for line in text.split("\n"):
        line = line.removesuffix("\r")
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:].removeprefix(" ")
        flowed = content.endswith(" ") and content != _SIGNATURE_SEPARATOR
        if flowed and delete_space:
            content = content[:-1]
        if open_paragraph is not None and open_paragraph[0] == depth:
            open_paragraph = (depth, open_paragraph[1] + content)
        else:
            if open_paragraph is not None:  # a flowed line before a change of depth ends
                paragraphs.append(open_paragraph)
            open_paragraph = (depth, content)
        if not flowed:
            paragraphs.append(open_paragraph)
            open_paragraph = None
    if open_paragraph is not None:
        paragraphs.append(open_paragraph)
    return "\n".join(f"{'>' * depth} {content}" if depth else content
                     for depth, content in paragraphs)
