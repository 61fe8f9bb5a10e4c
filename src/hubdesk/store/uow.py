"""The SQL unit of work: one connection, one transaction, every repository bound to it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DisconnectionError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from hubdesk.services.ports import DuplicateKey, EventHandlers, StoreUnavailable
from hubdesk.store.directory import (
    SqlAgentRepository,
    SqlCustomerRepository,
    SqlOrgStructureRepository,
)
from hubdesk.store.exclusions import SqlExclusionRepository
from hubdesk.store.handoffs import SqlHandoffRepository
from hubdesk.store.jobs import SqlPeriodicRuns
from hubdesk.store.macros import SqlMacroRepository
from hubdesk.store.mail import SqlMailboxRepository, SqlMailRepository
from hubdesk.store.mail_templates import SqlMailTemplateRepository
from hubdesk.store.notifications import SqlNotificationRepository
from hubdesk.store.outbox import SqlOutbox
from hubdesk.store.reads import SqlReadMarks
from hubdesk.store.routing import SqlRoutingRepository
from hubdesk.store.rules import SqlRuleRepository
from hubdesk.store.satisfaction import SqlSatisfaction
from hubdesk.store.saved_views import SqlSavedViews
from hubdesk.store.sessions import SqlSessionRepository, SqlSignInAttempts
from hubdesk.store.settings import RememberedSettings, SqlSettings
from hubdesk.store.sla import SqlSlaRepository
from hubdesk.store.ticket_flow import SqlTicketFlow
from hubdesk.store.tickets import SqlTicketRepository
from hubdesk.store.webhooks import SqlWebhookRepository
from hubdesk.store.workforce import SqlWorkforceRepository
from hubdesk.store.writers import WriterQueue, checkpoint, writer_queue

# Failures of the connection rather than of the statement: the same request may well succeed
# once the database is back, so they are reported as unavailability, not as bugs.
CONNECTION_FAILURES: tuple[type[Exception], ...] = (
    OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def unavailable(error: BaseException) -> StoreUnavailable:
    # Only the kind of failure: the driver's message can quote the statement's values.
    return StoreUnavailable(f"database unavailable ({type(error).__name__})")


class SqlUnitOfWork:
    tickets: SqlTicketRepository
    customers: SqlCustomerRepository
    agents: SqlAgentRepository
    structure: SqlOrgStructureRepository
    outbox: SqlOutbox
    webhooks: SqlWebhookRepository
    jobs: SqlPeriodicRuns
    sessions: SqlSessionRepository
    sign_ins: SqlSignInAttempts
    sla: SqlSlaRepository
    handoffs: SqlHandoffRepository
    mail: SqlMailRepository
    mailboxes: SqlMailboxRepository
    routing: SqlRoutingRepository
    exclusions: SqlExclusionRepository
    rules: SqlRuleRepository
    notifications: SqlNotificationRepository
    mail_templates: SqlMailTemplateRepository
    reads: SqlReadMarks
    satisfaction: SqlSatisfaction
    ticket_flow: SqlTicketFlow
    settings: SqlSettings

    def __init__(self, engine: Engine, bus: EventHandlers, *, write: bool = True,
                 writers: WriterQueue | None = None,
                 known_teams: set[int] | None = None,
                 remembered: RememberedSettings | None = None,
                 one_statement: bool = False) -> None:
        self._engine = engine
        self._one_statement = one_statement
        self._known_teams = known_teams
        self._remembered = remembered if remembered is not None else RememberedSettings()
        self.bus = bus
        self._write = write
        self._connection: Connection | None = None
        self._queue = writers if write else None
        self._turn: int | None = None
        self._checkpoint_due = False

    def __enter__(self) -> SqlUnitOfWork:
        if self._queue is not None:
            try:
                self._turn = self._queue.acquire()
            except OSError as error:  # the database's folder is gone or unwritable
                raise unavailable(error) from None
        try:
            return self._begin()
        except CONNECTION_FAILURES as error:
            self._abandon()
            raise unavailable(error) from None
        except BaseException:
            self._abandon()
            raise

    def _abandon(self) -> None:
        """Give back what the unit of work holds: the connection (if any) and the queue turn.
        After a commit whose turn is due to checkpoint, the turn goes first: the next writer
        need not wait for the checkpoint."""
        connection, self._connection = self._connection, None
        due, self._checkpoint_due = self._checkpoint_due, False
        try:
            if due and connection is not None:
                self._leave_queue()
                checkpoint(connection.connection.driver_connection)
            if connection is not None:
                connection.close()
        except CONNECTION_FAILURES:
            pass
        finally:
            self._leave_queue()

    def _leave_queue(self) -> None:
        if self._queue is not None and self._turn is not None:
            self._queue.release(self._turn)
            self._turn = None

    def _begin(self) -> SqlUnitOfWork:
        connection = self._engine.connect()
        if self._write:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
        if self._one_statement and self._engine.dialect.name == "postgresql":
            # A single statement is a transaction of its own: BEGIN and COMMIT would only
            # add two round trips. (SQLite keeps its queue of writers.)
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        self._connection = connection
        self._transaction = connection.begin()
        self.settings = settings = SqlSettings(connection, self._remembered)
        self.tickets = SqlTicketRepository(connection)
        self.customers = SqlCustomerRepository(connection, settings)
        self.agents = SqlAgentRepository(connection)
        self.structure = SqlOrgStructureRepository(connection, self._known_teams)
        self.outbox = SqlOutbox(connection)
        self.webhooks = SqlWebhookRepository(connection)
        self.jobs = SqlPeriodicRuns(connection)
        self.sessions = SqlSessionRepository(connection)
        self.sign_ins = SqlSignInAttempts(connection)
        self.sla = SqlSlaRepository(connection, settings)
        self.handoffs = SqlHandoffRepository(connection)
        self.saved_views = SqlSavedViews(connection)
        self.macros = SqlMacroRepository(connection)
        self.mail = SqlMailRepository(connection, settings)
        self.mailboxes = SqlMailboxRepository(connection)
        self.routing = SqlRoutingRepository(connection, settings)
        self.exclusions = SqlExclusionRepository(connection)
        self.rules = SqlRuleRepository(connection, settings)
        self.workforce = SqlWorkforceRepository(connection)
        self.notifications = SqlNotificationRepository(connection)
        self.mail_templates = SqlMailTemplateRepository(connection)
        self.reads = SqlReadMarks(connection)
        self.satisfaction = SqlSatisfaction(connection)
        self.ticket_flow = SqlTicketFlow(connection)
        return self

    def commit(self) -> None:
        try:
            self._transaction.commit()
            if self._queue is not None and self._turn is not None:
                self._checkpoint_due = self._queue.checkpoint_due()
        except IntegrityError as error:
            raise DuplicateKey(str(error.orig)) from error
        except CONNECTION_FAILURES as error:
            raise unavailable(error) from None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._connection is not None
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        except CONNECTION_FAILURES as error:
            # A lost connection rolls the transaction back by itself; report the first
            # failure, not this echo of it.
            if exc is None:
                raise unavailable(error) from None
        finally:
            self._abandon()
        if isinstance(exc, IntegrityError):
            raise DuplicateKey(str(exc.orig)) from exc
        if isinstance(exc, CONNECTION_FAILURES):
            raise unavailable(exc) from None


class SqlUnitOfWorkFactory:
    """Units of work on ``engine``, each carrying ``bus`` (the handlers registered at
    bootstrap)."""

    def __init__(self, engine: Engine, bus: EventHandlers) -> None:
        self.engine = engine
        self.bus = bus
        self.writers = writer_queue(engine)
        self.known_teams: set[int] = set()
        self.remembered = RememberedSettings()

    def __call__(self, *, write: bool = True, one_statement: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.bus, write=write, writers=self.writers,
                             known_teams=self.known_teams, remembered=self.remembered,
                             one_statement=one_statement)
