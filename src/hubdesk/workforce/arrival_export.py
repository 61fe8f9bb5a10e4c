"""An arrivals export read into contacts per UTC interval start: counts per interval (long,
wide or per queue) or a contact log, as spreadsheets, reports and phone systems save them."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, tzinfo

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
from hubdesk.workforce.export_columns import (
    ALL_QUEUES,
    LOG_INTERVAL_MINUTES,
    LOG_TIME_COLUMNS,
    QUEUE_COLUMNS,
    TIME_COLUMNS,
    column_name,
    find_columns,
    last_word,
    names_a_time,
    names_a_time_loosely,
)
from hubdesk.workforce.export_times import (
    TIME_OF_DAY,
    LocalClock,
    local_interval_start,
    read_time,
    require_year,
    wall_clock,
)
from hubdesk.workforce.intervals import ALLOWED_INTERVALS, allowed_interval

# No desk receives a billion contacts in an interval; near the largest float a count would
# overflow the sums of the forecast.
MAX_COUNT = 1e9


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


# A count cell that gives none: empty, or a missing value as data tools write it.
_NOT_GIVEN = frozenset({"", "nan", "na", "n/a", "#n/a", "null", "none"})
_DAY_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")  # a daily total's date, no time of day
# An ISO 8601 interval, start/end or start/duration, as contact-centre APIs write intervals
# ("2026-03-02T08:00:00.000Z/2026-03-02T08:30:00.000Z"): its start is taken.
_ISO_INTERVAL = re.compile(r"(\d{4}-\d{2}-\d{2}T[^/]+)/(?:\d{4}-\d{2}-\d{2}T[^/]+|P[0-9A-Z.]+)")


@dataclass(frozen=True)
class Export:
    """An export's rows, and what reading them decided that the reader should be told."""

    rows: list[tuple[datetime, float]]
    notes: list[str]


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
    (30 by default) on the local clock of ``zone`` (`LocalClock` reads it across its changes).

    As spreadsheets and reports save them: a byte-order mark, title lines above the header,
    names in any case with spaces around them, tabs or semicolons between the columns, counts
    with thousands separators or a decimal comma (`export_cells.number_style`), "-" for none,
    an empty cell or NaN for a count not given (its row left out, and counted), total rows
    and repeated headers (skipped), dates day or month first (`export_cells.date_order`,
    ``date_order`` where the file never shows which) and Excel serial numbers. ``queue``
    picks one queue of a long export (rows per queue) or a wide one (a count column per
    queue), or adds them all (``"all"``); the notes say what was read."""
    text = text.removeprefix("\ufeff")
    # Split at line feeds alone, as csv does: a ticket's text may hold other line breaks.
    lines = text.split("\n", HEADER_SEARCH)[:HEADER_SEARCH]
    # A line naming a time column exactly is the header before one naming it by a last word,
    # which a title line may also do ("Calls by interval, week 10").
    first, delimiter = header_line(lines, names_a_time) or header_line(
        lines, names_a_time_loosely) or (0, max(",;\t", key=lines[0].count))
    body = text[sum(len(line) + 1 for line in lines[:first]):] if first else text
    header = lines[first].rstrip("\r") if lines else ""
    names = next(csv.reader([header], delimiter=delimiter), [])
    fields = [column_name(name) for name in names]
    time_column, value_column, date_column = find_columns(fields)
    clocks, table = _interval_columns(names, fields, (time_column, value_column, date_column))
    rows = _Rows(body, delimiter, first, fields, (time_column, date_column))
    written = _survey(rows, (time_column, value_column, date_column), queue, date_order,
                      clocks)
    notes = [f"{rows.skipped} total or repeated header rows were skipped"] \
        if rows.skipped else []
    notes += [*table, *written.notes]
    order, value_columns = written.order, written.value_columns
    binned = allowed_interval(log_interval_minutes or LOG_INTERVAL_MINUTES, daily=True) \
        if not value_columns else None
    totals: dict[datetime, float] = {}
    local_clock = LocalClock(zone, contact_log=binned is not None)
    read_columns = {time_column, date_column, *value_columns}
    first_lines: dict[tuple[datetime, tuple[str, ...]], int] = {}
    uncounted = 0
    for line, row in rows:
        if written.queue is not None and not written.queue(row):
            continue
        raw_time = _cells(row, (time_column, date_column), line, order)
        try:
            read = read_time(raw_time)
        except ValidationFailed as error:
            raise ValidationFailed(f"line {line}: {error}", {"csv": f"line {line}"}) from None
        require_year(read, line)
        # Other columns (a queue, a skill) tell apart rows of one interval, which are added.
        others = tuple(str(v).strip() for k, v in row.items() if k not in read_columns)
        for moment, count in _row_counts(row, read, written, line):
            start = local_clock.utc(moment, others, count or 0.0, line)
            if start is None:
                continue
            if binned is not None:
                start = local_interval_start(start, binned, zone)
            elif (earlier := first_lines.setdefault((start, others), line)) != line:
                raise _copy(line, earlier, raw_time, moment)
            if count is None:
                uncounted += 1
                continue
            totals[start] = totals.get(start, 0.0) + count
    if not totals:
        raise ValidationFailed("no row of the CSV has a count" if uncounted else
                               "the CSV has no rows", {"csv": "empty"})
    if uncounted:
        notes.append(f"{uncounted} row{'s' * (uncounted != 1)} without a count (an empty cell, "
                     "NaN or null) left out, as intervals not given: a day left with no row "
                     "is unknown, an interval left out of a day with others reads as closed")
    return Export(sorted(totals.items()), notes)


def _copy(line: int, earlier: int, raw_time: str, moment: datetime) -> ValidationFailed:
    """The refusal of a row repeating an earlier row's interval."""
    # Clocks go back in the small hours; a repeat then may be the second pass.
    went_back = (", or name the zone of the times if its clock went back then"
                 if moment.tzinfo is None and moment.hour < 4
                 and not _DAY_ONLY.fullmatch(raw_time) else "")
    return ValidationFailed(f"line {line} repeats the interval of line {earlier} "
                            f"({raw_time}): remove the copy{went_back}; rows of one interval "
                            "are added only where another column, such as a queue, tells them "
                            "apart", {"csv": f"line {line}"})


