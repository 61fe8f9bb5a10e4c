"""`hubdesk bench compare`: Hubdesk's intake beside django-helpdesk's, same machine and database.

Hubdesk is measured by the intake benchmark (PostgreSQL, two server processes, triage and an
intent model on). django-helpdesk runs from its own virtualenv, never from Hubdesk's: the first
run creates it under the work directory and installs the pinned release from the package
index; later runs reuse it. A small Django project (templates in ``bench/peer/``) serves
helpdesk's REST API under gunicorn on a scratch database of the same PostgreSQL server, in
each of the set-ups its users usually run (`peer_setups`); Hubdesk is compared with the best
of them. Both are driven by the same client with the same concurrency and the same ticket
texts.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from hubdesk.bench import intake
from hubdesk.bench.databases import admin_url
from hubdesk.bench.http import LOOPBACK
from hubdesk.bench.load import drive, encoder, run_async
from hubdesk.bench.processes import peak_memory
from hubdesk.bench.server import ChildServer
from hubdesk.bench.setup import ticket_payloads
from hubdesk.bench.stats import summarise_ms

log = logging.getLogger("hubdesk.bench")

PEER_NAME = "django-helpdesk"
PEER_VERSION = "2.6.1"
PEER_REQUIREMENTS = (f"{PEER_NAME}=={PEER_VERSION}", "gunicorn", "psycopg[binary]")
PEER_DATABASE = "hubdesk_bench_peer"
PEER_USERNAME = "bench-admin"
PEER_MODULE = "peerdesk"
WORKERS = 2  # Hubdesk's server processes
TARGET_RATIO = 3.0
SEED = 11
TEMPLATES = Path(__file__).parent / "peer"
INSTALL_TIMEOUT_SECONDS = 900.0
STEP_TIMEOUT_SECONDS = 600.0
STOP_TIMEOUT_SECONDS = 40.0  # gunicorn lets workers finish for up to 30 s
# helpdesk's priorities: 1 critical, 2 high, 3 normal, 4 low, 5 very low
PRIORITIES = {"urgent": 1, "high": 2, "normal": 3, "low": 4}
SUMMARY_KEYS = ("tickets_per_s", "p50_ms", "p95_ms", "p99_ms", "errors")
_CSRF_ALPHABET = string.ascii_letters + string.digits


class PeerError(Exception):
    """A step of the django-helpdesk side failed; the message says which and why."""


def default_work_dir() -> Path:
    return Path(tempfile.gettempdir()) / "hubdesk-bench-peer"


@dataclass(frozen=True)
class PeerSetup:
    """One way to run the peer under gunicorn."""

    name: str
    worker_class: str  # "sync": one request at a time per process; "gthread": a thread pool
    workers: int
    threads: int = 1


def usable_cores() -> int:
    """Cores this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def peer_setups(cores: int | None = None) -> tuple[PeerSetup, ...]:
    """The usual ways to run a Django app under gunicorn: gunicorn's default two sync
    workers, its documented 2 x cores + 1 sync workers, and threaded workers (one per core,
    2 x cores threads each) that keep as many requests in flight as the processes allow."""
    cores = cores or usable_cores()
    return (PeerSetup("sync-2", "sync", 2),
            PeerSetup(f"sync-{2 * cores + 1}", "sync", 2 * cores + 1),
            PeerSetup(f"gthread-{cores}x{2 * cores}", "gthread", cores, 2 * cores))


