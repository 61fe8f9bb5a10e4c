"""The window a report covers, as its query parameters give it: RFC 3339 date-times with a
UTC offset, `until` now and `since` thirty days before by default."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Query

from hubdesk.domain.errors import ValidationFailed

DEFAULT_REPORT_DAYS = 30

# Parsed here, not by the framework, so that a bare number is not taken for a Unix time.
Instant = Annotated[str | None, Query(max_length=40, json_schema_extra={"format": "date-time"})]
EARLIEST, LATEST = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)


def report_window(since: str | None, until: str | None, now: datetime
                  ) -> tuple[datetime, datetime]:
    start, end = _instant(since, "since"), _instant(until, "until")
    end = end or now
    if start is None:
        start = end - timedelta(days=DEFAULT_REPORT_DAYS) if end > EARLIEST + timedelta(
            days=DEFAULT_REPORT_DAYS) else EARLIEST
    return start, end


def _instant(text: str | None, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{name} is not a date-time like 2026-03-01T00:00:00Z",
                               {name: "not a date-time"}) from None
    if moment.tzinfo is None:
        raise ValidationFailed(f"{name} needs a UTC offset, e.g. 2026-03-01T00:00:00Z",
                               {name: "no offset"})
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # an offset at the very ends of the calendar
        return EARLIEST if moment.year == 1 else LATEST
