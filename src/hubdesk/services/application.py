"""The application: every use case, with its dependencies bound once, behind one object.

Entry points (the API, the console, the command line, the worker, the demo) receive an
``Application`` from `bootstrap` and call ``app.tickets.reply(agent, ticket_id, body)``; none
of them touches a unit of work, a triage tool, a sealer or a blob store. The use cases
themselves stay plain functions in their modules (one transaction each); this layer only binds
what they need and fills in the clock, so a test or a script can still call them directly.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import partial
from typing import Any

from hubdesk.domain import notice_folding
from hubdesk.domain.agents import Agent, Department, Team
from hubdesk.domain.calendar_trial import Deadline, Elapsed, TargetsDue
from hubdesk.domain.customers import Customer, Organisation
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.events import EventKind
from hubdesk.domain.macros import Macro
from hubdesk.domain.mail import Inbound, Mailbox, OutboundMail, Outcome
from hubdesk.domain.mail_delivery import reply_notice
from hubdesk.domain.mail_rules import MailRouting
from hubdesk.domain.messages import Attachment, Message
from hubdesk.domain.permissions import allowed_actions, check_mail_coordinator
from hubdesk.domain.routing import Presence, RoutingDecision
from hubdesk.domain.rules import Rule, RuleVerdict
from hubdesk.domain.rules.usage import RuleUsage
from hubdesk.domain.safety import SafetyPolicy
from hubdesk.domain.schedules import (
    ChangeRequest,
    PlannedShift,
    RequestStatus,
    ScheduleStatus,
    ShiftInput,
    TeamWeek,
)
from hubdesk.domain.sla import NamedCalendar, SlaPolicy
from hubdesk.domain.sla.ticket_rules import RematchRun
from hubdesk.domain.tickets import Channel, Priority, Status
from hubdesk.domain.tokens import TokenGrant, TokenRecord, TokenScope
from hubdesk.domain.triage import SimilarTicket, Verdict
from hubdesk.domain.webhooks import WebhookDelivery, WebhookSubscription
from hubdesk.services import (
    auth,
    control_room,
    customer_merge,
    directory,
    feedback,
    handoffs,
    jobs,
    macros,
    mail,
    mail_imap,
    mail_originals,
    mail_outbound,
    outbox,
    related,
    routing,
    routing_admin,
    routing_exclusions,
    routing_sweep,
    safety,
    satisfaction,
    sessions,
    settings_screens,
    sla_admin,
    sla_reads,
    sla_rematch,
    sla_reports,
    sla_risk,
    sla_sweep,
    tickets,
    webhooks,
    workforce,
    workforce_floor,
    workforce_screens,
    workforce_swaps,
)
from hubdesk.services import departments as department_admin
from hubdesk.services import queue as queues
from hubdesk.services.customers import (
    CustomerScreen,
    NewTicketChoices,
    OrganisationScreen,
    customer_screen,
    new_ticket_choices,
    organisation_screen,
)
from hubdesk.services.fair_share import FairShare
from hubdesk.services.flow_reports import FlowReportUseCases
from hubdesk.services.handoff_use_cases import EscalationUseCases, HandoffUseCases
from hubdesk.services.intake import IntakeTools
from hubdesk.services.mail_templates import MailTemplateUseCases
from hubdesk.services.notifications import NotificationUseCases, queue_notifications
from hubdesk.services.ports import (
    BlobStore,
    MailParser,
    MailTransport,
    Publisher,
    Sealer,
    UnitOfWorkFactory,
    WebhookSender,
)
from hubdesk.services.related import SolvedExample
from hubdesk.services.routing_records import (
    AgentExclusion,
    ProfileChange,
    StoredDecision,
    TicketRoutingState,
)
from hubdesk.services.rules import admin as rules_admin
from hubdesk.services.rules import automations
from hubdesk.services.views import Page, SavedView, StoredEvent, TicketDetail, TicketFilter
from hubdesk.services.workforce_plan import StaffingGoal, StaffingPlan
from hubdesk.services.workspace import TicketWorkspace, ticket_workspace


@dataclass(frozen=True)
class Dependencies:
    """What the use cases need from the outside world, built by `bootstrap`."""

    uows: UnitOfWorkFactory
    tools: IntakeTools
    blobs: BlobStore
    tokens: auth.TokenCache
    publisher: Publisher
    clock: Callable[[], datetime]
    mail_parser: MailParser | None = None
    mail_routing: MailRouting = field(default_factory=MailRouting)
    default_aht_s: float = 600.0  # workforce staffing's handling time when none is given
    workforce_zone: tzinfo = UTC  # whose local days, weeks and intervals workforce plans in
    mail_sending: bool = False  # an outgoing mail server is set up: queued mail is sent
    # the server's operator lets webhooks reach private addresses (each still opting in)
    webhook_private_targets: bool = False
    # the console's breach forecast, kept a few seconds between refreshes
    console_forecast: sla_risk.ForecastMemo = field(default_factory=sla_risk.ForecastMemo)
    # SLA notices about one ticket to one agent within it are folded into one
    notice_fold_window: timedelta = notice_folding.DEFAULT_WINDOW
    # where the solved notices' satisfaction surveys link to (none without a public address)
    surveys: satisfaction.SurveyLinks = field(
        default_factory=lambda: satisfaction.SurveyLinks(None, b""))
    # the reports and week drafts each agent has under way at once
    heavy_reads: FairShare = field(default_factory=FairShare)

    @property
    def safety(self) -> SafetyPolicy:
        return self.tools.safety


@dataclass(frozen=True)
class SentReply:
    message: Message
    said: str  # what became of it, for the agent who wrote it


class _UseCases:
    def __init__(self, deps: Dependencies) -> None:
        self._deps = deps
        self._uows = deps.uows

    def _now(self, now: datetime | None) -> datetime:
        return now or self._deps.clock()


class TicketUseCases(_UseCases):
    def open(self, actor: Agent, new: tickets.NewTicket, *, idempotency_key: str | None = None,
             now: datetime | None = None) -> tuple[TicketDetail, bool]:
        detail, created = tickets.open_ticket(self._uows, actor, new,
                                              idempotency_key=idempotency_key,
                                              now=self._now(now), tools=self._deps.tools)
        return self._with_actions(actor, detail), created

    def reply(self, actor: Agent, ticket_id: int, body: str, *, public: bool = True,
              body_html: str | None = None,
              attachments: list[tickets.NewAttachment] | None = None,
              now: datetime | None = None, then_status: Status | None = None,
              seen_up_to: int | None = None) -> Message:
        """A public reply to the customer, or (``public=False``) an internal note; with
        ``then_status``, and the ticket set to that status in the same transaction; with
        ``seen_up_to``, refused (409) if someone else wrote after that message."""
        return tickets.add_message(self._uows, actor, ticket_id, body, public=public,
                                   body_html=body_html, attachments=attachments,
                                   blobs=self._deps.blobs, now=self._now(now),
                                   tools=self._deps.tools, then_status=then_status,
                                   seen_up_to=seen_up_to)

    def send_reply(self, actor: Agent, ticket_id: int, body: str, *, public: bool = True,
                   attachments: list[tickets.NewAttachment] | None = None,
                   now: datetime | None = None, then_status: Status | None = None,
                   seen_up_to: int | None = None) -> SentReply:
        """`reply`, and what became of it in words for the agent: a public reply queued for
        e-mail to the customer's address (its files attached), or saved but not e-mailed and
        why (no support address set up, no customer address, a blocked sender)."""
        message = self.reply(actor, ticket_id, body, public=public, attachments=attachments,
                             now=now, then_status=then_status, seen_up_to=seen_up_to)
        plan = mail_outbound.reply_plan(self._uows, self._deps.mail_routing,
                                        ticket_id) if public else None
        return SentReply(message, reply_notice(plan, sending=self._deps.mail_sending))

    def customer_wrote(self, ticket_id: int, body: str, *,
                       channel_meta: dict[str, Any] | None = None,
                       now: datetime | None = None) -> Message:
        return tickets.add_customer_message(self._uows, ticket_id, body,
                                            channel_meta=channel_meta, now=self._now(now),
                                            tools=self._deps.tools)

    def update(self, actor: Agent, ticket_id: int, changes: tickets.TicketChanges, *,
               now: datetime | None = None) -> TicketDetail:
        detail = tickets.update_ticket(self._uows, actor, ticket_id, changes,
                                       now=self._now(now), tools=self._deps.tools)
        return self._with_actions(actor, detail)

    def raise_priority(self, actor: Agent, ticket_id: int, *,
                       now: datetime | None = None) -> tuple[Priority, TicketDetail]:
        return tickets.raise_priority(self._uows, actor, ticket_id, now=self._now(now))

    def assign(self, actor: Agent, ticket_id: int, assignee_id: int | None, *,
               now: datetime | None = None) -> TicketDetail:
        return self._with_actions(actor, tickets.assign(self._uows, actor, ticket_id,
                                                        assignee_id, now=self._now(now)))

    def change_status(self, actor: Agent, ticket_id: int, status: Status, *,
                      now: datetime | None = None) -> TicketDetail:
        return self._with_actions(actor, tickets.change_status(self._uows, actor, ticket_id,
                                                               status, now=self._now(now)))

    def merge(self, actor: Agent, source_id: int, target_id: int, *,
              now: datetime | None = None) -> TicketDetail:
        detail = tickets.merge_tickets(self._uows, actor, source_id, target_id,
                                       now=self._now(now))
        return self._with_actions(actor, detail)

    def get(self, actor: Agent, ticket_id: int) -> TicketDetail:
        return self._with_actions(actor, tickets.get_ticket(self._uows, actor, ticket_id))

    def page(self, actor: Agent, filters: TicketFilter, *, limit: int = 50,
             cursor: str | None = None) -> Page:
        return tickets.list_tickets(self._uows, actor, filters, limit=limit, cursor=cursor)

    def queue(self, actor: Agent, filters: TicketFilter | None, *, limit: int = 50,
              cursor: str | None = None) -> queues.QueueScreen:
        """The console's queue screen: a page with the filters' choices and saved views."""
        return queues.queue_screen(self._uows, actor, filters, limit=limit, cursor=cursor)

    def bulk(self, actor: Agent, ticket_ids: list[int], action: queues.BulkAction, value: str,
             *, now: datetime | None = None) -> queues.BulkOutcome:
        return queues.bulk_change(self._uows, actor, ticket_ids, action, value,
                                 now=self._now(now), tools=self._deps.tools)

    def save_view(self, actor: Agent, name: str, query: str, *,
                  now: datetime | None = None) -> SavedView:
        return queues.save_view(self._uows, actor, name, query, now=self._now(now))

    def delete_view(self, actor: Agent, view_id: int) -> None:
        queues.delete_view(self._uows, actor, view_id)

    def history(self, actor: Agent, ticket_id: int) -> list[StoredEvent]:
        return tickets.ticket_events(self._uows, actor, ticket_id)

    def workspace(self, actor: Agent, ticket_id: int, *,
                  macro_id: int | None = None) -> TicketWorkspace:
        return ticket_workspace(self._uows, self._deps.tools.similarity, actor, ticket_id,
                                blocking_roles=self._deps.safety.blocking_roles,
                                macro_id=macro_id)

    def attachment(self, actor: Agent, attachment_id: int) -> tuple[Attachment, bytes]:
        return tickets.get_attachment(self._uows, self._deps.blobs, actor, attachment_id)

    def reveal_original(self, actor: Agent, ticket_id: int, message_id: int, *,
                        now: datetime | None = None) -> str:
        sealer = self._deps.tools.sealer
        if sealer is None:
            raise ValidationFailed("this server keeps no originals",
                                   {"message_id": "unavailable"})
        return tickets.reveal_original(self._uows, sealer, actor, ticket_id, message_id,
                                       now=self._now(now))

    def duplicates(self, actor: Agent, ticket_id: int) -> list[SimilarTicket]:
        return tickets.merge_suggestions(self._uows, self._deps.tools.similarity, actor,
                                         ticket_id)

    def solved_before(self, actor: Agent, ticket_id: int) -> list[SolvedExample]:
        return related.solved_like(self._uows, self._deps.tools.similarity, actor, ticket_id)

    def training_examples(self, actor: Agent, limit: int = 100_000) -> list[tuple[str, str]]:
        return tickets.training_examples(self._uows, actor, limit)

    def _with_actions(self, actor: Agent, detail: TicketDetail) -> TicketDetail:
        return replace(detail, allowed_actions=allowed_actions(
            actor, detail.ticket, blocking_roles=self._deps.safety.blocking_roles))


class TriageUseCases(_UseCases):
    def correct(self, actor: Agent, ticket_id: int, message_id: int, verdict: Verdict,
                value: bool, *, now: datetime | None = None) -> None:
        feedback.correct_verdict(self._uows, actor, ticket_id, message_id, verdict, value,
                                 now=self._now(now))

    def corrections(self, actor: Agent, ticket_id: int) -> dict[tuple[int, str], bool]:
        return feedback.corrections(self._uows, actor, ticket_id)

    def examples(self, actor: Agent, verdict: Verdict) -> list[tuple[str, bool]]:
        return feedback.verdict_examples(self._uows, actor, verdict)


class SafetyUseCases(_UseCases):
    def block_sender(self, actor: Agent, customer_id: int, reason: str | None, *,
                     ticket_id: int | None = None, now: datetime | None = None) -> Customer:
        return safety.block_sender(self._uows, actor, customer_id, reason, self._deps.safety,
                                   ticket_id=ticket_id, now=self._now(now),
                                   tools=self._deps.tools)

    def unblock_sender(self, actor: Agent, customer_id: int, *,
                       now: datetime | None = None) -> Customer:
        return safety.unblock_sender(self._uows, actor, customer_id, self._deps.safety,
                                     now=self._now(now))

    def block_requester(self, actor: Agent, ticket_id: int, reason: str | None, *,
                        now: datetime | None = None) -> Customer:
        return safety.block_requester(self._uows, actor, ticket_id, reason,
                                      self._deps.safety, now=self._now(now),
                                      tools=self._deps.tools)

    def unblock_requester(self, actor: Agent, ticket_id: int, *,
                          now: datetime | None = None) -> Customer:
        return safety.unblock_requester(self._uows, actor, ticket_id, self._deps.safety,
                                        now=self._now(now))

    def escalate(self, actor: Agent, ticket_id: int, reason: str | None, *,
                 now: datetime | None = None) -> TicketDetail:
        return safety.escalate_to_security(self._uows, actor, ticket_id, reason,
                                           self._deps.safety, now=self._now(now),
                                           tools=self._deps.tools)


class DirectoryUseCases(_UseCases):
    def create_customer(self, actor: Agent, data: directory.CustomerInput) -> Customer:
        return directory.create_customer(self._uows, actor, data)

    def update_customer(self, actor: Agent, customer_id: int,
                        data: directory.CustomerInput) -> Customer:
        return directory.update_customer(self._uows, actor, customer_id, data)

    def customer(self, actor: Agent, customer_id: int) -> Customer:
        return directory.get_customer(self._uows, actor, customer_id)

    def preview_customer_merge(self, actor: Agent, kept_id: int,
                               absorbed_id: int) -> customer_merge.MergePreview:
        return customer_merge.preview_merge(self._uows, actor, kept_id, absorbed_id)

    def merge_customers(self, actor: Agent, kept_id: int, absorbed_id: int, *,
                        now: datetime | None = None) -> customer_merge.CustomerMerge:
        """One person under two records: ``absorbed_id``'s tickets, identities and wishes
        go to ``kept_id``, and the absorbed record is removed."""
        return customer_merge.merge_customers(self._uows, actor, kept_id, absorbed_id,
                                              now=self._now(now))

    def customer_screen(self, actor: Agent, customer_id: int, *,
                        cursor: str | None = None) -> CustomerScreen:
        """The console's customer page: the customer, organisation and tickets, one read."""
        return customer_screen(self._uows, actor, customer_id, cursor=cursor)

    def organisation_screen(self, actor: Agent, organisation_id: int, *,
                            cursor: str | None = None) -> OrganisationScreen:
        """The console's organisation page: its customers and their tickets, one read."""
        return organisation_screen(self._uows, actor, organisation_id, cursor=cursor)

    def new_ticket_choices(self, actor: Agent, customer_id: int | None,
                           query: str = "") -> NewTicketChoices:
        """The console's new-ticket form: teams, the known customer if one is given, and the
        customers matching ``query``."""
        return new_ticket_choices(self._uows, actor, customer_id, query)

    def customers(self, actor: Agent, query: str | None = None, limit: int = 50,
                  after_id: int | None = None) -> list[Customer]:
        return directory.list_customers(self._uows, actor, query, limit, after_id)

    def create_organisation(self, actor: Agent, organisation: Organisation) -> Organisation:
        return directory.create_organisation(self._uows, actor, organisation)

    def create_agent(self, actor: Agent, data: directory.AgentInput) -> Agent:
        return directory.create_agent(self._uows, actor, data)

    def update_agent(self, actor: Agent, agent_id: int, data: directory.AgentInput) -> Agent:
        changed = directory.update_agent(self._uows, actor, agent_id, data)
        # Their tokens' cached grants carry what was changed (role, activity) or end with it.
        self._deps.tokens.forget_agent(agent_id)
        return changed

    def agent(self, actor: Agent, agent_id: int) -> Agent:
        return directory.get_agent(self._uows, actor, agent_id)

    def agents(self, actor: Agent) -> list[Agent]:
        return directory.list_agents(self._uows, actor)

    def teams(self, actor: Agent) -> list[Team]:
        return directory.list_teams(self._uows, actor)

    def create_team(self, actor: Agent, team: Team) -> Team:
        return directory.create_team(self._uows, actor, team)

    def update_team(self, actor: Agent, team_id: int, *, name: str | None = None,
                    description: str | None = None, time_zone: str | None = None) -> Team:
        """``time_zone``: an IANA name, "" for the desk's, None to keep it."""
        return directory.update_team(self._uows, actor, team_id, name=name,
                                     description=description, time_zone=time_zone)

    def set_team_member(self, actor: Agent, team_id: int, agent_id: int,
                        member: bool) -> Agent:
        changed = directory.set_team_member(self._uows, actor, team_id, agent_id, member)
        self._deps.tokens.forget_agent(agent_id)  # their tokens' grants carry their teams
        return changed

    def teams_screen(self, actor: Agent) -> settings_screens.TeamsScreen:
        """The console's teams screen: every team and agent, one read."""
        return settings_screens.teams_screen(self._uows, actor)

    def departments(self, actor: Agent) -> list[Department]:
        return directory.list_departments(self._uows, actor)

    def create_department(self, actor: Agent, department: Department) -> Department:
        return directory.create_department(self._uows, actor, department)

    def delete_department(self, actor: Agent, department_id: int) -> None:
        """Administrators; refused (409) while anything refers to it, saying what."""
        department_admin.delete_department(self._uows, actor, department_id)

    def departments_screen(self, actor: Agent) -> department_admin.DepartmentsScreen:
        """The console's departments screen: departments, their OLAs, calendars, agents."""
        return department_admin.departments_screen(self._uows, actor)

    def save_department(self, actor: Agent, department: Department,
                        ola: handoffs.OlaInput | None, *,
                        now: datetime | None = None) -> Department:
        return department_admin.save_department(self._uows, actor, department, ola,
                                           now=self._now(now))

    def update_department(self, actor: Agent, department_id: int, *, name: str | None = None,
                          description: str | None = None,
                          email: str | None = None) -> Department:
        return directory.update_department(self._uows, actor, department_id, name=name,
                                           description=description, email=email)


