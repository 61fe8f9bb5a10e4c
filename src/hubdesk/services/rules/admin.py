"""Managing automation rules (administrators and managers), and explaining them on a ticket.

A rule is validated whole before anything is written: its plain form, that a time trigger's
wait ends on its calendar, the teams, agents, departments and webhooks it names, and that
together with the other rules it cannot loop. A refused rule leaves the stored rules as they
were.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from hubdesk.domain.agents import Agent
from hubdesk.domain.calendars import check_reachable
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.events import EventKind
from hubdesk.domain.macros import Macro
from hubdesk.domain.permissions import TicketAction, check_rules_admin, ticket_scope
from hubdesk.domain.rules import Rule, RuleVerdict, TimeTrigger, check_no_loop, dry_run, parse_rule
from hubdesk.domain.rules.actions import ApplyMacro, CallWebhook, HandOff, Notify, SetField
from hubdesk.domain.rules.as_if import AsIf, parse_as_if
from hubdesk.domain.rules.trial import RuleTrial, try_rule
from hubdesk.domain.rules.usage import NEVER_FIRED, RuleUsage
from hubdesk.domain.sla import NamedCalendar
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.rules.effects import HandoffHold, StoredMacros, TicketFacts
from hubdesk.services.tickets import load_for
from hubdesk.services.views import StoredEvent, TicketFilter


def create_rule(uows: UnitOfWorkFactory, actor: Agent, form: Any, *, now: datetime) -> Rule:
    check_rules_admin(actor)
    rule = _parsed(form, now)
    with uows() as uow:
        _check_against_store(uow, rule)
        rule = rule.with_id(uow.rules.add(rule, actor.id, now))
        uow.commit()
    return rule


def update_rule(uows: UnitOfWorkFactory, actor: Agent, rule_id: int, form: Any, *,
                now: datetime) -> Rule:
    """Replace the rule with ``form`` (the whole rule, as on creation)."""
    check_rules_admin(actor)
    rule = _parsed(form, now, rule_id)
    with uows() as uow:
        _existing(uow, rule_id, for_update=True)
        _check_against_store(uow, rule)
        uow.rules.save(rule, now)
        uow.commit()
    return rule


def set_rule_enabled(uows: UnitOfWorkFactory, actor: Agent, rule_id: int, enabled: bool, *,
                     now: datetime) -> Rule:
    """Switch a rule on or off, leaving the rest of it as it is; switching it on is checked
    with the other rules as saving it is (a loop is refused, nothing changes). A rule that
    is so already is left as it is, unwritten."""
    check_rules_admin(actor)
    with uows() as uow:
        stored = _existing(uow, rule_id, for_update=True)
        if stored.enabled == enabled:
            return stored
        rule = replace(stored, enabled=enabled)
        if enabled:
            _check_against_store(uow, rule)
        uow.rules.save(rule, now)
        uow.commit()
    return rule


@dataclass(frozen=True)
class RuleTryout:
    """An unsaved rule tried on recent tickets: each ticket's verdict and what would change."""

    rule: Rule
    trials: list[RuleTrial]

    @property
    def matched(self) -> list[RuleTrial]:
        return [trial for trial in self.trials if trial.would_fire]


RECENT_TICKETS = 50


def try_unsaved_rule(uows: UnitOfWorkFactory, actor: Agent, form: Any, *, now: datetime,
                     limit: int = RECENT_TICKETS) -> RuleTryout:
    """Validate ``form`` as saving it would (422 naming the field, the loop check with the
    stored rules) and judge it, as if enabled, on the ``limit`` tickets the caller may see
    that changed last. Writes nothing."""
    check_rules_admin(actor)
    rule = replace(_parsed(form, now), enabled=True)
    with uows(write=False) as uow:
        _check_against_store(uow, rule)
        rows = uow.tickets.page(ticket_scope(actor), TicketFilter(), limit, None).rows
        trials, macros, hold = [], StoredMacros(uow), HandoffHold(uow)
        for row in rows:
            ticket = uow.tickets.get(row.id)
            if ticket is not None:
                facts = TicketFacts(uow, ticket, [rule], now=now)()
                trials.append(try_rule(rule, ticket, facts, now, macros=macros,
                                       check_status=hold))
    return RuleTryout(rule, trials)


def delete_rule(uows: UnitOfWorkFactory, actor: Agent, rule_id: int) -> None:
    check_rules_admin(actor)
    with uows() as uow:
        if not uow.rules.delete(rule_id):
            raise NotFound(f"rule {rule_id} was not found")
        uow.commit()


def list_rules(uows: UnitOfWorkFactory, actor: Agent) -> list[Rule]:
    check_rules_admin(actor)
    with uows(write=False) as uow:
        return uow.rules.all()


def rule_usage(uows: UnitOfWorkFactory, actor: Agent, *, now: datetime,
               rule_ids: Collection[int] | None = None) -> dict[int, RuleUsage]:
    """How often each rule (of ``rule_ids`` when given) fired lately, by rule id; a rule that
    has not is left out."""
    check_rules_admin(actor)
    with uows(write=False) as uow:
        return uow.rules.usage(now, rule_ids)


def get_rule(uows: UnitOfWorkFactory, actor: Agent, rule_id: int) -> Rule:
    check_rules_admin(actor)
    with uows(write=False) as uow:
        return _existing(uow, rule_id)


