"""`hubdesk wfm schedule`, `instance` and `team`: cover a demand curve with shifts or tours, and
schedule a named team.

Bad input (an unreadable file, invalid JSON, a wrong field, a demand that cannot be covered)
ends with one line on stderr naming the field or interval, and exit code 2.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from hubdesk.commands.wfm_options import DateOrder, Queue
from hubdesk.domain.errors import DomainError, ValidationFailed

BAD_INPUT = 2


def _fail(message: str) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(BAD_INPUT)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ValidationFailed(f"cannot read {path}: {error.strerror}",
                               {"instance": "unreadable"}) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationFailed(f"{path} is not JSON: {error.msg} at line {error.lineno}, "
                               f"column {error.colno}", {"instance": "not JSON"}) from None


def schedule_result(payload: Any, *, mode: str | None = None, time_limit_s: float = 60.0,
                    gap: float = 0.0) -> dict[str, Any]:
    """The answer ``hubdesk wfm schedule`` prints for an instance's JSON object; ``seconds``
    is the wall time of the whole solve (patterns, LP bound, rounding, branch and bound)."""
    from hubdesk.workforce.shift_instance import parse_instance
    from hubdesk.workforce.shift_schedule import solve_schedule

    if mode is not None and isinstance(payload, dict):
        payload = {**payload, "mode": mode}
    instance = parse_instance(payload)
    began = time.perf_counter()
    result = solve_schedule(instance, time_limit_s=time_limit_s, gap=gap)
    seconds = time.perf_counter() - began
    return {"agents": result.agents, "lower_bound": round(result.lower_bound, 4),
            "optimal": result.optimal, "seconds": round(seconds, 3),
            "shifts": [{"start": s.start, "break_offset": s.break_offset, "count": s.count}
                       for s in result.shifts]}


def schedule(
    instance: Annotated[Path, typer.Option(help="instance JSON: interval_minutes, days, demand, "
                                                "shift, mode, tour_work_days, cyclic")],
    mode: Annotated[str | None, typer.Option(
        help="shifts or tours, instead of the instance's own mode")] = None,
    time_limit: Annotated[float, typer.Option(help="seconds the branch and bound may take")]
    = 60.0,
    gap: Annotated[float, typer.Option(
        help="stop once within this share of the best bound (0: prove the optimum)")] = 0.0,
) -> None:
    """Fewest shifts or tours covering the demand of every interval; prints JSON."""
    try:
        answer = schedule_result(_read_json(instance), mode=mode, time_limit_s=time_limit,
                                 gap=gap)
    except DomainError as error:
        _fail(str(error))
    typer.echo(json.dumps(answer, separators=(",", ":")))


def instance(
    csv_file: Annotated[Path, typer.Option("--csv", help="timestamp,count rows (contacts or "
                                                         "their forecast)")],
    start: Annotated[str, typer.Option(help="first local day, e.g. 1999-11-07")],
    aht: Annotated[float, typer.Option(help="average handle time, seconds")],
    days: Annotated[int, typer.Option(help="days in the horizon")] = 7,
    interval: Annotated[int | None, typer.Option(
        help="interval minutes (default: from the rows)")] = None,
    target: Annotated[float, typer.Option(help="service level, e.g. 0.8")] = 0.8,
    within: Annotated[float, typer.Option(help="answer time of the service level, s")] = 20.0,
    shrinkage: Annotated[float, typer.Option(help="share of rostered time off the phones "
                                                  "besides the shift's break")] = 0.0,
    length: Annotated[int, typer.Option(help="shift length in intervals")] = 16,
    breaks: Annotated[str, typer.Option(help="allowed break offsets in the shift")] = "7,8,9",
    mode: Annotated[str, typer.Option(help="shifts or tours")] = "shifts",
    tour_work_days: Annotated[int, typer.Option(help="consecutive working days of a tour")] = 5,
    cyclic: Annotated[bool, typer.Option(help="the week repeats: shifts may wrap round")] = True,
    description: Annotated[str, typer.Option(help="where the demand comes from")] = "",
    tz: Annotated[str, typer.Option(help="zone of times without an offset")] = "UTC",
    date_order: DateOrder = None,
    queue: Queue = None,
) -> None:
    """A schedule instance from contacts per interval, each staffed with Erlang C; prints JSON."""
    from hubdesk.workforce.arrival_export import decode_export, read_export
    from hubdesk.workforce.intervals import resolve_interval
    from hubdesk.workforce.shift_demand import instance_payload
    from hubdesk.workforce.targets import Target

    try:
        try:
            zone = ZoneInfo(tz)
            data = csv_file.read_bytes()
            first = datetime.fromisoformat(start).replace(tzinfo=zone)
            offsets = [int(part) for part in breaks.split(",") if part.strip()]
        except OSError as error:
            raise ValidationFailed(f"cannot read {csv_file}: {error.strerror}",
                                   {"csv": "unreadable"}) from None
        except ZoneInfoNotFoundError:
            raise ValidationFailed(f"unknown time zone {tz!r}", {"tz": "unknown"}) from None
        except ValueError as error:
            raise ValidationFailed(f"--start or --breaks: {error}", {"start": "format"}) \
                from None
        export = read_export(decode_export(data, str(csv_file)), zone, interval,
                             date_order=date_order, queue=queue)
        rows = export.rows
        for note in export.notes:
            typer.echo(f"note: {note}", err=True)
        payload = instance_payload(
            rows, first, days=days, interval_minutes=resolve_interval(rows, interval, zone),
            aht_s=aht,
            target=Target(service_level=target, answer_within_s=within), shrinkage=shrinkage,
            length_intervals=length, break_offsets=offsets, mode=mode,
            tour_work_days=tour_work_days, cyclic=cyclic, description=description)
    except DomainError as error:
        _fail(str(error))
    typer.echo(json.dumps(payload, indent=None, separators=(", ", ": ")))


def team_result(payload: Any, *, time_limit_s: float, gap: float) -> dict[str, Any]:
    """What ``hubdesk wfm team`` prints for a team's JSON object."""
    from hubdesk.workforce.team_json import team_from_json
    from hubdesk.workforce.team_schedule import solve_team

    team = team_from_json(payload)
    began = time.perf_counter()
    result = solve_team(team, time_limit_s=time_limit_s, gap=gap)
    seconds = time.perf_counter() - began
    shifts: dict[str, list[dict[str, Any]]] = {agent.name: [] for agent in team.agents}
    for item in sorted(result.assignments, key=lambda a: (a.agent, a.day)):
        template = team.template_by_name[item.template]
        shifts[item.agent].append({"day": item.day, "template": item.template,
                                   "start_minute": template.start_minute,
                                   "end_minute": team.end_minute(template)})
    return {
        "feasible": result.feasible, "optimal": result.optimal,
        "objective": round(result.objective, 4), "lp_bound": round(result.lp_bound, 4),
        "gap_to_lp_bound": round(result.gap_to_lp, 6), "seconds": round(seconds, 3),
        "paid_hours": sum(result.hours.values()), "weekend_shifts_max": result.weekend_max,
        "evening_shifts_max": result.evening_max,
        "preferences_broken": result.preferences_broken,
        "wishes_broken": result.wishes_broken, "problems": result.explanation(),
        "agents": [{"name": name, "hours": result.hours[name], "shifts": shifts[name]}
                   for name in shifts]}


def team(
    instance: Annotated[Path | None, typer.Option(
        help="team JSON: templates, contracts, agents, demand per skill")] = None,
    sample: Annotated[int | None, typer.Option(
        help="print the benchmark team of this many agents as JSON instead")] = None,
    time_limit: Annotated[float, typer.Option(help="seconds for the whole solve")] = 120.0,
    gap: Annotated[float, typer.Option(help="relative gap the search may stop at")] = 0.01,
) -> None:
    """A named team's week: shifts per agent under contracts, rest, skills and fairness."""
    from hubdesk.workforce.team_json import team_to_json
    from hubdesk.workforce.team_sample import sample_team

    try:
        if sample is not None:
            typer.echo(json.dumps(team_to_json(sample_team(sample)), separators=(",", ":")))
            return
        if instance is None:
            raise ValidationFailed("give --instance FILE.json (or --sample N for an example)",
                                   {"instance": "missing"})
        answer = team_result(_read_json(instance), time_limit_s=time_limit, gap=gap)
    except DomainError as error:
        _fail(str(error))
    typer.echo(json.dumps(answer, separators=(",", ":")))