class AuthUseCases(_UseCases):
    def sign_in(self, email: str, password: str, *, address: str, user_agent: str,
                lifetime: timedelta) -> sessions.SignedIn | None:
        """A new console session, or None; raises TooManyAttempts while throttled."""
        return sessions.sign_in(self._uows, email, password, address=address,
                                user_agent=user_agent, lifetime=lifetime)

    def session_agent(self, session_token: str) -> Agent | None:
        return sessions.session_agent(self._uows, session_token)

    def console_seat(self, session_token: str) -> sessions.ConsoleSeat | None:
        """The signed-in agent and their presence, for a console page and its header."""
        return sessions.console_seat(self._uows, session_token)

    def sign_out(self, session_token: str) -> None:
        sessions.sign_out(self._uows, session_token)

    def sign_out_everywhere(self, actor: Agent) -> int:
        return sessions.sign_out_everywhere(self._uows, actor)

    def sign_agent_out_everywhere(self, actor: Agent, agent_id: int) -> sessions.SignedOut:
        return sessions.sign_agent_out_everywhere(self._uows, actor, agent_id)

    def live_sessions(self, actor: Agent) -> list[dict[str, Any]]:
        return sessions.live_sessions(self._uows, actor)

    def change_own_password(self, actor: Agent, current: str, new: str, *,
                            address: str, keep_session: str | None = None) -> int:
        """Every other session of the actor ends; the one named by ``keep_session`` stays."""
        ended = sessions.change_own_password(self._uows, actor, current, new, address=address,
                                             keep_session=keep_session)
        if actor.id is not None:
            self._deps.tokens.forget_agent(actor.id)
        return ended

    def cached_token(self, token: str) -> TokenGrant | None:
        """The grant of a recently verified token, without any I/O (None if not cached)."""
        return self._deps.tokens.cached(token)

    def authenticate_token(self, token: str) -> TokenGrant | None:
        return self._deps.tokens.authenticate(self._uows, token)

    def create_token(self, actor: Agent, agent_email: str, name: str = "api", *,
                     scope: TokenScope = TokenScope.FULL, expires_in_days: int | None = None,
                     expires_on: date | None = None) -> str:
        return auth.create_token(self._uows, actor, agent_email, name, scope=scope,
                                 expires_in_days=expires_in_days, expires_on=expires_on,
                                 now=self._deps.clock())

    def tokens(self, actor: Agent, agent_email: str) -> tuple[Agent, list[TokenRecord]]:
        return auth.list_tokens(self._uows, actor, agent_email)

    def revoke_token(self, actor: Agent, token_id: int) -> None:
        auth.revoke_token(self._uows, actor, token_id)
        self._deps.tokens.forget_all()


