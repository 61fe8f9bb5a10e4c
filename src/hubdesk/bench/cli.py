"""`hubdesk bench ...`: each benchmark prints one JSON object on stdout and logs on stderr."""

from __future__ import annotations

import importlib
import inspect
import logging
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

app = typer.Typer(help="Benchmarks; each prints one JSON object.", no_args_is_help=True)


class Db(StrEnum):
    SQLITE = "sqlite"
    POSTGRES = "postgres"


class IntakeDb(StrEnum):
    SQLITE = "sqlite"
    POSTGRES = "postgres"
    BOTH = "both"


def _logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s bench %(message)s", "%H:%M:%S"))
    logger = logging.getLogger("hubdesk.bench")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _emit(result: dict[str, Any]) -> None:
    sys.stdout.write(orjson.dumps(result).decode() + "\n")
    sys.stdout.flush()


def _log_dir(value: Path | None) -> Path:
    return value or Path(tempfile.gettempdir()) / "hubdesk-bench-logs"


LogDir = Annotated[Path | None, typer.Option(
    help="where the server's log goes (default: hubdesk-bench-logs in the temp directory)")]


@app.command()
def mail(
    db: Annotated[Db, typer.Option(help="database under test")] = Db.POSTGRES,
    messages: Annotated[int, typer.Option(min=1, max=1_000_000,
                                          help="messages sent over SMTP")] = 2000,
    connections: Annotated[int, typer.Option(min=1, max=64,
                                             help="concurrent SMTP connections")] = 8,
    mailboxes: Annotated[int, typer.Option(min=1, max=500,
                                           help="IMAP mailboxes polled in one cycle")] = 50,
    triage: Annotated[bool, typer.Option(
        help="read every message with triage and the default intent model, as a desk runs "
             "(--no-triage measures the mail path alone)")] = True,
    log_dir: LogDir = None,
) -> None:
    """Messages per second from SMTP receipt to committed ticket, the delay a 25 MB
    attachment causes other messages, and one IMAP cycle over many mailboxes (dovecot)."""
    from hubdesk.bench.mail import run

    _logging()
    _emit(run(db=db.value, messages=messages, connections=connections, mailboxes=mailboxes,
              triage=triage, log_dir=_log_dir(log_dir)))


@app.command()
def erlang(
    intervals: Annotated[int, typer.Option(min=1, max=1_000_000,
                                           help="half hours staffed (a year: 17,520)")] = 17_520,
    rounds: Annotated[int, typer.Option(min=1, max=100, help="timed repetitions")] = 3,
) -> None:
    """Erlang C staffing evaluations per second over a year of half hours, as the workforce
    screens and `hubdesk wfm staff` staff a forecast."""
    from hubdesk.bench.erlang import run

    _emit(run(intervals=intervals, rounds=rounds))


@app.command()
def intake(
    db: Annotated[IntakeDb, typer.Option(
        help="database under test; both: PostgreSQL then SQLite, and their ratio")
    ] = IntakeDb.SQLITE,
    tickets: Annotated[int, typer.Option(min=1, max=1_000_000, help="tickets to create")] = 2000,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="concurrent clients")] = 8,
    workers: Annotated[int, typer.Option(min=1, max=16, help="server processes")] = 2,
    warmup: Annotated[int | None, typer.Option(min=0, help="unmeasured tickets first")] = None,
    idempotency_keys: Annotated[bool, typer.Option(
        help="send an Idempotency-Key with every request")] = False,
    max_errors: Annotated[int | None, typer.Option(
        min=1, help="stop sending after this many failed requests "
                    "(default: a tenth of the tickets, at least 20)")] = None,
    log_dir: LogDir = None,
) -> None:
    """Create tickets through POST /api/v1/tickets against a real server with triage and
    an intent model on."""
    from hubdesk.bench.intake import run, run_both

    _logging()
    options: dict[str, Any] = {
        "tickets": tickets, "concurrency": concurrency, "workers": workers, "warmup": warmup,
        "idempotency_keys": idempotency_keys, "max_errors": max_errors,
        "log_dir": _log_dir(log_dir)}
    _emit(run_both(**options) if db is IntakeDb.BOTH else run(db=db.value, **options))


