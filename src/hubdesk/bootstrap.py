"""The composition root: the one place that wires real adapters to the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from hubdesk.bus import FanOut, LocalBroadcast, RedisListener, RedisPublisher
from hubdesk.config import Settings
from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.mail_rules import MailRouting, RatePolicy
from hubdesk.domain.safety import SafetyPolicy
from hubdesk.sealing import FernetSealer, survey_link_key
from hubdesk.services import handoffs, routing, routing_flags, rule_handoffs, safety, sla
from hubdesk.services.application import Application, Dependencies
from hubdesk.services.auth import TokenCache
from hubdesk.services.fair_share import FairShare
from hubdesk.services.intake import NO_TOOLS, IntakeTools
from hubdesk.services.messagebus import MessageBus
from hubdesk.services.rules import triggers as rule_triggers
from hubdesk.services.satisfaction import SurveyLinks
from hubdesk.services.sla_risk import ForecastMemo
from hubdesk.store.blobs import FileBlobStore
from hubdesk.store.credential_news import credential_news
from hubdesk.store.engine import Timeouts, make_engine
from hubdesk.store.schema_version import (
    current_revision,
    database_revision,
    head_revision,
    schema_readiness,
)
from hubdesk.store.turn_files import FileSlots, file_locks_available
from hubdesk.store.uow import CONNECTION_FAILURES, SqlUnitOfWorkFactory, unavailable


@dataclass
class Hub:
    """The running installation: its infrastructure, and the application wired onto it."""

    settings: Settings
    engine: Engine
    uows: SqlUnitOfWorkFactory
    blobs: FileBlobStore
    bus: MessageBus
    broadcast: LocalBroadcast = field(default_factory=LocalBroadcast)
    redis: RedisPublisher | None = None
    tokens: TokenCache = field(default_factory=lambda: TokenCache(0))
    intake: IntakeTools = NO_TOOLS

    @property
    def publisher(self) -> FanOut:
        """Committed events go to Redis if configured (every process's subscribers hear them
        through `listen`), else straight to this process's subscribers; and to the bus's
        after-commit handlers."""
        return FanOut(self.redis or self.broadcast, self.bus)

    def listen(self) -> RedisListener | None:
        """With Redis, start handing events any process published to this process's
        subscribers (the server does, for live consoles); stop it on shutdown."""
        if self.redis is None or self.settings.redis_url is None:
            return None
        listener = RedisListener(self.settings.redis_url, self.broadcast)
        listener.start()
        return listener

    @cached_property
    def app(self) -> Application:
        from hubdesk.channels.email.parsing import Limits, StdlibMailParser

        parser = StdlibMailParser(Limits(
            attachment_bytes=self.settings.mail_max_attachment_bytes))
        surveys = SurveyLinks(self.settings.public_url,
                              survey_link_key(self.settings.secret_key))
        return Application(Dependencies(uows=self.uows, tools=self.intake, blobs=self.blobs,
                                        tokens=self.tokens, publisher=self.publisher,
                                        clock=utcnow, mail_parser=parser,
                                        mail_routing=mail_routing(self.settings),
                                        default_aht_s=self.settings.wfm_aht_s,
                                        workforce_zone=ZoneInfo(self.settings.wfm_timezone),
                                        mail_sending=bool(self.settings.mail_smtp_host),
                                        webhook_private_targets=(
                                            self.settings.webhook_private_targets),
                                        console_forecast=ForecastMemo(timedelta(
                                            seconds=self.settings.console_forecast_max_age_s)),
                                        notice_fold_window=timedelta(
                                            minutes=self.settings.sla_notice_window_minutes),
                                        surveys=surveys, heavy_reads=self._turns()))

    def _turns(self) -> FairShare:
        """Reports' turns shared by every worker process of this server, where the system
        locks files; else each process keeps its own."""
        if not file_locks_available():
            return FairShare()
        return FairShare(slots=FileSlots(self.settings.data_dir / "turns"))

    def reload_triage(self) -> None:
        """Pick up newly trained models: fresh triage tools, and the application rebuilt on
        them."""
        self.intake = build_intake_tools(self.settings)
        self.__dict__.pop("app", None)

    def database_ready(self, within: float = 1.0) -> tuple[bool, str]:
        """Whether the database answers and its schema is current, decided within ``within``
        seconds whatever the database does: a stalled probe is left to its own timeouts in
        a daemon thread while the answer goes back."""
        import threading

        answer: list[tuple[bool, str]] = []
        head_revision()  # the package's own scripts, read once and outside the database's budget

        def probe() -> None:
            try:
                with self.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                    revision = current_revision(connection)
            except Exception as error:  # readiness reports, it never raises
                answer.append((False, f"database unreachable: {type(error).__name__}"))
                return
            answer.append(schema_readiness(revision))

        thread = threading.Thread(target=probe, name="hubdesk-readiness", daemon=True)
        thread.start()
        thread.join(within)
        if not answer:
            return False, f"database did not answer within {within:g} s"
        return answer[0]

    def migrate(self) -> None:
        # alembic is imported here only: a server process never needs it again once started
        from hubdesk.store.migrate import upgrade

        try:
            upgrade(self.engine)
        except CONNECTION_FAILURES as error:
            raise unavailable(error) from error

    def schema_revision(self) -> str | None:
        """The revision the database's schema is at; None before the first migration."""
        try:
            return database_revision(self.engine)
        except CONNECTION_FAILURES as error:
            raise unavailable(error) from error

    def close(self) -> None:
        self.tokens.close()
        self.engine.dispose()
        if self.redis is not None:
            self.redis.close()


