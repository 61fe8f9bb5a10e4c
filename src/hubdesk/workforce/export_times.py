"""Times as exports write them: ISO and its loosenings, day-first and year-first dates, seconds
since 1970, and times without an offset read on a local clock across its changes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.intervals import DAY_MINUTES, local_midnight

# Dates as European exports write them, day first with dots (04.03.2024), or year first with
# slashes (2024/03/04): unambiguous, unlike 03/04/2024, which is refused.
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SLASHED_DATE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_EITHER_WAY = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")


# As exports loosen ISO: months and days without a leading zero, the time of day as reports
# print it (`TIME_OF_DAY`: "9:05 PM"), "UTC" or "GMT" after it ("2024-3-4 9:05 PM UTC").
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
        time_of_day = TIME_OF_DAY.fullmatch(clock)
        if time_of_day is None:
            return written
        iso += f"T{wall_clock(time_of_day)}"
    if offset:
        iso += "+00:00" if offset in ("Z", "UTC", "GMT") else offset
    return iso


# Exports are of contact centres' own times; a year far outside them is a typing slip, and near
# the calendar's ends there is no room for a forecast after it.
YEARS = range(1900, 2200)

def require_year(moment: datetime, line: int) -> None:
    if moment.year not in YEARS:
        written = f"{moment.year:04d}-{moment:%m-%d %H:%M}"
        raise ValidationFailed(f"line {line}: {written} is outside the years {YEARS.start} to "
                               f"{YEARS.stop - 1}", {"csv": f"line {line}"})


# A time column that holds only the time of day when a date column stands beside it: "9:30",
# "09:30:00", "9:30 AM", or the interval itself as call-centre reports print it,
# "09:30-10:00" (its start is taken).
TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2}(?::\d{2}(?:\.\d+)?)?)\s*([AaPp][Mm])?"
                          r"(?:\s*[-–]\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?)?")


@dataclass
class LocalClock:
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


def local_interval_start(moment: datetime, minutes: int, zone: tzinfo) -> datetime:
    """The UTC start of the local ``minutes``-long interval ``moment`` falls in: for a day,
    its local midnight (which a change of the clock moves in UTC)."""
    local = moment.astimezone(zone)
    if minutes == DAY_MINUTES:
        return local_midnight(local.date(), zone)
    into = (local.minute % minutes) * 60 + local.second
    return (moment - timedelta(seconds=into, microseconds=local.microsecond)).astimezone(UTC)


def wall_clock(clock: re.Match[str]) -> str:
    """A time of day as ISO writes it: two-digit hours, on the 24-hour clock."""
    hour, rest, half = int(clock[1]), clock[2], (clock[3] or "").lower()
    if half and 1 <= hour <= 12:
        hour = hour % 12 + (12 if half == "pm" else 0)
    return f"{hour:02d}:{rest}"


