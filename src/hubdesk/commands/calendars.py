"""`hubdesk calendar due|elapsed`: try a business calendar kept in a file, without a desk or
a database: when a target started at a moment falls due, and how much business time lies
between two moments (`domain/calendar_trial.py`). The file holds the plain calendar form
(`timezone`, `hours` or `always_open`, `holidays`), or a calendar as the API answers it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from hubdesk.domain.calendar_trial import deadline, elapsed, read_moment, target_of
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import DomainError, ValidationFailed
from hubdesk.services.sla_admin import calendar_from_input

app = typer.Typer(help="Business calendars: try one kept in a file.", no_args_is_help=True)

# What the API adds around a calendar's plain form when it answers with one.
_API_ONLY = ("id", "name")

CalendarFile = Annotated[Path, typer.Option(
    "--calendar", help="a JSON file: the plain calendar form (timezone, hours or always_open, "
                       "holidays), or a calendar as GET /api/v1/sla/calendars/{id} answers")]
IcalFile = Annotated[Path | None, typer.Option(
    "--ical", help="an iCalendar file whose all-day events are holidays and timed events "
                   "closures, added to the calendar's")]


def read_calendar_form(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; refusals name the file and say what is wrong."""
    try:
        form = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValidationFailed(f"cannot read {path}: {error.strerror}",
                               {"calendar": "unreadable"}) from None
    except UnicodeDecodeError:
        raise ValidationFailed(f"{path} is not UTF-8 text", {"calendar": "not text"}) from None
    except json.JSONDecodeError as error:
        raise ValidationFailed(f"{path} is not JSON: {error.msg} at line {error.lineno}",
                               {"calendar": "not JSON"}) from None
    if not isinstance(form, dict):
        raise ValidationFailed("a calendar file holds one JSON object", {"calendar": "shape"})
    return form


def _calendar(path: Path, ical: Path | None) -> BusinessCalendar:
    """The file's calendar, checked as the API checks one (`calendar_from_input`)."""
    form = {key: value for key, value in read_calendar_form(path).items()
            if key not in _API_ONLY}
    text = None
    if ical is not None:
        try:
            text = ical.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise ValidationFailed(f"cannot read {ical} as UTF-8 text",
                                   {"ical": "unreadable"}) from None
    return calendar_from_input("tried", form, text).calendar


def _shown(moment: datetime, calendar: BusinessCalendar) -> dict[str, str]:
    return {"utc": moment.astimezone(UTC).isoformat(),
            "local": moment.astimezone(calendar.zone).isoformat()}


def _run(work: Any) -> None:
    try:
        shown = work()
    except DomainError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(shown))


@app.command("due")
def due(
    calendar: CalendarFile,
    start: Annotated[str, typer.Option(help="when the target starts: a ticket's arrival")],
    minutes: Annotated[float, typer.Option(help="the target, in business minutes")],
    ical: IcalFile = None,
) -> None:
    """When a target of so many business minutes, started at a moment, falls due."""
    def work() -> dict[str, Any]:
        business = _calendar(calendar, ical)
        found = deadline(business, read_moment(start, "--start"),
                         target_of(minutes, "--minutes"))
        return {"timezone": business.timezone, "start": _shown(found.start, business),
                "minutes": minutes, "counting_from": _shown(found.counting_from, business),
                "due_at": _shown(found.due_at, business)}
    _run(work)


@app.command("elapsed")
def business_elapsed(
    calendar: CalendarFile,
    start: Annotated[str, typer.Option(help="the first moment")],
    end: Annotated[str, typer.Option(help="the second moment, not before the first")],
    ical: IcalFile = None,
) -> None:
    """How much business time lies between two moments."""
    def work() -> dict[str, Any]:
        business = _calendar(calendar, ical)
        found = elapsed(business, read_moment(start, "--start"), read_moment(end, "--end"))
        return {"timezone": business.timezone, "start": _shown(found.start, business),
                "end": _shown(found.end, business),
                "business_seconds": found.business.total_seconds(),
                "business_minutes": found.business.total_seconds() / 60,
                "open_at_start": found.open_at_start, "open_at_end": found.open_at_end}
    _run(work)
