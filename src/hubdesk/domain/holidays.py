"""Days and spans a business calendar is closed: holidays, closures, and iCalendar import.

A holiday closes a whole local date (once, every year on the same date, or every year on
the nth weekday of a month, as Thanksgiving or a bank holiday on the last Monday of May); a
closure closes an exact span of time, such as a half day before Christmas. ``parse_ical``
turns the text of an iCalendar file (RFC 5545) into both: all-day events become holidays,
timed events closures. Reading the file is the caller's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.ical_zones import ZoneNotUnderstood, defined_zone
from hubdesk.domain.recurrence import (
    SEARCH_YEARS,
    Rule,
    RuleNotUnderstood,
    SearchBudget,
    nth_weekday,
)

# A repeating event with an end is spelled out, up to this many occurrences.
MAX_OCCURRENCES = 1_000
# Holidays and closures one calendar may hold, however they came (a form, an iCalendar file):
# a file whose events spell out more (a day-long event over centuries, a thousand of them
# repeating) is refused before it is spelled out.
MAX_CLOSINGS = 1_000
_LAST_DATE_YEAR = 9999
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ORDINALS = frozenset({1, 2, 3, 4, 5, -1, -2, -3, -4, -5})


@dataclass(frozen=True)
class Holiday:
    """A whole local date on which the desk is closed; ``year`` is None when it recurs yearly.
    With ``weekday`` (0 Monday to 6 Sunday) it recurs every year on the ``nth`` such weekday
    of ``month`` (1 to 5 from the month's start, -1 to -5 from its end), and ``day`` is 0."""

    month: int
    day: int
    year: int | None = None
    name: str = ""
    weekday: int | None = None
    nth: int | None = None

    @classmethod
    def nth_weekday(cls, month: int, weekday: int, nth: int, name: str = "") -> Holiday:
        return cls(month, 0, None, name, weekday, nth)

    def date_in(self, year: int) -> date | None:
        """The date the holiday closes in ``year``; None if none (29 February in a common
        year, a fifth Monday the month does not have, another year's date)."""
        if self.weekday is not None:
            assert self.nth is not None
            return nth_weekday(year, self.month, self.weekday, self.nth)
        if self.year not in (None, year) or not _exists(year, self.month, self.day):
            return None
        return date(year, self.month, self.day)

    def to_form(self) -> str | dict[str, Any]:
        if self.weekday is not None:
            rule = {"month": self.month, "weekday": WEEKDAYS[self.weekday], "nth": self.nth,
                    "yearly": True}
            return rule | ({"name": self.name} if self.name else {})
        if self.year is not None and not self.name:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        form: dict[str, Any] = {"date": f"{self.month:02d}-{self.day:02d}", "yearly": True}
        if self.year is not None:
            form = {"date": f"{self.year:04d}-{self.month:02d}-{self.day:02d}"}
        return form | ({"name": self.name} if self.name else {})


@dataclass(frozen=True)
class Closure:
    """The desk is closed from ``start`` (included) to ``end`` (excluded), e.g. a half day."""

    start: datetime
    end: datetime
    name: str = ""

    def to_form(self) -> dict[str, Any]:
        form = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        return form | ({"name": self.name} if self.name else {})




def holidays_from_form(entries: object) -> tuple[list[Holiday], list[Closure]]:
    holidays: list[Holiday] = []
    closures: list[Closure] = []
    if not isinstance(entries, list | tuple):
        raise ValidationFailed("holidays must be a list", {"holidays": "not a list"})
    check_closings(len(entries))
    for entry in entries:
        if isinstance(entry, dict) and "start" in entry:
            closures.append(_closure_from_form(entry))
        else:
            holidays.append(_holiday_from_form(entry))
    return holidays, closures


def _holiday_from_form(entry: object) -> Holiday:
    if isinstance(entry, dict) and "weekday" in entry:
        return _weekday_holiday_from_form(entry)
    text, yearly, name = entry, False, ""
    if isinstance(entry, dict):
        _only_keys(entry, {"date", "yearly", "name"})
        text, yearly, name = entry.get("date"), entry.get("yearly", False), entry.get("name", "")
        if not isinstance(yearly, bool) or not isinstance(name, str):
            raise ValidationFailed("holidays: yearly is true or false and name is text",
                                   {"holidays": "bad holiday"})
    pattern = r"(\d{2})-(\d{2})" if yearly else r"(\d{4})-(\d{2})-(\d{2})"
    match = re.fullmatch(pattern, text) if isinstance(text, str) else None
    try:
        if match is None:
            raise ValueError(text)
        numbers = [int(part) for part in match.groups()]
        year, month, day = numbers if not yearly else [2000, *numbers]  # 2000 has a 29 Feb
        date(year, month, day)
    except ValueError:
        shape = "MM-DD for a yearly holiday" if yearly else "YYYY-MM-DD"
        raise ValidationFailed(f"holidays: {text!r} is not a date as {shape}",
                               {"holidays": "bad date"}) from None
    return Holiday(month, day, None if yearly else year, name)


def _weekday_holiday_from_form(entry: dict[str, Any]) -> Holiday:
    _only_keys(entry, {"month", "weekday", "nth", "yearly", "name"})
    month, weekday, nth = entry.get("month"), entry.get("weekday"), entry.get("nth")
    name, yearly = entry.get("name", ""), entry.get("yearly", True)
    if type(month) is not int or not 1 <= month <= 12 or weekday not in WEEKDAYS \
            or type(nth) is not int or nth not in _ORDINALS or yearly is not True \
            or not isinstance(name, str):
        raise ValidationFailed("holidays: a weekday holiday is a month (1 to 12), a weekday "
                               "(mon to sun) and nth (1 to 5 from the month's start, -1 to -5 "
                               "from its end), every year", {"holidays": "bad weekday holiday"})
    return Holiday.nth_weekday(month, WEEKDAYS.index(weekday), nth, name)


def _closure_from_form(entry: dict[str, Any]) -> Closure:
    _only_keys(entry, {"start", "end", "name"})
    moments = []
    for key in ("start", "end"):
        try:
            moment = datetime.fromisoformat(entry.get(key))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            moment = None
        if moment is None or moment.tzinfo is None:
            raise ValidationFailed(f"holidays: a closure's {key} is a date and time with its "
                                   "offset, such as 2026-12-24T12:00:00+01:00",
                                   {"holidays": f"bad {key}"})
        moments.append(moment)
    name = entry.get("name", "")
    return Closure(moments[0], moments[1], name if isinstance(name, str) else str(name))


def check_closings(count: int, what: str = "these", field: str = "holidays") -> None:
    """Refuse ``count`` holidays and closures (``what``: whose they are) past the limit."""
    if count > MAX_CLOSINGS:
        raise ValidationFailed(f"a calendar holds at most {MAX_CLOSINGS} holidays and closures; "
                               f"{what} make {count}", {field: "too many"})


def check_closure(closure: Closure) -> None:
    if closure.start.utcoffset() is None or closure.end.utcoffset() is None:
        raise ValidationFailed("holidays: a closure's start and end need a time zone",
                               {"holidays": "naive closure"})
    if closure.end <= closure.start:
        raise ValidationFailed("holidays: a closure must end after it starts",
                               {"holidays": "reversed closure"})


def _only_keys(entry: Mapping[str, Any], known: set[str]) -> None:
    unknown = sorted(str(key) for key in entry if key not in known)
    if unknown:
        raise ValidationFailed(f"holidays: unknown field {unknown[0]!r}; known: "
                               + ", ".join(sorted(known)), {"holidays": "unknown field"})


# --- iCalendar ------------------------------------------------------------------------------

_FOLD = re.compile(r"\r?\n[ \t]")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")
_DURATION = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_RULE_KEYS = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYDAY",
                        "BYSETPOS", "WKST"})
