"""Files written into a message with uuencode, as Unix mail scripts still send them.

`uuencode report.csv report.csv | mail …` (a cron job's report, a database's export) writes
the file into the text between "begin 644 report.csv" and "end"; older clients mark a whole
part "x-uuencode", with or without the "begin" line. The standard library read such parts
only with their "begin" line (and its `uu` module is gone from Python 3.13); here each line is
read with `binascii.a2b_uu`, lines whose encoder dropped trailing spaces included, and a
block that does not decode whole is left as the text it came as.
"""

from __future__ import annotations

import binascii
import mimetypes
import re
from dataclasses import dataclass

UU_ENCODINGS = frozenset({"x-uuencode", "uuencode", "x-uue", "uue"})

_BEGIN = re.compile(r"^begin [0-7]{3,4} (\S.{0,250}?)\s*$")
_END = "end"
# A uuencoded line: its length character, then at most 60 characters of data (and a
# checksum character some encoders add).
_MAX_LINE = 62


@dataclass(frozen=True)
class UuFile:
    name: str
    content: bytes

    @property
    def content_type(self) -> str:
        return mimetypes.guess_type(self.name, strict=False)[0] or "application/octet-stream"


def decoded_part(payload: bytes) -> bytes | None:
    """A part sent as x-uuencode, decoded; None where it is not uuencode after all."""
    lines = payload.decode("latin-1").replace("\r\n", "\n").split("\n")
    start = next((index + 1 for index, line in enumerate(lines) if _BEGIN.match(line)), 0)
    end = next((index for index in range(start, len(lines)) if lines[index].strip() == _END),
               len(lines))
    return _decoded(lines[start:end])


def files_in_text(text: str, *, max_files: int) -> tuple[str, list[UuFile]]:
    """``text`` without the uuencoded files written into it, and those files (the first
    ``max_files``; any after them stay text)."""
    if "begin " not in text:
        return text, []
    lines = text.split("\n")
    kept: list[str] = []
    files: list[UuFile] = []
    index = 0
    while index < len(lines):
        begin = _BEGIN.match(lines[index]) if len(files) < max_files else None
        end = _block_end(lines, index + 1) if begin else None
        content = _decoded(lines[index + 1:end]) if end is not None else None
        if begin is None or end is None or content is None:
            kept.append(lines[index])
            index += 1
            continue
        files.append(UuFile(begin.group(1), content))
        index = end + 1
    return "\n".join(kept), files


def _block_end(lines: list[str], start: int) -> int | None:
    """The index of the "end" line closing a block whose data starts at ``start``; None
    where a line on the way is no uuencoded line."""
    for index in range(start, len(lines)):
        line = lines[index].rstrip()
        if line == _END:
            return index
        if len(line) > _MAX_LINE or (line and not 32 <= ord(line[0]) <= 96):
            return None
    return None


def _decoded(lines: list[str]) -> bytes | None:
    data = bytearray()
    for line in lines:
        line = line.rstrip("\r\n")
        if not line.strip() or line.strip() == "`":
            continue
        try:
            data += binascii.a2b_uu(line)
        except binascii.Error:
            # Some encoders drop the spaces a line ends with, others add a checksum: read as
            # many characters as the length character says the line holds.
            wanted = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
            try:
                data += binascii.a2b_uu(line[:wanted].ljust(wanted))
            except binascii.Error:
                return None
    return bytes(data) if data else None