@app.command()
def lists(
    db: Annotated[Db, typer.Option(help="database under test")] = Db.SQLITE,
    tickets: Annotated[int, typer.Option(min=1, max=10_000_000,
                                         help="tickets in the database")] = 100_000,
    requests: Annotated[int, typer.Option(min=1, max=100_000,
                                          help="requests per scenario")] = 200,
    workers: Annotated[int, typer.Option(min=1, max=16, help="server processes")] = 2,
    data_dir: Annotated[Path | None, typer.Option(
        help="SQLite: where the database file lives (default: a scratch directory)")] = None,
    reuse: Annotated[bool, typer.Option(
        help="use the database of an earlier --reuse run if it holds enough tickets, "
             "and keep it")] = False,
    log_dir: LogDir = None,
) -> None:
    """Seed, then time ticket lists, cursor pages, filters and searches on a real server."""
    from hubdesk.bench.lists import run

    _logging()
    _emit(run(db=db.value, tickets=tickets, requests=requests, workers=workers,
              data_dir=data_dir, reuse=reuse, log_dir=_log_dir(log_dir)))


@app.command()
def compare(
    tickets: Annotated[int, typer.Option(min=1, max=1_000_000,
                                         help="tickets to create on each side")] = 2000,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="concurrent clients")] = 8,
    warmup: Annotated[int | None, typer.Option(min=0, help="unmeasured tickets first")] = None,
    work_dir: Annotated[Path | None, typer.Option(
        help="where django-helpdesk's virtualenv and project live and are reused "
             "(default: hubdesk-bench-peer in the temp directory)")] = None,
    log_dir: LogDir = None,
) -> None:
    """Hubdesk's intake beside django-helpdesk 2.6.1's REST API, same machine and PostgreSQL."""
    from hubdesk.bench.compare import run

    _logging()
    _emit(run(tickets=tickets, concurrency=concurrency, warmup=warmup, work_dir=work_dir,
              log_dir=_log_dir(log_dir)))


@app.command()
def memory(
    workers: Annotated[int, typer.Option(min=1, max=16, help="server processes")] = 1,
    requests: Annotated[int, typer.Option(
        min=0, max=100_000, help="tickets to post after the reading at rest, then read "
                                 "again")] = 0,
    log_dir: LogDir = None,
) -> None:
    """Resident memory of `hubdesk serve` at rest with triage and an intent model loaded,
    and after ``--requests`` tickets."""
    from hubdesk.bench.memory import run

    _logging()
    _emit(run(workers=workers, requests=requests, log_dir=_log_dir(log_dir)))


@app.command()
def schedule(
    agents: Annotated[int, typer.Option(min=2, max=2000, help="agents in the team")] = 200,
    instance_time_limit: Annotated[float, typer.Option(
        min=1, help="seconds for each mode of the shipped instance")] = 60.0,
    team_time_limit: Annotated[float, typer.Option(min=1, help="seconds for the team")]
    = 120.0,
    gap: Annotated[float, typer.Option(min=0, max=0.5, help="relative gap the team's "
                                                           "search may stop at")] = 0.01,
) -> None:
    """Shift and tour scheduling of the shipped bank week, and a named team's week."""
    from hubdesk.bench.schedule import run

    _logging()
    _emit(run(agents=agents, instance_time_limit=instance_time_limit,
              team_time_limit=team_time_limit, gap=gap))


@app.command()
def sla(
    tickets: Annotated[int, typer.Option(min=1, max=10_000_000,
                                         help="open tickets with SLA clocks to seed")] = 1_000_000,
    limit: Annotated[int, typer.Option(min=1, max=10_000_000,
                                       help="most due tickets one sweep query takes")] = 100_000,
) -> None:
    """BusinessCalendar.add speed, and finding the due SLA clocks among --tickets open tickets
    on a scratch PostgreSQL database."""
    from hubdesk.bench.sla import run

    _logging()
    _emit(run(tickets=tickets, limit=limit))


