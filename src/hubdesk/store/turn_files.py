"""Turns held as locked files in the data folder, so every worker process of one server
shares them: a slot is a file, held while one open descriptor has an exclusive `flock` on
it. The kernel lets the lock go when the descriptor is closed or its process dies, so a
worker that is killed mid-report gives its agent's turn back by itself."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on Windows: the caller keeps its turns per process
    fcntl = None  # type: ignore[assignment]


def file_locks_available() -> bool:
    return fcntl is not None


class FileSlots:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._folder = folder

    def hold(self, name: str) -> Callable[[], None] | None:
        assert fcntl is not None
        descriptor = os.open(self._folder / name, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            return None
        except BaseException:
            os.close(descriptor)
            raise
        return lambda: os.close(descriptor)
