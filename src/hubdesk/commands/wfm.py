"""`hubdesk wfm`: forecast contacts, staff the forecast, and evaluate one Erlang queue."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import re
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from hubdesk.commands.wfm_options import DateOrder, Queue
from hubdesk.commands.wfm_schedule import instance, schedule, team
from hubdesk.commands.wfm_simulate import staff_sim
from hubdesk.commands.wfm_stored import app as schedules_app
from hubdesk.domain.errors import DomainError, ValidationFailed

app = typer.Typer(help="Workforce management: forecasts, Erlang staffing and schedules.",
                  no_args_is_help=True)
app.command()(schedule)
app.command()(instance)
app.command()(team)
app.command("staff-sim")(staff_sim)
app.add_typer(schedules_app, name="schedules")


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(f"unknown time zone {name!r}: use an IANA name such as "
                               "Europe/Paris", {"tz": "unknown"}) from None


def _read(path: Path) -> str:
    from hubdesk.workforce.arrival_export import decode_export

    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValidationFailed(f"cannot read {path}: {error.strerror}", {"csv": "unreadable"}) \
            from None
    return decode_export(data, str(path))


def parse_horizon(text: str) -> int:
    """``14d``, ``2w`` or a plain number of days."""
    match = re.fullmatch(r"\s*(\d+)\s*([dw]?)\s*", text.lower())
    if not match:
        raise ValidationFailed(f"the horizon {text!r} is not like 14d or 2w",
                               {"horizon": "format"})
    return int(match.group(1)) * (7 if match.group(2) == "w" else 1)


def _day(text: str, zone: ZoneInfo) -> date:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{text!r} is not an ISO date", {"date": "format"}) from None
    return moment.astimezone(zone).date() if moment.tzinfo else moment.date()


def _moment(text: str, zone: ZoneInfo) -> datetime:
    """A start as an aware local moment; a date alone is its local midnight."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{text!r} is not an ISO date or time", {"start": "format"}) \
            from None
    return moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)


def _print_csv(points: list[Any]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["timestamp", "forecast"])
    for point in points:
        writer.writerow([point.local_start.replace(tzinfo=None).isoformat(),
                         f"{point.contacts:.4f}"])
    typer.echo(buffer.getvalue(), nl=False)


def _overrides(factors: list[str], replacements: list[str], zone: ZoneInfo) -> list[Any]:
    from hubdesk.workforce.forecast import Override

    found = []
    for raw, is_factor in [(f, True) for f in factors] + [(r, False) for r in replacements]:
        day_text, _, value_text = raw.partition("=")
        try:
            value = float(value_text)
        except ValueError:
            raise ValidationFailed(f"{raw!r} is not DATE=NUMBER", {"override": raw}) from None
        day = _day(day_text, zone)
        found.append(Override(day, factor=value) if is_factor else Override(day, contacts=value))
    return found


def _print(payload: dict[str, Any]) -> None:
    typer.echo(json.dumps(payload, default=_jsonable, allow_nan=False, separators=(",", ":")))


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _finite(value: float) -> float | None:
    return round(value, 6) if math.isfinite(value) else None


