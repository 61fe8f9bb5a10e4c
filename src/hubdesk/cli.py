"""The `hubdesk` command line: serve, migrate, manage users and tokens, demo, seed, bench."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from hubdesk.bootstrap import Hub, build_hub
from hubdesk.config import Settings, get_settings, insecure_to_serve
from hubdesk.domain.agents import Role
from hubdesk.domain.errors import DomainError
from hubdesk.domain.tokens import TokenRecord, TokenScope

app = typer.Typer(help="Hubdesk: the customer-service coordination hub.", no_args_is_help=True)
users_app = typer.Typer(help="Agents who sign in to the console and the API.",
                        no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens (shown once, stored hashed).", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")


def _hub(settings: Settings | None = None) -> Hub:
    return build_hub(settings or get_settings())


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from alembic.util import CommandError

    # Migrating needs no triage: its models would only slow the command's start.
    hub = _hub(get_settings().model_copy(update={"triage_enabled": False}))
    _refuse_unknown_revision(hub.schema_revision())
    try:
        hub.migrate()
    except CommandError as error:  # what alembic cannot do, said as it says it
        _fail(f"the database schema could not be migrated: {error}")
    typer.echo(f"database is current ({hub.engine.url.render_as_string(hide_password=True)})")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="server processes (PostgreSQL scales best)")] = 1,
) -> None:
    """Migrate if needed, then serve the console and the API."""
    from hubdesk.serving import cannot_listen, replace_process

    settings = get_settings()
    refusal = insecure_to_serve(settings, host) or cannot_listen(host, port)
    if refusal:
        _fail(refusal)
    _migrate_if_behind(settings)
    replace_process(host, port, workers)


def _refuse_unknown_revision(revision: str | None) -> None:
    from hubdesk.store.schema_version import newer_schema

    problem = newer_schema(revision)
    if problem:
        _fail(f"{problem}. Run that version, or restore a backup taken before the upgrade.")


def _refuse_behind_schema(hub: Hub) -> None:
    """A worker does not migrate (the servers do): on a schema that is not current every job
    would fail and retry, in tracebacks, until someone ran `hubdesk migrate`."""
    from hubdesk.store.schema_version import head_revision

    revision = hub.schema_revision()
    _refuse_unknown_revision(revision)
    if revision != head_revision():
        hub.close()
        _fail(f"the database at {hub.engine.url.render_as_string(hide_password=True)} "
              + ("has no Hubdesk schema yet" if revision is None else
                 f"has the schema of revision {revision}, older than this version's")
              + ": run `hubdesk migrate` (or start `hubdesk serve`, which does) first")


def _migrate_if_behind(settings: Settings) -> None:
    """Bring the schema to head before serving, in a short-lived child: the server never
    holds alembic, Mako and Pygments (several megabytes) for nothing."""
    from hubdesk.store.schema_version import head_revision

    hub = _hub(settings.model_copy(update={"triage_enabled": False}))
    try:
        revision = hub.schema_revision()
    finally:
        hub.close()
    if revision == head_revision():
        return
    _refuse_unknown_revision(revision)
    done = subprocess.run([sys.executable, "-c", "from hubdesk.cli import main; main()",
                           "migrate"], check=False)
    if done.returncode != 0:
        _fail("the database schema could not be brought up to date (see above)")


@app.command()
def worker() -> None:
    """Run background jobs and relay committed events from the outbox (beside servers started
    with HUBDESK_EMBEDDED_WORKER=false)."""
    import signal
    import threading

    from hubdesk import logs
    from hubdesk.worker import run_background

    settings = get_settings()
    logs.configure(settings.log_level)
    # Mail it files (IMAP polls, the pending sweep) has no client waiting on it.
    hub = _hub(settings.for_background_filing())
    _refuse_behind_schema(hub)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    typer.echo(f"running jobs on {settings.job_workers} threads and relaying the outbox; "
               "stop with Ctrl-C")
    run_background(hub, stop)
    hub.close()


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="sign-in address")],
    name: Annotated[str, typer.Option(help="display name")],
    role: Annotated[Role, typer.Option(help="what the person does")] = Role.REPRESENTATIVE,
    password: Annotated[str | None, typer.Option(
        help="console password (prompted when omitted)")] = None,
    tier: Annotated[int, typer.Option(min=1, max=3, help="representative tier")] = 1,
) -> None:
    """Create an agent who can sign in."""
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.directory import AgentInput

    if password is None:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    hub = _hub()
    try:
        agent = hub.app.directory.create_agent(LOCAL_OPERATOR, AgentInput(
            fields_set=frozenset({"email", "name", "role", "tier", "password"}), email=email,
            name=name, role=role, tier=tier, password=password))
    except DomainError as error:
        _fail(str(error))
        return
    typer.echo(f"created {agent.role.value} {agent.name} <{agent.email}> (id {agent.id})")


@tokens_app.command("create")
def tokens_create(
    email: Annotated[str, typer.Option(help="the agent the token acts as")],
    name: Annotated[str, typer.Option(help="what the token is for")] = "api",
    scope: Annotated[TokenScope, typer.Option(
        help="full: whatever the agent may do; read: GET requests only")] = TokenScope.FULL,
    expires_in: Annotated[int | None, typer.Option(
        help="days until it stops working (default: never)", metavar="DAYS")] = None,
    expires_on: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d"], help="the UTC date it stops working on, from 00:00",
        metavar="YYYY-MM-DD")] = None,
) -> None:
    """Issue an API token; it is printed once and stored only as a hash."""
    from hubdesk.services.auth import LOCAL_OPERATOR

    try:
        token = _hub().app.auth.create_token(
            LOCAL_OPERATOR, email, name, scope=scope, expires_in_days=expires_in,
            expires_on=expires_on.date() if expires_on else None)
    except DomainError as error:
        _fail(str(error))
        return
    typer.echo(token)


@tokens_app.command("list")
def tokens_list(
    email: Annotated[str, typer.Option(help="the agent whose tokens to list")],
) -> None:
    """An agent's tokens, one a line: the id `tokens revoke` takes, name, issued, state
    (active, expired or revoked, with when), scope, expiry, last use (to the minute). The
    tokens themselves are stored only as hashes, so they cannot be shown again."""
    from hubdesk.domain.clock import utcnow
    from hubdesk.services.auth import LOCAL_OPERATOR

    try:
        agent, tokens = _hub().app.auth.tokens(LOCAL_OPERATOR, email)
    except DomainError as error:
        _fail(str(error))
        return
    now = utcnow()
    for token in tokens:
        typer.echo("\t".join(_token_columns(token, now)))
    if not tokens:
        typer.echo(f"{agent.email} has no tokens", err=True)


def _token_columns(token: TokenRecord, now: datetime) -> list[str]:
    state = token.state(now)
    since = {"revoked": token.revoked_at, "expired": token.expires_at}.get(state)
    return [str(token.id), token.name, f"issued {_minute(token.created_at)}",
            f"{state} {_minute(since)}" if since else state,
            f"scope {token.scope.value}",
            f"expires {_minute(token.expires_at)}" if token.expires_at else "expires never",
            f"last used {_minute(token.last_used_at)}" if token.last_used_at
            else "last used never"]


def _minute(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


@tokens_app.command("revoke")
def tokens_revoke(token_id: int) -> None:
    """Revoke a token by its id (`tokens list` shows it)."""
    from hubdesk.services.auth import LOCAL_OPERATOR

    try:
        _hub().app.auth.revoke_token(LOCAL_OPERATOR, token_id)
    except DomainError as error:
        _fail(str(error))
        return
    typer.echo(f"token {token_id} revoked")


def _register_extensions() -> None:
    """Commands owned by their own packages: demo data, benchmarks, triage models."""
    from hubdesk.bench.cli import app as bench_app
    from hubdesk.commands.calendars import app as calendar_app
    from hubdesk.commands.handoffs import app as handoffs_app
    from hubdesk.commands.mail import app as mail_app
    from hubdesk.commands.simulate import simulate
    from hubdesk.commands.triage import app as triage_app
    from hubdesk.commands.wfm import app as wfm_app
    from hubdesk.demo.cli import register as register_demo

    register_demo(app)
    app.command("simulate")(simulate)
    app.add_typer(bench_app, name="bench")
    app.add_typer(triage_app, name="triage")
    app.add_typer(wfm_app, name="wfm")
    app.add_typer(handoffs_app, name="handoffs")
    app.add_typer(calendar_app, name="calendar")
    app.add_typer(mail_app, name="mail")


_register_extensions()


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    from pydantic import ValidationError
    from pydantic_settings import SettingsError
    from sqlalchemy.exc import DBAPIError

    from hubdesk.commands.database_problems import database_problem
    from hubdesk.services.ports import StoreUnavailable

    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    # What an operator can fix gets a sentence, not a traceback.
    except (ValidationError, SettingsError) as error:
        sys.exit(f"hubdesk: {settings_problem(error)} (see docs/configuration.md)")
    except (StoreUnavailable, DBAPIError) as error:  # DBAPIError: PostgreSQL without tables
        problem = database_problem(get_settings(), error)
        if problem:
            sys.exit(f"hubdesk: {problem}")
        if not isinstance(error, StoreUnavailable):
            raise
        sys.exit(f"hubdesk: {error}: is the database running, and its schema created "
                 "(`hubdesk migrate`)?")
    except OSError as error:
        problem = data_folder_problem(error)
        if problem is None:
            raise
        sys.exit(f"hubdesk: {problem}")


def data_folder_problem(error: OSError) -> str | None:
    """A sentence naming HUBDESK_DATA_DIR when ``error`` is about that folder or a path in
    it (not a folder, no such parent, not writable); None for any other file's error."""
    try:
        folder = Settings().data_dir.resolve()
    except Exception:  # a setting's own fault is said by its own handler
        return None
    if not error.filename:
        return None
    path = Path(os.fsdecode(error.filename)).resolve()
    if path != folder and folder not in path.parents and path not in folder.parents:
        return None
    return (f"the data folder {folder} (HUBDESK_DATA_DIR) cannot be used: "
            f"{error.strerror or error} ({path})")


def settings_problem(error: Exception) -> str:
    """Which environment variable is wrong, and why, from a settings error."""
    from pydantic import ValidationError

    cause = error if isinstance(error, ValidationError) else error.__cause__
    if isinstance(cause, ValidationError):
        wrong = [f"HUBDESK_{'_'.join(str(p) for p in e['loc'][:1]).upper()}: "
                 f"{e['msg'].removeprefix('Value error, ')}"
                 for e in cause.errors()]
        return "a setting is not valid: " + "; ".join(wrong)
    if isinstance(cause, ValueError) and '"' in str(error):  # a value that is not JSON
        field = str(error).split('"')[1]
        return f"a setting is not valid: HUBDESK_{field.upper()}: write it as JSON"
    return f"a setting is not valid: {error}"
