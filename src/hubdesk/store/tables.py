"""The schema. Alembic migrations are the source of truth; these tables must match them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
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

# Tickets waiting for an agent (routing's line, `store/routing.py` `waiting`). Written out as
# constants so the planner can prove a query's filter implies the partial index's predicate.
WAITING_FOR_AN_AGENT = ("assignee_id IS NULL AND merged_into_id IS NULL "
                        "AND status IN ('new', 'open')")
# Of those, the ones with no answer deadline (a desk without an SLA policy), which the line
# orders by priority, the customer's VIP level and age (migration 0022_routing_urgency).
UNDATED_WAITING = f"{WAITING_FOR_AN_AGENT} AND answer_due_at IS NULL"

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
    # An IANA name its workforce planning follows; none: the desk's (HUBDESK_WFM_TIMEZONE).
    Column("time_zone", String(64), nullable=True),
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
    # `domain/tokens.py` TokenScope; tokens issued before scopes existed keep full scope
    Column("scope", String(10), nullable=False, server_default="full"),
    Column("expires_at", UtcDateTime, nullable=True),  # None: until revoked
    # written at most once a minute per token (LAST_USE_PRECISION), never per request
    Column("last_used_at", UtcDateTime, nullable=True),
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
    # When the ticket entered its status (time-based automations count from it).
    Column("status_changed_at", UtcDateTime, nullable=True),
    # The running answer clock's deadline (first or next response), kept by the SLA store
    # whenever it writes clocks (`store/sla.py` `save_clocks`): routing's first sort key.
    Column("answer_due_at", UtcDateTime, nullable=True),
    # The requester's tier (`customers.tier`), kept beside each ticket when it is opened and
    # whenever the customer's tier changes (`store/directory.py`): routing's VIP sort key.
    Column("requester_tier", String(20), nullable=False, server_default="standard"),
    # The list views page by (updated_at, id) within each filter: one index per filter.
    Index("ix_tickets_updated", "updated_at", "id"),
    Index("ix_tickets_status_updated", "status", "updated_at", "id"),
    Index("ix_tickets_assignee_updated", "assignee_id", "updated_at", "id"),
    Index("ix_tickets_team_updated", "team_id", "updated_at", "id"),
    Index("ix_tickets_department_updated", "department_id", "updated_at", "id"),
    Index("ix_tickets_requester", "requester_id", "created_at"),
    # The console's other filters and sort orders (migration 0012_console).
    Index("ix_tickets_priority_updated", "priority", "updated_at", "id"),
    Index("ix_tickets_channel_updated", "channel", "updated_at", "id"),
    Index("ix_tickets_created", "created_at", "id"),
    # Tag filter: `tags @> '["x"]'` on PostgreSQL; SQLite gets a plain (unused) index.
    Index("ix_tickets_tags", "tags", postgresql_using="gin",
          postgresql_ops={"tags": "jsonb_path_ops"}),
    # Time-based automations look for tickets long enough in a status.
    Index("ix_tickets_status_changed", "status", "status_changed_at", "id"),
    # Routing's waiting line, most urgent deadline first (migration 0018_routing_waiting).
    Index("ix_tickets_waiting", "answer_due_at", "id",
          postgresql_where=text(WAITING_FOR_AN_AGENT), sqlite_where=text(WAITING_FOR_AN_AGENT)),
    # The waiting tickets without a deadline, each priority and tier oldest first: the line
    # merges these runs in urgency order (migration 0022_routing_urgency).
    Index("ix_tickets_waiting_undated", "priority", "requester_tier", "created_at", "id",
          postgresql_where=text(UNDATED_WAITING), sqlite_where=text(UNDATED_WAITING)),
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
    # The ticket flow report reads status changes and merges by instant (migration
    # 0033_ticket_flow_index); the other kinds are never read by time.
    Index("ix_ticket_events_status_changes", "created_at",
          postgresql_where=text("kind = 'status_changed'"),
          sqlite_where=text("kind = 'status_changed'")),
    Index("ix_ticket_events_merges", "created_at",
          postgresql_where=text("kind = 'merged_into'"),
          sqlite_where=text("kind = 'merged_into'")),
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

# --- service-level agreements -------------------------------------------------------------
# Calendars and policies are stored in their validated plain form (domain/calendars.py,
# domain/sla/policies.py), so what the API gave back is exactly what was stored.
sla_calendars = Table(
    "sla_calendars", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("form", JsonDocument, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

sla_policies = Table(
    "sla_policies", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("position", Integer, nullable=False),
    Column("calendar_id", Id, ForeignKey("sla_calendars.id"), nullable=True, index=True),
    Column("form", JsonDocument, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# One clock per ticket and target. Business time is kept in microseconds, so deadlines stay
# exact however often a clock is paused and resumed. The sweep reads running clocks by
# next_due_at through a partial index (running clocks only: met ones are the vast majority).
ticket_sla_clocks = Table(
    "ticket_sla_clocks", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("target", String(20), nullable=False),
    Column("policy_id", Id, nullable=True),
    Column("status", String(10), nullable=False),
    Column("cycle", Integer, nullable=False),
    Column("goal_us", BigInteger, nullable=False),
    Column("elapsed_us", BigInteger, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("since", UtcDateTime, nullable=True),
    Column("due_at", UtcDateTime, nullable=True),
    Column("next_due_at", UtcDateTime, nullable=True),
    Column("breached_at", UtcDateTime, nullable=True),
    Column("met_at", UtcDateTime, nullable=True),
    Column("fired", JsonDocument, nullable=False),
    UniqueConstraint("ticket_id", "target", name="uq_ticket_sla_clocks_ticket_id_target"),
    Index("ix_ticket_sla_clocks_next_due", "next_due_at",
          postgresql_where=text("status = 'running'"), sqlite_where=text("status = 'running'")),
    Index("ix_ticket_sla_clocks_policy", "policy_id", "status"),
)

ticket_sla_clock_history = Table(
    "ticket_sla_clock_history", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("clock_id", Id, ForeignKey("ticket_sla_clocks.id", ondelete="CASCADE"),
           nullable=False),
    Column("ticket_id", Id, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("cycle", Integer, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("data", JsonDocument, nullable=False),
    Index("ix_ticket_sla_clock_history_ticket", "ticket_id", "id"),
    # The SLA report's window: deadlines passed and cycles met, by instant.
    Index("ix_ticket_sla_clock_history_decided", "at",
          postgresql_where=text("kind IN ('met', 'breached')"),
          sqlite_where=text("kind IN ('met', 'breached')")),
)

# A ladder step fired for a clock's cycle: the unique key is what makes two sweeps (or two
# workers) fire it once.
sla_step_firings = Table(
    "sla_step_firings", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("clock_id", Id, ForeignKey("ticket_sla_clocks.id", ondelete="CASCADE"),
           nullable=False),
    Column("cycle", Integer, nullable=False),
    Column("at_percent", Integer, nullable=False),
    Column("fired_at", UtcDateTime, nullable=False),
    UniqueConstraint("clock_id", "cycle", "at_percent",
                     name="uq_sla_step_firings_clock_id_cycle_at_percent"),
)

# A re-matching of open tickets too many for the change's own transaction (policies,
# calendars, a customer's tier or organisation): walked in ticket id order by a background
# job, ``after_ticket_id`` the last ticket done; ``before`` the calendar forms clocks ran on.
sla_rematch_runs = Table(
    "sla_rematch_runs", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reason", String(300), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("scope", JsonDocument, nullable=False),
    Column("before", JsonDocument, nullable=False),
    Column("total", Integer, nullable=False),
    Column("after_ticket_id", Id, nullable=False),
    Column("done", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Index("ix_sla_rematch_runs_finished_at", "finished_at", "id"),
)

# --- Department handoffs and tiered escalation (domain/handoffs.py, domain/escalation.py) ---

# A department's operational-level agreement: its target in business time, on its calendar
# (the plain calendar form; none is round the clock), and whom its handoffs' ladder notifies.
department_olas = Table(
    "department_olas", metadata,
    Column("department_id", Id, ForeignKey("departments.id", ondelete="CASCADE"),
           primary_key=True),
    Column("target_minutes", Integer, nullable=False),
    Column("coordinator_after_minutes", Integer, nullable=False),
    Column("calendar", JsonDocument, nullable=True),
    Column("lead_id", Id, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
    # The escalation ladder's steps (domain/handoff_ladders.py); null: the default ladder,
    # its coordinator step coordinator_after_minutes past the deadline.
    Column("ladder", JsonDocument, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)

handoffs = Table(
    "handoffs", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=False),
    Column("department_id", Id, ForeignKey("departments.id"), nullable=False),
    Column("requested_by_id", Id, ForeignKey("agents.id"), nullable=False),
    Column("assignee_id", Id, ForeignKey("agents.id"), nullable=True),
    Column("request", Text, nullable=False),
    Column("blocking", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    # The OLA as it stood when the handoff was opened: later changes do not move its deadline.
    Column("ola", JsonDocument, nullable=True),
    Column("due_at", UtcDateTime, nullable=True),
    Column("answer", Text, nullable=True),
    Column("answered_at", UtcDateTime, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("rejection_reason", Text, nullable=True),
    # Why the ticket's side last sent the answer back (domain/handoffs.py `SendBackCause`).
    Column("send_back_cause", String(32), nullable=True),
    Column("escalation_level", Integer, nullable=False),
    Column("next_escalation_at", UtcDateTime, nullable=True),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_handoffs_ticket", "ticket_id", "id"),
    # a department's queue, by deadline
    Index("ix_handoffs_department_queue", "department_id", "status", "due_at"),
    # the ladder sweep finds what is due without a scan
    Index("ix_handoffs_next_escalation", "next_escalation_at"),
    Index("ix_handoffs_opened", "opened_at"),
)

handoff_notes = Table(
    "handoff_notes", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("handoff_id", Id, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", Id, ForeignKey("agents.id"), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_handoff_notes_handoff", "handoff_id", "id"),
)

# One row per ladder step fired: the primary key is what makes a step fire once, however many
# workers sweep at the same moment.
handoff_escalations = Table(
    "handoff_escalations", metadata,
    Column("handoff_id", Id, ForeignKey("handoffs.id", ondelete="CASCADE"), primary_key=True),
    Column("level", Integer, primary_key=True),
    Column("step", String(40), nullable=False),
    Column("notified", JsonDocument, nullable=False),
    Column("fired_at", UtcDateTime, nullable=False),
)

# The escalations of a ticket still in force, in order: the last row is its tier. A
# de-escalation removes the last row; the history stays in the ticket's events.
ticket_tiers = Table(
    "ticket_tiers", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=False),
    Column("tier", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("previous_assignee_id", Id, nullable=True),
    Column("previous_team_id", Id, nullable=True),
    # Who escalated; NULL when an SLA policy's ladder did, which ``sla_cause`` names.
    Column("escalated_by_id", Id, ForeignKey("agents.id"), nullable=True),
    Column("escalated_at", UtcDateTime, nullable=False),
    Column("sla_cause", JsonDocument, nullable=True),
    Index("ix_ticket_tiers_ticket", "ticket_id", "id"),
)

# An agent's named queue filters, kept as the queue's own query string (shareable URLs).
# Canned replies agents insert (domain/macros.py): the desk's (team_id NULL) or one team's.
macros = Table(
    "macros", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("team_id", Id, ForeignKey("teams.id", ondelete="CASCADE"), nullable=True),
    Column("then_status", String(16), nullable=True),
    Column("add_tags", JsonDocument, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_macros_team_name", "team_id", "name"),
)

# How far each agent has read each ticket: the last message they had in front of them, kept
# when they open the ticket's page or write on it (store/reads.py). A ticket is unread for an
# agent when a customer message is newer than that (or they never opened it).
ticket_reads = Table(
    "ticket_reads", metadata,
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Column("ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("last_message_id", Id, nullable=False),
    Column("read_at", UtcDateTime, nullable=False),
)

# Notices in an agent's console (domain/notifications.py), made from committed events. One
# event notifies an agent once however often it is relayed: (agent, event, instant) is unique,
# the instant keeping the key unique even if the outbox ever numbers its entries afresh.
notifications = Table(
    "notifications", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=True),
    Column("kind", String(32), nullable=False),
    Column("text", String(500), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime, nullable=True),
    Column("source_event_id", Id, nullable=True),
    # SLA notices about one ticket folded into one (domain/notice_folding.py): how many, whether
    # one was a breach, when the latest came (the list's order), and the fold's key, which at
    # most one notice of an agent has (migration 0028_notification_folding).
    Column("count", Integer, nullable=False, server_default="1"),
    Column("breached", Boolean, nullable=False, server_default=false()),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("fold_key", String(40), nullable=True),
    UniqueConstraint("agent_id", "source_event_id", "created_at",
                     name="uq_notifications_agent_source"),
    UniqueConstraint("agent_id", "fold_key", name="uq_notifications_agent_fold"),
    # an agent's list, latest first, and the unread count
    Index("ix_notifications_agent", "agent_id", "id"),
    Index("ix_notifications_agent_latest", "agent_id", "updated_at", "id"),
    Index("ix_notifications_agent_unread", "agent_id", "read_at"),
    # an agent's latest notice about a ticket, which the next one may fold into
    Index("ix_notifications_agent_ticket", "agent_id", "ticket_id", "id"),
)

saved_views = Table(
    "saved_views", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(80), nullable=False),
    Column("query", String(1000), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("agent_id", "name", name="uq_saved_views_agent_id_name"),
)

# Every e-mail received, stored (its bytes in the blob store, by SHA-256) before it is read:
# a row in `received` status is a message accepted but not processed yet, picked up again
# after a crash. `dedupe_key` makes a message delivered twice a duplicate (domain/mail.py).
mail_inbound = Table(
    "mail_inbound", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("dedupe_key", String(80), nullable=False, unique=True),
    Column("raw_sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("source", String(16), nullable=False),
    Column("envelope", JsonDocument, nullable=False),
    Column("sender", String(320), nullable=True),
    Column("status", String(16), nullable=False),
    Column("outcome", String(16), nullable=True),
    Column("reason", Text, nullable=True),
    Column("ticket_id", Id, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("processed_at", UtcDateTime, nullable=True),
    Index("ix_mail_inbound_status", "status", "id"),
    Index("ix_mail_inbound_sender", "sender", "received_at"),
    # what opened no ticket by outcome, newest first: the mail set aside as machine-written
    Index("ix_mail_inbound_unfiled", "status", "outcome", "id",
          postgresql_where=text("ticket_id IS NULL"), sqlite_where=text("ticket_id IS NULL")),
)

# Message-IDs Hubdesk received or sent, and the ticket each belongs to: replies are threaded
# by their In-Reply-To and References. `key` is the ID's SHA-256 (IDs run to 998 characters).
mail_message_ids = Table(
    "mail_message_ids", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("message_id", Text, nullable=False),
    Column("ticket_id", Id, nullable=False, index=True),
    Column("direction", String(8), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# Outbound mail, one row per outbox event that sends mail (`key` unique: a relayed event
# seen twice queues it once), sent by the delivery loop with retries.
mail_deliveries = Table(
    "mail_deliveries", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key", String(120), nullable=False, unique=True),
    Column("kind", String(24), nullable=False),
    Column("ticket_id", Id, nullable=False, index=True),
    Column("message_id", Text, nullable=False),
    Column("to_address", String(320), nullable=False),
    Column("from_address", String(320), nullable=False),
    Column("subject", Text, nullable=False),
    Column("in_reply_to", Text, nullable=True),
    Column("references_header", Text, nullable=False),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text, nullable=False),
    # The files that go with it: [{"filename", "content_type", "sha256"}], bytes in the blob
    # store (an agent's reply with attachments).
    Column("files", JsonDocument, nullable=False, server_default=text("'[]'")),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Index("ix_mail_deliveries_due", "status", "next_attempt_at"),
)

# IMAP mailboxes polled for mail: the password is sealed (sealing.py); `uidvalidity` and
# `last_uid` say where the last poll stopped (all UIDs up to it are stored).
mail_mailboxes = Table(
    "mail_mailboxes", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("host", String(255), nullable=False),
    Column("port", Integer, nullable=False),
    Column("tls", Boolean, nullable=False),
    Column("username", String(320), nullable=False),
    Column("sealed_password", Text, nullable=False),
    Column("folder", String(255), nullable=False),
    Column("move_to", String(255), nullable=True),
    Column("uidvalidity", BigInteger, nullable=True),
    Column("last_uid", BigInteger, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("last_polled_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
)

# The words of the mail sent to customers (domain/mail_templates.py), per team or, with no
# team, for the whole desk: one of each kind per team, and one of each kind for the desk (the
# partial index, since a unique key treats every NULL team as different).
mail_templates = Table(
    "mail_templates", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("team_id", Id, ForeignKey("teams.id", ondelete="CASCADE"), nullable=True),
    Column("kind", String(32), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=True),  # sanitised; NULL: the HTML part is made from body
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("team_id", "kind", name="uq_mail_templates_team_id_kind"),
    Index("ix_mail_templates_desk_kind", "kind", unique=True,
          postgresql_where=text("team_id IS NULL"), sqlite_where=text("team_id IS NULL")),
)

# Routing (services/routing.py). An agent's routing profile: skills with proficiency 1–5,
# what one contact of each channel costs them, presence since when, pause and shift. Languages
# and tier are the agent's own columns.
agent_routing = Table(
    "agent_routing", metadata,
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Column("skills", JsonDocument, nullable=False),
    Column("channel_costs", JsonDocument, nullable=False),
    Column("presence", String(16), nullable=False),
    Column("presence_since", UtcDateTime, nullable=False),
    Column("paused", Boolean, nullable=False),
    Column("shift_starts_at", UtcDateTime, nullable=True),
    Column("shift_ends_at", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_agent_routing_presence", "presence"),
)

# Units in use per agent. Changed only by conditional updates (store/routing.py `claim`,
# `release`); the checks make a load beyond capacity, or below zero, impossible to commit.
agent_loads = Table(
    "agent_loads", metadata,
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Column("load", Integer, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("last_assigned_at", UtcDateTime, nullable=True),
    CheckConstraint("load <= capacity", name="load_within_capacity"),
    CheckConstraint("load >= 0", name="load_not_negative"),
)

# Per ticket: the units it holds and from whom, a coordinator's lock, and whether it waits
# (with why, and the relaxations its wait earned) or nobody could ever serve it.
ticket_routing = Table(
    "ticket_routing", metadata,
    Column("ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
    Column("held", Integer, nullable=False),
    Column("locked", Boolean, nullable=False),
    Column("difficult", Boolean, nullable=False),
    Column("reason", Text, nullable=True),
    Column("relaxations", JsonDocument, nullable=False),
    Column("assigned_at", UtcDateTime, nullable=True),
    Column("waiting_since", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("held >= 0", name="held_not_negative"),
    Index("ix_ticket_routing_agent", "agent_id"),
    Index("ix_ticket_routing_state_updated", "state", "updated_at"),
)

# Agents a customer asked not to be served by again: a hard constraint of routing
# (`Exclusion.EXCLUDED`), set by coordinators (services/routing_exclusions.py).
customer_excluded_agents = Table(
    "customer_excluded_agents", metadata,
    Column("customer_id", Id, ForeignKey("customers.id", ondelete="CASCADE"),
           primary_key=True),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by_id", Id, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
)

# Every routing decision with its why (`RoutingDecision.to_dict`), newest last; manual
# assignments are kept too (mode "manual"), so an agent's difficult contacts are counted here.
routing_decisions = Table(
    "routing_decisions", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
    Column("mode", String(16), nullable=False),
    Column("difficult", Boolean, nullable=False),
    Column("decision", JsonDocument, nullable=False),
    Column("decided_at", UtcDateTime, nullable=False),
    Index("ix_routing_decisions_ticket", "ticket_id", "id"),
    Index("ix_routing_decisions_agent", "agent_id", "decided_at"),
)

# The desk's routing configuration, one validated JSON document (services/routing_config.py).
routing_config = Table(
    "routing_config", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("document", JsonDocument, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by_id", Id, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
)

# Which version of the desk's settings (rules, routing configuration, SLA policies and
# calendars) is stored: one row whose token the database's own triggers replace with a random
# one whenever any of those tables is written (migration 0027), so a process may keep them
# read between transactions for as long as the token is unchanged (store/settings.py).
settings_versions = Table(
    "settings_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("token", BigInteger, nullable=False),
)

# Automation rules (domain/rules): name, order and switch as columns, what the rule does as its
# validated plain form.
rules = Table(
    "rules", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("position", Integer, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("definition", JsonDocument, nullable=False),
    Column("created_by_id", Id, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_rules_kind_order", "kind", "enabled", "position", "id"),
)

# One row per time-based rule fired on a ticket for one stay in a status (entered_at): the
# unique key is what makes two sweeps, or two workers, act once.
rule_firings = Table(
    "rule_firings", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("rule_id", Id, ForeignKey("rules.id", ondelete="CASCADE"), nullable=False),
    Column("ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("entered_at", UtcDateTime, nullable=False),
    Column("fired_at", UtcDateTime, nullable=False),
    UniqueConstraint("rule_id", "ticket_id", "entered_at",
                     name="uq_rule_firings_rule_ticket_entry"),
)

# How often each rule fired, per hour (UTC), counted as its events are relayed from the
# outbox (domain/rules/usage.py): the rules page's 24 hours, 7 and 30 days.
rule_usage = Table(
    "rule_usage", metadata,
    Column("rule_id", Id, ForeignKey("rules.id", ondelete="CASCADE"), primary_key=True),
    Column("hour", UtcDateTime, primary_key=True),
    Column("fired", Integer, nullable=False),
    Column("last_fired_at", UtcDateTime, nullable=False),
)

# Workforce (services/workforce.py). A team's week of shifts, drafted then published; each
# shift an agent's UTC start and end with at most one break inside.
wfm_schedules = Table(
    "wfm_schedules", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("team_id", Id, ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
    Column("week_start", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_by_id", Id, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_by_id", Id, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("team_id", "week_start", name="uq_wfm_schedules_team_week"),
)

wfm_shifts = Table(
    "wfm_shifts", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("schedule_id", Id, ForeignKey("wfm_schedules.id", ondelete="CASCADE"),
           nullable=False),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("break_starts_at", UtcDateTime, nullable=True),
    Column("break_ends_at", UtcDateTime, nullable=True),
    Index("ix_wfm_shifts_schedule", "schedule_id", "starts_at"),
    Index("ix_wfm_shifts_agent", "agent_id", "starts_at"),
)

# Every change of an agent's presence (services/routing_admin.py `set_presence`), for
# adherence; the open row (until NULL) is the presence now.
wfm_presence_log = Table(
    "wfm_presence_log", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("presence", String(16), nullable=False),
    Column("since", UtcDateTime, nullable=False),
    Column("until", UtcDateTime, nullable=True),
    Index("ix_wfm_presence_log_agent", "agent_id", "since"),
)

# An agent's request to change their schedule, answered by a coordinator.
wfm_schedule_requests = Table(
    "wfm_schedule_requests", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("shift_id", Id, ForeignKey("wfm_shifts.id", ondelete="SET NULL"), nullable=True),
    Column("note", Text, nullable=False),
    Column("status", String(16), nullable=False),
    # What approving changes (domain/schedules.py `RequestKind`): a note changes nothing.
    Column("kind", String(16), nullable=False, server_default="note"),
    Column("swap_shift_id", Id, ForeignKey("wfm_shifts.id", ondelete="SET NULL"),
           nullable=True),
    Column("new_starts_at", UtcDateTime, nullable=True),
    Column("new_ends_at", UtcDateTime, nullable=True),
    Column("answer", Text, nullable=True),
    Column("answered_by_id", Id, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("answered_at", UtcDateTime, nullable=True),
    Index("ix_wfm_schedule_requests_status", "status", "created_at"),
)

# The satisfaction survey of a ticket (domain/satisfaction.py): offered when it is solved,
# credited to the agent and team that held it then, answered (and re-answered) by the customer.
satisfaction_surveys = Table(
    "satisfaction_surveys", metadata,
    Column("ticket_id", Id, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("offered_at", UtcDateTime, nullable=False),
    Column("agent_id", Id, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True),
    Column("team_id", Id, ForeignKey("teams.id", ondelete="SET NULL"), nullable=True),
    Column("rating", String(8), nullable=True),
    Column("comment", Text, nullable=True),
    Column("rated_at", UtcDateTime, nullable=True),
    Column("answers", Integer, nullable=False, server_default="0"),
    Index("ix_satisfaction_surveys_offered", "offered_at"),
)