@app.command()
def forecast(
    csv_file: Annotated[Path | None, typer.Option(
        "--csv", help="interval_start,contacts rows (ISO times), or a log of one row per "
                      "contact (started_at or created_at, no count); prints JSON")] = None,
    history_file: Annotated[Path | None, typer.Option(
        "--history", help="the same rows (timestamp,count); prints CSV timestamp,forecast "
                          "unless --format says otherwise")] = None,
    interval: Annotated[int | None, typer.Option(
        "--interval", "--interval-minutes",
        help="interval length: 15, 30 or 60 minutes, or 1440 for daily totals (default: "
             "from the rows; a contact log's, 30)")] = None,
    horizon: Annotated[str, typer.Option(help="how far ahead: 14d, 2w")] = "14d",
    days: Annotated[int | None, typer.Option(help="horizon in days (instead of --horizon)")]
    = None,
    start: Annotated[str | None, typer.Option(
        help="first local day to forecast; only history before it is used")] = None,
    tz: Annotated[str, typer.Option(
        help="IANA zone of the desk: seasonality follows its clock; times without an "
             "offset are read in it")] = "UTC",
    coverage: Annotated[float, typer.Option(help="prediction interval coverage")] = 0.8,
    factor: Annotated[list[str] | None, typer.Option(
        help="DATE=FACTOR: multiply that day (holiday 0.2, promotion 1.5); repeatable")] = None,
    replace: Annotated[list[str] | None, typer.Option(
        help="DATE=CONTACTS: that day's total instead; repeatable")] = None,
    exclude: Annotated[list[str] | None, typer.Option(
        help="DATE: a past holiday or outage to leave out of the history; repeatable")] = None,
    level_from: Annotated[str | None, typer.Option(
        help="DATE: the first day of a lasting change of volume (a launch, a client gained "
             "or lost): forecast from the level since, however few days it has run")] = None,
    date_order: DateOrder = None,
    queue: Queue = None,
    output: Annotated[str | None, typer.Option(
        "--format", help="json, or csv (timestamp,forecast in local time); default json with "
                         "--csv, csv with --history")] = None,
) -> None:
    """Forecast contacts per interval: JSON with the backtest behind the choice, or CSV."""
    from hubdesk.workforce.arrival_export import read_export
    from hubdesk.workforce.forecast import forecast as make_forecast
    from hubdesk.workforce.quiet_days import quiet_days_note
    from hubdesk.workforce.series import forecast_history

    source = csv_file or history_file
    if source is None or (csv_file is not None and history_file is not None):
        _fail("give the history once: --csv FILE (JSON out) or --history FILE (CSV out)")
        return
    output = output or ("csv" if history_file is not None else "json")
    try:
        zone = _zone(tz)
        export = read_export(_read(source), zone, interval, date_order=date_order, queue=queue)
        history, read_as = forecast_history(export.rows, interval, zone)
        read_notes = [*export.notes, *read_as]
        span = days if days is not None else parse_horizon(horizon)
        begin = _moment(start, zone) if start else None
        # A start within a day forecasts from that local midnight, then keeps `span` days
        # from the start itself.
        extra = 1 if begin is not None and begin.time() != time(0) else 0
        excluded = [_day(d, zone) for d in exclude or []]
        result = make_forecast(
            history, span + extra, first_day=begin.date() if begin else None,
            overrides=_overrides(factor or [], replace or [], zone),
            exclude_days=excluded, coverage=coverage,
            level_from=_day(level_from, zone) if level_from else None)
        learnt = history.without_days(excluded).before(result.first_day)
    except DomainError as error:
        _fail(str(error))
        return
    quiet = quiet_days_note(learnt) if learnt.counts else None
    result = dataclasses.replace(result, notes=[*read_notes, *result.notes,
                                                *([quiet] if quiet else [])])
    if begin is not None:
        end = begin + timedelta(days=span)
        result = dataclasses.replace(result, points=[p for p in result.points
                                                     if begin <= p.local_start < end])
    if output == "csv":
        _print_csv(result.points)
        return
    _print({
        "interval_minutes": result.interval_minutes, "first_day": result.first_day,
        "horizon_days": result.horizon_days, "coverage": result.coverage,
        "method_by_horizon": result.method_by_horizon,
        "backtest": [{**asdict(s), "wape": _finite(s.wape), "bias": _finite(s.bias),
                      "rmse": _finite(s.rmse)}
                     for s in result.scores],
        "notes": result.notes,
        "intervals": [{"interval_start": p.start, "local_start": p.local_start,
                       "contacts": round(p.contacts, 4), "lower": round(p.lower, 4),
                       "upper": round(p.upper, 4), "method": p.method}
                      for p in result.points],
    })


