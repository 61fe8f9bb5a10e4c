"""Time zones an iCalendar file defines for itself (VTIMEZONE, RFC 5545 3.6.5).

Outlook and Exchange name zones as their users see them ("Customized Time Zone", "(UTC+01:00)
Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna") and describe each in the file: a standard
and a daylight observance, each with the offsets it goes from and to and a yearly rule ("the
last Sunday of March at 02:00") or dates listed one by one. `DefinedZone` answers offsets from
that description, for a name no time-zone database knows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from hubdesk.domain.recurrence import nth_weekday

_OFFSET = re.compile(r"([+-])(\d{2})(\d{2})(\d{2})?")
_LOCAL = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")
_BY_DAY = re.compile(r"([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# No offset in use anywhere exceeds a day; RFC 5545 bounds them so.
_LONGEST_OFFSET = timedelta(hours=24)
# Every offset a time is read in is looked up among all of a zone's observances and listed
# dates; real zones have a few of each (a history of rule changes at most some dozens).
MAX_OBSERVANCES = 100
MAX_LISTED = 1_000


class ZoneNotUnderstood(ValueError):
    """A VTIMEZONE this reading cannot follow; the message says what."""


@dataclass(frozen=True)
class _YearlyRule:
    """When an observance comes back each year: in ``month``, on its start's day of the
    month, or on the ``nth`` ``weekday`` (the first ``weekday`` among ``month_days``)."""

    month: int
    weekday: int | None = None
    nth: int | None = None
    month_days: tuple[int, ...] = ()
    last_year: int | None = None
    until: datetime | None = None  # in UTC, naive

    def day_in(self, year: int, start: datetime) -> date | None:
        if self.weekday is None:
            return _date_or_none(year, self.month, start.day)
        if self.nth is not None:
            return nth_weekday(year, self.month, self.weekday, self.nth)
        for day in self.month_days:  # BYMONTHDAY=8,...,14;BYDAY=SU: "the second Sunday"
            found = _date_or_none(year, self.month, day)
            if found is not None and found.weekday() == self.weekday:
                return found
        return None


@dataclass(frozen=True)
class _Observance:
    """One STANDARD or DAYLIGHT part: from ``start`` (local time, as the offset before it
    tells it) the offset is ``offset_to``, and again every year by the rule, if any."""

    daylight: bool
    start: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    rule: _YearlyRule | None = None
    listed: tuple[datetime, ...] = ()

    def onsets(self, year: int) -> Iterator[datetime]:
        if year == self.start.year:
            yield self.start
        yield from (moment for moment in self.listed if moment.year == year)
        rule = self.rule
        if rule is None or year <= self.start.year or \
                (rule.last_year is not None and year > rule.last_year):
            return
        day = rule.day_in(year, self.start)
        if day is None:
            return
        onset = datetime.combine(day, self.start.time())
        if rule.until is None or onset - self.offset_from <= rule.until:
            yield onset


class DefinedZone(tzinfo):
    """The zone a VTIMEZONE describes. A time before its first observance is in the offset
    that observance changes from."""

    def __init__(self, name: str, observances: Sequence[_Observance]) -> None:
        if not observances:
            raise ZoneNotUnderstood(f"{name!r} has no STANDARD or DAYLIGHT part")
        self.name = name
        self._observances = tuple(observances)
        self._before = min(observances, key=lambda o: o.start)

    def _in_force(self, moment: datetime | None) -> _Observance:
        if moment is None:
            return self._before
        local = moment.replace(tzinfo=None)
        latest: tuple[datetime, _Observance] | None = None
        for observance in self._observances:
            for year in (local.year - 1, local.year):
                for onset in observance.onsets(year):
                    if onset <= local and (latest is None or onset > latest[0]):
                        latest = (onset, observance)
        return latest[1] if latest is not None else self._before

    def utcoffset(self, dt: datetime | None) -> timedelta:
        observance = self._in_force(dt)
        if dt is not None and observance is self._before and \
                dt.replace(tzinfo=None) < observance.start:
            return observance.offset_from
        return observance.offset_to

    def dst(self, dt: datetime | None) -> timedelta:
        observance = self._in_force(dt)
        return observance.offset_to - observance.offset_from if observance.daylight \
            else timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return self._in_force(dt).name or self.name

    def __repr__(self) -> str:
        return f"DefinedZone({self.name!r})"


def defined_zone(name: str, parts: Sequence[tuple[str, Mapping[str, str],
                                                  Sequence[str]]]) -> DefinedZone:
    """The zone of a VTIMEZONE: ``parts`` are its STANDARD and DAYLIGHT parts, each as its
    kind, its properties (the first of each name: DTSTART, TZOFFSETFROM, TZOFFSETTO, RRULE,
    TZNAME) and its RDATE values."""
    if len(parts) > MAX_OBSERVANCES:
        raise ZoneNotUnderstood(f"more than {MAX_OBSERVANCES} STANDARD and DAYLIGHT parts")
    observances = [_observance(kind, props, listed) for kind, props, listed in parts]
    if sum(len(o.listed) for o in observances) > MAX_LISTED:
        raise ZoneNotUnderstood(f"more than {MAX_LISTED} dates listed (RDATE)")
    return DefinedZone(name, observances)


def _observance(kind: str, props: Mapping[str, str], listed: Sequence[str]) -> _Observance:
    for required in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
        if required not in props:
            raise ZoneNotUnderstood(f"a {kind} part has no {required}")
    start = _local(props["DTSTART"])
    return _Observance(
        daylight=kind == "DAYLIGHT", start=start, offset_from=_offset(props["TZOFFSETFROM"]),
        offset_to=_offset(props["TZOFFSETTO"]), name=props.get("TZNAME", "")[:40],
        rule=_rule(props.get("RRULE", ""), start),
        listed=tuple(_local(value) for values in listed for value in values.split(",")
                     if value.strip()))


def _rule(text: str, start: datetime) -> _YearlyRule | None:
    if not text.strip():
        return None
    parts = dict(part.partition("=")[::2] for part in text.upper().split(";") if part)
    if parts.get("FREQ") != "YEARLY":
        raise ZoneNotUnderstood(f"a zone's rule repeats other than yearly: {text[:80]!r}")
    month = parts.get("BYMONTH", str(start.month))
    if not month.isdigit() or not 1 <= int(month) <= 12:
        raise ZoneNotUnderstood(f"a zone's rule names no month: {text[:80]!r}")
    weekday = nth = None
    month_days: tuple[int, ...] = ()
    if "BYDAY" in parts:
        by_day = _BY_DAY.fullmatch(parts["BYDAY"])
        if by_day is None:
            raise ZoneNotUnderstood(f"a zone's rule names no weekday: {text[:80]!r}")
        weekday = _WEEKDAYS.index(by_day[2])
        if by_day[1]:
            nth = int(by_day[1])
        else:
            month_days = tuple(int(d) for d in parts.get("BYMONTHDAY", "").split(",")
                               if d.isdigit())
            if not month_days:
                raise ZoneNotUnderstood(f"a zone's rule names no week: {text[:80]!r}")
    until = parts.get("UNTIL")
    return _YearlyRule(
        int(month), weekday, nth, month_days,
        last_year=start.year + int(parts["COUNT"]) - 1 if parts.get("COUNT", "").isdigit()
        else None,
        until=_local(until if "T" in until else until + "T235959") if until else None)


def _offset(text: str) -> timedelta:
    match = _OFFSET.fullmatch(text.strip())
    if match is None:
        raise ZoneNotUnderstood(f"{text[:20]!r} is not an offset (+HHMM)")
    sign = -1 if match[1] == "-" else 1
    offset = sign * timedelta(hours=int(match[2]), minutes=int(match[3]),
                              seconds=int(match[4] or 0))
    if abs(offset) >= _LONGEST_OFFSET:
        raise ZoneNotUnderstood(f"{text[:20]!r} is not an offset of less than a day")
    return offset


def _local(text: str) -> datetime:
    match = _LOCAL.fullmatch(text.strip())
    if match is None:
        raise ZoneNotUnderstood(f"{text[:30]!r} is not a date-time (YYYYMMDDTHHMMSS)")
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    try:
        return datetime.combine(date(year, month, day), time(hour, minute, second))
    except ValueError:
        raise ZoneNotUnderstood(f"{text[:30]!r} is no such time") from None


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