def _parsed(form: Any, now: datetime, rule_id: int | None = None) -> Rule:
    """The rule ``form`` describes, refused if its time trigger's wait never ends: counted
    on a calendar open a few minutes a week, a year's wait would end thousands of years on,
    and every sweep would count through those years for each ticket it looks at."""
    rule = parse_rule(form, rule_id)
    trigger = rule.trigger
    if isinstance(trigger, TimeTrigger) and trigger.calendar is not None:
        check_reachable(trigger.calendar, now, trigger.after, "trigger.hours",
                        "the trigger's wait")
    return rule


def _existing(uow: UnitOfWork, rule_id: int, *, for_update: bool = False) -> Rule:
    rule = uow.rules.get(rule_id, for_update=for_update)
    if rule is None:
        raise NotFound(f"rule {rule_id} was not found")
    return rule


def _check_against_store(uow: UnitOfWork, rule: Rule) -> None:
    """What only the store can tell: what the actions name exists, and the rule does not
    loop with the other rules."""
    for index, action in enumerate(rule.actions):
        problem = _missing_reference(uow, action)
        if problem:
            where = f"actions[{index}]"
            raise ValidationFailed(f"{where}: {problem}", {where: problem})
    others = [r for r in uow.rules.enabled("event") if r.id != rule.id]
    check_no_loop([*others, rule])


def _missing_reference(uow: UnitOfWork, action: object) -> str | None:
    if isinstance(action, SetField) and action.value is not None:
        if action.field == "team_id" and uow.structure.get_team(action.value) is None:
            return f"unknown team {action.value}"
        if action.field == "department_id" and \
                uow.structure.get_department(action.value) is None:
            return f"unknown department {action.value}"
        if action.field == "assignee_id":
            agent = uow.agents.get(action.value)
            if agent is None or not agent.active:
                return f"unknown or inactive agent {action.value}"
    if isinstance(action, HandOff) and \
            uow.structure.get_department(action.department_id) is None:
        return f"unknown department {action.department_id}"
    if isinstance(action, Notify) and action.agent_id is not None and \
            uow.agents.get(action.agent_id) is None:
        return f"unknown agent {action.agent_id}"
    if isinstance(action, CallWebhook) and uow.webhooks.get(action.webhook_id) is None:
        return f"unknown webhook {action.webhook_id}"
    if isinstance(action, ApplyMacro) and uow.macros.get(action.macro_id) is None:
        return f"unknown macro {action.macro_id}"
    return None


@dataclass(frozen=True)
class TicketRules:
    """Why rules did or would fire on a ticket: the firings in its history, and a dry run
    of every rule now."""

    ticket_id: int
    fired: list[StoredEvent]
    verdicts: list[RuleVerdict]


def dry_run_ticket(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, *, now: datetime,
                   event: EventKind | None = None, changed: Any = None) -> list[RuleVerdict]:
    """Which rules would fire for the ticket now (as if ``event`` happened and the fields
    ``changed`` names had just changed, for event rules: `domain/rules/as_if.py`), and why,
    condition by condition. Changes nothing."""
    check_rules_admin(actor)
    as_if = parse_as_if(changed)
    with uows(write=False) as uow:
        return _verdicts(uow, actor, ticket_id, now, event, as_if)


def _verdicts(uow: UnitOfWork, actor: Agent, ticket_id: int, now: datetime,
              event: EventKind | None, as_if: AsIf | None = None) -> list[RuleVerdict]:
    ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW, for_update=False)
    rules = uow.rules.all()
    facts = TicketFacts(uow, ticket, rules, now=now)()
    return dry_run(rules, ticket, facts, now, event=event,
                   fired_entries=uow.rules.fired_entries(ticket_id), macros=StoredMacros(uow),
                   as_if=as_if)


def ticket_rules(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, *,
                 now: datetime) -> TicketRules:
    check_rules_admin(actor)
    with uows(write=False) as uow:
        verdicts = _verdicts(uow, actor, ticket_id, now, None)
        fired = [e for e in uow.tickets.events(ticket_id)
                 if e.event.kind in (EventKind.RULE_FIRED, EventKind.RULE_CHAIN_STOPPED)]
    return TicketRules(ticket_id, fired, verdicts)


@dataclass(frozen=True)
class RulesScreen:
    """The console's rules page: the rules in the order they run, the stored calendars a
    time rule may count business hours on, the macros a rule may apply, and a dry run when a
    ticket was asked about."""

    rules: list[Rule]
    calendars: list[NamedCalendar]
    verdicts: list[RuleVerdict] | None = None
    ticket_id: int | None = None
    macros: list[Macro] = field(default_factory=list)
    usage: dict[int, RuleUsage] = field(default_factory=dict)

    def usage_of(self, rule: Rule) -> RuleUsage:
        return self.usage.get(rule.id or 0, NEVER_FIRED)


def rules_screen(uows: UnitOfWorkFactory, actor: Agent, *, now: datetime,
                 ticket_id: int | None = None, event: EventKind | None = None,
                 changed: Any = None) -> RulesScreen:
    """Everything the rules page shows, in one unit of work."""
    check_rules_admin(actor)
    as_if = parse_as_if(changed)
    with uows(write=False) as uow:
        verdicts = (_verdicts(uow, actor, ticket_id, now, event, as_if)
                    if ticket_id is not None else None)
        return RulesScreen(uow.rules.all(), uow.sla.calendars(), verdicts, ticket_id,
                           uow.macros.all(), uow.rules.usage(now))