def build_hub(settings: Settings) -> Hub:
    timeouts = Timeouts(connect=settings.db_connect_timeout_seconds,
                        statement=settings.db_statement_timeout_seconds,
                        pool=settings.db_pool_timeout_seconds,
                        busy=settings.db_busy_timeout_seconds)
    engine = make_engine(settings.effective_database_url, pool_size=settings.db_pool_size,
                         timeouts=timeouts)
    return assemble(settings, engine, intake=build_intake_tools(settings),
                    redis=RedisPublisher(settings.redis_url) if settings.redis_url else None,
                    tokens=TokenCache(settings.auth_cache_seconds,
                                      news=credential_news(engine, timeouts)))


def assemble(settings: Settings, engine: Engine, *, intake: IntakeTools | None = None,
             redis: RedisPublisher | None = None, tokens: TokenCache | None = None) -> Hub:
    """Wire a hub on an existing engine: the bus with every capability's handlers, units of
    work carrying it, and the application on top."""
    tools = intake or IntakeTools(sealer=FernetSealer(settings.secret_key),
                                  safety=safety_policy(settings))
    bus = build_bus(tools.safety, routing_enabled=settings.routing_enabled)
    return Hub(settings=settings, engine=engine, uows=SqlUnitOfWorkFactory(engine, bus),
               blobs=FileBlobStore(settings.attachments_dir), bus=bus, redis=redis,
               tokens=tokens or TokenCache(0), intake=tools)


def build_bus(policy: SafetyPolicy, *, routing_enabled: bool = True) -> MessageBus:
    """Every capability subscribes to ticket events here, and only here. Safety comes first:
    a held contact is not routed."""
    bus = MessageBus()
    safety.register(bus, policy)
    # After safety: rules see a held or escalated contact as the safety rules left it; before
    # SLA clocks and routing, which then see the priority, team or assignee a rule set.
    rule_triggers.register(bus)
    sla.register(bus)
    handoffs.register(bus)
    rule_handoffs.register(bus)
    routing.register(bus, enabled=routing_enabled)
    routing_flags.register(bus)
    return bus


def mail_routing(settings: Settings) -> MailRouting:
    return MailRouting.of(settings.mail_addresses, settings.mail_from,
                          RatePolicy(settings.mail_rate_limit,
                                     settings.mail_rate_window_seconds))


def safety_policy(settings: Settings) -> SafetyPolicy:
    return SafetyPolicy(security_department=settings.security_department,
                        escalate_threats=settings.escalate_threats,
                        blocking_roles=frozenset(Role(name) for name in settings.blocking_roles))


def build_intake_tools(settings: Settings) -> IntakeTools:
    """Triage with the desk's current intent model (none until one is trained: every ticket
    then goes to human triage), and sealing of masked originals with the secret key."""
    sealer = FernetSealer(settings.secret_key)
    if not settings.triage_enabled:
        return IntakeTools(sealer=sealer, safety=safety_policy(settings))
    from hubdesk.triage.desk_models import DeskModelStore
    from hubdesk.triage.engine import TriageConfig, TriageEngine
    from hubdesk.triage.intent.store import ModelStore

    engine = TriageEngine.with_stored_model(
        TriageConfig(languages=tuple(settings.languages),
                     phone_region=settings.phone_region.upper(),
                     masked_entities=frozenset(settings.masked_personal_data),
                     model_cache_dir=settings.data_dir / "models" / "cache",
                     budget_ms=settings.triage_budget_ms),
        ModelStore(settings.data_dir / "models" / "intent"),
        DeskModelStore(settings.data_dir / "models" / "desk"))
    # Lazy models load now, not inside the first customer's time budget.
    engine.warm_up()
    from hubdesk.triage.similarity import SimilarityFinder

    return IntakeTools(triager=engine, sealer=sealer, similarity=SimilarityFinder(),
                       safety=safety_policy(settings))
