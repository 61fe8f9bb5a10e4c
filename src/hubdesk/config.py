"""All settings in one typed object, read from HUBDESK_* environment variables."""

from __future__ import annotations

import ipaddress
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me"  # noqa: S105 - refused in production
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The kinds triage's personal-data reader finds (`triage.pii.PII_ENTITIES`, which a test keeps
# equal), named here so a wrong setting is refused before triage's libraries are loaded.
MASKABLE_KINDS = ("SECRET", "CREDIT_CARD", "IBAN_CODE", "EMAIL_ADDRESS", "US_SSN", "IP_ADDRESS",
                  "STREET_ADDRESS", "PHONE_NUMBER", "PERSON")
# What the store is written and tested for: psycopg 3 (its pipelines) and SQLite.
DATABASE_SCHEMES = frozenset({"postgresql", "postgresql+psycopg", "sqlite",
                              "sqlite+pysqlite"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUBDESK_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; empty means SQLite at DATA_DIR/hubdesk.db. PostgreSQL: "
                    "postgresql+psycopg://user:password@host/db",
    )
    secret_key: str = DEVELOPMENT_SECRET
    max_request_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    log_level: str = "INFO"
    session_max_age_seconds: int = 12 * 3600
    db_pool_size: int = Field(default=10, ge=1)
    redis_url: str | None = Field(
        default=None, description="redis://host:6379/0 to share events between processes")
    auth_cache_seconds: float = Field(
        default=5.0, ge=0, description="how long a verified API token is trusted without "
                                       "asking the database again")
    triage_enabled: bool = Field(
        default=True, description="read incoming messages for language, mood, intent and "
                                  "personal data before they are stored")
    triage_budget_ms: float = Field(
        default=100.0, gt=0, le=60_000,
        description="time triage may spend on a message a client waits for (API, console); "
                    "past it the optional stages are skipped (personal data and abuse "
                    "always run)")
    filing_triage_budget_ms: float = Field(
        default=2_000.0, gt=0, le=60_000,
        description="the same for e-mail filed in the background, where no client waits: "
                    "a busy machine should not leave mail without intent or mood")
    console_forecast_max_age_s: float = Field(
        default=10.0, ge=0, le=300,
        description="how old the breach forecast on the control room and at-risk screens "
                    "may be before it is worked out again (per server process; 0: on every "
                    "refresh). The API always works it out afresh")
    sla_notice_window_minutes: int = Field(
        default=30, ge=0, le=24 * 60,
        description="SLA warnings about one ticket to one agent within this many minutes of "
                    "the first are folded into that one notice (a breach makes it unread "
                    "again); 0 gives each warning its own notice")
    languages: list[str] = Field(
        default_factory=list, description="the languages the desk works in (ISO 639-1); "
                                          "empty means any")
    embedded_worker: bool = Field(
        default=True, description="relay the outbox and run background jobs inside the "
                                  "server process")
    masked_personal_data: list[str] = Field(
        default_factory=lambda: ["CREDIT_CARD", "IBAN_CODE", "US_SSN", "SECRET"],
        description="kinds of personal data masked in stored text (originals kept "
                    "encrypted for agents with sensitive-data access)")
    phone_region: str = Field(
        default="US", min_length=2, max_length=2,
        description="how phone numbers without a country code are read (ISO 3166 region)")
    security_department: str = Field(
        default="Security", min_length=1, max_length=200,
        description="the department that receives tickets escalated to security")
    escalate_threats: bool = Field(
        default=True, description="a message triage reads as a threat escalates its ticket "
                                  "to security on arrival")
    webhook_private_targets: bool = Field(
        default=False, description="webhooks an administrator allows to reach private "
                                   "addresses may reach them (loopback, private networks, "
                                   "link-local such as cloud metadata)")
    blocking_roles: list[str] = Field(
        default_factory=lambda: ["coordinator", "manager", "admin"],
        description="roles allowed to block a sender")
    job_workers: int = Field(
        default=2, ge=1, le=64, description="threads that run background jobs in each worker "
                                            "(or embedded server) process")
    job_queue_name: str = Field(
        default="hubdesk", min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_]+$",
        description="name of the job queue; desks sharing one Redis need different names")
    job_schedule_check_seconds: int = Field(
        default=60, ge=1, le=3600, description="how often each worker looks for periodic "
                                               "jobs that are due")
    job_modules: list[str] = Field(
        default_factory=list, description="extra modules whose register(jobs) declares more "
                                          "background jobs")
    routing_enabled: bool = Field(
        default=True, description="give each new ticket to the best eligible agent on "
                                  "arrival and offer waiting tickets again as agents free up")
    wfm_aht_s: float = Field(
        default=600.0, gt=0, le=86_400, description="seconds an agent spends per contact, "
                                                    "for workforce staffing when none is given")
    wfm_timezone: str = Field(
        default="UTC", min_length=1, max_length=64,
        description="the desk's time zone for workforce planning (an IANA name such as "
                    "Europe/Paris): forecast days and intervals, weeks, shift templates and the "
                    "workforce screens follow its local clock, clock changes included")
    outbox_retention_days: int = Field(
        default=14, ge=1, description="published outbox entries (and periodic job claims) "
                                      "older than this are deleted")

    db_connect_timeout_seconds: float = Field(
        default=5.0, gt=0, description="how long opening a database connection may take "
                                       "(PostgreSQL counts whole seconds, at least 2)")
    db_statement_timeout_seconds: float = Field(
        default=30.0, gt=0, description="PostgreSQL cancels a statement running longer")
    db_pool_timeout_seconds: float = Field(
        default=10.0, gt=0, description="how long a request waits for a free pooled "
                                        "connection before it is answered 503")
    db_busy_timeout_seconds: float = Field(
        default=30.0, gt=0, description="SQLite: how long a writer waits for the write lock")
    max_url_bytes: int = Field(
        default=16 * 1024, ge=1024, le=60 * 1024,
        description="longer request targets (path and query) are refused with 414")
    retry_after_seconds: int = Field(
        default=5, ge=1, description="the Retry-After sent with 503 while the database is "
                                     "unavailable")
    mail_addresses: dict[str, int | None] = Field(
        default_factory=dict, description="support e-mail addresses and the team each one's "
        "mail goes to (null: no team), as JSON: {\"support@example.com\": 1}; mail to "
        "other recipients is refused")
    mail_from: str | None = Field(
        default=None, description="sender of mail about tickets of teams without their own "
                                  "support address (default: the first support address)")
    mail_smtp_host: str | None = Field(
        default=None, description="outgoing mail server; empty: replies are queued, not sent")
    mail_smtp_port: int = Field(default=25, ge=1, le=65535,
                                description="outgoing mail server's port")
    mail_smtp_starttls: bool = Field(default=False,
                                     description="upgrade outgoing connections with STARTTLS")
    mail_smtp_username: str | None = Field(default=None,
                                           description="outgoing mail server's user name")
    mail_smtp_password: str | None = Field(default=None,
                                           description="outgoing mail server's password")
    mail_max_message_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1024, description="larger messages are refused by the "
        "SMTP server (SIZE) and the HTTP intake")
    mail_max_attachment_bytes: int = Field(
        default=30 * 1024 * 1024, ge=1024, description="larger attachments are left out of "
        "the ticket, with a notice to the sender")
    mail_rate_limit: int = Field(
        default=20, ge=1, description="more messages than this from one sender within "
        "mail_rate_window_seconds are kept but treated as a mail loop (never answered)")
    mail_rate_window_seconds: int = Field(default=600, ge=1,
                                          description="the window mail_rate_limit counts in")
    public_url: str | None = Field(
        default=None, description="the address customers reach this desk's pages at, "
        "e.g. https://help.example.com; set, each solved e-mail ticket's notice links to "
        "a one-question satisfaction survey there")

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        text = value.strip().rstrip("/")
        scheme, _, rest = text.partition("://")
        if scheme.lower() not in ("http", "https") or not rest or rest.startswith("/") \
                or any(c.isspace() or c in "?#\"<>" for c in text):
            raise ValueError(f"{value!r} is not a web address such as "
                             "https://help.example.com")
        return text

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.strip().upper() not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level: choose from {', '.join(LOG_LEVELS)}")
        return value.strip().upper()

    @field_validator("masked_personal_data")
    @classmethod
    def _maskable(cls, kinds: list[str]) -> list[str]:
        unknown = sorted(set(kinds) - set(MASKABLE_KINDS))
        if unknown:
            raise ValueError(f"cannot mask unknown kinds of personal data {unknown}; known "
                             f"kinds: {', '.join(MASKABLE_KINDS)}")
        return kinds

    @field_validator("database_url")
    @classmethod
    def _usable_database(cls, value: str | None) -> str | None:
        """Said at start, in one sentence: a URL SQLAlchemy would refuse with a traceback
        (`postgres://` as some hosts print it, another database, a typo)."""
        if not value or not value.strip():
            return None
        scheme = value.strip().partition("://")[0].lower()
        if scheme not in DATABASE_SCHEMES:
            shown = f"{scheme}://" if scheme != value.strip().lower() else "this value"
            raise ValueError(f"{shown} is not a database Hubdesk runs on: write "
                             "postgresql+psycopg://user:password@host/db (PostgreSQL) or "
                             "sqlite:///path/hubdesk.db, or leave it empty for SQLite in "
                             "HUBDESK_DATA_DIR")
        return value.strip()

    @field_validator("wfm_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value} is not a time zone name such as Europe/Paris") from None
        return value

    @field_validator("blocking_roles")
    @classmethod
    def _known_roles(cls, roles: list[str]) -> list[str]:
        known = {"representative", "team_lead", "coordinator", "manager", "admin", "liaison"}
        unknown = sorted(set(roles) - known)
        if unknown:
            raise ValueError(f"unknown roles {unknown}; choose from {sorted(known)}")
        return roles

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> Settings:
        if self.environment == "production" and (
                self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < 32):
            raise ValueError("HUBDESK_SECRET_KEY must be set to a random value of at least 32 "
                             "characters in production (e.g. `python -c \"import secrets; "
                             "print(secrets.token_urlsafe(48))\"`)")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hubdesk.db').resolve()}"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    def for_background_filing(self) -> Settings:
        """These settings for a process that files mail nobody waits on (the sender had its
        answer when the message was stored): triage gets the background budget."""
        return self.model_copy(update={"triage_budget_ms": self.filing_triage_budget_ms})


SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret


def with_stored_secret(settings: Settings) -> Settings:
    """``settings`` with a secret key of their own when none was set in the embedded mode.

    The development default is public, and the secret key signs sessions and derives the key
    that seals personal data. So an embedded desk (SQLite under DATA_DIR) with no key set
    generates a random one once and keeps it in DATA_DIR/secret_key, readable by its owner
    only, and uses it on every start. A desk on an external database is shared by several
    processes, possibly on several machines: it must be given HUBDESK_SECRET_KEY.
    """
    if settings.secret_key != DEVELOPMENT_SECRET or settings.database_url:
        return settings
    path = settings.data_dir / SECRET_KEY_FILE
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: two processes starting at once agree on whichever key was written first.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    key = path.read_text().strip()
    if len(key) < 32:
        raise ValueError(f"{path} holds no usable secret key (at least 32 characters); "
                         "delete it to have a new one generated, or set HUBDESK_SECRET_KEY")
    return settings.model_copy(update={"secret_key": key})


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def insecure_to_serve(settings: Settings, host: str) -> str | None:
    """Why serving on ``host`` with these settings would be unsafe, or None."""
    if settings.secret_key == DEVELOPMENT_SECRET and not is_loopback(host):
        return (f"refusing to listen on {host} with the public development secret key: set "
                "HUBDESK_SECRET_KEY to a random value of at least 32 characters (e.g. `python "
                "-c \"import secrets; print(secrets.token_urlsafe(48))\"`), or listen on "
                "127.0.0.1")
    return None


@lru_cache
def get_settings() -> Settings:
    return with_stored_secret(Settings())