@app.command()
def staff(
    csv_file: Annotated[Path, typer.Option("--csv", help="forecast: interval_start,contacts")],
    aht: Annotated[float, typer.Option(help="average handle time, seconds")],
    target: Annotated[float | None, typer.Option(help="service level, e.g. 0.8")] = None,
    within: Annotated[float, typer.Option(help="answer time of the service level, s")] = 20.0,
    asa: Annotated[float | None, typer.Option(help="max average speed of answer, s")] = None,
    shrinkage: Annotated[float, typer.Option(help="share of rostered time off the phones")]
    = 0.0,
    max_occupancy: Annotated[float, typer.Option(help="cap on agents' busy share")] = 1.0,
    patience: Annotated[float | None, typer.Option(
        help="customers' mean patience, s: staffs with Erlang A")] = None,
    max_abandon: Annotated[float | None, typer.Option(
        help="cap on the share who give up (needs --patience)")] = None,
    interval: Annotated[int | None, typer.Option(
        help="interval minutes (default: from the rows)")] = None,
    tz: Annotated[str, typer.Option(help="zone for times without an offset")] = "UTC",
    date_order: DateOrder = None,
    queue: Queue = None,
    output: Annotated[str, typer.Option("--format", help="json, or csv (interval_start,"
                                                         "contacts,agents,staff,"
                                                         "staff_rounded)")] = "json",
) -> None:
    """Agents and staff per interval for a service-level or speed-of-answer target."""
    from hubdesk.workforce.arrival_export import read_export
    from hubdesk.workforce.intervals import resolve_interval
    from hubdesk.workforce.staffing import staff_intervals
    from hubdesk.workforce.targets import Target

    try:
        zone = _zone(tz)
        export = read_export(_read(csv_file), zone, date_order=date_order, queue=queue)
        rows = export.rows
        goal = Target(service_level=target, answer_within_s=within, max_asa_s=asa,
                      max_occupancy=max_occupancy, max_abandon=max_abandon)
        plan = staff_intervals(rows, resolve_interval(rows, interval, zone) * 60.0, aht,
                               goal, shrinkage, patience)
    except DomainError as error:
        _fail(str(error))
        return
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["interval_start", "contacts", "agents", "staff", "staff_rounded"])
        for item in plan.intervals:
            need = item.requirement
            writer.writerow([item.start.isoformat(), f"{item.arrivals:g}", need.agents,
                             f"{need.staff:.4f}", need.staff_rounded])
        typer.echo(buffer.getvalue(), nl=False)
        return
    _print({
        "model": plan.model, "peak_staff": plan.peak_staff,
        "staff_hours": round(plan.staff_hours, 3), "notes": export.notes,
        "intervals": [{"interval_start": i.start, "contacts": i.arrivals,
                       **{k: _finite(v) if isinstance(v, float) else v
                          for k, v in asdict(i.requirement).items()}}
                      for i in plan.intervals],
    })


@app.command()
def erlang(
    arrivals: Annotated[float, typer.Option(help="contacts arriving in the interval")],
    aht_s: Annotated[float, typer.Option(help="average handle time, seconds")],
    agents: Annotated[int, typer.Option(help="agents answering")],
    interval_s: Annotated[float, typer.Option(help="interval length, seconds")] = 1800.0,
    target_s: Annotated[float, typer.Option(help="answer time of the service level")] = 20.0,
    patience_s: Annotated[float | None, typer.Option(
        help="customers' mean patience, s: Erlang A")] = None,
) -> None:
    """Queue measures for one interval: Erlang C, or Erlang A with a patience."""
    from hubdesk.workforce.erlang_a import erlang_a
    from hubdesk.workforce.erlang_c import erlang_c
    from hubdesk.workforce.load import Load

    try:
        load = Load(arrivals=arrivals, interval_s=interval_s, aht_s=aht_s)
        if patience_s is None:
            c = erlang_c(load, agents, target_s)
            payload = {"p_wait": c.p_wait, "service_level": c.service_level,
                       "asa_s": _finite(c.asa_s), "occupancy": c.occupancy}
        else:
            a = erlang_a(load, agents, patience_s, target_s)
            payload = {"p_wait": a.p_wait, "service_level": a.service_level, "asa_s": a.asa_s,
                       "occupancy": a.occupancy, "p_abandon": a.p_abandon}
    except DomainError as error:
        _fail(str(error))
        return
    _print(payload)