class WebhookUseCases(_UseCases):
    def create(self, actor: Agent, data: webhooks.WebhookInput) -> webhooks.WebhookWithSecret:
        return webhooks.create_webhook(self._uows, self._sealer(), actor, data,
                                       private_targets=self._deps.webhook_private_targets)

    def all(self, actor: Agent) -> list[WebhookSubscription]:
        return webhooks.list_webhooks(self._uows, actor)

    def get(self, actor: Agent, subscription_id: int) -> WebhookSubscription:
        return webhooks.get_webhook(self._uows, actor, subscription_id)

    def update(self, actor: Agent, subscription_id: int,
               data: webhooks.WebhookInput) -> WebhookSubscription:
        return webhooks.update_webhook(self._uows, actor, subscription_id, data,
                                       private_targets=self._deps.webhook_private_targets)

    def delete(self, actor: Agent, subscription_id: int) -> None:
        webhooks.delete_webhook(self._uows, actor, subscription_id)

    def rotate_secret(self, actor: Agent, subscription_id: int) -> webhooks.WebhookWithSecret:
        return webhooks.rotate_webhook_secret(self._uows, self._sealer(), actor,
                                              subscription_id)

    def deliveries(self, actor: Agent, subscription_id: int, *, limit: int = 50,
                   before_id: int | None = None) -> list[WebhookDelivery]:
        return webhooks.list_deliveries(self._uows, actor, subscription_id, limit, before_id)

    def deliver_due(self, sender: WebhookSender, limit: int = 50) -> int:
        """Send what is due now (the worker's delivery loop calls this)."""
        return webhooks.deliver_due(self._uows, sender, self._sealer(), self._deps.clock(),
                                    limit, private_targets=self._deps.webhook_private_targets)

    def _sealer(self) -> Sealer:
        sealer = self._deps.tools.sealer
        if sealer is None:  # bootstrap always provides one; a hand-wired test may not
            raise ValidationFailed("this server cannot keep secrets: no sealer is configured",
                                   {"secret": "unavailable"})
        return sealer


