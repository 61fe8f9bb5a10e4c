"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

Each test starts from empty tables on a migrated schema and commits for real, so transaction
behaviour (locks, uniqueness races, rollbacks) is what production sees. PostgreSQL is required
when CI=true; elsewhere its tests skip with a message if no server answers.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from hubdesk.bootstrap import Hub, assemble
from hubdesk.config import Settings
from hubdesk.logs import JsonFormatter
from hubdesk.services import auth
from hubdesk.store.engine import make_engine
from hubdesk.store.migrate import upgrade
from hubdesk.store.tables import metadata
from tests import planted

POSTGRES_ADMIN_URL = os.environ.get(
    "HUBDESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


REDIS_TEST_URL = os.environ.get("HUBDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public data sets beside the repository; tests using them skip when absent."""
    override = os.environ.get("HUBDESK_SHARED_DATA")
    path = Path(override) if override else Path(__file__).resolve().parents[1].parent / \
        "shared" / "data"
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path}: set HUBDESK_SHARED_DATA to run this test")
    return path


@pytest.fixture
def redis_url() -> str:
    """A reachable Redis for this test: required under CI=true, otherwise skipped if absent."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if IN_CI:
            pytest.fail(f"Redis is required under CI=true and is unreachable: {error}")
        pytest.skip("Redis not reachable; set HUBDESK_TEST_REDIS_URL to run these tests")
    finally:
        client.close()
    return REDIS_TEST_URL


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _checkout() -> str:
    """A short tag of this checkout, so two checkouts testing at once never share a database."""
    return hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:8]


def _postgres_test_url(purpose: str = "") -> str:
    """A new, empty database of this checkout and worker (``purpose`` tells several apart)."""
    admin_url = make_url(POSTGRES_ADMIN_URL)
    name = f"hubdesk_test_{_checkout()}_{_worker()}{'_' + purpose if purpose else ''}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true and is unreachable at "
                        f"{admin_url.render_as_string(hide_password=True)}: {error}")
        pytest.skip(f"PostgreSQL not reachable ({type(error).__name__}); set "
                    "HUBDESK_TEST_POSTGRES_URL to run these tests")
    finally:
        admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'hubdesk.db'}"
    else:
        url = _postgres_test_url()
    engine = make_engine(url, pool_size=5)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def unmigrated_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of its own on each database, for tests that migrate step by step
    (what a migration does to rows already there)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'unmigrated.db'}"
    else:
        url = _postgres_test_url("unmigrated")
    engine = make_engine(url, pool_size=1)
    yield engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    """DELETE, children first, rather than TRUNCATE: a test leaves a handful of rows, and
    TRUNCATE of every table (new files for each, synced) costs PostgreSQL ~0.15 s per test
    where DELETE costs ~0.01 s. Sequences restart so each test sees ids from 1."""
    names = [table.name for table in reversed(metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("; ".join(f"DELETE FROM {name}" for name in names)))
            connection.execute(text(
                "SELECT setval(oid::regclass, 1, false) FROM pg_class WHERE relkind = 'S'"))
        else:
            for name in names:
                connection.execute(text(f"DELETE FROM {name}"))
        # As a migrated database has it: the settings' token (store/settings.py).
        connection.execute(text("INSERT INTO settings_versions (id, token) VALUES (1, :token) "
                                "ON CONFLICT (id) DO NOTHING"),
                           {"token": secrets.randbits(62)})


@pytest.fixture
def hub(engine: Engine, tmp_path: Path) -> Iterator[Hub]:
    _empty_all_tables(engine)
    settings = Settings(environment="test", data_dir=tmp_path, embedded_worker=False,
                        database_url=engine.url.render_as_string(hide_password=False))
    yield assemble(settings, engine)


# --- The whole run's logs never hold planted personal data ------------------------------------
# Every process (the controller and each xdist worker) writes every formatted log line to its
# own file in one folder; the controller reads them all when the run ends and fails the run if
# a planted marker (tests/planted.py) appears. The folder is chosen by the controller before
# workers start and reaches them through the environment.

_LOG_GUARD_DIR = "HUBDESK_TEST_LOG_GUARD_DIR"
_CLIENT_LOGGERS = ("httpx", "httpcore")  # the tests' own HTTP client, not the server


class _EveryLine(logging.Handler):
    def __init__(self, path: Path) -> None:
        super().__init__(logging.NOTSET)
        self.setFormatter(JsonFormatter())
        self.stream = path.open("a", encoding="utf-8", errors="backslashreplace")

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(_CLIENT_LOGGERS):
            return
        try:
            self.stream.write(self.format(record) + "\n")
        except Exception:  # a broken record must not break the test that logged it
            self.handleError(record)

    def close(self) -> None:
        self.stream.close()
        super().close()


# Password hashing is slow on purpose: argon2 at the product's cost takes 0.1-0.2 s a hash on
# two cores, and the suite creates and signs in thousands of accounts. The suite's own
# processes hash with argon2 at its lowest cost instead; what the product ships is checked in
# tests/services/test_password_hashing.py, and servers the suite starts as processes of their
# own hash at the product's cost.
PRODUCT_HASHER = auth._hasher
_CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _hash_passwords_cheaply() -> None:
    auth._hasher = _CHEAP_HASHER
    auth._dummy_hash.cache_clear()


def pytest_configure(config: pytest.Config) -> None:
    _hash_passwords_cheaply()
    if not hasattr(config, "workerinput") and _LOG_GUARD_DIR not in os.environ:
        os.environ[_LOG_GUARD_DIR] = tempfile.mkdtemp(prefix="hubdesk-log-guard-")
    folder = Path(os.environ[_LOG_GUARD_DIR])
    handler = _EveryLine(folder / f"{_worker()}-{os.getpid()}.jsonl")
    logging.getLogger().addHandler(handler)
    config.stash[_guard_key] = handler


_guard_key = pytest.StashKey[_EveryLine]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    handler = session.config.stash.get(_guard_key, None)
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()
    if hasattr(session.config, "workerinput"):
        return  # the controller checks every process's lines once all have finished
    folder = Path(os.environ.get(_LOG_GUARD_DIR, ""))
    leaks = [f"{path.name}: {line[:300]}" for path in sorted(folder.glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines()
             if any(marker in line for marker in planted.MARKERS)]
    shutil.rmtree(folder, ignore_errors=True)
    if leaks:
        session.config.get_terminal_writer().line(
            "planted personal data reached the logs:\n" + "\n".join(leaks[:20]), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
