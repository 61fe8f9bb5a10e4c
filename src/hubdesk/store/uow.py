"""The SQL unit of work: one connection, one transaction, every repository bound to it."""

from __future__ import annotations

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
from hubdesk.store.sessions import SqlSessionRepository, SqlSignInAttempts
from hubdesk.store.tickets import SqlTicketRepository
from hubdesk.store.writers import WriterQueue, writer_queue


class SqlUnitOfWork:
    tickets: SqlTicketRepository
    customers: SqlCustomerRepository
    agents: SqlAgentRepository
    structure: SqlOrgStructureRepository
    outbox: SqlOutbox
    sessions: SqlSessionRepository
    sign_ins: SqlSignInAttempts

    def __init__(self, engine: Engine, *, write: bool = True,
                 writers: WriterQueue | None = None) -> None:
        self._engine = engine
        self._write = write
        self._connection: Connection | None = None
        self._queue = writers if write else None
        self._turn: int | None = None

    def __enter__(self) -> SqlUnitOfWork:
        if self._queue is not None:
            self._turn = self._queue.acquire()
        try:
            return self._begin()
        except BaseException:
            self._leave_queue()
            raise

    def _leave_queue(self) -> None:
        if self._queue is not None and self._turn is not None:
            self._queue.release(self._turn)
            self._turn = None

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
        self.sessions = SqlSessionRepository(connection)
        self.sign_ins = SqlSignInAttempts(connection)
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
            self._leave_queue()
        if isinstance(exc, IntegrityError):
            raise DuplicateKey(str(exc.orig)) from exc


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.writers = writer_queue(engine)

    def __call__(self, *, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write=write, writers=self.writers)