class SlaUseCases(_UseCases):
    """SLA policies, business calendars, ticket clocks and the sweep."""

    def calendars(self, actor: Agent) -> list[NamedCalendar]:
        return sla_admin.list_calendars(self._uows, actor)

    def calendar(self, actor: Agent, calendar_id: int) -> NamedCalendar:
        return sla_admin.get_calendar(self._uows, actor, calendar_id)

    def calendar_deadline(self, actor: Agent, calendar_id: int, start: datetime,
                          target: timedelta) -> Deadline:
        return sla_admin.calendar_deadline(self._uows, actor, calendar_id, start, target)

    def calendar_elapsed(self, actor: Agent, calendar_id: int, start: datetime,
                         end: datetime) -> Elapsed:
        return sla_admin.calendar_elapsed(self._uows, actor, calendar_id, start, end)

    def policy_deadlines(self, actor: Agent, policy_id: int, priority: Priority,
                         start: datetime) -> TargetsDue:
        return sla_admin.policy_deadlines(self._uows, actor, policy_id, priority, start)

    def create_calendar(self, actor: Agent, named: NamedCalendar, *,
                        now: datetime | None = None) -> NamedCalendar:
        return sla_admin.create_calendar(self._uows, actor, named, now=self._now(now))

    def update_calendar(self, actor: Agent, calendar_id: int, named: NamedCalendar, *,
                        now: datetime | None = None) -> NamedCalendar:
        return self.replace_calendar(actor, calendar_id, named, now=now).calendar

    def replace_calendar(self, actor: Agent, calendar_id: int, named: NamedCalendar, *,
                         now: datetime | None = None) -> sla_admin.CalendarSaved:
        """The calendar saved, and what that did to the open tickets whose clocks run on it."""
        return sla_admin.update_calendar(self._uows, actor, calendar_id, named,
                                         now=self._now(now))

    def delete_calendar(self, actor: Agent, calendar_id: int) -> None:
        sla_admin.delete_calendar(self._uows, actor, calendar_id)

    def policies(self, actor: Agent) -> list[SlaPolicy]:
        return sla_admin.list_policies(self._uows, actor)

    def screen(self, actor: Agent) -> settings_screens.SlaScreen:
        """The console's calendars and policies screens: both, with the teams, one read."""
        return settings_screens.sla_screen(self._uows, actor)

    def policy(self, actor: Agent, policy_id: int) -> SlaPolicy:
        return sla_admin.get_policy(self._uows, actor, policy_id)

    def create_policy(self, actor: Agent, form: dict[str, Any], *,
                      now: datetime | None = None) -> SlaPolicy:
        return self.save_policy(actor, None, form, now=now).policy

    def update_policy(self, actor: Agent, policy_id: int, form: dict[str, Any], *,
                      now: datetime | None = None) -> SlaPolicy:
        return self.save_policy(actor, policy_id, form, now=now).policy

    def save_policy(self, actor: Agent, policy_id: int | None, form: dict[str, Any], *,
                    now: datetime | None = None) -> sla_admin.PolicySaved:
        """Create (``policy_id`` None) or replace a policy; the answer says how many open
        tickets were matched again, or are being matched again in the background."""
        if policy_id is None:
            return sla_admin.create_policy(self._uows, actor, form, now=self._now(now))
        return sla_admin.update_policy(self._uows, actor, policy_id, form, now=self._now(now))

    def delete_policy(self, actor: Agent, policy_id: int, *,
                      now: datetime | None = None) -> sla_rematch.Rematch:
        return sla_admin.delete_policy(self._uows, actor, policy_id, now=self._now(now))

    def rematch_runs(self, actor: Agent) -> list[RematchRun]:
        """The background re-matchings not finished yet, the newest first."""
        return sla_rematch.runs_in_progress(self._uows, actor)

    def report(self, actor: Agent, since: datetime, until: datetime
               ) -> sla_reports.SlaReportResult:
        """Each target met in time or missed in [since, until), and how long answers took."""
        with self._deps.heavy_reads.turn(actor):
            return sla_reports.sla_report_between(self._uows, actor, since, until)

    def rematch_pending(self, *, now: datetime | None = None) -> sla_rematch.RematchProgress:
        """Walk the re-matchings of open tickets left to the background (the job's work)."""
        return sla_rematch.rematch_pending(self._uows, self._now(now))

    def ticket_clocks(self, actor: Agent, ticket_id: int, *, now: datetime | None = None
                      ) -> tuple[list[sla_reads.ClockView], list[sla_reads.ClockHistoryEntry]]:
        return sla_reads.ticket_sla(self._uows, actor, ticket_id, now=self._now(now))

    def forecast_breaches(self, actor: Agent, *, threshold: float = sla_risk.DEFAULT_THRESHOLD,
                          now: datetime | None = None) -> sla_risk.RiskReport:
        """Each ticket waiting for an agent: its chance of missing its answer deadline."""
        return sla_risk.forecast_breaches(self._uows, actor, now=self._now(now),
                                          threshold=threshold)[1]

    def recent_forecast(self, actor: Agent, *, now: datetime | None = None
                        ) -> tuple[datetime, sla_risk.RiskReport]:
        """The same for a console screen: one made a few seconds ago may be given, with when
        it was made (`sla_risk.ForecastMemo`)."""
        return sla_risk.forecast_breaches(self._uows, actor, now=self._now(now),
                                          memo=self._deps.console_forecast)

    def sweep(self, *, now: datetime | None = None) -> sla_sweep.SweepResult:
        """Fire the ladder steps and breaches due by now (the periodic job calls this)."""
        return sla_sweep.sweep_due(self._uows, self._now(now))


