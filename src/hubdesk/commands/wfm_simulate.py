"""`hubdesk wfm staff-sim`: the fewest agents per group of a scenario meeting each channel's
target, searched by simulating the desk's routing policy. While it searches, a bar on standard
error shows what it is doing and the time used out of the limit.

Bad input (an unreadable scenario, a bad field, an unknown channel, an impossible target, a
staffing out of reach) ends with one line on stderr saying what, and exit code 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from hubdesk.commands.simulate import scenario_path
from hubdesk.domain.errors import DomainError


@contextmanager
def _time_bar(limit_s: float) -> Iterator[Callable[[str, float], None]]:
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("drawing contacts", total=limit_s)

        def update(doing: str, seconds: float) -> None:
            bar.update(task, description=doing, completed=min(seconds, limit_s))

        yield update


def staff_sim(
    scenario: Annotated[str, typer.Argument(
        help="a YAML or JSON scenario file, or a shipped scenario's name (multiskill); its "
             "agent groups are what is sized")],
    target: Annotated[list[str] | None, typer.Option(
        help="CHANNEL:LEVEL:SECONDS, e.g. chat:0.8:60 (80 % answered within 60 s); "
             "repeatable")] = None,
    max_abandonment: Annotated[list[str] | None, typer.Option(
        help="FRACTION for every channel, or CHANNEL:FRACTION; repeatable")] = None,
    seeds: Annotated[int, typer.Option(
        min=1, max=100, help="replications: targets are met on the mean over them")] = 3,
    seed: Annotated[int | None, typer.Option(
        min=0, help="first seed (default: the scenario's)")] = None,
    customers: Annotated[int | None, typer.Option(
        min=1, max=10_000_000,
        help="contacts per replication; the day repeats until reached (default: one day)")]
    = None,
    time_limit: Annotated[float, typer.Option(help="seconds the search may take")] = 60.0,
    max_agents: Annotated[int | None, typer.Option(
        min=1, help="give up above this many agents (default: 10 × the bound + 10)")] = None,
    per_interval: Annotated[bool, typer.Option(
        help="staff each interval of the day on its own (its rates held, every group there "
             "all of it; --customers is then the contacts per interval, default 2000)")]
    = False,
) -> None:
    """Staff a scenario's agent groups by simulation; prints one JSON object."""
    from hubdesk.simulation.scenario import load_scenario
    from hubdesk.simulation.staffing import staff_by_simulation
    from hubdesk.simulation.staffing_intervals import (
        DEFAULT_CONTACTS_PER_INTERVAL,
        staff_each_interval,
    )
    from hubdesk.simulation.staffing_targets import parse_abandonment, parse_service_target

    try:
        loaded = load_scenario(scenario_path(scenario))
        channels = [kind.channel for kind in loaded.contact_types]
        goals = [parse_service_target(raw) for raw in target or []]
        for raw in max_abandonment or []:
            goals += parse_abandonment(raw, channels)
        with _time_bar(time_limit) as progress:
            if per_interval:
                result = staff_each_interval(
                    loaded, goals, seeds=seeds, first_seed=seed,
                    contacts_per_interval=customers or DEFAULT_CONTACTS_PER_INTERVAL,
                    time_limit_s=time_limit, max_agents=max_agents, progress=progress)
            else:
                result = staff_by_simulation(loaded, goals, seeds=seeds, first_seed=seed,
                                             customers=customers, time_limit_s=time_limit,
                                             max_agents=max_agents, progress=progress)
    except DomainError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    sys.stdout.write(orjson.dumps(result).decode() + "\n")
