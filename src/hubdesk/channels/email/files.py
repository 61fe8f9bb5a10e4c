"""Messages from files: single .eml files, mbox files and Maildir folders."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path


def is_maildir(path: Path) -> bool:
    return path.is_dir() and all((path / sub).is_dir() for sub in ("cur", "new"))


def is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def messages_in(path: Path) -> Iterator[tuple[str, bytes]]:
    """(where, raw bytes) of every message under ``path``, in a stable order. A folder that
    is not a Maildir is read file by file."""
    if is_maildir(path):
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in sorted(box.keys()):
            yield f"{path}:{key}", box.get_bytes(key)
        return
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.name.startswith("."):
                continue
            yield from messages_in(child)
        return
    if is_mbox(path):
        messages = mailbox.mbox(path, factory=None, create=False)
        for index, key in enumerate(messages.keys()):
            yield f"{path}#{index}", messages.get_bytes(key)
        return
    yield str(path), path.read_bytes()
