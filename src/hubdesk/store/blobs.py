"""Attachments on disk, stored once per content and named by their SHA-256."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path


class FileBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, content: bytes, *, sync: bool = False) -> str:
        """Store ``content``; with ``sync`` it is on disk (file and folder entry) before this
        returns, for callers that promise a sender they have it."""
        digest = hashlib.sha256(content).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash never leaves a truncated file under a valid name.
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
        if sync:
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        return digest

    def get(self, sha256: str) -> bytes:
        return self._path(sha256).read_bytes()

    def discard(self, sha256: str) -> bool:
        """Remove the stored content (e.g. written for an upload that was then refused).

        Only for content no attachment row refers to: the store is content-addressed, so the
        same bytes may belong to another message. Returns whether a file was removed."""
        try:
            self._path(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    def remove_orphans(self, referenced: set[str], older_than: datetime) -> list[str]:
        """Remove stored content no attachment refers to, written before ``older_than``.

        The age guard spares files of uploads still in flight: their rows are committed only
        after the bytes are written. Returns the digests removed."""
        cutoff = older_than.timestamp()
        removed: list[str] = []
        for path in self.root.glob("??/??/*"):
            digest = path.name
            if digest in referenced or len(digest) != 64 or not path.is_file():
                continue  # half-written temporary files keep their random names too
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed.append(digest)
        return removed