def best_of(figures: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The set-up with the highest rate among those that ran without errors (or, if none
    did, among all that ran)."""
    ran = [f for f in figures if isinstance(f.get("tickets_per_s"), int | float)]
    clean = [f for f in ran if f.get("errors") == 0] or ran
    return max(clean, key=lambda f: f["tickets_per_s"]) if clean else None


def warmup_size(tickets: int, concurrency: int) -> int:
    """The intake benchmark's default warm-up, used for both sides."""
    return min(200, max(4 * concurrency, tickets // 10))


# ----------------------------------------------------------------------------- the project


def render_project(directory: Path, database: URL, *, secret_key: str | None = None,
                   username: str = PEER_USERNAME) -> Path:
    """Write the minimal Django project into ``directory`` (replacing an earlier one)."""
    package = directory / PEER_MODULE
    if package.exists():
        shutil.rmtree(package)
    package.mkdir(parents=True)
    values = {
        "secret_key": secret_key or secrets.token_urlsafe(50),
        "db_name": database.database or "", "db_user": database.username or "",
        "db_password": database.password or "", "db_host": database.host or LOOPBACK,
        "db_port": str(database.port or 5432), "username": username,
    }
    # Placeholders stand where Python literals go; repr() makes every value a safe literal.
    literals = {key: repr(value) for key, value in values.items()}
    (package / "__init__.py").write_text("")
    for name in ("settings", "urls", "wsgi"):
        source = _template(f"{name}.py.txt").substitute(literals)
        (package / f"{name}.py").write_text(source)
    (directory / "prepare.py").write_text(_template("prepare.py.txt").substitute(literals))
    return directory


def _template(name: str) -> string.Template:
    return string.Template((TEMPLATES / name).read_text(encoding="utf-8"))


def peer_payload(body: bytes, queue: int) -> bytes:
    """A Hubdesk intake body as helpdesk's ``POST /api/tickets/`` takes it."""
    data = orjson.loads(body)
    return orjson.dumps({
        "queue": queue, "title": data["subject"][:200], "description": data["body"],
        "submitter_email": data["requester"]["email"],
        "priority": PRIORITIES.get(data.get("priority", "normal"), 3)})


# ----------------------------------------------------------------------------- environment


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def _run(command: list[str], *, step: str, timeout: float = STEP_TIMEOUT_SECONDS,
         cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command to completion; its stdout, or a PeerError naming the step."""
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True,  # noqa: S603
                              text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise PeerError(f"{step}: no result within {timeout:.0f} s") from error
    except OSError as error:
        raise PeerError(f"{step}: {error}") from error
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-1500:]
        raise PeerError(f"{step} failed (exit {done.returncode}): {tail}")
    return done.stdout


def ensure_environment(work_dir: Path) -> Path:
    """The peer's virtualenv with its requirements installed; its Python interpreter."""
    venv = work_dir / "venv"
    python = _bin(venv, "python")
    marker = venv / "hubdesk-peer-requirements.txt"
    wanted = "\n".join(PEER_REQUIREMENTS) + "\n"
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        log.info("reusing the %s environment in %s", PEER_NAME, venv)
        return python
    work_dir.mkdir(parents=True, exist_ok=True)
    if not python.exists():
        log.info("creating a virtualenv for %s in %s", PEER_NAME, venv)
        _run([sys.executable, "-m", "venv", str(venv)], step="creating the virtualenv")
    log.info("installing %s", " ".join(PEER_REQUIREMENTS))
    _run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
          "--quiet", *PEER_REQUIREMENTS], step=f"installing {PEER_NAME} {PEER_VERSION}",
         timeout=INSTALL_TIMEOUT_SECONDS)
    marker.write_text(wanted)
    return python


def _peer_env(project: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE")}
    return {**env, "PYTHONPATH": str(project),
            "DJANGO_SETTINGS_MODULE": f"{PEER_MODULE}.settings"}


def _admin_execute(*statements: str) -> None:
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


@contextmanager
def peer_database() -> Iterator[URL]:
    """A fresh database for the peer on the benchmark's PostgreSQL server, dropped after."""
    admin = admin_url()
    _admin_execute(f'DROP DATABASE IF EXISTS "{PEER_DATABASE}" WITH (FORCE)',
                   f'CREATE DATABASE "{PEER_DATABASE}"')
    try:
        yield admin.set(database=PEER_DATABASE)
    finally:
        _admin_execute(f'DROP DATABASE IF EXISTS "{PEER_DATABASE}" WITH (FORCE)')


# ----------------------------------------------------------------------------- the server


class PeerServer(ChildServer):
    """gunicorn serving the peer project in one set-up on loopback."""

    name = "gunicorn"
    ready_path = "/api/"
    stop_timeout = STOP_TIMEOUT_SECONDS

    def __init__(self, python: Path, project: Path, *, setup: PeerSetup,
                 log_path: Path) -> None:
        super().__init__(workers=setup.workers, log_path=log_path)
        self.python = python
        self.project = project
        self.setup = setup

    def command(self) -> list[str]:
        return [str(self.python), "-m", "gunicorn", "--workers", str(self.workers),
                "--worker-class", self.setup.worker_class,
                "--threads", str(self.setup.threads),
                "--bind", f"{LOOPBACK}:{self.port}", "--chdir", str(self.project),
                "--log-level", "warning", f"{PEER_MODULE}.wsgi:application"]

    def environment(self) -> dict[str, str]:
        return _peer_env(self.project)

    def working_dir(self) -> Path | None:
        return self.project

    def failure(self, message: str) -> Exception:
        return PeerError(message)


# ----------------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Plan:
    tickets: int
    concurrency: int
    warmup: int
    work_dir: Path
    log_dir: Path


def measure_hubdesk(plan: Plan) -> dict[str, Any]:
    """The intake benchmark on PostgreSQL with two workers, reduced to the common summary."""
    result = intake.run(db="postgres", tickets=plan.tickets, concurrency=plan.concurrency,
                        workers=WORKERS, warmup=plan.warmup, seed=SEED, log_dir=plan.log_dir)
    return {**{key: result[key] for key in SUMMARY_KEYS}, "workers": WORKERS,
            "server": "uvicorn", "ratio_to_raw": result["ratio_to_raw"],
            "intent_model": result["intent_model"].get("version"),
            "peak_rss_sum_mib": result["server_memory"].get("peak_rss_sum_mib")}


def measure_peer(plan: Plan) -> dict[str, Any]:
    """django-helpdesk's figures, or ``{"error": why}`` if it could not be installed or run."""
    try:
        python = ensure_environment(plan.work_dir)
        return _measure_peer(plan, python)
    except Exception as error:  # the run reports why instead of crashing
        log.warning("django-helpdesk side failed: %s", error)
        message = str(error) if isinstance(error, PeerError) \
            else f"{type(error).__name__}: {error}"
        return {"error": message, "version": PEER_VERSION}


def _measure_peer(plan: Plan, python: Path) -> dict[str, Any]:
    project = plan.work_dir / "project"
    with peer_database() as database:
        render_project(project, database)
        env = _peer_env(project)
        log.info("migrating django-helpdesk's database %s", PEER_DATABASE)
        _run([str(python), "-m", "django", "migrate", "--noinput"], step="migrate",
             cwd=project, env=env)
        prepared = orjson.loads(_run([str(python), "prepare.py"], step="preparing accounts",
                                     cwd=project, env=env).strip().splitlines()[-1])
        bodies = [peer_payload(body, int(prepared["queue"])) for body in
                  ticket_payloads(random.Random(SEED), plan.warmup + plan.tickets, [1, 2])]
        # One database for every set-up: the tables grow by a few thousand rows per set-up,
        # which changes nothing measurable, and migrating again would take longer than a run.
        figures = [_measure_setup(plan, python, project, setup, bodies, prepared)
                   for setup in peer_setups()]
    best = best_of(figures)
    if best is None:
        raise PeerError("no set-up of django-helpdesk ran: " + "; ".join(
            str(f.get("error")) for f in figures))
    return {**best, "version": prepared.get("version", PEER_VERSION),
            "django": prepared.get("django"), "gunicorn": prepared.get("gunicorn"),
            "setups": figures}


def _measure_setup(plan: Plan, python: Path, project: Path, setup: PeerSetup,
                   bodies: list[bytes], prepared: dict[str, Any]) -> dict[str, Any]:
    """One set-up's figures, or its error: a set-up that fails leaves the others standing."""
    log_path = plan.log_dir / f"compare-django-helpdesk-{setup.name}.log"
    described = {"setup": setup.name, **asdict(setup)}
    del described["name"]
    csrf = "".join(secrets.choice(_CSRF_ALPHABET) for _ in range(32))
    try:
        with PeerServer(python, project, setup=setup, log_path=log_path) as server:
            build = encoder(server.port, None, {
                "Content-Type": "application/json", "Accept": "application/json",
                "Cookie": f"sessionid={prepared['session']}; csrftoken={csrf}",
                "X-CSRFToken": csrf})
            requests = [build.encode("POST", "/api/tickets/", body) for body in bodies]
            log.info("django-helpdesk %s: warming up with %s tickets", setup.name,
                     plan.warmup)
            run_async(lambda: drive(server.port, requests[:plan.warmup], plan.concurrency,
                                    expect=201))
            log.info("django-helpdesk %s: creating %s tickets with %s concurrent clients",
                     setup.name, plan.tickets, plan.concurrency)
            result = run_async(lambda: drive(server.port, requests[plan.warmup:],
                                             plan.concurrency, expect=201,
                                             max_errors=max(20, plan.tickets // 10)))
            memory = peak_memory(server.pid)
    except PeerError as error:
        log.warning("django-helpdesk %s failed: %s", setup.name, error)
        return {**described, "error": str(error)}
    if result.errors:
        log.warning("django-helpdesk %s errors by status: %s", setup.name,
                    dict(result.failures))
    latency = summarise_ms(result.latencies)
    rate = result.successes / result.elapsed if result.elapsed else 0.0
    return {**described, "tickets_per_s": round(rate, 1), "p50_ms": latency["p50_ms"],
            "p95_ms": latency["p95_ms"], "p99_ms": latency["p99_ms"], "errors": result.errors,
            "errors_by_status": dict(result.failures), "abandoned": result.abandoned,
            "peak_rss_sum_mib": memory.get("peak_rss_sum_mib"),
            "server": f"gunicorn {prepared.get('gunicorn')} ({setup.worker_class} workers)"}


def summarise(plan: Plan, hubdesk: dict[str, Any], peer: dict[str, Any]) -> dict[str, Any]:
    """The one JSON object: both sides and Hubdesk's throughput as a multiple of the peer's
    best set-up (``peer`` is that set-up's figures, with every set-up's under ``setups``)."""
    ratio = None
    ours, theirs = hubdesk.get("tickets_per_s"), peer.get("tickets_per_s")
    if isinstance(ours, int | float) and isinstance(theirs, int | float) and theirs > 0:
        ratio = round(ours / theirs, 2)
    return {"tickets": plan.tickets, "concurrency": plan.concurrency, "db": "postgres",
            "warmup": plan.warmup, "hubdesk": hubdesk, "django_helpdesk": peer,
            "ratio": ratio, "ratio_against": peer.get("setup"), "target_ratio": TARGET_RATIO}


def run(*, tickets: int = 2000, concurrency: int = 8, warmup: int | None = None,
        work_dir: Path | None = None, log_dir: Path | None = None,
        measure_ours: Callable[[Plan], dict[str, Any]] = measure_hubdesk,
        measure_theirs: Callable[[Plan], dict[str, Any]] = measure_peer) -> dict[str, Any]:
    """Measure both, one after the other, and return the comparison."""
    plan = Plan(tickets, concurrency,
                warmup if warmup is not None else warmup_size(tickets, concurrency),
                (work_dir or default_work_dir()).resolve(),
                log_dir or Path(tempfile.gettempdir()) / "hubdesk-bench-logs")
    install_error = None
    if measure_theirs is measure_peer:  # install before measuring anything: pip is heavy
        try:
            ensure_environment(plan.work_dir)
        except PeerError as error:
            log.warning("django-helpdesk cannot be installed: %s", error)
            install_error = {"error": str(error), "version": PEER_VERSION}
    log.info("measuring Hubdesk")
    try:
        ours = measure_ours(plan)
    except Exception as error:  # report it beside the peer's figures
        log.exception("the Hubdesk side failed")
        ours = {"error": f"{type(error).__name__}: {error}"}
    log.info("measuring %s %s", PEER_NAME, PEER_VERSION)
    theirs = install_error or measure_theirs(plan)
    return summarise(plan, ours, theirs)