class MacroUseCases(_UseCases):
    """Canned replies: managed per desk or team, filled in for a ticket's reply box."""

    def usable(self, actor: Agent) -> list[Macro]:
        return macros.list_macros(self._uows, actor)

    def create(self, actor: Agent, macro: Macro, *, now: datetime | None = None) -> Macro:
        return macros.create_macro(self._uows, actor, macro, now=self._now(now))

    def update(self, actor: Agent, macro_id: int, macro: Macro, *,
               now: datetime | None = None) -> Macro:
        return macros.update_macro(self._uows, actor, macro_id, macro, now=self._now(now))

    def delete(self, actor: Agent, macro_id: int) -> None:
        macros.delete_macro(self._uows, actor, macro_id)

    def fill(self, actor: Agent, ticket_id: int, macro_id: int) -> macros.FilledMacro:
        return macros.fill_macro(self._uows, actor, ticket_id, macro_id)

    def sent(self, actor: Agent, ticket_id: int, macro_id: int, *,
             now: datetime | None = None) -> None:
        """After a reply made from a macro: add the macro's tags to the ticket."""
        filled = macros.fill_macro(self._uows, actor, ticket_id, macro_id)
        if filled.add_tags:
            queues.add_tags(self._uows, actor, ticket_id, filled.add_tags, now=self._now(now),
                            tools=self._deps.tools)


class JobUseCases(_UseCases):
    def claim_tick(self, name: str, tick_at: datetime, worker: str) -> bool:
        """True if this worker is the one to run periodic job ``name`` for ``tick_at``."""
        return jobs.claim_tick(self._uows, name, tick_at, worker)

    def prune_history(self, retention: timedelta, *,
                      now: datetime | None = None) -> jobs.Pruned:
        return jobs.prune_history(self._uows, retention, now=self._now(now))

    def sweep_orphan_files(self, grace: timedelta, *, now: datetime | None = None) -> int:
        return jobs.sweep_orphan_files(self._uows, self._deps.blobs, grace, now=self._now(now))


