"""Time inside Hubdesk is always timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def ensure_utc(moment: datetime) -> datetime:
    """Return ``moment`` in UTC; a naive value is a bug upstream, so it is refused."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: Hubdesk only handles timezone-aware times")
    return moment.astimezone(UTC)


def month_start(moment: datetime, zone: tzinfo, *, months_back: int = 0) -> datetime:
    """Midnight on the first day of ``moment``'s month (or of one ``months_back`` before it)
    on ``zone``'s clock, in UTC: a desk's calendar month, clock changes included."""
    local = moment.astimezone(zone)
    months = local.year * 12 + local.month - 1 - months_back
    return datetime(months // 12, months % 12 + 1, 1, tzinfo=zone).astimezone(UTC)