_BY_DAY = re.compile(r"([+-]?[1-5])(MO|TU|WE|TH|FR|SA|SU)")


@dataclass(frozen=True)
class _Property:
    name: str
    params: dict[str, str]
    value: str
    line: int


def parse_ical(text: str, timezone: str) -> tuple[list[Holiday], list[Closure]]:
    """The holidays (all-day events) and closures (timed events) of an iCalendar text.

    Floating times (no zone, no ``Z``) are read in ``timezone``, the calendar's own. Events
    may repeat yearly (``RRULE:FREQ=YEARLY``, with ``INTERVAL``, ``COUNT`` or ``UNTIL``), or
    daily, weekly or monthly up to a ``COUNT`` or an ``UNTIL`` (`domain/recurrence.py`
    names the dates); a rule asking for anything else is refused rather than guessed at.
    Occurrences listed one by one (``RDATE``, as holiday files give Easter's) are added,
    those left out (``EXDATE``) removed. Cancelled events are left out. An event naming one
    occurrence of a repeating event (``RECURRENCE-ID`` with its ``UID``) replaces it, or
    removes it when cancelled; a timed event that takes no time closes nothing.
    """
    if "BEGIN:VCALENDAR" not in text.upper():
        raise ValidationFailed("the file is not an iCalendar file (no BEGIN:VCALENDAR)",
                               {"ics": "not icalendar"})
    holidays: list[Holiday] = []
    closures: list[Closure] = []
    budget = SearchBudget()
    lines = list(_properties(text))
    zones = _calendar_zones(lines, timezone)
    events = list(_events(lines))
    replaced = _replaced_occurrences(events)
    for event in events:
        status = event.get("STATUS")
        if status is not None and status.value.upper() == "CANCELLED":
            continue
        uid = event.get("UID")
        own = replaced.get(uid.value, []) if uid is not None and "RECURRENCE-ID" not in event \
            else []
        found_holidays, found_closures = _event_closing(
            event, zones, MAX_CLOSINGS - len(holidays) - len(closures), budget, own)
        holidays += found_holidays
        closures += found_closures
    return holidays, closures