class MailUseCases(_UseCases):
    """Receiving, filing, quarantining and sending e-mail (`services/mail.py`,
    `services/mail_outbound.py`)."""

    @property
    def routing(self) -> MailRouting:
        return self._deps.mail_routing

    def _tools(self) -> mail.MailTools:
        parser = self._deps.mail_parser
        if parser is None:
            raise ValidationFailed("this server reads no e-mail: no parser is configured",
                                   {"mail": "unavailable"})
        return mail.MailTools(uows=self._uows, blobs=self._deps.blobs, parser=parser,
                              intake=self._deps.tools, routing=self._deps.mail_routing)

    def receive(self, raw: bytes, *, source: str, envelope: dict[str, Any] | None = None
                ) -> mail.Received:
        """Keep a received message durably (before any server says it has it)."""
        return mail.receive(self._tools(), raw, source=source, envelope=envelope,
                            now=self._deps.clock())

    def accept(self, actor: Agent, raw: bytes) -> tuple[mail.Received, Outcome]:
        """A raw message posted by an MTA (with a coordinator's token): stored, then filed."""
        check_mail_coordinator(actor)
        received = self.receive(raw, source="http", envelope={"posted_by": actor.id})
        if received.duplicate:
            return received, Outcome.DUPLICATE
        return received, self.process(received.inbound_id, raw)

    def process(self, inbound_id: int, raw: bytes | None = None) -> Outcome:
        """File a stored message (``raw``: its bytes, when in hand)."""
        return mail.process(self._tools(), inbound_id, now=self._deps.clock(), raw=raw)

    def process_stored(self, inbound_id: int, raw_sha256: str) -> Outcome:
        """File a stored message whose bytes are kept as ``raw_sha256``."""
        return mail.process_stored(self._tools(), inbound_id, raw_sha256,
                                   now=self._deps.clock())

    def process_pending(self, limit: int = 100) -> list[Outcome]:
        return mail.process_pending(self._tools(), limit)

    def pending(self, limit: int = 100, *, older_than: timedelta | None = None) -> list[int]:
        """Messages stored but not filed yet (for longer than ``older_than``), oldest first."""
        before = self._deps.clock() - older_than if older_than is not None else None
        return mail.pending(self._tools(), limit, before)

    def quarantined(self, actor: Agent, *, limit: int = 50,
                    before_id: int | None = None) -> list[Inbound]:
        return mail.quarantined(self._tools(), actor, limit, before_id)

    def retry(self, actor: Agent, inbound_id: int) -> Outcome:
        return mail.retry(self._tools(), actor, inbound_id)

    def set_aside(self, actor: Agent, *, limit: int = 50,
                  before_id: int | None = None) -> list[Inbound]:
        return mail.set_aside(self._tools(), actor, limit, before_id)

    def held(self, actor: Agent, *, limit: int = 50) -> mail.HeldMail:
        return mail.held_mail(self._tools(), actor, limit)

    def file_by_hand(self, actor: Agent, inbound_id: int) -> Outcome:
        return mail.file_by_hand(self._tools(), actor, inbound_id, now=self._deps.clock())

    def to_ticket(self, actor: Agent, inbound_id: int, requester_email: str) -> int:
        return mail.to_ticket(self._tools(), actor, inbound_id, requester_email,
                              now=self._deps.clock())

    def raw(self, actor: Agent, inbound_id: int) -> bytes:
        return mail.raw_message(self._tools(), actor, inbound_id)

    def original(self, actor: Agent, ticket_id: int,
                 message_id: int) -> mail_originals.OriginalMail:
        """The whole e-mail behind a message on a ticket the caller may see, masked."""
        return mail_originals.original_mail(self._tools(), actor, ticket_id, message_id)

    def original_raw(self, actor: Agent, ticket_id: int, message_id: int) -> bytes:
        """That e-mail exactly as received (sensitive-data access; audited)."""
        return mail_originals.original_raw(self._tools(), actor, ticket_id, message_id,
                                           now=self._deps.clock())

    def deliver_due(self, transport: MailTransport, limit: int = 20) -> int:
        """Send due outbound mail (the worker's mail delivery loop calls this)."""
        return mail_outbound.deliver_due(self._uows, transport, self._deps.clock(), limit,
                                         blobs=self._deps.blobs)

    def add_mailbox(self, actor: Agent, mailbox: Mailbox, password: str) -> Mailbox:
        return mail_imap.add_mailbox(self._uows, self._sealer(), actor, mailbox, password)

    def mailboxes(self, actor: Agent) -> list[Mailbox]:
        return mail_imap.mailboxes(self._uows, actor)

    def poll_targets(self) -> list[mail_imap.PollTarget]:
        """Active IMAP mailboxes with their passwords (the poller's, never shown)."""
        return mail_imap.poll_targets(self._uows, self._sealer())

    def record_poll(self, mailbox_id: int, *, uidvalidity: int | None, last_uid: int | None,
                    error: str | None) -> None:
        mail_imap.record_poll(self._uows, mailbox_id, uidvalidity=uidvalidity,
                              last_uid=last_uid, error=error, now=self._deps.clock())

    def _sealer(self) -> Sealer:
        if self._deps.tools.sealer is None:
            raise ValidationFailed("this server cannot keep passwords: no sealer",
                                   {"password": "unavailable"})
        return self._deps.tools.sealer

    def deliveries(self, actor: Agent, ticket_id: int) -> list[OutboundMail]:
        tickets.get_ticket(self._uows, actor, ticket_id)  # the caller may see the ticket
        return mail_outbound.deliveries(self._uows, ticket_id)
