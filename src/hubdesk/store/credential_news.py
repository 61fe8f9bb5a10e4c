"""Word between processes that someone's access changed (`services/ports.py` `CredentialNews`).

PostgreSQL carries it as a notification on a channel every server process listens on, so it
reaches processes on other machines too. SQLite is one machine's database: the word is a
file beside it, rewritten with new random contents by whoever announces and read by the
others on each use of a cached token (a few microseconds).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from hubdesk.services.ports import CredentialNews
from hubdesk.store.engine import Timeouts, postgres_connect_args

log = logging.getLogger(__name__)
CHANNEL = "hubdesk_credentials"
# Retries of a lost listening connection wait twice as long each time, up to this.
_LONGEST_RETRY = 30.0


def credential_news(engine: Engine, timeouts: Timeouts) -> CredentialNews | None:
    """The news for ``engine``'s database; None for an SQLite database in memory, which no
    other process can open."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        return FileCredentialNews(Path(url.database + "-credentials"))
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(
        hide_password=False)
    return PostgresCredentialNews(engine, conninfo, postgres_connect_args(timeouts))


class PostgresCredentialNews:
    """Announces with NOTIFY on a connection of ``engine``'s pool; hears through a daemon
    thread holding a LISTEN connection of its own (``conninfo``), started on first use in each
    process (so after a server forks its workers).

    Until that connection listens, or while it is lost, `edition` is None and cached tokens
    are not trusted. Each reconnection changes the edition, since news may have been missed.
    A silently dead connection is found by a query every ``heartbeat`` seconds.
    """

    def __init__(self, engine: Engine, conninfo: str, connect_args: dict[str, Any], *,
                 heartbeat: float = 10.0, retry: float = 1.0) -> None:
        self._engine = engine
        self._conninfo = conninfo
        self._connect_args = connect_args
        self._heartbeat = heartbeat
        self._retry = retry
        # (hearing, edition), replaced whole so readers need no lock.
        self._state: tuple[bool, int] = (False, 0)
        self._listening_pid: int | None = None
        self._start_lock = threading.Lock()
        self._stop = threading.Event()

    def announce(self) -> None:
        with self._engine.begin() as db:
            db.execute(select(func.pg_notify(CHANNEL, "")))

    def edition(self) -> int | None:
        if self._listening_pid != os.getpid():
            self._listen()
        hearing, edition = self._state
        return edition if hearing else None

    def close(self) -> None:
        self._stop.set()

    def _listen(self) -> None:
        with self._start_lock:
            if self._listening_pid == os.getpid():
                return
            # A forked child inherits the parent's state but not its thread.
            self._state = (False, self._state[1] + 1)
            self._listening_pid = os.getpid()
            threading.Thread(target=self._run, name="hubdesk-credential-news",
                             daemon=True).start()

    def _run(self) -> None:
        import psycopg  # here, not at the top: an embedded desk never loads PostgreSQL's client

        delay = self._retry
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True,
                                     **self._connect_args) as db:
                    db.execute(f"LISTEN {CHANNEL}")
                    self._state = (True, self._state[1] + 1)
                    delay = self._retry
                    while not self._stop.is_set():
                        for _ in db.notifies(timeout=self._heartbeat):
                            self._state = (True, self._state[1] + 1)
                        db.execute("SELECT 1")
            except (psycopg.Error, OSError) as error:
                if self._state[0] or delay == self._retry:  # once per outage, not per retry
                    log.warning("no connection hears of access changes (%s); cached API "
                                "tokens are not trusted until there is one",
                                type(error).__name__)
            self._state = (False, self._state[1] + 1)
            self._stop.wait(delay)
            delay = min(delay * 2, _LONGEST_RETRY)


class FileCredentialNews:
    """Announces by replacing ``path`` with random contents; its contents are the edition."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def announce(self) -> None:
        fresh = self.path.with_name(f"{self.path.name}.{secrets.token_hex(8)}")
        fresh.write_bytes(secrets.token_bytes(8))
        os.replace(fresh, self.path)

    def edition(self) -> int | None:
        try:
            descriptor = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return 0  # nobody announced anything yet
        except OSError:
            return None
        try:
            return int.from_bytes(os.read(descriptor, 8), "big")
        except OSError:
            return None
        finally:
            os.close(descriptor)

    def close(self) -> None:
        pass