def _replaced_occurrences(events: list[_Event]) -> dict[str, list[_Property]]:
    """The RECURRENCE-IDs of each UID: occurrences of a repeating event that another event of
    the file moves or cancels (RFC 5545), so the repeating one no longer closes them."""
    replaced: dict[str, list[_Property]] = {}
    for event in events:
        uid, recurrence_id = event.get("UID"), event.get("RECURRENCE-ID")
        if uid is None or recurrence_id is None:
            continue
        if recurrence_id.params.get("RANGE", "").upper() == "THISANDFUTURE":
            raise _bad(recurrence_id.line, "a change to an occurrence and all after it "
                       "(RANGE=THISANDFUTURE) is not understood: give the changed occurrences "
                       "an event of their own")
        replaced.setdefault(uid.value, []).append(recurrence_id)
    return replaced


@dataclass
class _Event:
    """A VEVENT's own properties (not those of an alarm nested inside it): the first of each
    name, and every one of those an event may repeat."""

    first: dict[str, _Property]
    repeated: dict[str, list[_Property]]

    def __contains__(self, name: str) -> bool:
        return name in self.first

    def __getitem__(self, name: str) -> _Property:
        return self.first[name]

    def get(self, name: str) -> _Property | None:
        return self.first.get(name)

    def all(self, name: str) -> list[_Property]:
        return self.repeated.get(name, [])


_REPEATABLE = frozenset({"RDATE", "EXDATE"})


def _properties(text: str) -> Iterator[_Property]:
    """The file's content lines, unfolded and parsed, blank ones left out."""
    for number, line in enumerate(_FOLD.sub("", text).splitlines(), start=1):
        if line.strip():
            yield _property(line, number)