class RoutingUseCases(_UseCases):
    def route(self, actor: Agent, ticket_id: int, *,
              now: datetime | None = None) -> RoutingDecision | None:
        """Route an unassigned ticket now; None if it was assigned, locked or finished."""
        return routing.route_ticket(self._uows, actor, ticket_id, now=self._now(now))

    def next(self, actor: Agent, *, now: datetime | None = None) -> TicketDetail | None:
        """Pull mode: the next best ticket for the calling agent, assigned to them."""
        detail = routing.pull_next(self._uows, actor, now=self._now(now))
        return None if detail is None else replace(detail, allowed_actions=allowed_actions(
            actor, detail.ticket, blocking_roles=self._deps.safety.blocking_roles))

    def decisions(self, actor: Agent, ticket_id: int
                  ) -> tuple[TicketRoutingState | None, list[StoredDecision]]:
        return routing_admin.decisions(self._uows, actor, ticket_id)

    def control_room(self, actor: Agent, *,
                     now: datetime | None = None) -> control_room.ControlRoom:
        """Every queue, agent, likely breach and stuck item of the desk, for coordinators."""
        return control_room.control_room(self._uows, actor, now=self._now(now),
                                         memo=self._deps.console_forecast)

    def board(self, actor: Agent, *, now: datetime | None = None
              ) -> list[routing_admin.AgentBoardRow]:
        return routing_admin.board(self._uows, actor, now=self._now(now))

    def set_presence(self, actor: Agent, agent_id: int, presence: Presence, *,
                     now: datetime | None = None) -> routing_admin.AgentBoardRow:
        return routing_admin.set_presence(self._uows, actor, agent_id, presence,
                                          now=self._now(now))

    def update_profile(self, actor: Agent, agent_id: int, change: ProfileChange, *,
                       now: datetime | None = None) -> routing_admin.AgentBoardRow:
        return routing_admin.update_profile(self._uows, actor, agent_id, change,
                                            now=self._now(now))

    def lock(self, actor: Agent, ticket_id: int, locked: bool, *,
             now: datetime | None = None) -> TicketRoutingState:
        return routing_admin.lock(self._uows, actor, ticket_id, locked, now=self._now(now))

    def agent_screen(self, actor: Agent, agent_id: int) -> settings_screens.AgentRoutingScreen:
        """The console's routing profile screen: the agent, profile and desk's skills, one read."""
        return settings_screens.agent_routing_screen(self._uows, actor, agent_id)

    def config(self, actor: Agent) -> dict[str, Any]:
        return routing_admin.config(self._uows, actor)

    def update_config(self, actor: Agent, document: dict[str, Any], *,
                      now: datetime | None = None) -> dict[str, Any]:
        return routing_admin.update_config(self._uows, actor, document, now=self._now(now))

    def unroutable(self, actor: Agent) -> list[TicketRoutingState]:
        return routing_admin.unroutable(self._uows, actor)

    def excluded_agents(self, actor: Agent, customer_id: int) -> list[AgentExclusion]:
        return routing_exclusions.excluded_agents(self._uows, actor, customer_id)

    def exclude_agent(self, actor: Agent, customer_id: int, agent_id: int, reason: str, *,
                      now: datetime | None = None) -> AgentExclusion:
        """The customer asked not to be served by the agent again: routing never offers
        them the customer's tickets."""
        return routing_exclusions.exclude_agent(self._uows, actor, customer_id, agent_id,
                                                reason, now=self._now(now),
                                                tools=self._deps.tools)

    def allow_agent(self, actor: Agent, customer_id: int, agent_id: int) -> None:
        routing_exclusions.allow_agent(self._uows, actor, customer_id, agent_id)

    def sweep(self, *, now: datetime | None = None) -> routing_sweep.SweepResult:
        """The periodic job: return unattended work, then offer waiting tickets again."""
        return routing_sweep.sweep(self._uows, now=self._now(now))
class RuleUseCases(_UseCases):
    """Automation rules: managed by administrators and managers, explained on a ticket, and
    the time-based ones run by the periodic sweep."""

    def create(self, actor: Agent, form: Any, *, now: datetime | None = None) -> Rule:
        return rules_admin.create_rule(self._uows, actor, form, now=self._now(now))

    def update(self, actor: Agent, rule_id: int, form: Any, *,
               now: datetime | None = None) -> Rule:
        return rules_admin.update_rule(self._uows, actor, rule_id, form, now=self._now(now))

    def set_enabled(self, actor: Agent, rule_id: int, enabled: bool, *,
                    now: datetime | None = None) -> Rule:
        return rules_admin.set_rule_enabled(self._uows, actor, rule_id, enabled,
                                            now=self._now(now))

    def delete(self, actor: Agent, rule_id: int) -> None:
        rules_admin.delete_rule(self._uows, actor, rule_id)

    def screen(self, actor: Agent, *, ticket_id: int | None = None,
               event: EventKind | None = None, changed: Any = None,
               now: datetime | None = None) -> rules_admin.RulesScreen:
        return rules_admin.rules_screen(self._uows, actor, now=self._now(now),
                                        ticket_id=ticket_id, event=event, changed=changed)

    def get(self, actor: Agent, rule_id: int) -> Rule:
        return rules_admin.get_rule(self._uows, actor, rule_id)

    def usage(self, actor: Agent, *, now: datetime | None = None,
              rule_ids: Collection[int] | None = None) -> dict[int, RuleUsage]:
        """How often each rule (of ``rule_ids`` when given) fired in the last 24 hours, 7 and
        30 days (rules that did)."""
        return rules_admin.rule_usage(self._uows, actor, now=self._now(now), rule_ids=rule_ids)

    def dry_run(self, actor: Agent, ticket_id: int, *, event: EventKind | None = None,
                changed: Any = None, now: datetime | None = None) -> list[RuleVerdict]:
        """``changed``: fields to judge as just changed (a list of names, or names and the
        values they changed to)."""
        return rules_admin.dry_run_ticket(self._uows, actor, ticket_id, now=self._now(now),
                                          event=event, changed=changed)

    def try_unsaved(self, actor: Agent, form: Any, *,
                    now: datetime | None = None) -> rules_admin.RuleTryout:
        """Which recent tickets an unsaved rule would fire on, and what it would change."""
        return rules_admin.try_unsaved_rule(self._uows, actor, form, now=self._now(now))

    def for_ticket(self, actor: Agent, ticket_id: int, *,
                   now: datetime | None = None) -> rules_admin.TicketRules:
        return rules_admin.ticket_rules(self._uows, actor, ticket_id, now=self._now(now))

    def run_automations(self, *, now: datetime | None = None) -> automations.SweepResult:
        return automations.run_automations(self._uows, self._now(now))

    # Last in the class: the name would hide the builtin from the annotations after it.
    def list(self, actor: Agent) -> list[Rule]:
        return rules_admin.list_rules(self._uows, actor)