def _row_counts(row: dict[str, str], moment: datetime, written: _Written,
                line: int) -> list[tuple[datetime, float | None]]:
    """A row's moments and counts: one, or in a table of days by intervals one per interval
    column, at that column's time of the row's day."""
    if not written.clocks:
        return [(moment, _row_count(row, written.value_columns, line, written.style))]
    return [(datetime.combine(moment.date(), clock, tzinfo=moment.tzinfo),
             _count(row, column, line, written.style))
            for column, clock in written.clocks.items()]


def _interval_columns(names: list[str], fields: list[str],
                      named: tuple[str, str | None, str | None]
                      ) -> tuple[dict[str, time], list[str]]:
    """A table of days by intervals, as a spreadsheet lays out each day's curve (a date
    column, then a column per time of day: "08:00", "8:30 AM", "08:00-08:30"): each such
    column's interval start, and what to say of them. Columns running to "24:00" with none
    at "00:00" name their intervals' ends, as hour-ending reports do: each is the interval
    before it. Empty unless two columns or more are named so and none is named as the
    count."""
    time_column, value_column, date_column = named
    if value_column is not None or date_column is not None:
        return {}, []
    minutes = {}
    for name, column in zip(names, fields, strict=False):
        if column != time_column and (match := TIME_OF_DAY.fullmatch(name.strip())):
            hour, minute = (int(part) for part in wall_clock(match).split(":")[:2])
            if hour * 60 + minute <= 1440 and minute < 60:
                minutes[column] = hour * 60 + minute
    if len(minutes) < 2:
        return {}, []
    told = []
    if 1440 in minutes.values() and 0 not in minutes.values():
        ordered = sorted(set(minutes.values()))
        step = min(b - a for a, b in itertools.pairwise(ordered))
        minutes = {column: at - step for column, at in minutes.items()}
        told.append("the columns run to 24:00 and none is 00:00, so each names the end of its "
                    "interval, as hour-ending reports do")
    clocks = {column: time(at // 60, at % 60) for column, at in minutes.items()}
    told.insert(0, f"each row is a day, and the {len(clocks)} columns from "
                   f"{min(clocks.values()):%H:%M} to {max(clocks.values()):%H:%M} its intervals")
    return clocks, told


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
        return [column_name(cell) for cell in cells[:len(self.fields)]] == self.fields


@dataclass
class _Written:
    """How an export is written, learnt from all its rows before any is counted."""

    order: str | None
    style: NumberStyle
    value_columns: list[str]
    queue: Callable[[dict[str, str]], bool] | None
    notes: list[str]
    clocks: dict[str, time] = field(default_factory=dict)  # a table of days by intervals


# Rows whose times are checked for all starting an interval, telling counts from a log.
_SHOWN_ROWS = 200


def _survey(rows: _Rows, named: tuple[str, str | None, str | None], queue: str | None,
            date_order: str | None, clocks: dict[str, time]) -> _Written:
    """The date order, the decimal mark, the count columns and the queue to keep.

    The count column is the one named so; in a table of days by intervals (``clocks``), the
    interval columns. Without one, a file is a contact log unless its times, not named as
    only a log's, all start intervals (of its first `_SHOWN_ROWS` rows), or all are days
    alone, beside columns of numbers: a wide export, a count per queue, refused unless
    ``queue`` names a column or is "all". A long export (`QUEUE_COLUMNS`) has its queues
    added, or the one ``queue`` names kept."""
    time_column, value_column, date_column = named
    queue_column = next((c for c in QUEUE_COLUMNS if c in rows.fields), None)
    if value_column is not None or clocks:
        candidates = [value_column] if value_column is not None else list(clocks)
    else:
        candidates = [c for c in rows.fields if c not in named] if queue_column is None else []
    orders, marks = DateOrders(), {c: DecimalMarks() for c in candidates}
    counted = dict.fromkeys(candidates, True)
    numbered: set[str] = set()  # the columns with a count in some row
    queues: set[str] = set()
    # A time named as only a log names it (created_at) says each row is a contact, wherever
    # it falls; a start_time may start an interval too.
    logged = time_column in LOG_TIME_COLUMNS and time_column not in TIME_COLUMNS
    seen, on_intervals = 0, value_column is None and not logged
    # A log's times that are days alone, with no time of day, beside columns of numbers are
    # days' counts, not contacts.
    days_alone = logged and date_column is None
    for line, row in rows:
        seen += 1
        for column in (time_column, date_column):
            if column is not None:
                orders.see(line, row.get(column) or "")
        if queue_column is not None:
            queues.add(str(row.get(queue_column) or "").strip())
        if seen <= _SHOWN_ROWS:
            if on_intervals:
                on_intervals = _starts_an_interval(row, (time_column, date_column), line)
            days_alone = days_alone and _a_day_alone(row, time_column, line)
        if value_column is None and seen == _SHOWN_ROWS and not (on_intervals or days_alone) \
                and queue is None and not clocks:
            marks = {}  # a contact log: its other columns are not counts
        _see_counts(row, line, marks, counted, numbered)
    order = orders.decide(date_order)
    if clocks:
        keep, note = _one_queue(queues, queue_column, queue) if queue_column else (None, None)
        value_columns = list(clocks)
    elif queue_column is not None:
        keep, note = _one_queue(queues, queue_column, queue)
        value_columns = [value_column] if value_column else []
    else:
        keep = None
        value_columns, note = _value_columns(
            [c for c in candidates if counted[c] and c in marks and c in numbered], value_column,
            (on_intervals or days_alone) and seen >= 2, queue)
    return _Written(order, _style(marks, value_columns, rows.delimiter), value_columns, keep,
                    [note] if note else [], clocks)


def _see_counts(row: dict[str, str], line: int, marks: dict[str, DecimalMarks],
                counted: dict[str, bool], numbered: set[str]) -> None:
    """Learn from a row's cells how each candidate column writes its counts, whether all its
    cells look counted, and which columns give a count at all."""
    for column, column_marks in marks.items():
        cell = str(row.get(column) or "").strip()
        if cell.lower() in _NOT_GIVEN:
            continue  # a count not given says nothing of how counts are written
        column_marks.see(line, cell)
        counted[column] = counted[column] and LOOKS_COUNTED.fullmatch(cell) is not None
        numbered.add(column)


def _style(marks: dict[str, DecimalMarks], columns: list[str], delimiter: str) -> NumberStyle:
    """How the counts of ``columns`` write numbers, learnt from all of them together."""
    joined = DecimalMarks()
    for column in columns:
        joined.join(marks[column])
    return joined.style(delimiter)


def _a_day_alone(row: dict[str, str], column: str, line: int) -> bool:
    """Whether a row's time is a date with no time of day, its date read either way round."""
    read = _read_either_way(row, (column, None), line)
    return read is not None and _DAY_ONLY.fullmatch(read[0]) is not None


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
    if queue is not None and column_name(queue) in numeric:
        return [column_name(queue)], f"the counts of the column {column_name(queue)} were read"
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
    read = _read_either_way(row, columns, line)
    if read is None:
        return False
    moment = read[1]
    return moment.minute % min(ALLOWED_INTERVALS) == 0 and moment.second == 0 \
        and moment.microsecond == 0


def _read_either_way(row: dict[str, str], columns: tuple[str, str | None],
                     line: int) -> tuple[str, datetime] | None:
    """A row's time as `_cells` writes it and as read, in the first date order that reads
    it; None when neither does."""
    for order in DATE_ORDERS:
        try:
            text = _cells(row, columns, line, order)
            return text, read_time(text)
        except ValidationFailed:
            continue
    return None


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
    if date_column is None:
        return raw_time
    of_day = from_excel_time(raw_time)
    if last_word(time_column) == "hour" and re.fullmatch(r"\d{1,2}", of_day):
        of_day += ":00"
    clock = TIME_OF_DAY.fullmatch(of_day)
    if clock is None:
        return raw_time
    day = iso_date(from_excel_serial((row.get(date_column) or "").strip()), order)
    return f"{day} {wall_clock(clock)}"


def _row_count(row: dict[str, str], columns: list[str], line: int,
               style: NumberStyle) -> float | None:
    """A row's contacts, added over its count columns (one per queue in a wide export); 1 for
    a contact log's row; None where no column gives one."""
    if not columns:
        return 1.0
    given = [count for column in columns
             if (count := _count(row, column, line, style)) is not None]
    return sum(given) if given else None


def _count(row: dict[str, str], column: str, line: int, style: NumberStyle) -> float | None:
    """A row's count in ``column``: "-" is none; an empty cell, a missing value as data tools
    write it (NaN, NA, null), or none at all (a row shorter than the header) is a count not
    given, None: a pivot table leaves quiet intervals empty, pandas writes NaN as nothing."""
    raw = row.get(column)
    if raw is None or raw.strip().lower() in _NOT_GIVEN:
        return None
    return parse_count(count_text(raw, style), line)