def _events(lines: list[_Property]) -> Iterator[_Event]:
    depth = 0
    event: _Event | None = None
    for prop in lines:
        if prop.name == "BEGIN":
            depth += 1
            if prop.value.upper() == "VEVENT":
                event, depth = _Event({}, {}), 1
        elif prop.name == "END":
            depth -= 1
            if prop.value.upper() == "VEVENT" and event is not None:
                yield event
                event = None
        elif event is not None and depth == 1:
            event.first.setdefault(prop.name, prop)
            if prop.name in _REPEATABLE:
                event.repeated.setdefault(prop.name, []).append(prop)
    if event is not None:  # a cut-off file: its last event would be silently lost
        raise ValidationFailed("iCalendar: the file ends inside an event (no END:VEVENT)",
                               {"ics": "unterminated event"})


@dataclass(frozen=True)
class _Zones:
    """How a file's times are placed: ``floating`` is the zone of times given without one
    (the file's X-WR-TIMEZONE, as Google and Apple write it, else the calendar's); a TZID
    is looked up by `_zone`, then among the zones the file defines (VTIMEZONE)."""

    floating: str
    defined: Mapping[str, tzinfo]  # only names `_zone` does not know

    def get(self, name: str) -> tzinfo:
        defined = self.defined.get(name)
        return defined if defined is not None else _zone(name)


_IN_UTC = _Zones("UTC", {})


_ZoneParts = list[tuple[str, dict[str, str], list[str]]]


def _calendar_zones(lines: list[_Property], timezone: str) -> _Zones:
    """The file's own zones (VTIMEZONE) and the zone its floating times are in. A zone the
    time-zone database knows by the file's name for it is read from the database."""
    floating, zones = _zone_parts(lines)
    defined: dict[str, tzinfo] = {}
    for name, parts in zones.items():
        if _known_zone(name):
            continue
        try:
            defined[name] = defined_zone(name, parts)
        except ZoneNotUnderstood as error:
            raise ValidationFailed(f"iCalendar: the time zone {name[:80]!r}: {error}",
                                   {"ics": "time zone"}) from None
    return _Zones((floating and _known_zone(floating)) or timezone, defined)


def _zone_parts(lines: list[_Property]) -> tuple[str | None, dict[str, _ZoneParts]]:
    """The file's X-WR-TIMEZONE, and the STANDARD and DAYLIGHT parts of each VTIMEZONE by
    its TZID: each part's kind, its properties (the first of each name), its RDATEs."""
    floating = None
    zones: dict[str, _ZoneParts] = {}
    stack: list[str] = []
    zone_id: str | None = None
    for prop in lines:
        if prop.name == "BEGIN":
            stack.append(prop.value.strip().upper())
            if stack[-1] in ("STANDARD", "DAYLIGHT") and zone_id is not None:
                zones[zone_id].append((stack[-1], {}, []))
        elif prop.name == "END":
            if stack and stack.pop() == "VTIMEZONE":
                zone_id = None
        elif stack == ["VCALENDAR"] and prop.name == "X-WR-TIMEZONE":
            floating = prop.value.strip()
        elif stack == ["VCALENDAR", "VTIMEZONE"] and prop.name == "TZID":
            zone_id = prop.value.strip()
            zones[zone_id] = []
        elif len(stack) == 3 and stack[1] == "VTIMEZONE" and zone_id and zones[zone_id]:
            _, props, listed = zones[zone_id][-1]
            if prop.name == "RDATE":
                listed.append(prop.value)
            props.setdefault(prop.name, prop.value)
    return floating, zones


def _known_zone(name: str) -> str | None:
    try:
        _zone(name)
    except ZoneInfoNotFoundError:
        return None
    return name


def _property(line: str, number: int) -> _Property:
    quoted, colon = False, -1
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            colon = index
            break
    if colon < 1:
        raise _bad(number, "a content line is NAME:VALUE")
    name, *params = line[:colon].split(";")
    parsed = {}
    for param in params:
        key, _, value = param.partition("=")
        parsed[key.upper()] = value.strip('"')
    return _Property(name.upper(), parsed, line[colon + 1:], number)


def _bad(line: int, why: str) -> ValidationFailed:
    return ValidationFailed(f"iCalendar line {line}: {why}", {"ics": f"line {line}"})


