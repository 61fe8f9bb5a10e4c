"""Business calendars and SLA policies as form fields, and back to the plain form the API
takes (`BusinessCalendar.from_dict`, `SlaPolicy.from_dict`).

Opening hours are typed one weekday per line of text, "08:00-12:00, 13:00-17:00"; holidays one
per line, "2026-12-24 Christmas Eve" (a date), "12-25 Christmas Day" (every year), "4th thu
of 11 Thanksgiving" or "last mon of 05 Spring bank holiday" (every year, on that weekday of
the month) or "2026-12-31T12:00+01:00 to 2027-01-01T09:00+01:00 Year end" (a closure). The
forms decode text only: whether an interval, a time zone or a date is right is for the domain
to say, under the field it names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.holidays import WEEKDAYS
from hubdesk.domain.sla import NamedCalendar, SlaPolicy
from hubdesk.domain.sla.policies import SlaTarget
from hubdesk.domain.tickets import Priority

# A policy may carry a calendar of its own (set through the API); the form keeps it as it is.
OWN_CALENDAR = "own"
YEARLY = re.compile(r"\d{2}-\d{2}")
CONDITION_LISTS = ("priority", "channel", "customer_tier", "team_id")
_PLACES = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "last": -1, "2nd-last": -2,
           "3rd-last": -3, "4th-last": -4, "5th-last": -5}


# --- calendars -----------------------------------------------------------------------------

def _intervals(text: str) -> list[list[str]]:
    pieces = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    return [[part.strip() for part in piece.split("-", 1)] for piece in pieces]


def _holiday(line: str) -> Any:
    words = line.split()
    if len(words) >= 3 and words[1] == "to":
        closure = {"start": words[0], "end": words[2]}
        return closure | ({"name": " ".join(words[3:])} if words[3:] else {})
    if len(words) >= 4 and words[0].lower() in _PLACES and words[2].lower() == "of":
        month: Any = int(words[3]) if words[3].isdecimal() and len(words[3]) <= 2 else words[3]
        rule = {"month": month, "weekday": words[1].lower(), "nth": _PLACES[words[0].lower()]}
        return rule | ({"name": " ".join(words[4:])} if words[4:] else {})
    holiday: dict[str, Any] = {"date": words[0]}
    if YEARLY.fullmatch(words[0]):
        holiday["yearly"] = True
    return holiday | ({"name": " ".join(words[1:])} if words[1:] else {})


def calendar_plain_form(form: FormData) -> dict[str, Any]:
    """The calendar the form describes, in the API's plain form."""
    plain: dict[str, Any] = {"timezone": str(form.get("timezone") or "").strip()}
    hours = {day: _intervals(str(form.get(f"hours.{day}") or "")) for day in WEEKDAYS}
    if form.get("always_open"):
        plain["always_open"] = True
        if any(hours.values()):
            plain["hours"] = hours  # refused by the domain: "conflicts with hours"
    else:
        plain["hours"] = hours
    lines = str(form.get("holidays") or "").splitlines()
    plain["holidays"] = [_holiday(line) for line in lines if line.strip()]
    return plain


def _holiday_line(entry: Any) -> str:
    if isinstance(entry, str):
        return entry
    if "weekday" in entry:
        place = next(word for word, nth in _PLACES.items() if nth == entry["nth"])
        text = f"{place} {entry['weekday']} of {entry['month']:02d}"
    elif "start" in entry:
        text = f"{entry['start']} to {entry['end']}"
    else:
        text = str(entry["date"])
    return f"{text} {entry['name']}" if entry.get("name") else text


def calendar_fields(named: NamedCalendar | None) -> dict[str, str]:
    """A stored calendar as the form's fields; a new one starts on office hours."""
    if named is None:
        office = {f"hours.{day}": "09:00-17:00" for day in WEEKDAYS[:5]}
        return {"name": "", "timezone": "UTC", **office}
    plain = named.calendar.to_dict()
    fields = {"name": named.name, "timezone": plain["timezone"],
              "holidays": "\n".join(_holiday_line(h) for h in plain["holidays"])}
    if plain.get("always_open"):
        fields["always_open"] = "yes"
    for day, intervals in (plain.get("hours") or {}).items():
        fields[f"hours.{day}"] = ", ".join(f"{start}-{end}" for start, end in intervals)
    return fields


CALENDAR_FIELDS = ["name", "timezone", "always_open", *(f"hours.{d}" for d in WEEKDAYS),
                   "hours", "holidays", "ical", "calendar"]


# --- policies ------------------------------------------------------------------------------

def _whole_or_text(text: str) -> object:
    """A number where one was typed; anything else as typed, for the domain to refuse."""
    return int(text) if re.fullmatch(r"-?\d{1,9}", text) else text


