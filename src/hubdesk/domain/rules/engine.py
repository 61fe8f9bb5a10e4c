"""Running rules on a ticket, and explaining which would run and why.

Rules run in a fixed order (position, then id). Within one change (one transaction) a rule
fires at most once, so its own changes never set it off again, and at most
``MAX_FIRINGS_PER_CHANGE`` firings happen in all: a chain of rules setting each other off is
cut there, and the cut is recorded on the ticket.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from hubdesk.domain.events import Actor, EventKind, TicketEvent
from hubdesk.domain.rules.actions import (
    ApplyMacro,
    MacroLookup,
    Outcome,
    StatusCheck,
    apply_action,
    no_macros,
    no_status_check,
)
from hubdesk.domain.rules.as_if import AsIf, reads_changes
from hubdesk.domain.rules.conditions import Explanation, evaluate
from hubdesk.domain.rules.fields import Facts
from hubdesk.domain.rules.model import EventTrigger, Rule, TimeTrigger, ordered
from hubdesk.domain.tickets import Ticket

MAX_FIRINGS_PER_CHANGE = 20


@dataclass(frozen=True)
class Firing:
    rule: Rule
    explanation: Explanation
    outcome: Outcome


def changes_in(events: Iterable[TicketEvent]) -> dict[str, tuple[Any, Any]]:
    """Each field's value before the first and after the last of ``events`` that changed it."""
    merged: dict[str, tuple[Any, Any]] = {}
    for event in events:
        for name, (before, after) in event.changes.items():
            merged[name] = (merged[name][0] if name in merged else before, after)
    return merged


def fired_in(events: Iterable[TicketEvent]) -> list[int]:
    return [event.data["rule_id"] for event in events if event.kind is EventKind.RULE_FIRED]


def may_change(ticket: Ticket) -> bool:
    return not ticket.is_closed and ticket.merged_into_id is None


def fire(rule: Rule, ticket: Ticket, explanation: Explanation, at: datetime,
         trigger: str, macros: MacroLookup = no_macros,
         check_status: StatusCheck = no_status_check) -> Firing:
    """Record the firing on the ticket's audit trail, then apply the rule's actions
    (``macros`` gives the stored macros its macro actions name, ``check_status`` refuses a
    status the store forbids); each refused action is skipped, with why, and the rest go on."""
    assert rule.id is not None
    data: dict[str, Any] = {"rule_id": rule.id, "rule": rule.name, "trigger": trigger,
                            "conditions": explanation.to_dict()}
    ticket.record(Actor.system(), EventKind.RULE_FIRED, at, data=data)
    outcome = Outcome()
    for action in rule.actions:
        apply_action(action, ticket, Actor.system(), at,
                     {"rule_id": rule.id, "rule": rule.name}, outcome, macros, check_status)
    data.update(applied=outcome.applied, skipped=outcome.skipped)
    if outcome.webhook_ids:
        data["webhook_ids"] = outcome.webhook_ids
    return Firing(rule, explanation, outcome)


def run_event_rules(rules: Iterable[Rule], kind: EventKind, ticket: Ticket,
                    facts: Callable[[], Facts], at: datetime,
                    macros: MacroLookup = no_macros,
                    check_status: StatusCheck = no_status_check) -> list[Firing]:
    """Fire, in order, each enabled rule triggered by ``kind`` whose conditions hold on the
    ticket as the rules before it left it. ``facts`` reads the ticket's current facts."""
    fired = set(fired_in(ticket.pending_events))
    firings: list[Firing] = []
    for rule in ordered([r for r in rules if r.enabled and r.triggered_by(kind)]):
        if rule.id in fired or not may_change(ticket):
            continue
        if len(fired_in(ticket.pending_events)) >= MAX_FIRINGS_PER_CHANGE:
            _stop_chain(ticket, rule, at)
            break
        explanation = evaluate(rule.conditions, facts())
        if explanation.result:
            firings.append(fire(rule, ticket, explanation, at, kind.value, macros,
                                check_status))
            fired.add(rule.id or 0)
    return firings


def _stop_chain(ticket: Ticket, rule: Rule, at: datetime) -> None:
    if any(e.kind is EventKind.RULE_CHAIN_STOPPED for e in ticket.pending_events):
        return
    ticket.record(Actor.system(), EventKind.RULE_CHAIN_STOPPED, at, data={
        "limit": MAX_FIRINGS_PER_CHANGE, "next_rule_id": rule.id, "next_rule": rule.name})


def entered_at(trigger: TimeTrigger, ticket: Ticket) -> datetime:
    """The instant a time rule counts from: when the ticket entered its status, or its last
    change."""
    if trigger.since == "updated":
        return ticket.updated_at
    return ticket.status_changed_at or ticket.created_at