def _event_closing(event: _Event, zones: _Zones, room: int, budget: SearchBudget,
                   replaced: list[_Property]) -> tuple[list[Holiday], list[Closure]]:
    """The event's holidays or closures, refused if they would be more than ``room``; its
    rule's search for dates spent from ``budget``."""
    start_prop = event.get("DTSTART")
    if start_prop is None:
        raise ValidationFailed("iCalendar: an event has no DTSTART", {"ics": "no DTSTART"})
    name = _unescape(event["SUMMARY"].value) if "SUMMARY" in event else ""
    start = _moment(start_prop, zones)
    end = _event_end(event, start, zones)
    if end == start and isinstance(start, datetime):
        return [], []  # a moment, such as a reminder: it takes no time, so closes none
    if end == start:
        # RFC 5545 wants the day after; public-holiday files are often written this way,
        # and calendar programs show them as the one day they name.
        end = start + timedelta(days=1)
    if end <= start:
        raise _bad(start_prop.line, "the event ends before it starts")
    rule = event.get("RRULE")
    parts = _rule_parts(rule)
    spelled: list[date | datetime] | None = None
    years: list[int] = []
    if rule is not None and parts.get("FREQ") != "YEARLY":
        spelled = _spelled_out(rule, parts, start, zones, budget)
        yearly, by_weekday = False, None
    else:
        yearly, years, by_weekday = _repeats(rule, parts, start)
    timed = isinstance(start, datetime)
    days = 1 if timed else (end - start).days
    if by_weekday is not None and (timed or days != 1):
        raise _bad(start_prop.line, "a rule on a weekday of the month (BYDAY) repeats a "
                   "one-day, all-day event only")
    if yearly and timed:
        raise _bad(start_prop.line, "a timed event repeating forever cannot be a holiday: "
                   "make it all-day or give the rule a COUNT or UNTIL")
    listed = _listed(event.all("RDATE"), start, zones)
    skipped = _left_out(event, start, zones, yearly, replaced)
    occurring = len(spelled) if spelled is not None else max(len(years), 1)
    check_closings(MAX_CLOSINGS - room + days * (occurring + len(listed)),
                   f"the file's events up to line {start_prop.line}, each day and repeat "
                   "counted,", "ics")
    # Each occurrence by its start: the rule's years (a day that does not exist in a year,
    # 29 February or a fifth Monday, is left out of it), then the dates listed one by one.
    ruled: dict[date | datetime, int | None] = {
        begins: n for n in years if (begins := _occurrence(start, n, by_weekday)) is not None}
    ruled |= dict.fromkeys(spelled or ())
    occurrences = ruled | {begins: None for begins in listed if begins not in ruled}
    for begins in skipped:
        occurrences.pop(begins, None)
    if isinstance(start, datetime):
        assert isinstance(end, datetime)
        length = end - start
        return [], [Closure(begins, _end_of(begins, n, end, length), name)
                    for begins, n in occurrences.items() if isinstance(begins, datetime)
                    and (n is None or _exists(end.year + n, end.month, end.day))]
    found: list[Holiday] = []
    if yearly and by_weekday is not None:
        found.append(Holiday.nth_weekday(start.month, *by_weekday, name))
    elif yearly:
        found += [Holiday(d.month, d.day, None, name) for d in _days(start, days)]
    found += [Holiday(d.month, d.day, d.year, name)
              for begins in occurrences for d in _days(begins, days)]
    return found, []


def _left_out(event: _Event, start: date | datetime, zones: _Zones, yearly: bool,
              replaced: list[_Property]) -> list[date | datetime]:
    """The occurrences the event's EXDATEs leave out, and those other events replace."""
    skipped = _listed(event.all("EXDATE"), start, zones)
    if yearly and skipped:
        raise _bad(event.all("EXDATE")[0].line, "an event repeating for ever cannot leave out "
                   "single years (EXDATE): give its rule a COUNT or UNTIL")
    if yearly and replaced:
        raise _bad(replaced[0].line, "an event repeating for ever cannot have single years "
                   "moved or cancelled (RECURRENCE-ID): give its rule a COUNT or UNTIL")
    return skipped + _listed(replaced, start, zones)


