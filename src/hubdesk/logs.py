"""Structured JSON logs on stderr: one object per line, with the request id when there is one.

Errors are logged by where they happened (exception types, files, lines and code), never by
what they say: an exception's message can quote the request (a customer's e-mail in a
database error, a card number in a parsing error), and logs must not carry personal data.
"""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import UTC, datetime
from types import TracebackType

import orjson


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[1] is not None:
            entry["error"] = traceback_without_messages(record.exc_info[1])
        return orjson.dumps(entry, default=str).decode()

    def formatException(self, ei: tuple[type[BaseException], BaseException, TracebackType | None]
                        | tuple[None, None, None]) -> str:
        return traceback_without_messages(ei[1]) if ei[1] is not None else ""


def traceback_without_messages(error: BaseException) -> str:
    """The traceback of ``error`` and the errors it came from, with each exception's type
    where Python would print its message."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__)
    lines: list[str] = []
    for link in reversed(chain):
        if lines:
            lines.append("which led to")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(link.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line}")
        kind = type(link)
        lines.append(f"{kind.__module__}.{kind.__qualname__} (message withheld)")
    return "\n".join(lines)


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # The job queue's line per task run repeats, every minute, what the jobs' own lines say
    # when they did something; kept for debugging.
    logging.getLogger("huey").setLevel(
        logging.WARNING if root.level > logging.DEBUG else logging.NOTSET)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