@dataclass(frozen=True)
class RuleVerdict:
    """Whether a rule would fire for a ticket now, and why."""

    rule: Rule
    would_fire: bool
    reason: str
    explanation: Explanation
    due_at: datetime | None = None
    # The macros its actions would apply, in order: {"macro_id", "name"}, the name None for
    # one that no longer exists (it would be skipped).
    macros: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule.id, "rule": self.rule.name, "kind": self.rule.kind,
                "would_fire": self.would_fire, "reason": self.reason,
                "due_at": self.due_at.isoformat() if self.due_at else None,
                "conditions": self.explanation.to_dict(), "macros": self.macros}


def dry_run(rules: Iterable[Rule], ticket: Ticket, facts: Facts, now: datetime, *,
            event: EventKind | None = None,
            fired_entries: frozenset[tuple[int, datetime]] = frozenset(),
            macros: MacroLookup = no_macros, as_if: AsIf | None = None) -> list[RuleVerdict]:
    """Each rule in order with whether it would fire now and why, changing nothing.

    Event rules are judged as if ``event`` happened (any of their events when None), with no
    field changed but those ``as_if`` supposes just changed; time rules by whether the ticket
    is due and has not had them already for this stay in its status (``fired_entries``:
    (rule id, entered at) already fired). Each verdict names the macros the rule would apply
    (``macros`` gives the stored ones)."""
    as_if = as_if or AsIf()
    supposed = as_if.apply(facts) if as_if else facts
    verdicts = []
    for rule in ordered(list(rules)):
        on_event = isinstance(rule.trigger, EventTrigger)
        explanation = evaluate(rule.conditions, supposed if on_event else facts)
        verdict = _verdict(rule, ticket, explanation, now, event, fired_entries)
        if on_event and verdict.reason.startswith("on ") and reads_changes(rule.conditions):
            verdict = replace(verdict, reason=_changes_said(verdict.reason, as_if, facts))
        verdicts.append(_with_macros(verdict, macros))
    return verdicts


def _changes_said(reason: str, as_if: AsIf, facts: Facts) -> str:
    """A rule asking about changes is judged on the changes a dry run supposes: say which."""
    if as_if:
        on, _, rest = reason.partition(": ")
        return f"{on}, {as_if.describe(facts)}: {rest}"
    return (f"{reason} (a dry run changes no field, so a changed condition holds only for "
            "fields named as just changed)")


def _with_macros(verdict: RuleVerdict, macros: MacroLookup) -> RuleVerdict:
    named = []
    for action in verdict.rule.actions:
        if isinstance(action, ApplyMacro):
            macro = macros(action.macro_id)
            named.append({"macro_id": action.macro_id,
                          "name": macro.name if macro is not None else None})
    if not named:
        return verdict
    said = ", ".join(f"“{m['name']}”" if m["name"] is not None
                     else f"#{m['macro_id']}, which no longer exists (it would be skipped)"
                     for m in named)
    reason = f"{verdict.reason}; it would apply the macro {said}" if verdict.would_fire \
        else verdict.reason
    return replace(verdict, reason=reason, macros=named)


def _verdict(rule: Rule, ticket: Ticket, explanation: Explanation, now: datetime,
             event: EventKind | None,
             fired_entries: frozenset[tuple[int, datetime]]) -> RuleVerdict:
    held = explanation.result
    conditions = "its conditions hold" if held else "its conditions do not hold"
    if not rule.enabled:
        return RuleVerdict(rule, False, "the rule is disabled", explanation)
    if not may_change(ticket):
        return RuleVerdict(rule, False, "the ticket is closed or merged: rules leave it alone",
                       explanation)
    if isinstance(rule.trigger, EventTrigger):
        kinds = ", ".join(sorted(k.value for k in rule.trigger.kinds))
        if event is not None and not rule.triggered_by(event):
            return RuleVerdict(rule, False, f"it runs on {kinds}, not on {event.value}",
                           explanation)
        return RuleVerdict(rule, held, f"on {event.value if event else kinds}: {conditions}",
                       explanation)
    trigger = rule.trigger
    if ticket.status is not trigger.status:
        return RuleVerdict(rule, False, f"it waits on {trigger.status.value} tickets; this one is "
                                    f"{ticket.status.value}", explanation)
    since = entered_at(trigger, ticket)
    due = trigger.due_at(since)
    if (rule.id or 0, since) in fired_entries:
        return RuleVerdict(rule, False, "it already fired for this stay in the status",
                       explanation, due)
    if due is None:
        return RuleVerdict(rule, False, "its wait never ends on its calendar", explanation)
    if now < due:
        return RuleVerdict(rule, False, f"not due until {due.isoformat()}; {conditions}",
                       explanation, due)
    return RuleVerdict(rule, held, f"due since {due.isoformat()}: {conditions}", explanation, due)
