"""`hubdesk demo` (a populated demo server) and `hubdesk seed` (bulk data for benchmarks)."""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from hubdesk.bootstrap import Hub

DEMO_PASSWORD_BYTES = 9


@contextmanager
def progress_bar(console: Console) -> Iterator[Progress]:
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console,
                  transient=False) as progress:
        yield progress


def _remove_database(data_dir: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"hubdesk.db{suffix}").unlink(missing_ok=True)


def demo(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    data_dir: Annotated[Path, typer.Option(help="where the demo database lives")] =
        Path("data/demo"),
    fresh: Annotated[bool, typer.Option("--fresh/--keep",
                                        help="start from a new database, or keep the last "
                                             "demo's data")] = True,
    scale: Annotated[float, typer.Option(min=0.01, max=10.0,
                                         help="size relative to the standard demo "
                                              "(1,000 tickets)")] = 1.0,
    seed: Annotated[int, typer.Option(help="random seed: the same seed, the same demo")] =
        20240601,
) -> None:
    """Create a demo organisation with six weeks of tickets, then serve it."""
    from hubdesk.bootstrap import build_hub
    from hubdesk.config import get_settings
    from hubdesk.serving import cannot_listen

    console = Console(stderr=True, soft_wrap=True)
    # Said before a minute of seeding (and before a kept database is replaced), not after.
    if cannot_listen(host, port):
        typer.secho(f"error: {port_taken(host, port)}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if fresh:
        _remove_database(data_dir)
    # The server reads its settings from the environment: point it at the demo database.
    # The demo is the embedded desk (SQLite under its data folder), whatever database the
    # shell names, so it seals with a key of its own kept there, as the server started
    # below and any command given the same folder will.
    os.environ.pop("HUBDESK_DATABASE_URL", None)
    os.environ.update(demo_environment(data_dir))
    get_settings.cache_clear()
    hub = build_hub(get_settings())
    hub.migrate()
    password = secrets.token_urlsafe(DEMO_PASSWORD_BYTES)
    started = time.perf_counter()
    if _has_tickets(hub):
        console.print("keeping the existing demo data; the sign-in password is renewed")
        _renew_logins(hub, password)
    else:
        _seed_demo(hub, console, scale, seed, password)
    token = _demo_token(hub)
    hub.close()
    print_welcome(console, host, port, password, token, time.perf_counter() - started,
                  data_dir=data_dir)
    _serve(host, port)


def demo_environment(data_dir: Path) -> dict[str, str]:
    """The settings the demo server runs with: other commands given them work on the demo's
    desk (and seal personal data with its key), not on the default one in ./data."""
    return {"HUBDESK_DATA_DIR": str(data_dir)}


def _command() -> str:
    """`hubdesk` as this process was started (`.venv/bin/hubdesk` under `make demo`)."""
    return sys.argv[0] if Path(sys.argv[0]).name == "hubdesk" else "hubdesk"


def port_taken(host: str, port: int) -> str:
    """What to do when the demo's port is taken, as a command to copy: `make demo` passes no
    options, so "use --port" alone would leave a newcomer guessing where to put it."""
    from hubdesk.serving import cannot_listen

    command = _command()
    free = next((p for p in range(port + 1, min(port + 100, 65536))
                 if not cannot_listen(host, p)), None)
    suggestion = f"{command} demo --port {free}" if free else f"{command} demo --port PORT"
    return (f"{host}:{port} is already in use (an earlier demo still running?): stop what "
            f"listens there, or serve the demo on another port: {suggestion}")


def _has_tickets(hub: Hub) -> bool:
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.views import TicketFilter

    return bool(hub.app.tickets.page(LOCAL_OPERATOR, TicketFilter(), limit=1).rows)


def _seed_demo(hub: Hub, console: Console, scale: float, seed: int, password: str) -> None:
    from hubdesk.demo.seeder import demo_size, seed_demo

    customers, tickets = demo_size(scale)
    with progress_bar(console) as progress:
        people = progress.add_task("customers", total=customers)
        work = progress.add_task("tickets", total=tickets)
        seed_demo(hub, scale=scale, seed=seed, password=password,
                  on_customer=lambda: progress.advance(people),
                  on_ticket=lambda: progress.advance(work))


def _renew_logins(hub: Hub, password: str) -> None:
    """The kept demo's staff get the new password, and the demo's current addresses if an
    earlier demo gave them others."""
    from hubdesk.demo.people import DEMO_DOMAIN, EARLIER_DEMO_DOMAINS, STAFF
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.directory import AgentInput

    staff = {m.email for m in STAFF}
    signing_in = {m.email for m in STAFF if m.signs_in}
    for agent in hub.app.directory.agents(LOCAL_OPERATOR):
        local, _, domain = agent.email.rpartition("@")
        current = f"{local}@{DEMO_DOMAIN}"
        if agent.id is None or current not in staff or domain not in (DEMO_DOMAIN,
                                                                      *EARLIER_DEMO_DOMAINS):
            continue
        fields = {"email"} if domain != DEMO_DOMAIN else set()
        if current in signing_in:
            fields.add("password")
        if fields:
            hub.app.directory.update_agent(LOCAL_OPERATOR, agent.id, AgentInput(
                fields_set=frozenset(fields), email=current, password=password))


def _demo_token(hub: Hub) -> str:
    from hubdesk.demo.people import ADMIN_EMAIL
    from hubdesk.services.auth import LOCAL_OPERATOR

    return hub.app.auth.create_token(LOCAL_OPERATOR, ADMIN_EMAIL, "demo")


def print_welcome(console: Console, host: str, port: int, password: str, token: str,
                  seconds: float, *, data_dir: Path | None = None) -> None:
    from hubdesk.demo.people import ADMIN_EMAIL, STAFF, TRY_AS

    base = f"http://{host}:{port}"
    logins = [m for m in STAFF if m.signs_in]
    email_width = max(len(m.email) for m in logins)
    console.print(f"\n[bold green]Hubdesk demo ready[/] (prepared in {seconds:.1f} s)\n")
    console.print(f"  console    {base}/")
    console.print(f"  API docs   {base}/api/docs")
    console.print(f"  password   [bold]{password}[/]  (the same for every login below)")
    console.print("  sign in as")
    for member in logins:
        console.print(f"    {member.email:<{email_width}}  {member.title}\n"
                      f"      try: {TRY_AS[member.email_local]}", markup=False, highlight=False)
    console.print(f"  API token  [bold]{token}[/] (the administrator's)")
    console.print(f"  try        curl -H 'Authorization: Bearer {token}' "
                  f"'{base}/api/v1/tickets?status=open&limit=5'")
    if data_dir is not None:
        environment = " ".join(f"{k}={v}" for k, v in demo_environment(data_dir).items())
        console.print(f"  commands   on this demo's desk (not the default one in ./data):\n"
                      f"             {environment} {_command()} tokens list --email "
                      f"{ADMIN_EMAIL}", markup=False, highlight=False)
    console.print()
    console.print("stop with Ctrl-C\n")


def _serve(host: str, port: int) -> None:
    from hubdesk.serving import replace_process

    replace_process(host, port, workers=1)


def seed(
    tickets: Annotated[int, typer.Option(min=1, help="how many tickets to add")],
    customers: Annotated[int | None, typer.Option(
        min=1, help="how many customers to add (default: one per five tickets)")] = None,
    batch: Annotated[int, typer.Option(min=1, max=20_000, help="rows per transaction")] = 1000,
    seed: Annotated[int, typer.Option(help="random seed")] = 7,
    days: Annotated[float | None, typer.Option(
        min=1, help="spread over this many past days (default: 6 weeks, or a year above "
                    "2,000 tickets)")] = None,
) -> None:
    """Add realistic tickets in bulk to the configured database (for benchmarks)."""
    from hubdesk.bootstrap import build_hub
    from hubdesk.config import get_settings
    from hubdesk.demo.bulk import seed_bulk

    console = Console(stderr=True)
    hub = build_hub(get_settings())
    hub.migrate()
    count = customers or max(1, tickets // 5)
    started = time.perf_counter()
    with progress_bar(console) as progress:
        tasks = {"customers": progress.add_task("customers", total=count),
                 "tickets": progress.add_task("tickets", total=tickets)}
        result = seed_bulk(hub, tickets=tickets, customers=count, batch=batch, seed=seed,
                           span_days=days,
                           progress=lambda kind, n: progress.advance(tasks[kind], n))
    seconds = time.perf_counter() - started
    hub.close()
    console.print(f"added {result.tickets} tickets (#{result.first_ticket_id}–"
                  f"#{result.last_ticket_id}), {result.customers} customers, "
                  f"{result.messages} messages, {result.events} events in {seconds:.1f} s "
                  f"({result.tickets / seconds:.0f} tickets/s)")


def register(app: typer.Typer) -> None:
    app.command()(demo)
    app.command()(seed)