@app.command()
def routing(
    agents: Annotated[int, typer.Option(min=1, max=100_000, help="agents in the roster")] = 1000,
    skills: Annotated[int, typer.Option(min=6, max=1000, help="skills in the catalogue")] = 40,
    backlog: Annotated[int, typer.Option(min=0, max=10_000_000,
                                         help="tickets waiting in the queue")] = 100_000,
    decisions: Annotated[int, typer.Option(min=1, max=10_000_000,
                                           help="push decisions to time")] = 50_000,
    batch_tickets: Annotated[int, typer.Option(min=1, max=100_000,
                                               help="tickets assigned at once")] = 5000,
    batch_agents: Annotated[int, typer.Option(min=1, max=10_000,
                                              help="idle agents they go to")] = 500,
    seed: Annotated[int, typer.Option(min=0, help="random seed")] = 1,
    waiting: Annotated[int, typer.Option(
        min=0, max=10_000_000,
        help="also measure the desk's waiting line on a scratch PostgreSQL database with "
             "this many waiting tickets (0: the engine only)")] = 0,
    undated: Annotated[bool, typer.Option(
        help="with --waiting: a desk without an SLA policy, so no waiting ticket has a "
             "deadline")] = False,
) -> None:
    """Routing decisions per second (push, lean, pull) and batch-optimal against greedy; with
    --waiting, reading the desk's waiting line and offering freed units on PostgreSQL."""
    from hubdesk.bench.routing import run

    _logging()
    result = run(agents=agents, skills=skills, backlog=backlog, decisions=decisions,
                 batch_tickets=batch_tickets, batch_agents=batch_agents, seed=seed)
    if waiting:
        from hubdesk.bench import routing_desk

        result["desk"] = routing_desk.run(waiting=waiting, undated=undated)
    _emit(result)


@app.command()
def simulate(
    customers: Annotated[int, typer.Option(min=1, max=100_000_000,
                                           help="Erlang C contacts to simulate")] = 1_000_000,
    seed: Annotated[int, typer.Option(min=0, help="random seed")] = 1,
    scenario: Annotated[str, typer.Option(
        help="scenario for the policy comparison (file or shipped name)")] = "multiskill",
    scenario_customers: Annotated[int, typer.Option(
        min=1, max=10_000_000, help="contacts in the policy comparison")] = 20_000,
) -> None:
    """Simulated contacts per second on the Erlang C scenario, beside the exact figures, and
    the policies compared on a multi-skill scenario."""
    from hubdesk.bench.simulate import run

    _logging()
    _emit(run(customers=customers, seed=seed, scenario=scenario,
              scenario_customers=scenario_customers))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def triage(ctx: typer.Context) -> None:
    """Accuracy and speed of the triage detectors (options are passed to the benchmark)."""
    try:
        module = importlib.import_module("hubdesk.bench.triage")
    except ImportError as error:
        typer.secho(f"the triage benchmark is not available in this installation ({error})",
                    fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from error
    _logging()
    run = module.run
    _emit(run(**_options(run, ctx.args)))


def _options(function: Any, args: list[str]) -> dict[str, Any]:
    """``--name value`` pairs as keyword arguments, converted to the defaults' types."""
    parameters = inspect.signature(function).parameters
    found: dict[str, Any] = {}
    items = iter(args)
    for item in items:
        if not item.startswith("--"):
            raise typer.BadParameter(f"unexpected argument {item!r}")
        name, _, value = item[2:].partition("=")
        key = name.replace("-", "_")
        if key not in parameters:
            raise typer.BadParameter(f"unknown option --{name}; known: "
                                     + ", ".join(f"--{p.replace('_', '-')}"
                                                 for p in parameters))
        default = parameters[key].default
        if isinstance(default, bool):
            found[key] = value.lower() not in ("0", "false", "no") if value else True
            continue
        if not value:
            value = next(items, "")
        found[key] = _convert(value, default, str(parameters[key].annotation))
    return found


def _convert(value: str, default: Any, annotation: str) -> Any:
    if isinstance(default, int | float):
        return type(default)(value)
    if "Path" in annotation:
        return Path(value)
    if "tuple" in annotation or "list" in annotation:
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value
