"""The rule action that applies a stored macro, without a store: parsed and written back,
applied through the ticket (status, tags, the reply left for the service), skipped with why
when the macro is gone, and named by dry runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.events import EventKind
from hubdesk.domain.macros import Macro
from hubdesk.domain.rules import dry_run, facts_of, parse_rule, run_event_rules
from hubdesk.domain.rules.actions import ApplyMacro, produced_events
from hubdesk.domain.tickets import Status, Ticket

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MACRO = Macro(4, "Tracking", "Hi {{customer.first_name}}", then_status=Status.PENDING,
              add_tags=("tracking",))
STORED = {4: MACRO}


def _rule(macro_id=4):
    return parse_rule({"name": "Send tracking", "trigger": {"type": "event", "on": ["created"]},
                       "actions": [{"type": "add_tags", "tags": ["seen"]},
                                   {"type": "macro", "macro_id": macro_id}]}, 1)


def _ticket():
    return Ticket(id=7, subject="Order late", requester_id=1, created_at=NOW, updated_at=NOW)


def _fire(rule, ticket):
    return run_event_rules([rule], EventKind.CREATED, ticket,
                           lambda: facts_of(ticket, now=NOW), NOW, STORED.get)


def test_the_action_is_parsed_and_written_back():
    rule = _rule()
    assert rule.actions[1] == ApplyMacro(4)
    assert rule.to_dict()["actions"][1] == {"type": "macro", "macro_id": 4}
    assert EventKind.STATUS_CHANGED in produced_events(rule.actions[1])


@pytest.mark.parametrize(("action", "field"), [
    ({"type": "macro"}, "actions[0].macro_id"),
    ({"type": "macro", "macro_id": 0}, "actions[0].macro_id"),
    ({"type": "macro", "macro_id": True}, "actions[0].macro_id"),
    ({"type": "macro", "macro_id": 3, "body": "x"}, "actions[0]"),
])
def test_a_bad_macro_action_names_its_field(action, field):
    with pytest.raises(ValidationFailed) as refused:
        parse_rule({"name": "x", "trigger": {"type": "event", "on": ["created"]},
                    "actions": [action]})
    assert field in refused.value.fields


def test_the_macro_s_status_and_tags_apply_and_its_reply_is_left_for_the_service():
    ticket = _ticket()
    [firing] = _fire(_rule(), ticket)
    assert ticket.status is Status.PENDING and ticket.tags == ("seen", "tracking")
    assert firing.outcome.replies == [MACRO]
    assert firing.outcome.applied[1] == {"type": "macro", "macro_id": 4, "macro": "Tracking"}


def test_a_macro_that_is_gone_is_skipped_with_why_and_the_rest_applies():
    ticket = _ticket()
    [firing] = _fire(_rule(macro_id=9), ticket)
    assert ticket.status is Status.NEW and ticket.tags == ("seen",)
    assert firing.outcome.replies == []
    [skipped] = firing.outcome.skipped
    assert skipped["macro_id"] == 9 and skipped["reason"].startswith("macro 9 no longer exists")


def test_a_dry_run_names_the_macro_and_changes_nothing():
    ticket = _ticket()
    [verdict] = dry_run([_rule()], ticket, facts_of(ticket, now=NOW), NOW,
                        macros=STORED.get)
    assert verdict.macros == [{"macro_id": 4, "name": "Tracking"}]
    assert verdict.to_dict()["reason"].endswith("it would apply the macro “Tracking”")
    assert ticket.status is Status.NEW and ticket.pending_events == []
