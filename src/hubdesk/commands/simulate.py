"""`hubdesk simulate`: run a contact-centre scenario through the routing policies."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import orjson
import typer

from hubdesk.domain.errors import ValidationFailed

SHIPPED = Path(__file__).resolve().parents[1] / "simulation" / "scenarios"


class PolicyChoice(StrEnum):
    HUBDESK = "hubdesk"
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"
    ALL = "all"


def scenario_path(name: str) -> Path:
    """A file, or the name of a scenario shipped with Hubdesk (e.g. ``multiskill``)."""
    path = Path(name)
    if path.exists() or path.suffix:
        return path
    return SHIPPED / f"{name}.yaml"


def simulate(
    scenario: Annotated[str, typer.Argument(
        help="a YAML or JSON scenario file, or a shipped scenario's name (multiskill)")],
    policy: Annotated[PolicyChoice, typer.Option(
        help="routing policy; all: each on the same contacts")] = PolicyChoice.ALL,
    seed: Annotated[int | None, typer.Option(
        min=0, help="random seed (default: the scenario's)")] = None,
    customers: Annotated[int | None, typer.Option(
        min=1, max=100_000_000,
        help="contacts to simulate; the day repeats until reached (default: one day)")] = None,
) -> None:
    """Simulate a contact centre through the routing policy; prints one JSON object."""
    from hubdesk.simulation.policies import POLICIES
    from hubdesk.simulation.runs import simulate as run
    from hubdesk.simulation.scenario import load_scenario

    try:
        loaded = load_scenario(scenario_path(scenario))
    except ValidationFailed as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    chosen = POLICIES if policy is PolicyChoice.ALL else (policy.value,)
    result = run(loaded, chosen, seed=seed, customers=customers)
    sys.stdout.write(orjson.dumps(result).decode() + "\n")
