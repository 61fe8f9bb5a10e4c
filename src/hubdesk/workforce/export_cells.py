"""Cells of arrivals exports as reports and spreadsheets write them: counts with thousands
separators or a decimal comma, "-" or nothing for none; dates day first or month first, decided
from the file; Excel's serial numbers; a report's title lines above the header, its total rows
and the header repeated where reports were pasted one under another."""

from __future__ import annotations

import calendar
import csv
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hubdesk.domain.errors import ValidationFailed

DATE_ORDERS = ("dmy", "mdy")
# What a report prints in a count cell for no contacts. An empty cell is not among them: it
# may as well be a count that is missing, and is refused.
_NONE = frozenset({"-", "–", "—"})
# A space (also a no-break or narrow no-break one) or an apostrophe between thousands.
_GROUP_SPACE = re.compile(r"(?<=\d)[ \u00a0\u202f'](?=\d{3}(?:\D|$))")
_ONE_GROUP = re.compile(r"\d{1,3}[.,]\d{3}")


@dataclass(frozen=True)
class NumberStyle:
    decimal: str
    thousands: str


class DecimalMarks:
    """The decimal marks counts show, gathered row by row (`number_style`)."""

    def __init__(self) -> None:
        self.shown: dict[str, int] = {}

    def see(self, line: int, raw: str) -> None:
        text = _GROUP_SPACE.sub("", raw.strip())
        marks = [c for c in text if c in ",."]
        if len(set(marks)) == 2:
            self.shown.setdefault(marks[-1], line)
        elif len(marks) == 1 and not _ONE_GROUP.fullmatch(text):
            self.shown.setdefault(marks[0], line)

    def join(self, other: DecimalMarks) -> None:
        for mark, line in other.shown.items():
            self.shown.setdefault(mark, line)

    def style(self, delimiter: str) -> NumberStyle:
        if len(self.shown) == 2:
            raise ValidationFailed(f"the counts use a point (line {self.shown['.']}) and a comma "
                                   f"(line {self.shown[',']}) as their decimal mark: write them "
                                   "one way", {"contacts": "decimal mark"})
        decimal = next(iter(self.shown), "," if delimiter == ";" else ".")
        return NumberStyle(decimal, "." if decimal == "," else ",")


def number_style(counts: Sequence[tuple[int, str]], delimiter: str) -> NumberStyle:
    """The decimal mark of a file's counts: the one a count shows as a decimal ("12,5", "0.25",
    the later mark of "1.234,5"), else the one of the delimiter's locale (a comma where columns
    are split by semicolons, a point elsewhere). The other mark separates thousands, so
    "1.234" is a thousand and more in a semicolon file unless another count shows "." as its
    decimal mark. A file showing both as decimal marks is refused."""
    marks = DecimalMarks()
    for line, raw in counts:
        marks.see(line, raw)
    return marks.style(delimiter)


# A cell a count column of a report may hold: digits grouped or not, or a dash for none.
LOOKS_COUNTED = re.compile(r"[-–—]|\d[\d .,'\u00a0\u202f]*")


def count_text(raw: str, style: NumberStyle) -> str:
    """A count cell as ``float`` reads it: "0" for a "-" cell, thousands separators
    dropped where they group thousands. A cell they do not fit is returned as written, to be
    refused as no number."""
    text = raw.strip()
    if text in _NONE:
        return "0"
    text = _GROUP_SPACE.sub("", text)
    whole, mark, fraction = text.partition(style.decimal)
    if style.thousands in whole:
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(style.thousands)}\d{{3}})+", whole):
            return raw
        whole = whole.replace(style.thousands, "")
    return f"{whole}.{fraction}" if mark else whole


# A date with the day and month in either order before the year, at the start of a cell:
# 31/12/2026, 31-12-2026, or with two digits of the year after slashes, as some phone systems
# print it (12/31/26); 26-12-31 is left alone, as it may as well be year first.
_EITHER_ORDER = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4}|(?<=/)\d{2})(?=$|[ T])")


