"""What was said on a ticket: public replies, internal notes, and their attachments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.events import Actor

MAX_BODY_CHARACTERS = 1_000_000
# Files one message may carry, from the API or the console alike.
MAX_ATTACHMENTS = 20


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    sha256: str
    id: int | None = None


@dataclass
class Message:
    id: int | None
    ticket_id: int | None
    author: Actor
    body: str
    created_at: datetime
    public: bool = True
    body_html: str | None = None
    channel_meta: dict[str, Any] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)
    triage: dict[str, Any] | None = None  # what triage concluded about this text
    sealed_body: str | None = None  # encrypted original when personal data was masked

    @property
    def has_sealed_original(self) -> bool:
        return self.sealed_body is not None

    @property
    def is_internal_note(self) -> bool:
        return not self.public


def check_attachment_count(count: int) -> None:
    if count > MAX_ATTACHMENTS:
        raise ValidationFailed(f"a message carries at most {MAX_ATTACHMENTS} files; "
                               f"this one has {count}", {"attachments": "too many"})


# Control characters that are not white space (NUL, escapes) are dropped; the direction
# overrides and isolates that make "invoice\u202etxt.exe" read as "invoiceexe.txt" part words.
_CONTROLS_IN_NAMES = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_DIRECTION_MARKS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def one_line_filename(filename: str) -> str:
    """A file's name as it is kept, uploaded or mailed: one line of plain text. A line break
    in it would make a reply carrying the file unsendable, since a mail's headers name it."""
    return " ".join(_DIRECTION_MARKS.sub(" ", _CONTROLS_IN_NAMES.sub("", filename)).split())


def download_name(filename: str) -> str:
    """A stored file's name as a download offers it: letters, digits and ``._- `` kept,
    anything else (quotes, slashes, line breaks) replaced."""
    return "".join(c if c.isalnum() or c in "._- " else "_" for c in filename)[:150] or "file"


def download_disposition(filename: str) -> str:
    """The ``Content-Disposition`` a stored file is downloaded with. A header carries Latin-1
    at most, and a name in other letters ("Счёт.pdf", "发票.pdf") cannot be written in it as
    it is: such a name goes as RFC 6266's UTF-8 ``filename*``, after an ASCII ``filename`` for
    clients that read nothing else."""
    name = download_name(filename)
    plain = "".join(c if c.isascii() else "_" for c in name)
    if plain == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def without_unencodable(text: str) -> str:
    """Lone surrogates (broken UTF-16 from some clients) cannot be stored; they become U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8")


def clean_body(body: str, *, has_attachments: bool = False) -> str:
    """Strip the body; an empty message is only acceptable if it carries files."""
    text = without_unencodable(body).replace("\x00", "").strip()
    if not text and not has_attachments:
        raise ValidationFailed("the message is empty: write something or attach a file",
                               {"body": "empty"})
    if len(text) > MAX_BODY_CHARACTERS:
        raise ValidationFailed(f"the message is longer than {MAX_BODY_CHARACTERS} characters",
                               {"body": "too long"})
    return text