def _days(first: date, count: int) -> Iterator[date]:
    return (first + timedelta(days=k) for k in range(count))


def _occurrence(start: _Moment, years: int, by_weekday: tuple[int, int] | None
                ) -> _Moment | None:
    """Where a yearly rule puts its occurrence ``years`` after the first: the same date, or
    the same weekday of the month; None if that year has no such day."""
    year = start.year + years
    if by_weekday is None:
        return _shifted(start, years) if _exists(year, start.month, start.day) else None
    if year > _LAST_DATE_YEAR or isinstance(start, datetime):
        return None
    return nth_weekday(year, start.month, *by_weekday)


def _end_of(begins: datetime, years: int | None, end: datetime,
            length: timedelta) -> datetime:
    """The end of a timed occurrence: the rule's keep the first's end, shifted by whole years
    (its wall-clock time in its zone); a listed one lasts as long as the first."""
    return _shifted(end, years) if years is not None else begins + length


def _listed(props: list[_Property], start: date | datetime,
            zones: _Zones) -> list[date | datetime]:
    """The occurrences RDATE or EXDATE lines name, each of the same kind as the event's start
    (a date, or a date and time)."""
    found: list[date | datetime] = []
    for prop in props:
        if prop.params.get("VALUE", "").upper() == "PERIOD" or "/" in prop.value:
            raise _bad(prop.line, f"{prop.name} periods are not understood: give each "
                       "occurrence its own event")
        for value in prop.value.split(","):
            moment = _moment(_Property(prop.name, prop.params, value, prop.line), zones)
            if isinstance(moment, datetime) != isinstance(start, datetime):
                raise _bad(prop.line, f"{prop.name} and DTSTART must both be dates or both "
                           "times")
            found.append(moment)
    return found


def _moment(prop: _Property, zones: _Zones) -> date | datetime:
    value = prop.value.strip()
    if prop.params.get("VALUE", "").upper() == "DATE" or _DATE.fullmatch(value):
        match = _DATE.fullmatch(value)
        if match is None or not _exists(*map(int, match.groups())):
            raise _bad(prop.line, f"{value!r} is not a date (YYYYMMDD)")
        return date(*map(int, match.groups()))
    found = _DATE_TIME.fullmatch(value)
    if found is None:
        raise _bad(prop.line, f"{value!r} is not a date-time (YYYYMMDDTHHMMSS)")
    zone_name = "UTC" if found[7] else prop.params.get("TZID", zones.floating)
    try:
        year, month, day, hour, minute, second = (int(part) for part in found.groups()[:6])
        return datetime(year, month, day, hour, minute, second, tzinfo=zones.get(zone_name))
    except (ZoneInfoNotFoundError, ValueError):  # `_zone` found none, or no such time
        raise _bad(prop.line, f"{value!r} in {zone_name!r}: unknown zone or impossible time "
                   "(use IANA zone names such as Europe/Berlin)") from None


# What ZoneInfo raises for a name it has no zone for (ValueError: a path, not a name).
_NO_ZONE = (ZoneInfoNotFoundError, ValueError, OSError)


def _zone(name: str) -> ZoneInfo:
    """The zone a TZID names: an IANA name; a Windows one, as Outlook writes them ("W. Europe
    Standard Time"); or an IANA name behind a calendar program's own prefix
    ("/mozilla.org/20070129_1/Europe/Berlin")."""
    try:
        return ZoneInfo(name)
    except _NO_ZONE:
        pass
    from tzlocal.windows_tz import win_tz  # CLDR's table, read only for such a file

    if name in win_tz:
        return ZoneInfo(win_tz[name])
    parts = [part for part in name.split("/") if part]
    for first in range(1, len(parts)):
        try:
            return ZoneInfo("/".join(parts[first:]))
        except _NO_ZONE:
            continue
    raise ZoneInfoNotFoundError(name)