class DateOrders:
    """What a file's dates show of their order, gathered row by row (`date_order`)."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[int, str]] = {}
        self.either: tuple[int, str] | None = None

    def see(self, line: int, text: str) -> None:
        written = _EITHER_ORDER.match(text.strip())
        if written is None:
            return
        first, second = int(written[1]), int(written[3])
        if first > 12:
            self.found.setdefault("dmy", (line, written[0]))
        if second > 12:
            self.found.setdefault("mdy", (line, written[0]))
        if first != second and max(first, second) <= 12 and self.either is None:
            self.either = (line, written[0])

    def decide(self, given: str | None) -> str | None:
        if given is not None and given not in DATE_ORDERS:
            raise ValidationFailed(f"the date order must be dmy or mdy, not {given!r}",
                                   {"date_order": "unknown"})
        if len(self.found) == 2:
            (dmy_line, dmy), (mdy_line, mdy) = self.found["dmy"], self.found["mdy"]
            raise ValidationFailed(f"the dates are day first on line {dmy_line} ({dmy}) and "
                                   f"month first on line {mdy_line} ({mdy}): write them one way",
                                   {"date": "order"})
        if self.found:
            order, (line, shown) = next(iter(self.found.items()))
            if given is not None and given != order:
                raise ValidationFailed(f"the date order was given as {given}, but line {line} "
                                       f"has {shown}", {"date": "order"})
            return order
        if given is None and self.either is not None:
            line, shown = self.either
            first, second = (int(part) for part in re.split("[/-]", shown)[:2])
            raise ValidationFailed(f"line {line}: {shown} may be {_day_of(first, second)} or "
                                   f"{_day_of(second, first)}, so write it year first or give "
                                   "the date order (--date-order dmy or mdy): no date in the "
                                   "file has a day above 12", {"date": "order"})
        return given


def date_order(cells: Sequence[tuple[int, str]], given: str | None) -> str | None:
    """Whether a file's dates are day first (31/12/2026) or month first (12/31/2026): from a
    date with a number above 12, else ``given``. Refused when the file shows both, or when
    it has a date either way (03/04/2026) and neither it nor ``given`` decides."""
    orders = DateOrders()
    for line, text in cells:
        orders.see(line, text)
    return orders.decide(given)


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth", "eleventh", "twelfth")


def _day_of(day: int, month: int) -> str:
    return f"the {_ORDINALS[day - 1]} of {calendar.month_name[month]}"


def iso_date(text: str, order: str | None) -> str:
    """``text`` with a date written day or month first before the year rewritten year first."""
    written = _EITHER_ORDER.match(text.strip())
    if written is None:
        return text
    first, second, year = written[1], written[3], written[4]
    day, month = (first, second) if order != "mdy" else (second, first)
    if len(year) == 2:  # as strptime's %y reads two digits
        year = ("19" if int(year) >= 69 else "20") + year
    return f"{year}-{month:0>2}-{day:0>2}{text.strip()[written.end():]}"


# Excel stores a time as days since 1899-12-30 (its 1900 system), the time of day as the
# fraction; an export saved without formatting shows that number. Five digits cover 1927-2173.
_EXCEL_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_EXCEL_TIME = re.compile(r"0?\.\d+|0")
# Naive: the serial is a wall-clock time, its zone the one the export's times are read in.
_EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001


def from_excel_serial(text: str) -> str:
    """An Excel serial date or date and time as ISO writes it; other text as it is. Rounded to
    the second, as the stored fraction of a half hour (0.0208333…) falls just short of it."""
    if not _EXCEL_SERIAL.fullmatch(text.strip()):
        return text
    moment = _EXCEL_EPOCH + timedelta(seconds=round(float(text) * 86400))
    return moment.date().isoformat() if "." not in text else moment.isoformat(sep=" ")


def from_excel_time(text: str) -> str:
    """An Excel time of day (a fraction of a day) as ``HH:MM:SS``; other text as it is."""
    if not _EXCEL_TIME.fullmatch(text.strip()):
        return text
    seconds = round(float(text) * 86400)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


# How a report's total rows begin their first cell, or their time cell (a day's subtotal).
_TOTAL = re.compile(r"\s*(?:grand\s*|sub-?\s*)?totals?\b|\s*sum\b|\s*summary\b", re.IGNORECASE)


def is_total_row(cells: Collection[str]) -> bool:
    """Whether any of ``cells`` (a row's first cell, its time and date) names a total."""
    return any(_TOTAL.match(cell) is not None for cell in cells)


def header_line(lines: Sequence[str], is_header: Callable[[list[str]], bool]
                ) -> tuple[int, str] | None:
    """The index of the header among a file's first ``lines``, after a report's title lines,
    and the delimiter of its columns; None when no line looks like a header."""
    for index, line in enumerate(lines):
        delimiter = max(",;\t", key=line.count)
        cells = next(csv.reader([line], delimiter=delimiter), [])
        if is_header(cells):
            return index, delimiter
    return None
