"""The SQL unit of work: one connection, one transaction, every repository bound to it."""

from __future__ import annotations

import threading
import weakref
from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from hubdesk.services.ports import DuplicateKey
from hubdesk.store.directory import (
    SqlAgentRepository,
    SqlCustomerRepository,
    SqlOrgStructureRepository,
)
from hubdesk.store.outbox import SqlOutbox
from hubdesk.store.tickets import SqlTicketRepository

# SQLite lets one writer in at a time and makes the others poll with growing sleeps (up to
# 100 ms each), which shows as tail latency. Writers of one process queue on this lock instead
# and are woken the moment the previous one commits; other processes still use busy_timeout.
_sqlite_writers: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()
WRITER_WAIT_SECONDS = 30


def _writer_lock(engine: Engine) -> threading.Lock | None:
    if engine.dialect.name != "sqlite":
        return None
    with _registry_lock:
        return _sqlite_writers.setdefault(engine, threading.Lock())


class SqlUnitOfWork:
    tickets: SqlTicketRepository
    customers: SqlCustomerRepository
    agents: SqlAgentRepository
    structure: SqlOrgStructureRepository
    outbox: SqlOutbox

    def __init__(self, engine: Engine, *, write: bool = True) -> None:
        self._engine = engine
        self._write = write
        self._connection: Connection | None = None
        self._lock = _writer_lock(engine) if write else None

    def __enter__(self) -> SqlUnitOfWork:
        if self._lock is not None and not self._lock.acquire(timeout=WRITER_WAIT_SECONDS):
            raise TimeoutError("the database stayed busy; try again")
        try:
            return self._begin()
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise

    def _begin(self) -> SqlUnitOfWork:
        connection = self._engine.connect()
        if self._write:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
        self._connection = connection
        self._transaction = connection.begin()
        self.tickets = SqlTicketRepository(connection)
        self.customers = SqlCustomerRepository(connection)
        self.agents = SqlAgentRepository(connection)
        self.structure = SqlOrgStructureRepository(connection)
        self.outbox = SqlOutbox(connection)
        return self

    def commit(self) -> None:
        try:
            self._transaction.commit()
        except IntegrityError as error:
            raise DuplicateKey(str(error.orig)) from error

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._connection is not None
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self._connection.close()
            self._connection = None
            if self._lock is not None:
                self._lock.release()
        if isinstance(exc, IntegrityError):
            raise DuplicateKey(str(exc.orig)) from exc


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write=write)
