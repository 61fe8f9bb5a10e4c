"""`hubdesk mail ...`: ingest message files, run the SMTP server, send due mail.

Every command reads the desk's settings and database (`HUBDESK_DATABASE_URL`) like
`hubdesk serve`; `ingest` prints one JSON summary on standard output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from hubdesk.config import get_settings

app = typer.Typer(help="E-mail: ingest files, receive over SMTP, deliver replies.",
                  no_args_is_help=True)


@app.command("ingest")
def ingest(paths: Annotated[list[Path], typer.Argument(
        help=".eml files, mbox files or Maildir folders", exists=True)]) -> None:
    """Store and file every message in PATHS; print {"read", "created", "threaded",
    "duplicates", "quarantined", "auto_replies_ignored"} (each message counted once)."""
    from hubdesk.bootstrap import build_hub
    from hubdesk.channels.email.files import messages_in
    from hubdesk.channels.email.ingest import Tally, ingest_all

    hub = build_hub(get_settings())
    try:
        tally = Tally()
        # Messages a killed run stored but did not file are filed first.
        tally.recovered = len(hub.app.mail.process_pending(limit=100_000))
        ingest_all(hub.app, (raw for path in paths for _, raw in messages_in(path)), tally)
    finally:
        hub.close()
    typer.echo(json.dumps(tally.summary()))


@app.command("smtpd")
def smtpd(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 2525,
    filing_processes: Annotated[int | None, typer.Option(
        min=0, max=64, help="worker processes that file received mail (default: one per "
                            "core; 0 files on threads of this process)")] = None,
) -> None:
    """Receive mail for the support addresses (HUBDESK_MAIL_ADDRESSES) over SMTP."""
    import os
    import signal
    import threading

    from hubdesk import logs
    from hubdesk.bootstrap import build_hub
    from hubdesk.channels.email.smtpd import SmtpServer
    from hubdesk.commands.mail_filing import ProcessFiler

    settings = get_settings()
    if not settings.mail_addresses:
        typer.secho("error: no support addresses: set HUBDESK_MAIL_ADDRESSES, e.g. "
                    "'{\"support@example.com\": null}'", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    logs.configure(settings.log_level)
    processes = (os.cpu_count() or 1) if filing_processes is None else filing_processes
    # Filing on worker processes, this one only stores and hands ids over: the triage models
    # load in the workers, which read the same settings, and not here as well.
    hub = build_hub(settings.model_copy(update={"triage_enabled": False})
                    if processes else settings)
    hub.migrate()
    filer = ProcessFiler(processes, settings.log_level) if processes else None
    server = SmtpServer(hub.app, host, port, max_message_bytes=settings.mail_max_message_bytes,
                        filer=filer)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.start()
    typer.echo(f"receiving mail for {', '.join(sorted(settings.mail_addresses))} on "
               f"{host}:{port}; stop with Ctrl-C")
    stop.wait()
    server.stop()
    hub.close()


@app.command("mailbox-add")
def mailbox_add(
    name: Annotated[str, typer.Option(help="what the desk calls the mailbox")],
    host: Annotated[str, typer.Option(help="IMAP server")],
    user: Annotated[str, typer.Option(help="IMAP user name")],
    port: Annotated[int, typer.Option(help="IMAP port")] = 993,
    tls: Annotated[bool, typer.Option(help="IMAP over TLS (port 993)")] = True,
    folder: Annotated[str, typer.Option(help="folder to read")] = "INBOX",
    move_to: Annotated[str | None, typer.Option(
        help="folder to move filed messages to (default: flag them seen)")] = None,
    password: Annotated[str | None, typer.Option(
        help="IMAP password (prompted when omitted; stored encrypted)")] = None,
) -> None:
    """Poll an IMAP mailbox for mail (every minute, by the worker)."""
    from hubdesk.bootstrap import build_hub
    from hubdesk.domain.errors import DomainError
    from hubdesk.domain.mail import Mailbox
    from hubdesk.services.auth import LOCAL_OPERATOR

    if password is None:
        password = typer.prompt("password", hide_input=True)
    hub = build_hub(get_settings())
    try:
        added = hub.app.mail.add_mailbox(LOCAL_OPERATOR, Mailbox(
            id=None, name=name, host=host, port=port, tls=tls, username=user, folder=folder,
            move_to=move_to), password)
    except DomainError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    finally:
        hub.close()
    typer.echo(f"mailbox {added.name} (id {added.id}) will be polled")


@app.command("poll")
def poll() -> None:
    """Poll every IMAP mailbox once now; print what each poll did as JSON."""
    from dataclasses import asdict

    from hubdesk.bootstrap import build_hub
    from hubdesk.channels.email.imap import poll_all

    settings = get_settings()
    hub = build_hub(settings)
    try:
        results = poll_all(hub.app, max_bytes=settings.mail_max_message_bytes)
    finally:
        hub.close()
    typer.echo(json.dumps([asdict(r) for r in results]))
