"""How many parts a received message declares, counted on its bytes before it is parsed.

The standard library's parser builds every part before the reader can count them: a message
of 2 MB holding 200,000 empty parts took 11 seconds and 90 MB, and one of the 50 MB the desk
accepts would take minutes and gigabytes, for a refusal (`parsing.MAX_PARTS`) at the end.
Counting the lines that open a part of one of the boundaries the message declares costs one
pass over its bytes per boundary (for a few dozen of them at most), and only for a message
with many lines starting with "--".
"""

from __future__ import annotations

import re

_BOUNDARY_PARAMETER = re.compile(
    rb'\bboundary[ \t]*=[ \t]*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))', re.IGNORECASE)


# Each boundary costs one pass over the bytes: past this many, the lines starting with "--"
# are counted instead, with room for a digest's dashes and signatures.
_COUNTED_BOUNDARIES = 32
_DASH_LINES_PER_PART = 4


def declared_parts_beyond(raw: bytes, limit: int) -> bool:
    """Whether ``raw``'s delimiter lines open more than ``limit`` parts: each line starting
    with "--" and one of its declared boundaries opens a part, but the last of each
    boundary, which closes its multipart. A message declaring more boundaries than
    ``limit`` declares more multipart parts than that; one declaring more than can be
    counted one by one is judged by all its lines starting with "--"."""
    dash_lines = raw.count(b"\n--")
    if dash_lines <= limit:
        return False
    boundaries: set[bytes] = set()
    for match in _BOUNDARY_PARAMETER.finditer(raw):
        boundaries.add(match[1] or match[2])
        if len(boundaries) > limit:
            return True
    if len(boundaries) > _COUNTED_BOUNDARIES:
        return dash_lines - len(boundaries) > _DASH_LINES_PER_PART * limit
    delimiters = sum(raw.count(b"\n--" + boundary) for boundary in boundaries)
    return delimiters - len(boundaries) > limit


def found_parts_beyond(text: str, boundary: str, limit: int) -> bool:
    """Whether ``text`` has more than ``limit`` lines opening a part of ``boundary``."""
    return text.count(f"\n--{boundary}") - 1 > limit
