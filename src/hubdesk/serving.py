"""The process `hubdesk serve` becomes: uvicorn and the application, and nothing else.

`hubdesk serve` checks the settings and brings the schema to head, then replaces itself with
`python -m hubdesk.serving` (the same process id, so a process manager's signals still reach
the server). The server thereby holds only what serving needs: not the command line's
libraries, not alembic, and not the job queue's clients for backends this desk does not use.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from typing import Any

from hubdesk.config import Settings, get_settings

MALLOPT_ARENA_MAX = -8  # glibc's M_ARENA_MAX


def replace_process(host: str, port: int, workers: int) -> None:
    """Become the server: never returns."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "hubdesk.serving", "--host", host,  # noqa: S606
                              "--port", str(port), "--workers", str(workers)])


def cannot_listen(host: str, port: int) -> str | None:
    """Whether ``host``:``port`` is already taken, found before anything starts: uvicorn says
    so only after the application and its background work have started, in a log line among
    theirs. The probe binds as uvicorn does (IPv6 only for an address with a colon); any
    other failure is left for uvicorn to report, so the probe never refuses a port the
    server could have used."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (f"{host}:{port} is already in use: stop what listens there, or "
                        "choose another port with --port")
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hubdesk serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    arguments = parser.parse_args(argv)
    settings = get_settings()
    leave_out_unused_clients(settings)  # before anything else could load the job queue

    import uvicorn

    from hubdesk import logs, server
    from hubdesk.api.middleware import ProblemHttpProtocol

    logs.configure(settings.log_level)
    _preload_application(arguments.workers)
    options: dict[str, Any] = dict(
        log_config=None, access_log=False, proxy_headers=False,
        # Live-update streams stay open for minutes; a stop must not wait for them.
        timeout_graceful_shutdown=server.GRACEFUL_SHUTDOWN_SECONDS,
        # Requests the server cannot parse are answered as problem+json too.
        http=ProblemHttpProtocol,
        # Nothing here speaks WebSocket (live updates are server-sent events): an upgrade
        # request is an ordinary request, and no WebSocket library is loaded.
        ws="none")
    if arguments.workers > 1:
        from hubdesk.listeners import run_workers

        run_workers("hubdesk.asgi:app", host=arguments.host, port=arguments.port,
                    workers=arguments.workers, **options)
    else:
        uvicorn.run("hubdesk.asgi:app", host=arguments.host, port=arguments.port, **options)


def leave_out_unused_clients(settings: Settings) -> None:
    """Keep the job queue's storage module from loading the Redis and PostgreSQL clients this
    desk does not use (about 13 MB on the embedded mode). That module imports every backend's
    client it can find and does without one it cannot; this process's settings never change,
    so a client left out now is never needed later."""
    unused = []
    if not settings.redis_url:
        unused.append("redis")
    if not settings.effective_database_url.startswith("postgresql"):
        unused.append("psycopg")
    hidden = [name for name in unused if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # an import of it fails
    try:
        import huey.storage  # type: ignore[import-untyped]  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


def _preload_application(workers: int) -> None:
    """Build the application, triage and its models once, before any worker exists.

    Workers are then forked from this process instead of spawned afresh (uvicorn spawns by
    default), so the models' pages are shared copy-on-write rather than loaded once per
    worker. The garbage collector leaves the preloaded objects alone (`gc.freeze`): its
    bookkeeping would otherwise write to, and so copy, every page holding them. What loading
    freed goes back to the system before the first request (`malloc_trim`, glibc only).
    """
    import ctypes
    import ctypes.util
    import gc
    import multiprocessing

    import hubdesk.asgi  # noqa: F401 - builds the application as a side effect

    if workers > 1:
        from uvicorn import _subprocess

        # None of the application's threads runs yet (background work starts in each
        # worker's lifespan, database connections on first use): forking is safe here.
        _subprocess.spawn = multiprocessing.get_context("fork")  # type: ignore[assignment]
    gc.collect()
    gc.freeze()
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name is not None else None
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
        # Each thread that allocates would otherwise get an arena of its own (up to eight
        # per core), each keeping freed memory; the server's threads mostly wait.
        libc.mallopt(MALLOPT_ARENA_MAX, 2)


if __name__ == "__main__":
    main()
