"""The automation rule engine: triggers on ticket events and after time in a status,
conditions over a declared field catalogue, actions on the ticket, loop protection and
dry runs. Pure: the services load rules and tickets and store what the rules did."""

from hubdesk.domain.rules.conditions import Explanation, evaluate, parse_conditions
from hubdesk.domain.rules.engine import (
    MAX_FIRINGS_PER_CHANGE,
    Firing,
    RuleVerdict,
    changes_in,
    dry_run,
    entered_at,
    fire,
    run_event_rules,
)
from hubdesk.domain.rules.fields import CATALOGUE, Facts, facts_of
from hubdesk.domain.rules.loops import check_no_loop, find_loop
from hubdesk.domain.rules.model import EventTrigger, Rule, TimeTrigger, ordered, parse_rule

__all__ = [
    "CATALOGUE",
    "MAX_FIRINGS_PER_CHANGE",
    "EventTrigger",
    "Explanation",
    "Facts",
    "Firing",
    "Rule",
    "RuleVerdict",
    "TimeTrigger",
    "changes_in",
    "check_no_loop",
    "dry_run",
    "entered_at",
    "evaluate",
    "facts_of",
    "find_loop",
    "fire",
    "ordered",
    "parse_conditions",
    "parse_rule",
    "run_event_rules",
]
