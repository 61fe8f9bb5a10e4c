"""Time inside Hubdesk is always timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def ensure_utc(moment: datetime) -> datetime:
    """Return ``moment`` in UTC; a naive value is a bug upstream, so it is refused."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: Hubdesk only handles timezone-aware times")
    return moment.astimezone(UTC)
