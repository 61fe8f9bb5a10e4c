"""Contact counts per interval: UTC interval starts, read in a local time zone for seasonality.

Time is kept as UTC interval starts, so a day with a clock change simply has 46 or 50 half
hours. Seasonality is a property of the local clock (people call at 09:00 local, whatever the
offset), so every interval also carries a local key: its local date and its local minute of
the day. On the autumn change the repeated local hour gives two intervals the same key; both
are forecast from it. In spring the skipped hour has no intervals at all.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.export_cells import (
    DATE_ORDERS,
    LOOKS_COUNTED,
    DateOrders,
    DecimalMarks,
    NumberStyle,
    count_text,
    from_excel_serial,
    from_excel_time,
    header_line,
    is_total_row,
    iso_date,
)

ALLOWED_INTERVALS = (15, 30, 60)


def allowed_interval(minutes: int) -> int:
    if minutes not in ALLOWED_INTERVALS:
        raise ValidationFailed(f"the interval must be one of {ALLOWED_INTERVALS} minutes, "
                               f"not {minutes}", {"interval": "unsupported"})
    return minutes


@dataclass(frozen=True)
class LocalKey:
    day: date
    minute: int  # minutes since local midnight

    @property
    def weekday(self) -> int:
        return self.day.weekday()


def local_key(start: datetime, zone: tzinfo) -> LocalKey:
    local = start.astimezone(zone)
    return LocalKey(local.date(), local.hour * 60 + local.minute)


@dataclass
class History:
    """Observed contacts per interval.

    A day with no row at all is a gap (unknown); inside a day that has rows, an absent interval
    was closed and counts zero contacts, as exports of contact counts leave closed intervals out.
    """

    interval_minutes: int
    zone: tzinfo
    counts: dict[datetime, float]
    _by_key: dict[tuple[date, int], float] = field(default_factory=dict, repr=False)
    _days: set[date] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        allowed_interval(self.interval_minutes)
        seen: dict[tuple[date, int], int] = {}
        if any(start.tzinfo is None for start in self.counts):
            raise ValidationFailed("interval starts must carry a time zone",
                                   {"interval_start": "naive"})
        for start, count in sorted(self.counts.items()):
            key = local_key(start, self.zone)
            slot = (key.day, key.minute)
            seen[slot] = seen.get(slot, 0) + 1
            # The autumn clock change repeats an hour: its two intervals share a key, which
            # keeps their mean, so that hour weighs like any other in the averages.
            previous = self._by_key.get(slot, 0.0)
            self._by_key[slot] = previous + (count - previous) / seen[slot]
            self._days.add(key.day)

    @property
    def days(self) -> list[date]:
        return sorted(self._days)

    @property
    def first_day(self) -> date:
        return min(self._days)

    @property
    def last_day(self) -> date:
        return max(self._days)

    @property
    def last_start(self) -> datetime:
        return max(self.counts)

    def has_day(self, day: date) -> bool:
        return day in self._days

    def at(self, day: date, minute: int) -> float | None:
        """Contacts at a local day and minute: None when the whole day is unknown."""
        if day not in self._days:
            return None
        return self._by_key.get((day, minute), 0.0)

    def was_open(self, day: date, minute: int) -> bool:
        return (day, minute) in self._by_key

    def last_open_minute(self, day: date) -> int | None:
        """The local minute of the day's last interval with a row; None for an unknown day."""
        return max((m for d, m in self._by_key if d == day), default=None)

    def first_open_minute(self, day: date) -> int | None:
        """The local minute of the day's first interval with a row; None for an unknown day."""
        return min((m for d, m in self._by_key if d == day), default=None)

    def day_total(self, day: date) -> float | None:
        if day not in self._days:
            return None
        return sum(self._by_key.get((day, m), 0.0) for m in range(0, 1440, self.interval_minutes))

    def before(self, day: date) -> History:
        """The history known at local midnight starting ``day``."""
        kept = {s: c for s, c in self.counts.items() if local_key(s, self.zone).day < day}
        return History(self.interval_minutes, self.zone, kept)

    def without_days(self, days: Iterable[date]) -> History:
        """The history with holidays and one-off events removed, so they shape no average."""
        dropped = set(days)
        kept = {s: c for s, c in self.counts.items()
                if local_key(s, self.zone).day not in dropped}
        return History(self.interval_minutes, self.zone, kept)


