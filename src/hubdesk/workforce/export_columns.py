"""The columns of an export: what other systems call the time, the count and the queue, and
a header found by them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from hubdesk.domain.errors import ValidationFailed

# What exports call the two columns, the preferred first; compared in lower case, with spaces
# and hyphens read as underscores ("Interval Start").
TIME_COLUMNS = ("interval_start", "timestamp", "datetime", "date_time", "period_start", "ds",
                "start", "interval", "interval_start_time", "start_time", "time", "half_hour",
                "quarter_hour", "hour")
VALUE_COLUMNS = ("contacts", "count", "forecast", "calls", "calls_offered", "offered_calls",
                 "contacts_offered", "offered", "calls_received", "received", "incoming",
                 "volume", "arrivals", "y", "offer", "n_offered", "inbound_calls", "total_calls",
                 "tickets", "interactions")
# A contact log, one row per contact (a phone system's call records, a ticket export), has a
# time column and no count: its rows are counted per interval. Its time column may also be
# called as such exports call it.
LOG_TIME_COLUMNS = ("started_at", "start_time", "call_start", "contact_start", "created_at",
                    "created", "arrival", "arrival_time", "arrived_at", "received_at",
                    "opened_at", "date")
LOG_INTERVAL_MINUTES = 30
# Columns that name the queue (skill, split, campaign) of a row in a long export.
QUEUE_COLUMNS = ("queue", "queue_name", "skill", "skill_name", "split", "split/skill",
                 "skill_group", "campaign", "call_type", "service", "media_type", "channel")
ALL_QUEUES = "all"


def names_a_time(cells: list[str]) -> bool:
    names = {column_name(cell) for cell in cells}
    return any(name in names for name in (*TIME_COLUMNS, *LOG_TIME_COLUMNS))


def names_a_time_loosely(cells: list[str]) -> bool:
    """Whether a line names a time column by its last word ("Ticket created - Date"), among
    other columns: a title line ("Calls by interval") has one cell."""
    names = {column_name(cell) for cell in cells} - {""}
    return len(names) > 1 and names_a_time([last_word(name) for name in names])


def find_columns(fields: Sequence[str]) -> tuple[str, str | None, str | None]:
    """The columns of the times, the counts (None: a contact log) and the days of times of
    day. A date column beside a time column gives the day of its times of day; alone, it
    must hold the times themselves. Where no name is known, names are tried by their last
    word, as reports qualify them ("Ticket created - Date", "Ticket created - Hour"), leaving
    out any that name an end."""
    found = _named_columns(fields)
    if found is None:
        by_last_word: dict[str, str] = {}
        for name in fields:
            words = name.split("_")
            if "end" not in words:
                by_last_word.setdefault(words[-1], name)
        short = _named_columns(list(by_last_word))
        if short is not None:
            time_column, value_column, date_column = short
            found = (by_last_word[time_column],
                     by_last_word[value_column] if value_column else None,
                     by_last_word[date_column] if date_column else None)
    if found is None:
        raise ValidationFailed("the CSV needs a header with interval_start (or timestamp) and "
                               "contacts (or count), or, for a log of one row per contact, "
                               f"a time such as started_at or created_at; it has {list(fields)}",
                               {"csv": "header"})
    return found


def _named_columns(fields: Sequence[str]) -> tuple[str, str | None, str | None] | None:
    time_column = next((c for c in TIME_COLUMNS if c in fields), None)
    value_column = next((c for c in VALUE_COLUMNS if c in fields), None) or next(
        (c for c in fields if "offered" in c.split("_")), None)
    if value_column is None and time_column is None:
        time_column = next((c for c in LOG_TIME_COLUMNS if c in fields and c != "date"), None)
    date_column = "date" if "date" in fields and time_column is not None else None
    if time_column is None and "date" in fields:
        time_column = "date"
    return None if time_column is None else (time_column, value_column, date_column)


def last_word(column: str) -> str:
    return column.rsplit("_", 1)[-1]


def column_name(name: str | None) -> str:
    """A column's name compared: words split where spaces, hyphens or a capital
    ("CallsOffered", as some systems name columns) part them, in lower case."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", (name or "").strip())
    return re.sub(r"[\s_-]+", "_", words.lower())