def _event_end(event: _Event, start: date | datetime,
               zones: _Zones) -> date | datetime:
    if "DTEND" in event:
        end = _moment(event["DTEND"], zones)
        if isinstance(end, datetime) != isinstance(start, datetime):
            raise _bad(event["DTEND"].line, "DTSTART and DTEND must both be dates or both times")
        return end
    if "DURATION" in event:
        match = _DURATION.fullmatch(event["DURATION"].value.strip())
        if match is None:
            raise _bad(event["DURATION"].line, "DURATION is such as P1D or PT4H")
        weeks, days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
        try:
            length = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes,
                               seconds=seconds)
            return start + (length if isinstance(start, datetime)
                            else timedelta(days=length.days))
        except OverflowError:
            raise _bad(event["DURATION"].line, "the event would end after the year "
                       f"{_LAST_DATE_YEAR}") from None
    if isinstance(start, datetime):
        return start  # RFC 5545: a timed event without an end takes no time at all
    if start.year == _LAST_DATE_YEAR and (start.month, start.day) == (12, 31):
        raise _bad(event["DTSTART"].line, f"an all-day event on the last day of "
                   f"{_LAST_DATE_YEAR} has no following day to end on")
    return start + timedelta(days=1)  # an all-day event without an end lasts the day


def _rule_parts(rule: _Property | None) -> dict[str, str]:
    if rule is None:
        return {}
    return dict(part.partition("=")[::2] for part in rule.value.upper().split(";") if part)


def _spelled_out(rule: _Property, parts: dict[str, str], start: date | datetime,
                 zones: _Zones, budget: SearchBudget) -> list[date | datetime]:
    """Where a rule repeating daily, weekly or monthly puts the event: each date the rule
    names, at the event's own time of day (on the wall clock of its zone), up to its COUNT
    or UNTIL. A rule without either, or with more occurrences than a calendar holds, is
    refused: it cannot be spelled out."""
    try:
        recurrence = Rule.from_parts(parts)
    except RuleNotUnderstood as error:
        raise _bad(rule.line, f"{error} ({rule.value!r})") from None
    count, until = _bounds(rule, parts)
    if count is None and until is None:
        raise _bad(rule.line, f"a rule repeating {recurrence.frequency.lower()} for ever "
                   "cannot be spelled out: give it a COUNT or an UNTIL (a closing that comes "
                   "back every week for good belongs in the calendar's opening hours)")
    first = start.date() if isinstance(start, datetime) else start
    found: list[date | datetime] = []
    try:
        for day in recurrence.dates(first, budget):
            begins = (datetime.combine(day, start.timetz()) if isinstance(start, datetime)
                      else day)
            if until is not None and not _on_or_before(begins, 0, until):
                return found
            found.append(begins)
            if len(found) == count:
                return found
            if len(found) > MAX_CLOSINGS:
                raise _bad(rule.line, f"the rule makes more than {MAX_CLOSINGS} occurrences, "
                           f"more than a calendar holds ({rule.value!r})")
    except RuleNotUnderstood as error:
        raise _bad(rule.line, str(error)) from None
    raise _bad(rule.line, f"the rule goes on for more than {SEARCH_YEARS} years after the "
               "event's start, or names days that never come (such as the 30th of "
               f"February): {rule.value!r}")


def _bounds(rule: _Property, parts: dict[str, str]
            ) -> tuple[int | None, date | datetime | None]:
    """A rule's COUNT and UNTIL, if it has them."""
    try:
        count = int(parts["COUNT"]) if "COUNT" in parts else None
    except ValueError:
        raise _bad(rule.line, "INTERVAL and COUNT are whole numbers") from None
    if count is not None and count < 1:
        raise _bad(rule.line, "INTERVAL and COUNT are at least 1")
    until = _moment(_Property("UNTIL", {}, parts["UNTIL"], rule.line), _IN_UTC) \
        if "UNTIL" in parts else None
    return count, until