def interval_starts(first_day: date, days: int, interval_minutes: int,
                    zone: tzinfo) -> list[datetime]:
    """UTC starts of every interval of ``days`` local days from ``first_day``.

    Walking in UTC from local midnight to the next local midnight gives each day exactly the
    intervals its clock shows, including the extra or missing hour of a clock change.
    """
    step = timedelta(minutes=interval_minutes)
    starts: list[datetime] = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        moment = _local_midnight(day, zone)
        end = _local_midnight(day + timedelta(days=1), zone)
        while moment < end:
            starts.append(moment)
            moment += step
    return starts


def _local_midnight(day: date, zone: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


# Dates as European exports write them, day first with dots (04.03.2024), or year first with
# slashes (2024/03/04): unambiguous, unlike 03/04/2024, which is refused.
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SLASHED_DATE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_EITHER_WAY = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")


# As exports loosen ISO: months and days without a leading zero, the time of day as reports
# print it (`_TIME_OF_DAY`: "9:05 PM"), "UTC" or "GMT" after it ("2024-3-4 9:05 PM UTC").
_LOOSE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\s*(.+?))?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?")
# Seconds or milliseconds since 1970 (UTC), as databases and phone systems log them.
_EPOCH = re.compile(r"(\d{10})(\.\d+)?|(\d{13})")


