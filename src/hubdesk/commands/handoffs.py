"""`hubdesk handoffs ola`: set a department's OLA from the command line, its calendar from a
configuration file in the plain calendar form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from hubdesk.commands.calendars import read_calendar_form
from hubdesk.config import get_settings
from hubdesk.domain.errors import DomainError, ValidationFailed

app = typer.Typer(help="Department handoffs: their OLAs.", no_args_is_help=True)


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def _ladder(text: str | None) -> list[Any] | None:
    if text is None:
        return None
    try:
        steps = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationFailed(f"the ladder is not JSON: {error.msg}",
                               {"ladder": "not JSON"}) from None
    if not isinstance(steps, list):
        raise ValidationFailed("the ladder is a JSON list of steps", {"ladder": "not a list"})
    return steps


def _calendar(path: Path | None) -> dict[str, Any] | None:
    return None if path is None else read_calendar_form(path)


@app.command("ola")
def set_ola(
    department: Annotated[str, typer.Option(help="the department's name or id")],
    target_minutes: Annotated[int | None, typer.Option(
        min=1, help="business minutes to answer a handoff")] = None,
    calendar: Annotated[Path | None, typer.Option(
        help="a JSON file with the department's calendar (timezone, hours, holidays); "
             "round the clock without one")] = None,
    lead: Annotated[str | None, typer.Option(
        help="e-mail of the agent overdue handoffs are escalated to first")] = None,
    coordinator_after_minutes: Annotated[int, typer.Option(
        min=0, help="business minutes past the deadline before coordinators hear of it")] = 240,
    ladder: Annotated[str | None, typer.Option(
        help='the escalation ladder as JSON, e.g. [{"at_percent": 75, "notify": ["assignee"]}, '
             '{"after_deadline_minutes": 60, "notify": ["coordinators"]}]; without it the '
             "default ladder")] = None,
    remove: Annotated[bool, typer.Option(help="remove the OLA: no deadlines")] = False,
) -> None:
    """Set (or remove) a department's OLA; open handoffs keep their deadlines."""
    from hubdesk.bootstrap import build_hub
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.handoffs import OlaInput

    app_ = build_hub(get_settings()).app
    try:
        found = [d for d in app_.directory.departments(LOCAL_OPERATOR)
                 if d.name.lower() == department.strip().lower() or str(d.id) == department]
        if not found or found[0].id is None:
            raise ValidationFailed(f"no department is named {department!r}",
                                   {"department": "unknown"})
        department_id = found[0].id
        if remove:
            app_.handoffs.set_ola(LOCAL_OPERATOR, department_id, None)
            typer.echo(f"{found[0].name} has no OLA now")
            return
        if target_minutes is None:
            raise ValidationFailed("give --target-minutes (or --remove)",
                                   {"target_minutes": "required"})
        lead_id = None
        if lead is not None:
            agents = {a.email: a.id for a in app_.directory.agents(LOCAL_OPERATOR)}
            lead_id = agents.get(lead.strip().lower())
            if lead_id is None:
                raise ValidationFailed(f"no agent signs in as {lead!r}", {"lead": "unknown"})
        ola = app_.handoffs.set_ola(LOCAL_OPERATOR, department_id, OlaInput(
            target_minutes=target_minutes, calendar=_calendar(calendar), lead_id=lead_id,
            coordinator_after_minutes=coordinator_after_minutes, ladder=_ladder(ladder)))
    except DomainError as error:
        _fail(str(error))
        return
    assert ola is not None
    typer.echo(json.dumps({"department": found[0].name, **ola.to_dict()}))