class WorkforceUseCases(_UseCases):
    """Forecasts and staffing from the desk's tickets, teams' weeks drafted, edited and
    published, agents' own shifts and change requests, adherence and the intraday gap."""

    @property
    def default_aht_s(self) -> float:
        """Handling seconds per contact when a request gives none (`HUBDESK_WFM_AHT_S`)."""
        return self._deps.default_aht_s

    @property
    def zone(self) -> tzinfo:
        """The desk's time zone for planning (`HUBDESK_WFM_TIMEZONE`); a team with a time
        zone of its own plans in that (each use case reads it)."""
        return self._deps.workforce_zone

    def staffing(self, actor: Agent, team_id: int | None, first_day: date, days: int,
                 goal: StaffingGoal, channel: Channel | None = None) -> StaffingPlan:
        return workforce.staffing(self._uows, actor, team_id, first_day, days, goal, channel,
                                  self.zone)

    def draft(self, actor: Agent, team_id: int, week_start: date, goal: StaffingGoal, *,
              time_limit_s: float = 30.0, now: datetime | None = None
              ) -> workforce.DraftOutcome:
        with self._deps.heavy_reads.turn(actor):
            return workforce.generate_draft(self._uows, actor, team_id, week_start, goal,
                                            now=self._now(now), zone=self.zone,
                                            time_limit_s=time_limit_s)

    def start_week(self, actor: Agent, team_id: int, week_start: date, *,
                   now: datetime | None = None) -> TeamWeek:
        return workforce.start_week(self._uows, actor, team_id, week_start, now=self._now(now))

    def week(self, actor: Agent, team_id: int, week_start: date) -> TeamWeek | None:
        return workforce.week(self._uows, actor, team_id, week_start)

    def schedules(self, actor: Agent, team_id: int | None = None,
                  status: ScheduleStatus | None = None, limit: int = 100) -> list[TeamWeek]:
        return workforce.list_schedules(self._uows, actor, team_id, status, limit)

    def schedule(self, actor: Agent, schedule_id: int) -> TeamWeek:
        return workforce.get_schedule(self._uows, actor, schedule_id)

    def save_shift(self, actor: Agent, schedule_id: int, shift: ShiftInput, *,
                   shift_id: int | None = None, now: datetime | None = None) -> TeamWeek:
        """Add a shift to a week, or (with ``shift_id``) change one."""
        return workforce.save_shift(self._uows, actor, schedule_id, shift, shift_id=shift_id,
                                    now=self._now(now), zone=self.zone)

    def delete_shift(self, actor: Agent, schedule_id: int, shift_id: int, *,
                     now: datetime | None = None) -> TeamWeek:
        return workforce.delete_shift(self._uows, actor, schedule_id, shift_id,
                                      now=self._now(now))

    def swap(self, actor: Agent, schedule_id: int, first_id: int, second_id: int, *,
             now: datetime | None = None) -> TeamWeek:
        return workforce.swap_shifts(self._uows, actor, schedule_id, first_id, second_id,
                                     now=self._now(now))

    def publish(self, actor: Agent, schedule_id: int, *,
                now: datetime | None = None) -> TeamWeek:
        return workforce.publish(self._uows, actor, schedule_id, now=self._now(now))

    def my_shifts(self, actor: Agent, since: datetime, until: datetime) -> list[PlannedShift]:
        return workforce.my_shifts(self._uows, actor, since, until)

    def my_days(self, actor: Agent, first_day: date, days: int
                ) -> tuple[list[PlannedShift], tzinfo]:
        """The caller's published shifts over ``days`` of their own days (their teams'
        clock, or the desk's), and that clock."""
        return workforce_screens.my_days(self._uows, actor, first_day, days, zone=self.zone)

    def request_change(self, actor: Agent, shift_id: int | None, note: str,
                       wanted: workforce.WantedChange = workforce.WantedChange(), *,
                       now: datetime | None = None) -> ChangeRequest:
        return workforce.request_change(self._uows, actor, shift_id, note, wanted,
                                        now=self._now(now), zone=self.zone)

    def swap_options(self, actor: Agent, shift_id: int) -> workforce_swaps.SwapOptions:
        return workforce_swaps.swap_options(self._uows, actor, shift_id)

    def requests(self, actor: Agent, status: RequestStatus | None = None
                 ) -> list[ChangeRequest]:
        return workforce.requests(self._uows, actor, status)

    def answer_request(self, actor: Agent, request_id: int, approve: bool,
                       answer: str | None = None, *,
                       now: datetime | None = None) -> ChangeRequest:
        return workforce.answer_request(self._uows, actor, request_id, approve, answer,
                                        now=self._now(now), zone=self.zone)

    def day_chart(self, actor: Agent, team_id: int | None, day: date, goal: StaffingGoal, *,
                  now: datetime | None = None) -> workforce_floor.DayChart:
        return workforce_floor.day_chart(self._uows, actor, team_id, day, goal,
                                         now=self._now(now), zone=self.zone)

    def adherence(self, actor: Agent, team_id: int, day: date, *,
                  now: datetime | None = None) -> workforce_floor.TeamAdherence:
        return workforce_floor.adherence(self._uows, actor, team_id, day, now=self._now(now),
                                         zone=self.zone)

    def intraday(self, actor: Agent, team_id: int | None, goal: StaffingGoal, *,
                 now: datetime | None = None) -> workforce_floor.Intraday:
        return workforce_floor.intraday(self._uows, actor, team_id, goal, now=self._now(now),
                                        zone=self.zone)

    def screen(self, actor: Agent, team_id: int | None, day: date | None, goal: StaffingGoal,
               *, now: datetime | None = None) -> workforce_screens.WorkforceScreen:
        """The console's workforce page, read in one unit of work (``day`` None: today on
        the team's clock)."""
        return workforce_screens.workforce_screen(self._uows, actor, team_id, day, goal,
                                                  now=self._now(now), zone=self.zone)

    def my_schedule(self, actor: Agent, *,
                    now: datetime | None = None) -> workforce_screens.MySchedule:
        return workforce_screens.my_schedule(self._uows, actor, now=self._now(now),
                                             zone=self.zone)


class Application:
    """Every use case of Hubdesk, grouped by what it works on."""

    def __init__(self, deps: Dependencies) -> None:
        self.deps = deps
        self.tickets = TicketUseCases(deps)
        self.triage = TriageUseCases(deps)
        self.safety = SafetyUseCases(deps)
        self.directory = DirectoryUseCases(deps)
        self.auth = AuthUseCases(deps)
        self.webhooks = WebhookUseCases(deps)
        self.jobs = JobUseCases(deps)
        self.sla = SlaUseCases(deps)
        self.handoffs = HandoffUseCases(deps.uows, deps.tools, deps.clock,
                                        share=deps.heavy_reads)
        self.escalations = EscalationUseCases(deps.uows, deps.tools, deps.clock)
        self.mail = MailUseCases(deps)
        self.routing = RoutingUseCases(deps)
        self.rules = RuleUseCases(deps)
        self.macros = MacroUseCases(deps)
        self.workforce = WorkforceUseCases(deps)
        self.notifications = NotificationUseCases(deps.uows, deps.clock)
        self.mail_templates = MailTemplateUseCases(deps.uows, deps.clock,
                                                   survey=bool(deps.surveys.base_url))
        self.satisfaction = satisfaction.SatisfactionUseCases(
            deps.uows, deps.tools, deps.surveys, deps.clock, share=deps.heavy_reads)
        self.flow = FlowReportUseCases(deps.uows, deps.clock, deps.workforce_zone,
                                       share=deps.heavy_reads)

    @property
    def policy(self) -> SafetyPolicy:
        return self.deps.safety

    def relay_outbox(self, limit: int = 200) -> int:
        """Publish committed events (to subscribers, Redis and the after-commit handlers)."""
        routing, surveys = self.deps.mail_routing, self.deps.surveys
        return outbox.relay_outbox(
            self.deps.uows, self.deps.publisher, limit=limit,
            fan_out=[lambda uow, topic, payload: mail_outbound.queue_for_event(
                uow, routing, topic, payload, surveys)] if routing.configured else [],
            announcing=[partial(queue_notifications,
                                fold_window=self.deps.notice_fold_window)])
