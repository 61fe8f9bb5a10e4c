"""Trying a rule that is not saved: would it fire on a ticket, and what would it change.

The rule is judged as a dry run judges a stored one (`engine.dry_run`); when it would fire,
its actions are applied to a copy of the ticket, so that the answer names each field's value
before and after and the actions the ticket would refuse, and the ticket itself is untouched.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.rules.actions import (
    MacroLookup,
    Outcome,
    StatusCheck,
    apply_action,
    no_macros,
    no_status_check,
)
from hubdesk.domain.rules.engine import RuleVerdict, changes_in, dry_run
from hubdesk.domain.rules.fields import Facts
from hubdesk.domain.rules.model import Rule
from hubdesk.domain.tickets import Ticket


@dataclass(frozen=True)
class RuleTrial:
    """One ticket's answer: the verdict, and when it would fire, what it would do."""

    ticket_id: int
    subject: str
    verdict: RuleVerdict
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    applied: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    @property
    def would_fire(self) -> bool:
        return self.verdict.would_fire

    def to_dict(self) -> dict[str, Any]:
        verdict = self.verdict.to_dict()
        return {"ticket_id": self.ticket_id, "subject": self.subject,
                "would_fire": self.would_fire, "reason": verdict["reason"],
                "due_at": verdict["due_at"], "conditions": verdict["conditions"],
                "macros": verdict["macros"],
                "changes": {name: list(pair) for name, pair in self.changes.items()},
                "applied": self.applied, "skipped": self.skipped}


def try_rule(rule: Rule, ticket: Ticket, facts: Facts, now: datetime, *,
             event: EventKind | None = None, macros: MacroLookup = no_macros,
             check_status: StatusCheck = no_status_check) -> RuleTrial:
    """Judge ``rule`` on ``ticket`` now and, if it would fire, apply it to a copy."""
    assert ticket.id is not None
    [verdict] = dry_run([rule], ticket, facts, now, event=event, macros=macros)
    if not verdict.would_fire:
        return RuleTrial(ticket.id, ticket.subject, verdict)
    trial = copy.deepcopy(ticket)
    trial.pending_events = []
    outcome = Outcome()
    for action in rule.actions:
        apply_action(action, trial, Actor.system(), now, {"rule_id": rule.id, "rule": rule.name},
                     outcome, macros, check_status)
    return RuleTrial(ticket.id, ticket.subject, verdict, changes_in(trial.pending_events),
                     outcome.applied, outcome.skipped)
