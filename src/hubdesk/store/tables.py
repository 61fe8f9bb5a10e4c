"""The schema. Alembic migrations are the source of truth; these tables must match them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from hubdesk.store.types import JsonDocument, UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only gives autoincrement to INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
Id = BigInteger().with_variant(Integer(), "sqlite")

organisations = Table(
    "organisations", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("domains", JsonDocument, nullable=False),
    Column("tier", String(20), nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
)

customers = Table(
    "customers", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("organisation_id", Id, ForeignKey("organisations.id"), nullable=True, index=True),
    Column("tier", String(20), nullable=False),
    Column("language", String(16), nullable=True),
    Column("notes", Text, nullable=False),
    Column("custom_fields", JsonDocument, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # A blocked sender's contacts are kept but held out of the queues (domain/safety.py).
    Column("blocked_at", UtcDateTime, nullable=True),
    Column("blocked_by_id", Id, nullable=True),
    Column("block_reason", Text, nullable=True),
)

customer_identities = Table(
    "customer_identities", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("customer_id", Id, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("kind", String(16), nullable=False),
    Column("value", String(320), nullable=False),
    UniqueConstraint("kind", "value", name="uq_customer_identities_kind_value"),
)

teams = Table(
    "teams", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("description", Text, nullable=False),
)

departments = Table(
    "departments", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("description", Text, nullable=False),
    Column("email", String(320), nullable=True),
)

agents = Table(
    "agents", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("tier", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("languages", JsonDocument, nullable=False),
    Column("skills", JsonDocument, nullable=False),
    Column("password_hash", String(200), nullable=True),
    # May read the originals of masked personal data (card numbers, IBANs...) in messages.
    Column("sensitive_access", Boolean, nullable=False, server_default=false()),
    Column("created_at", UtcDateTime, nullable=False),
)

team_members = Table(
    "team_members", metadata,
    Column("team_id", Id, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

department_members = Table(
    "department_members", metadata,
    Column("department_id", Id, ForeignKey("departments.id", ondelete="CASCADE"),
           primary_key=True),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("name", String(120), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
)

tickets = Table(
    "tickets", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject", String(500), nullable=False),
    Column("status", String(16), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("category", String(120), nullable=True),
    Column("tags", JsonDocument, nullable=False),
    Column("requester_id", Id, ForeignKey("customers.id"), nullable=False),
    Column("assignee_id", Id, ForeignKey("agents.id"), nullable=True),
    Column("team_id", Id, ForeignKey("teams.id"), nullable=True),
    Column("department_id", Id, ForeignKey("departments.id"), nullable=True),
    Column("language", String(16), nullable=True),
    Column("merged_into_id", Id, ForeignKey("tickets.id"), nullable=True),
    Column("custom_fields", JsonDocument, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("solved_at", UtcDateTime, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    # The list views page by (updated_at, id) within each filter: one index per filter.
    Index("ix_tickets_updated", "updated_at", "id"),
    Index("ix_tickets_status_updated", "status", "updated_at", "id"),
    Index("ix_tickets_assignee_updated", "assignee_id", "updated_at", "id"),
    Index("ix_tickets_team_updated", "team_id", "updated_at", "id"),
    Index("ix_tickets_department_updated", "department_id", "updated_at", "id"),
    Index("ix_tickets_requester", "requester_id", "created_at"),
)

messages = Table(
    "messages", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=False),
    Column("author_kind", String(16), nullable=False),
    Column("author_id", Id, nullable=True),
    Column("public", Boolean, nullable=False),
    Column("body", Text, nullable=False),
    Column("body_html", Text, nullable=True),
    Column("channel_meta", JsonDocument, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # What triage concluded (language, sentiment, intent, personal data found, model version).
    Column("triage", JsonDocument, nullable=True),
    # The unmasked text, encrypted, when triage masked personal data in `body`.
    Column("sealed_body", Text, nullable=True),
    Index("ix_messages_ticket", "ticket_id", "id"),
)

attachments = Table(
    "attachments", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("message_id", Id, ForeignKey("messages.id"), nullable=False, index=True),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(255), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
)

ticket_events = Table(
    "ticket_events", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("actor_kind", String(16), nullable=False),
    Column("actor_id", Id, nullable=True),
    Column("changes", JsonDocument, nullable=False),
    Column("data", JsonDocument, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_ticket_events_ticket", "ticket_id", "id"),
)

outbox = Table(
    "outbox", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("topic", String(80), nullable=False),
    Column("payload", JsonDocument, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Index("ix_outbox_unpublished", "published_at", "id"),
)

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# One row per indexed text (subject + requester, then each message); the search index itself
# is dialect-specific and created by the migration (FTS5 on SQLite, tsvector + GIN on PostgreSQL).
search_documents = Table(
    "search_documents", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("content", Text, nullable=False),
)

# Agents' corrections of a message's triage verdicts ("difficult", "abusive"): the labels the
# desk's own anger and abuse models learn from. The latest correction of a verdict wins.
triage_feedback = Table(
    "triage_feedback", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("message_id", Id, ForeignKey("messages.id"), nullable=False),
    Column("agent_id", Id, ForeignKey("agents.id"), nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("value", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("message_id", "verdict", name="uq_triage_feedback_message_verdict"),
    Index("ix_triage_feedback_verdict", "verdict", "id"),
)

# Outbound webhooks. The signing secret is sealed (sealing.py) so a dump does not reveal it.
webhook_subscriptions = Table(
    "webhook_subscriptions", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("url", String(2000), nullable=False),
    Column("event_kinds", JsonDocument, nullable=False),
    Column("sealed_secret", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("allow_private", Boolean, nullable=False),
    Column("consecutive_failures", Integer, nullable=False),
    Column("disabled_reason", Text, nullable=True),
    Column("created_by_id", Id, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subscription_id", Id, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
           nullable=False),
    Column("topic", String(80), nullable=False),
    Column("payload", JsonDocument, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("duration_ms", Integer, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime, nullable=True),
    # the delivery loop looks for due work; the console pages a subscription's history
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),
)

# One row per periodic job tick that a worker took on: the primary key is what makes a tick run
# once, however many schedulers enqueued it. Old rows are pruned by the housekeeping job.
periodic_runs = Table(
    "periodic_runs", metadata,
    Column("name", String(100), primary_key=True),
    Column("tick_at", UtcDateTime, primary_key=True),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("worker", String(200), nullable=False),
)

# Console sign-ins. The cookie holds a random id; only its SHA-256 is stored, so a copy of the
# database cannot be replayed as cookies. A session ends when revoked or expired.
agent_sessions = Table(
    "agent_sessions", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("user_agent", String(120), nullable=False),
)

# Sign-in attempts, counted per account and per client address by domain/throttling.py.
sign_in_attempts = Table(
    "sign_in_attempts", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False),
    Column("address", String(64), nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_sign_in_attempts_email", "email", "at"),
    Index("ix_sign_in_attempts_address", "address", "at"),
)