def _repeats(rule: _Property | None, parts: dict[str, str], start: date | datetime
             ) -> tuple[bool, list[int], tuple[int, int] | None]:
    """Whether the event recurs every year for ever, else the years after the first it is on;
    and the weekday of the month (weekday, nth) it recurs on, if the rule names one."""
    if rule is None:
        return False, [0], None
    unknown = sorted(set(parts) - _RULE_KEYS)
    if unknown:
        raise _bad(rule.line, "yearly repeats on the event's own date or weekday of the "
                   f"month are understood, not {rule.value!r}")
    by_weekday = _by_weekday(rule, parts, start)
    if by_weekday is None and (parts.get("BYMONTH", str(start.month)) != str(start.month)
                               or parts.get("BYMONTHDAY", str(start.day)) != str(start.day)):
        raise _bad(rule.line, "a yearly rule must repeat on the event's own date")
    try:
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        raise _bad(rule.line, "INTERVAL and COUNT are whole numbers") from None
    count, until = _bounds(rule, parts)
    if interval < 1:
        raise _bad(rule.line, "INTERVAL and COUNT are at least 1")
    if count is None and until is None:
        if interval != 1:
            raise _bad(rule.line, "a rule repeating every few years for ever needs COUNT or UNTIL")
        return True, [], by_weekday
    # A range, never a list, until cut to size: COUNT may be any number. No date has a
    # year after 9999, so the years stop there whatever the rule says.
    last_year = until.year if until is not None else _LAST_DATE_YEAR
    years = range(0, last_year - start.year + 1, min(interval, _LAST_DATE_YEAR))
    if count is not None:
        years = years[:count]
    if until is not None:
        kept = [n for n in years if _on_or_before(start, n, until, by_weekday)]
        return False, kept[:MAX_OCCURRENCES], by_weekday
    return False, list(years[:MAX_OCCURRENCES]), by_weekday


def _by_weekday(rule: _Property, parts: dict[str, str],
                start: date | datetime) -> tuple[int, int] | None:
    """The weekday of the month (weekday, nth) a BYDAY rule names, checked against the
    event's own date: BYMONTH=11;BYDAY=4TH is Thanksgiving (Outlook writes
    BYMONTH=11;BYDAY=TH;BYSETPOS=4), BYMONTH=5;BYDAY=-1MO the last Monday of May."""
    if "BYDAY" not in parts and "BYSETPOS" not in parts:
        return None
    by_day = parts.get("BYDAY", "")
    if "BYSETPOS" in parts and by_day.isalpha():
        by_day = parts["BYSETPOS"].removeprefix("+") + by_day
    found = _BY_DAY.fullmatch(by_day)
    if found is None or "BYMONTHDAY" in parts \
            or parts.get("BYMONTH", "").lstrip("0") != str(start.month):
        raise _bad(rule.line, "a yearly rule on a weekday names the event's month and one "
                   "weekday with its place in it, such as BYMONTH=11;BYDAY=4TH or "
                   "BYMONTH=5;BYDAY=-1MO")
    nth, weekday = int(found[1]), ("MO", "TU", "WE", "TH", "FR", "SA", "SU").index(found[2])
    day = start.date() if isinstance(start, datetime) else start
    if nth_weekday(day.year, day.month, weekday, nth) != day:
        raise _bad(rule.line, "the event's own date is not the day its rule names")
    return weekday, nth


def _on_or_before(start: date | datetime, years_later: int, until: date | datetime,
                  by_weekday: tuple[int, int] | None = None) -> bool:
    if by_weekday is not None:
        occurrence = _occurrence(start, years_later, by_weekday)
        limit = until.date() if isinstance(until, datetime) else until
        return occurrence is not None and occurrence <= limit
    if isinstance(start, datetime) and isinstance(until, datetime):
        return _shifted(start, years_later) <= until
    day = start.date() if isinstance(start, datetime) else start
    limit = until.date() if isinstance(until, datetime) else until
    return _exists(day.year + years_later, day.month, day.day) and date(
        day.year + years_later, day.month, day.day) <= limit


_Moment = TypeVar("_Moment", date, datetime)


def _shifted(moment: _Moment, years: int) -> _Moment:
    return moment.replace(year=moment.year + years)


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], text).strip()