def policy_plain_form(form: FormData) -> dict[str, Any]:
    """The policy the form describes, in the API's plain form."""
    conditions: dict[str, list[Any]] = {}
    for key in CONDITION_LISTS:
        chosen = [str(v) for v in form.getlist(f"conditions.{key}")]
        if chosen:
            conditions[key] = ([_whole_or_text(v) for v in chosen] if key == "team_id"
                               else chosen)
    categories = str(form.get("conditions.category") or "").replace(",", " ").split()
    if categories:
        conditions["category"] = categories
    targets: dict[str, dict[str, object]] = {}
    for priority in Priority:
        for target in SlaTarget:
            text = str(form.get(f"targets.{priority.value}.{target.value}") or "").strip()
            if text:
                targets.setdefault(priority.value, {})[target.value] = _whole_or_text(text)
    plain: dict[str, Any] = {
        "name": str(form.get("name") or ""),
        "position": _whole_or_text(str(form.get("position") or "0").strip()),
        "active": bool(form.get("active")), "conditions": conditions, "targets": targets,
        "pause_statuses": [str(s) for s in form.getlist("pause_statuses")],
        "ladder": _steps(str(form.get("ladder") or "")), "ladders": _own_ladders(form)}
    calendar = str(form.get("calendar_id") or "")
    if calendar == OWN_CALENDAR:
        plain["calendar"] = _json_or_text(str(form.get("calendar") or ""))
    elif calendar:
        plain["calendar_id"] = _whole_or_text(calendar)
    return plain


def _json_or_text(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _steps(text: str) -> list[dict[str, Any]]:
    return [_step(line) for line in text.splitlines() if line.strip()]


def _own_ladders(form: FormData) -> dict[str, list[dict[str, Any]]]:
    """The targets ticked as having a ladder of their own, or given steps of their own."""
    ladders = {}
    for target in SlaTarget:
        text = str(form.get(f"ladders.{target.value}") or "")
        if form.get(f"ladders.{target.value}.own") or text.strip():
            ladders[target.value] = _steps(text)
    return ladders


def _lines(steps: list[dict[str, Any]]) -> str:
    return "\n".join(f"{s['at_percent']}: {', '.join(s['actions'])}" for s in steps)


def _step(line: str) -> dict[str, Any]:
    """"75: notify_assignee, raise_priority" → one step of the ladder."""
    percent, _, actions = line.partition(":")
    return {"at_percent": _whole_or_text(percent.strip().rstrip("%").strip()),
            "actions": [a.strip() for a in actions.replace(" ", ",").split(",") if a.strip()]}


def policy_fields(policy: SlaPolicy | None) -> dict[str, Any]:
    """A stored policy as the form's fields (lists for the check boxes)."""
    plain = policy.to_dict() if policy else SlaPolicy.from_dict(
        {"name": "new", "targets": {"normal": {"first_response": 240}}}).to_dict()
    fields: dict[str, Any] = {
        "name": plain["name"] if policy else "", "position": str(plain["position"]),
        "active": "yes" if plain["active"] else "",
        "conditions.category": ", ".join(plain["conditions"].get("category", [])),
        "calendar_id": (OWN_CALENDAR if "calendar" in plain
                        else str(plain.get("calendar_id") or "")),
        "calendar": json.dumps(plain["calendar"]) if "calendar" in plain else "",
        "ladder": _lines(plain["ladder"])}
    for target, steps in plain["ladders"].items():
        fields[f"ladders.{target}.own"] = "yes"
        fields[f"ladders.{target}"] = _lines(steps)
    for key in CONDITION_LISTS:
        fields[f"conditions.{key}"] = [str(v) for v in plain["conditions"].get(key, [])]
    fields["pause_statuses"] = list(plain["pause_statuses"])
    for priority, goals in plain["targets"].items():
        for target, minutes in goals.items():
            fields[f"targets.{priority}.{target}"] = str(minutes)
    return fields


def policy_form_fields(form: FormData) -> dict[str, Any]:
    """What was typed, as `policy_fields` gives it, to show it again beside its errors."""
    fields: dict[str, Any] = {key: str(value) for key, value in form.items()}
    for key in (*(f"conditions.{k}" for k in CONDITION_LISTS), "pause_statuses"):
        fields[key] = [str(v) for v in form.getlist(key)]
    return fields


POLICY_FIELDS = ["name", "position", "active", "conditions", "targets", "calendar_id",
                 "calendar", "pause_statuses", "ladder", "ladders",
                 *(f"ladders.{t.value}" for t in SlaTarget),
                 *(f"conditions.{k}" for k in (*CONDITION_LISTS, "category"))]


def calendar_key(plain: Mapping[str, Any] | None) -> str:
    """One text per calendar, so a rule's calendar is recognised among the stored ones."""
    if not plain:
        return ""
    return json.dumps(BusinessCalendar.from_dict(plain).to_dict(), sort_keys=True,
                      ensure_ascii=False)


def calendar_choices(calendars: list[NamedCalendar], chosen: str) -> list[tuple[str, str]]:
    """A calendar to count business time on (a rule's time trigger, a department's OLA):
    around the clock, each stored calendar (copied, so later edits of it change nothing
    already saved), and the one already chosen (kept as it is) when it is none of those."""
    choices = [("", "Around the clock")]
    choices += [(calendar_key(named.calendar.to_dict()), f"Business hours of {named.name}")
                for named in calendars]
    if chosen and chosen not in {value for value, _ in choices}:
        choices.append((chosen, "Its own business hours, as saved"))
    return choices
