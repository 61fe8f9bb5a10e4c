"""A dry run as if fields had just changed: changed conditions can hold, the reasons say what
was supposed, and a field whose changes rules cannot ask about is refused, named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.events import EventKind
from hubdesk.domain.rules import dry_run, facts_of, parse_rule
from hubdesk.domain.rules.as_if import parse_as_if
from hubdesk.domain.tickets import Priority, Status, Ticket

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _ticket() -> Ticket:
    return Ticket(id=7, subject="Order late", requester_id=1, created_at=NOW, updated_at=NOW,
                  status=Status.OPEN, priority=Priority.URGENT, tags=("vip",))


def _rule(rule_id, condition):
    return parse_rule({"name": f"rule {rule_id}", "trigger": {"type": "event",
                                                              "on": ["status_changed"]},
                       "conditions": condition,
                       "actions": [{"type": "add_tags", "tags": ["x"]}]}, rule_id)


SOLVED = _rule(1, {"field": "ticket.status", "op": "changed_to", "value": "solved"})
URGENT = _rule(2, {"field": "ticket.priority", "op": "changed_to", "value": "urgent"})
REOPENED = _rule(3, {"field": "ticket.status", "op": "changed_from", "value": "solved"})
TAGGED = _rule(4, {"field": "ticket.tags", "op": "changed"})
PLAIN = _rule(5, {"field": "ticket.priority", "op": "=", "value": "urgent"})


def _verdicts(changed=None):
    ticket = _ticket()
    return {v.rule.id: v for v in dry_run([SOLVED, URGENT, REOPENED, TAGGED, PLAIN], ticket,
                                          facts_of(ticket, now=NOW), NOW,
                                          event=EventKind.STATUS_CHANGED,
                                          as_if=parse_as_if(changed))}


def test_without_a_supposed_change_changed_conditions_never_hold_and_the_reason_says_so():
    verdicts = _verdicts()
    assert [v.would_fire for v in verdicts.values()] == [False, False, False, False, True]
    assert "a dry run changes no field" in verdicts[1].reason
    assert "a dry run changes no field" not in verdicts[5].reason


def test_a_field_named_with_a_value_changed_to_it_and_the_reason_says_so():
    verdicts = _verdicts({"ticket.status": "solved"})
    assert verdicts[1].would_fire and not verdicts[2].would_fire
    assert verdicts[1].reason == ("on status_changed, as if ticket.status had just changed to "
                                  "solved: its conditions hold")
    assert not verdicts[3].would_fire  # what it was before is unknown
    assert verdicts[1].explanation.children[0].actual == "solved"


def test_a_field_named_alone_changed_to_the_value_it_has_now():
    verdicts = _verdicts(["ticket.priority", "ticket.tags"])
    assert verdicts[2].would_fire and verdicts[4].would_fire and not verdicts[1].would_fire
    assert "as if ticket.priority had just changed to urgent and ticket.tags had just " \
           "changed to [vip]" in verdicts[2].reason


@pytest.mark.parametrize(("changed", "named"), [
    (["ticket.channel"], "changed.ticket.channel"),
    ({"ticket.mood": "sad"}, "changed.ticket.mood"),
    ({"ticket.status": "lost"}, "changed.ticket.status"),
    ({"ticket.tags": "vip"}, "changed.ticket.tags"),
    ("ticket.status", "changed"),
])
def test_a_field_rules_cannot_ask_changes_about_is_refused_named(changed, named):
    with pytest.raises(ValidationFailed) as refused:
        parse_as_if(changed)
    assert named in refused.value.fields