def parse_timestamp(text: str, zone: tzinfo) -> datetime:
    """An ISO timestamp (or one as exports loosen it, or seconds since 1970); one without an
    offset is local time in ``zone``."""
    moment = read_time(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def read_time(text: str) -> datetime:
    """``parse_timestamp``'s time as written: UTC where it has an offset, a wall-clock time
    (naive) where it has none."""
    written = text.strip()
    if (epoch := _EPOCH.fullmatch(written)) is not None:
        seconds = float(epoch[1] + (epoch[2] or "")) if epoch[1] else int(epoch[3]) / 1000
        return datetime.fromtimestamp(seconds, UTC)
    try:
        moment = datetime.fromisoformat(_iso(_year_first(written)))
    except ValueError:
        either = (": a date such as 03/04/2024 may be the third of April or the fourth of "
                  "March, so write it year first" if _EITHER_WAY.match(written) else "")
        raise ValidationFailed(f"{written!r} is not an ISO timestamp such as "
                               f"2024-03-04T09:30:00+01:00{either}",
                               {"timestamp": "not ISO"}) from None
    return moment if moment.tzinfo is None else moment.astimezone(UTC)


def _year_first(written: str) -> str:
    """``written`` with a date day first with dots, or year first with slashes, as ISO's."""
    if (dotted := _DOTTED_DATE.match(written)) is not None:
        return f"{dotted[3]}-{dotted[2]:0>2}-{dotted[1]:0>2}{written[dotted.end():]}"
    if (slashed := _SLASHED_DATE.match(written)) is not None:
        return f"{slashed[1]}-{slashed[2]:0>2}-{slashed[3]:0>2}{written[slashed.end():]}"
    return written


def _iso(written: str) -> str:
    """``written`` as ISO writes it, where it is a loosened ISO date and time."""
    loose = _LOOSE.fullmatch(written)
    if loose is None:
        return written
    year, month, day, clock, offset = loose.groups()
    iso = f"{year}-{int(month):02d}-{int(day):02d}"
    if clock is not None:
        time_of_day = _TIME_OF_DAY.fullmatch(clock)
        if time_of_day is None:
            return written
        iso += f"T{_wall_clock(time_of_day)}"
    if offset:
        iso += "+00:00" if offset in ("Z", "UTC", "GMT") else offset
    return iso


# No desk receives a billion contacts in an interval; near the largest float a count would
# overflow the sums of the forecast.
MAX_COUNT = 1e9
# Exports are of contact centres' own times; a year far outside them is a typing slip, and near
# the calendar's ends there is no room for a forecast after it.
YEARS = range(1900, 2200)


def parse_count(text: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_COUNT:
        raise ValidationFailed(f"line {line}: the contact count must be a number of zero or "
                               f"more, up to a billion, not {text!r}",
                               {"contacts": f"line {line}"})
    return value


def _require_year(moment: datetime, line: int) -> None:
    if moment.year not in YEARS:
        written = f"{moment.year:04d}-{moment:%m-%d %H:%M}"
        raise ValidationFailed(f"line {line}: {written} is outside the years {YEARS.start} to "
                               f"{YEARS.stop - 1}", {"csv": f"line {line}"})


def decode_export(data: bytes, source: str) -> str:
    """An export's bytes as text: UTF-8, with or without a byte-order mark, or UTF-16 with one,
    as spreadsheets save "Unicode text". Another encoding (a Windows code page) is refused
    naming the first byte UTF-8 cannot read, rather than guessed."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationFailed(f"{source} is not UTF-8 text (byte 0x{data[error.start]:02x} at "
                               f"position {error.start}): save it as CSV UTF-8",
                               {"csv": "encoding"}) from None


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
# A time column that holds only the time of day when a date column stands beside it: "9:30",
# "09:30:00", "9:30 AM", or the interval itself as call-centre reports print it,
# "09:30-10:00" (its start is taken).
_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2}(?::\d{2}(?:\.\d+)?)?)\s*([AaPp][Mm])?"
                          r"(?:\s*[-–]\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?)?")
_DAY_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
# An ISO 8601 interval, start/end or start/duration, as contact-centre APIs write intervals
# ("2026-03-02T08:00:00.000Z/2026-03-02T08:30:00.000Z"): its start is taken.
_ISO_INTERVAL = re.compile(r"(\d{4}-\d{2}-\d{2}T[^/]+)/(?:\d{4}-\d{2}-\d{2}T[^/]+|P[0-9A-Z.]+)")


@dataclass(frozen=True)
class Export:
    """An export's rows, and what reading them decided that the reader should be told."""

    rows: list[tuple[datetime, float]]
    notes: list[str]


# Columns that name the queue (skill, split, campaign) of a row in a long export.
QUEUE_COLUMNS = ("queue", "queue_name", "skill", "skill_name", "split", "split/skill",
                 "skill_group", "campaign", "call_type", "service", "media_type", "channel")
ALL_QUEUES = "all"
# How far down a report's title lines may push the header.
HEADER_SEARCH = 20


def read_rows(text: str, zone: tzinfo, log_interval_minutes: int | None = None, *,
              date_order: str | None = None, queue: str | None = None
              ) -> list[tuple[datetime, float]]:
    """`read_export`'s rows."""
    return read_export(text, zone, log_interval_minutes, date_order=date_order,
                       queue=queue).rows


def read_export(text: str, zone: tzinfo, log_interval_minutes: int | None = None, *,
                date_order: str | None = None, queue: str | None = None) -> Export:
    """``interval_start,contacts`` rows (``timestamp,count``, ``date,time,calls`` and what
    other exports call them also accepted), rows of one interval added where another column
    (a queue) tells them apart and refused as copies where none does; or a contact log's rows
    (a time and no count), each one contact, counted per interval of ``log_interval_minutes``
    (30 by default) on the local clock of ``zone`` (`_LocalClock` reads it across its changes).

    As spreadsheets and reports save them: a byte-order mark, title lines above the header,
    names in any case with spaces around them, tabs or semicolons between the columns, counts
    with thousands separators or a decimal comma (`export_cells.number_style`), "-" or nothing
    for none, total rows and repeated headers (skipped), dates day or month first
    (`export_cells.date_order`, ``date_order`` where the file never shows which) and Excel
    serial numbers. ``queue`` picks one queue of a long export (rows per queue) or a wide one
    (a count column per queue), or adds them all (``"all"``); the notes say what was read."""
    text = text.removeprefix("\ufeff")
    # Split at line feeds alone, as csv does: a ticket's text may hold other line breaks.
    lines = text.split("\n", HEADER_SEARCH)[:HEADER_SEARCH]
    # A line naming a time column exactly is the header before one naming it by a last word,
    # which a title line may also do ("Calls by interval, week 10").
    first, delimiter = header_line(lines, _names_a_time) or header_line(
        lines, _names_a_time_loosely) or (0, max(",;\t", key=lines[0].count))
    body = text[sum(len(line) + 1 for line in lines[:first]):] if first else text
    header = lines[first].rstrip("\r") if lines else ""
    fields = [_column_name(name) for name in next(csv.reader([header], delimiter=delimiter), [])]
    time_column, value_column, date_column = _columns(fields)
    rows = _Rows(body, delimiter, first, fields, (time_column, date_column))
    written = _survey(rows, (time_column, value_column, date_column), queue, date_order)
    notes = [f"{rows.skipped} total or repeated header rows were skipped"] \
        if rows.skipped else []
    notes += written.notes
    order, style, value_columns = written.order, written.style, written.value_columns
    binned = allowed_interval(log_interval_minutes or LOG_INTERVAL_MINUTES) \
        if not value_columns else None
    totals: dict[datetime, float] = {}
    local_clock = _LocalClock(zone, contact_log=binned is not None)
    read_columns = {time_column, date_column, *value_columns}
    first_lines: dict[tuple[datetime, tuple[str, ...]], int] = {}
    for line, row in rows:
        if written.queue is not None and not written.queue(row):
            continue
        raw_time = _cells(row, (time_column, date_column), line, order)
        try:
            moment = read_time(raw_time)
        except ValidationFailed as error:
            raise ValidationFailed(f"line {line}: {error}", {"csv": f"line {line}"}) from None
        _require_year(moment, line)
        count = sum(_count(row, c, line, style) for c in value_columns) \
            if value_columns else 1.0
        # Other columns (a queue, a skill) tell apart rows of one interval, which are added.
        others = tuple(str(v).strip() for k, v in row.items() if k not in read_columns)
        start = local_clock.utc(moment, others, count, line)
        if start is None:
            continue
        if binned is not None:
            start = _interval_start(start, binned, zone)
        elif (earlier := first_lines.setdefault((start, others), line)) != line:
            # Clocks go back in the small hours; a repeat then may be the second pass.
            went_back = (", or name the zone of the times if its clock went back then"
                         if moment.tzinfo is None and moment.hour < 4 else "")
            raise ValidationFailed(f"line {line} repeats the interval of line {earlier} "
                                   f"({raw_time}): remove the copy{went_back}; rows of one "
                                   "interval are added only where another column, such as a "
                                   "queue, tells them apart", {"csv": f"line {line}"})
        totals[start] = totals.get(start, 0.0) + count
    if not totals:
        raise ValidationFailed("the CSV has no rows", {"csv": "empty"})
    return Export(sorted(totals.items()), notes)


def _names_a_time(cells: list[str]) -> bool:
    names = {_column_name(cell) for cell in cells}
    return any(name in names for name in (*TIME_COLUMNS, *LOG_TIME_COLUMNS))


def _names_a_time_loosely(cells: list[str]) -> bool:
    """Whether a line names a time column by its last word ("Ticket created - Date"), among
    other columns: a title line ("Calls by interval") has one cell."""
    names = {_column_name(cell) for cell in cells} - {""}
    return len(names) > 1 and _names_a_time([_last_word(name) for name in names])


@dataclass
class _Rows:
    """An export's rows below its header, with their line numbers, read as often as needed
    without holding them all (call logs run to millions of rows): rows whose cells were
    cleared, a report's total rows and its header repeated are left out, and counted."""

    body: str
    delimiter: str
    first: int  # the header's index among the lines
    fields: list[str]
    time_columns: tuple[str, str | None]
    skipped: int = 0

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        reader = csv.DictReader(io.StringIO(self.body), delimiter=self.delimiter)
        if reader.fieldnames:
            reader.fieldnames = self.fields
        self.skipped = 0
        for line, row in enumerate(reader, start=self.first + 2):
            cells = [str(value or "") for value in row.values()]
            if not any(cell.strip() for cell in cells):
                continue  # a spreadsheet's row whose cells were cleared
            leading = [str(row.get(c) or "") for c in self.time_columns if c]
            if not leading[0].strip():  # "Grand Total,,12": the label stands before the time
                leading.append(cells[0])
            # Times begin with a digit; only a row beginning with a word may be furniture.
            if any(cell.lstrip()[:1].isalpha() for cell in leading) and (
                    self._repeats_the_header(cells) or is_total_row(leading)):
                self.skipped += 1
                continue
            yield line, row

    def _repeats_the_header(self, cells: list[str]) -> bool:
        return [_column_name(cell) for cell in cells[:len(self.fields)]] == self.fields


@dataclass
class _Written:
    """How an export is written, learnt from all its rows before any is counted."""

    order: str | None
    style: NumberStyle
    value_columns: list[str]
    queue: Callable[[dict[str, str]], bool] | None
    notes: list[str]


# Rows whose times are checked for all starting an interval, telling counts from a log.
_SHOWN_ROWS = 200


def _survey(rows: _Rows, named: tuple[str, str | None, str | None], queue: str | None,
            date_order: str | None) -> _Written:
    """The date order, the decimal mark, the count columns and the queue to keep.

    The count column is the one named so. Without one, a file is a contact log unless its
    times, not named as only a log's, all start intervals (of its first `_SHOWN_ROWS` rows)
    beside columns of numbers: a wide export, a count per queue, refused unless ``queue``
    names a column or is "all". A long export (`QUEUE_COLUMNS`) has its queues added, or the
    one ``queue`` names kept."""
    time_column, value_column, date_column = named
    queue_column = next((c for c in QUEUE_COLUMNS if c in rows.fields), None)
    if value_column is not None:
        candidates = [value_column]
    else:
        candidates = [c for c in rows.fields if c not in named] if queue_column is None else []
    orders, marks = DateOrders(), {c: DecimalMarks() for c in candidates}
    counted = dict.fromkeys(candidates, True)
    queues: set[str] = set()
    # A time named as only a log names it (created_at) says each row is a contact, wherever
    # it falls; a start_time may start an interval too.
    logged = time_column in LOG_TIME_COLUMNS and time_column not in TIME_COLUMNS
    seen, on_intervals = 0, value_column is None and not logged
    for line, row in rows:
        seen += 1
        for column in (time_column, date_column):
            if column is not None:
                orders.see(line, row.get(column) or "")
        if queue_column is not None:
            queues.add(str(row.get(queue_column) or "").strip())
        if on_intervals and seen <= _SHOWN_ROWS:
            on_intervals = _starts_an_interval(row, (time_column, date_column), line)
        if value_column is None and seen == _SHOWN_ROWS and not on_intervals and queue is None:
            marks = {}  # a contact log: its other columns are not counts
        for column, column_marks in marks.items():
            cell = str(row.get(column) or "").strip()
            column_marks.see(line, cell)
            counted[column] = counted[column] and LOOKS_COUNTED.fullmatch(cell) is not None
    order = orders.decide(date_order)
    if queue_column is not None:
        keep, note = _one_queue(queues, queue_column, queue)
        value_columns = [value_column] if value_column else []
    else:
        keep = None
        value_columns, note = _value_columns(
            [c for c in candidates if counted[c] and c in marks], value_column,
            on_intervals and seen >= 2, queue)
    joined = DecimalMarks()
    for column in value_columns:
        joined.join(marks[column])
    return _Written(order, joined.style(rows.delimiter), value_columns, keep,
                    [note] if note else [])


def _value_columns(numeric: list[str], value_column: str | None, on_intervals: bool,
                   queue: str | None) -> tuple[list[str], str | None]:
    """The columns whose counts are added, and what to say of them (`_survey`)."""
    if value_column is not None:
        if queue is not None and queue.lower() != ALL_QUEUES:
            raise ValidationFailed(f"--queue {queue}: the CSV has one count column "
                                   f"({value_column}) and no queue column (one of "
                                   f"{', '.join(QUEUE_COLUMNS)})", {"queue": "no column"})
        return [value_column], None
    if queue is None and not on_intervals:
        return [], None  # a contact log
    if queue is not None and queue.lower() == ALL_QUEUES and numeric:
        return numeric, f"the counts of the columns {', '.join(numeric)} were added"
    if queue is not None and _column_name(queue) in numeric:
        return [_column_name(queue)], f"the counts of the column {_column_name(queue)} were read"
    if queue is not None or numeric:
        raise ValidationFailed("no column is named as the count (contacts, calls, offered…) "
                               f"and the columns {', '.join(numeric) or 'none'} hold numbers: "
                               "give the queue to read (--queue COLUMN), or --queue all to add "
                               "them; if each row is one contact, name the time column "
                               "created_at", {"csv": "count column"})
    return [], None


def _one_queue(names: set[str], column: str, queue: str | None
               ) -> tuple[Callable[[dict[str, str]], bool] | None, str | None]:
    """Which rows of a long export (or a contact log) with the queues ``names`` in ``column``
    to keep: the queue ``queue``'s, or all of them, added per interval."""
    listed = ", ".join(sorted(names)[:10])
    if queue is None or queue.lower() == ALL_QUEUES:
        added = (f"the {len(names)} queues of the column {column} ({listed}) were added per "
                 "interval") if len(names) > 1 else None
        return None, added
    wanted = queue.strip().lower()
    if wanted not in {name.lower() for name in names}:
        raise ValidationFailed(f"no row has the queue {queue!r}; the column {column} has "
                               f"{listed}", {"queue": "unknown"})
    return (lambda row: str(row.get(column) or "").strip().lower() == wanted,
            f"the queue {queue} of the column {column} was read")


def _starts_an_interval(row: dict[str, str], columns: tuple[str, str | None],
                        line: int) -> bool:
    """Whether a row's time starts an interval, its date read either way round."""
    for order in DATE_ORDERS:
        try:
            moment = read_time(_cells(row, columns, line, order))
        except ValidationFailed:
            continue
        return moment.minute % min(ALLOWED_INTERVALS) == 0 and moment.second == 0 \
            and moment.microsecond == 0
    return False


@dataclass
class _LocalClock:
    """Times without an offset, read on the clock of ``zone`` across its changes.

    In autumn the clock reads an hour twice. An export of counts gives the second row of an
    interval (with the same other columns) to the second pass; a contact log in time order goes
    back when the clock does, and its rows from then on in that hour are the second pass. A time
    the spring change skips is an empty interval a report prints anyway, or a sign that the
    times are on another clock, which would shift every contact by the hour."""

    zone: tzinfo
    contact_log: bool
    _taken: set[tuple[datetime, tuple[str, ...]]] = field(default_factory=set)
    _latest: dict[date, datetime] = field(default_factory=dict)
    _gone_back: set[date] = field(default_factory=set)

    def utc(self, moment: datetime, others: tuple[str, ...], count: float,
            line: int) -> datetime | None:
        """``moment`` in UTC; None for an empty row at a time the clock skips."""
        if moment.tzinfo is not None:
            return moment
        first, second = moment.replace(tzinfo=self.zone), moment.replace(tzinfo=self.zone, fold=1)
        if first.utcoffset() == second.utcoffset():
            return first.astimezone(UTC)
        if first.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) != moment:
            if count == 0:
                return None
            raise ValidationFailed(f"line {line}: {moment:%Y-%m-%d %H:%M} does not exist on the "
                                   f"clock of {self.zone}, which skips it going forward: are "
                                   "the times on another clock? Write them with their UTC "
                                   "offset", {"csv": f"line {line}"})
        repeated = self._second_pass(moment, first.astimezone(UTC), others)
        return (second if repeated else first).astimezone(UTC)

    def _second_pass(self, moment: datetime, first_pass: datetime,
                     others: tuple[str, ...]) -> bool:
        if self.contact_log:
            day = moment.date()
            latest = self._latest.setdefault(day, moment)
            if moment < latest:
                self._gone_back.add(day)
            self._latest[day] = max(latest, moment)
            return day in self._gone_back
        if (first_pass, others) in self._taken:
            return True
        self._taken.add((first_pass, others))
        return False


def _cells(row: dict[str, str], columns: tuple[str, str | None], line: int,
           order: str | None) -> str:
    """A row's time, year first (`export_cells.iso_date`), with its date where the time column
    holds a time of day (or an hour, in an ``hour`` column)."""
    time_column, date_column = columns
    raw_time = (row.get(time_column) or "").strip()
    if (interval := _ISO_INTERVAL.fullmatch(raw_time)) is not None:
        raw_time = interval[1]
    raw_time = iso_date(from_excel_serial(raw_time), order)
    if not raw_time:
        raise ValidationFailed(f"line {line}: a timestamp and a count are both required",
                               {"csv": f"line {line}"})
    if _last_word(time_column) == "date" and _DAY_ONLY.fullmatch(raw_time):
        raise ValidationFailed(f"line {line}: the CSV has days, not intervals: give the "
                               "time each interval starts (a time or timestamp column)",
                               {"csv": f"line {line}"})
    if date_column is None:
        return raw_time
    of_day = from_excel_time(raw_time)
    if _last_word(time_column) == "hour" and re.fullmatch(r"\d{1,2}", of_day):
        of_day += ":00"
    clock = _TIME_OF_DAY.fullmatch(of_day)
    if clock is None:
        return raw_time
    day = iso_date(from_excel_serial((row.get(date_column) or "").strip()), order)
    return f"{day} {_wall_clock(clock)}"


def _count(row: dict[str, str], column: str, line: int, style: NumberStyle) -> float:
    """A row's count in ``column``: "-" is none; an empty cell, or none (a row shorter than
    the header), may be a count that is missing and is refused."""
    raw = row.get(column)
    if raw is None or not raw.strip():
        raise ValidationFailed(f"line {line}: a timestamp and a count are both required "
                               "(write 0 where there were no contacts)",
                               {"csv": f"line {line}"})
    return parse_count(count_text(raw, style), line)


def _columns(fields: Sequence[str]) -> tuple[str, str | None, str | None]:
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


def _interval_start(moment: datetime, minutes: int, zone: tzinfo) -> datetime:
    """The UTC start of the local ``minutes``-long interval ``moment`` falls in."""
    local = moment.astimezone(zone)
    into = (local.minute % minutes) * 60 + local.second
    return (moment - timedelta(seconds=into, microseconds=local.microsecond)).astimezone(UTC)


def _wall_clock(clock: re.Match[str]) -> str:
    """A time of day as ISO writes it: two-digit hours, on the 24-hour clock."""
    hour, rest, half = int(clock[1]), clock[2], (clock[3] or "").lower()
    if half and 1 <= hour <= 12:
        hour = hour % 12 + (12 if half == "pm" else 0)
    return f"{hour:02d}:{rest}"


def _last_word(column: str) -> str:
    return column.rsplit("_", 1)[-1]


def _column_name(name: str | None) -> str:
    """A column's name compared: words split where spaces, hyphens or a capital
    ("CallsOffered", as some systems name columns) part them, in lower case."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", (name or "").strip())
    return re.sub(r"[\s_-]+", "_", words.lower())


def shortest_step(starts: Sequence[datetime]) -> float:
    """The interval length, in seconds, that sorted interval starts show: the shortest step
    between two of them (closed intervals may be missing from an export)."""
    steps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
    if not steps:
        raise ValidationFailed("one row cannot show the interval length: give the length",
                               {"interval": "unknown"})
    return min(steps)


def interval_seconds(rows: Sequence[tuple[datetime, float]], zone: tzinfo) -> float:
    """`shortest_step` of sorted rows, refusing rows that sit only on a coarser grid of the
    day than an hour: daily totals stamped at midnight, or two hours' counts, read as one
    interval each would put every contact of a day (or of two hours) into its first hour."""
    shortest = shortest_step([start for start, _ in rows])
    grid = max(_grid_minutes([start for start, _ in rows], UTC),
               _grid_minutes([start for start, _ in rows], zone))
    if grid > max(ALLOWED_INTERVALS):
        times = {f"{start.astimezone(zone):%H:%M}" for start, _ in rows}
        looks = (f"every row starts at {times.pop()}: daily totals" if len(times) == 1
                 else f"the rows start only every {grid} minutes of the day: intervals longer "
                      "than an hour")
        raise ValidationFailed(f"{looks} cannot be forecast or staffed per interval; give "
                               f"contacts per {', '.join(map(str, ALLOWED_INTERVALS))} "
                               "minutes, or the interval length if the rows leave most "
                               "intervals out", {"interval": "too long"})
    return shortest


def _grid_minutes(starts: Sequence[datetime], zone: tzinfo) -> int:
    """The finest step, in minutes, of the times of day the starts fall on in ``zone``
    (1440 when they all fall on the same one)."""
    minutes = [start.astimezone(zone).hour * 60 + start.astimezone(zone).minute
               for start in starts]
    return math.gcd(1440, *(m - minutes[0] for m in minutes))


def check_interval(rows: Sequence[tuple[datetime, float]], minutes: int, zone: tzinfo) -> None:
    """Refuse an interval length shorter than the rows show: with at least a day's worth of
    rows, all on a coarser step of the local day, each row holds a longer interval's contacts
    and the intervals between them would read as closed. Fewer rows may be a quiet desk's."""
    grid = _grid_minutes([start for start, _ in rows], zone)
    if 0 < minutes < grid and len(rows) >= 1440 // minutes:
        raise ValidationFailed(f"every row starts on a {grid}-minute step of the day, so the "
                               f"intervals are {grid} minutes long: read as {minutes}-minute "
                               "ones, those between the rows would be closed and the rows "
                               "would hold too many contacts", {"interval": "too short"})


def interval_of(rows: Sequence[tuple[datetime, float]], zone: tzinfo) -> int:
    """The interval length, in minutes, that sorted rows show (`interval_seconds`), as the
    longest allowed length dividing it. Hourly rows read as half-hours would make every
    other interval look closed."""
    shortest = int(interval_seconds(rows, zone))
    fitting = [m for m in ALLOWED_INTERVALS if shortest % (m * 60) == 0]
    if not fitting:
        raise ValidationFailed(f"rows {shortest} seconds apart fit none of the interval "
                               f"lengths {ALLOWED_INTERVALS} minutes", {"interval": "unsupported"})
    return max(fitting)


def resolve_interval(rows: Sequence[tuple[datetime, float]], given: int | None,
                     zone: tzinfo) -> int:
    """The interval length in minutes: ``given``, checked against what the rows show
    (`check_interval`), or else the one they show (`interval_of`). Every command reading rows
    takes its length here, so a length is accepted or refused alike by all of them."""
    if given is None:
        return interval_of(rows, zone)
    allowed_interval(given)
    check_interval(rows, given, zone)
    return given


def history_from_rows(rows: Sequence[tuple[datetime, float]], interval_minutes: int,
                      zone: tzinfo) -> History:
    for start, _ in rows:
        local = start.astimezone(zone)
        if (local.minute % interval_minutes) or local.second or local.microsecond:
            raise ValidationFailed(f"{start.isoformat()} does not start a {interval_minutes}-"
                                   "minute interval", {"interval": "misaligned"})
    return History(interval_minutes, zone, dict(rows))
