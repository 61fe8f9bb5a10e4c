"""Conditions on the customer's message text, on the ticket's custom fields, and the ``<=``
and ``>=`` operators: what holds, and refusals naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.rules import evaluate, facts_of, parse_conditions, parse_rule
from hubdesk.domain.tickets import Priority, Status, Ticket

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CUSTOM = {"order_total": 149.5, "plan": "Gold", "seats": "12", "express": True,
          "skus": ["A-100", "B-200", 7], "note": "", "refs": []}


def _ticket(**values) -> Ticket:
    base = dict(id=7, subject="Order late", requester_id=1, created_at=NOW - timedelta(hours=6),
                updated_at=NOW - timedelta(hours=6), status=Status.OPEN,
                priority=Priority.HIGH, custom_fields=dict(CUSTOM))
    base.update(values)
    return Ticket(**base)


def _holds(condition, body="Hello, I want a REFUND for my broken kettle.") -> bool:
    facts = facts_of(_ticket(), now=NOW, message_body=body)
    return evaluate(parse_conditions(condition), facts).result


@pytest.mark.parametrize(("condition", "expected"), [
    ({"field": "message.body", "op": "contains", "value": "refund"}, True),
    ({"field": "message.body", "op": "contains", "value": "Broken Kettle"}, True),
    ({"field": "message.body", "op": "contains", "value": "invoice"}, False),
    ({"field": "message.body", "op": "not_contains", "value": "invoice"}, True),
    ({"field": "message.body", "op": "not_contains", "value": "Refund"}, False),
])
def test_the_message_body_is_searched_without_regard_to_case(condition, expected):
    assert _holds(condition) is expected


def test_without_a_customer_message_only_not_contains_holds():
    assert not _holds({"field": "message.body", "op": "contains", "value": "refund"}, None)
    assert _holds({"field": "message.body", "op": "not_contains", "value": "refund"}, None)


def test_the_audit_trail_keeps_the_messages_length_not_its_words():
    facts = facts_of(_ticket(), now=NOW, message_body="my card number is in here")
    shown = evaluate(parse_conditions(
        {"field": "message.body", "op": "contains", "value": "card"}), facts).to_dict()
    assert shown["conditions"][0]["actual"] == "a message of 25 characters"
    assert shown["conditions"][0]["result"] is True


@pytest.mark.parametrize(("condition", "expected"), [
    ({"field": "custom_fields.plan", "op": "=", "value": "gold"}, True),
    ({"field": "custom_fields.plan", "op": "!=", "value": "Gold"}, False),
    ({"field": "custom_fields.plan", "op": "in", "value": ["silver", "GOLD"]}, True),
    ({"field": "custom_fields.plan", "op": "contains", "value": "OL"}, True),
    ({"field": "custom_fields.order_total", "op": "=", "value": 149.5}, True),
    ({"field": "custom_fields.order_total", "op": ">", "value": 100}, True),
    ({"field": "custom_fields.order_total", "op": "<=", "value": 149.5}, True),
    ({"field": "custom_fields.order_total", "op": "<", "value": 149.5}, False),
    ({"field": "custom_fields.order_total", "op": ">=", "value": 150}, False),
    # A number typed into a form is stored as text and still compares as a number.
    ({"field": "custom_fields.seats", "op": ">=", "value": 12}, True),
    ({"field": "custom_fields.seats", "op": "=", "value": 12}, True),
    ({"field": "custom_fields.seats", "op": "=", "value": "12.0"}, True),
    ({"field": "custom_fields.express", "op": "=", "value": True}, True),
    ({"field": "custom_fields.express", "op": "=", "value": 1}, False),
    ({"field": "custom_fields.skus", "op": "contains", "value": "a-100"}, True),
    ({"field": "custom_fields.skus", "op": "contains", "value": "A-1"}, False),  # an item
    ({"field": "custom_fields.skus", "op": "contains", "value": "7"}, True),
    # Order needs a number: a text or a list never compares.
    ({"field": "custom_fields.plan", "op": ">", "value": 1}, False),
    ({"field": "custom_fields.skus", "op": "<", "value": 100}, False),
    # An absent key satisfies only the negative comparisons.
    ({"field": "custom_fields.missing", "op": "=", "value": "x"}, False),
    ({"field": "custom_fields.missing", "op": "!=", "value": "x"}, True),
    ({"field": "custom_fields.missing", "op": ">", "value": 0}, False),
    ({"field": "custom_fields.missing", "op": "is_not_set"}, True),
    ({"field": "custom_fields.note", "op": "is_set"}, False),
    ({"field": "custom_fields.refs", "op": "is_not_set"}, True),
    ({"field": "custom_fields.plan", "op": "is_set"}, True),
])
def test_custom_fields_compare_by_the_value_the_condition_names(condition, expected):
    assert _holds(condition) is expected


@pytest.mark.parametrize(("condition", "expected"), [
    ({"field": "ticket.priority", "op": ">=", "value": "high"}, True),
    ({"field": "ticket.priority", "op": "<=", "value": "normal"}, False),
    ({"field": "ticket.priority", "op": "<=", "value": "high"}, True),
    ({"field": "ticket.hours_in_status", "op": ">=", "value": 6}, True),
    ({"field": "ticket.hours_in_status", "op": ">", "value": 6}, False),
    ({"field": "ticket.hours_since_update", "op": "<=", "value": 6}, True),
])
def test_at_most_and_at_least_include_the_bound(condition, expected):
    assert _holds(condition) is expected


@pytest.mark.parametrize(("condition", "named"), [
    ({"field": "message.body", "op": "=", "value": "hi"}, "does not fit message.body"),
    ({"field": "message.body", "op": "contains", "value": "  "}, "message.body compares with"),
    ({"field": "custom_fields.", "op": "=", "value": 1}, "unknown field 'custom_fields.'"),
    ({"field": "custom_fields." + "k" * 65, "op": "=", "value": 1}, "custom_fields.<key>"),
    ({"field": "custom_fields.total", "op": ">=", "value": "100"},
     "custom_fields.total >= compares with a number"),
    ({"field": "custom_fields.total", "op": "<", "value": True},
     "custom_fields.total < compares with a number"),
    ({"field": "custom_fields.plan", "op": "contains", "value": 3},
     "custom_fields.plan compares with a non-empty text"),
    ({"field": "custom_fields.plan", "op": "=", "value": {"a": 1}},
     "custom_fields.plan compares with a text, a number or true or false"),
    ({"field": "custom_fields.plan", "op": "changed"}, "does not fit custom_fields.plan"),
    ({"field": "ticket.status", "op": ">=", "value": "open"}, "operator '>=' does not fit"),
    ({"field": "ticket.subject", "op": "<=", "value": "a"}, "operator '<=' does not fit"),
])
def test_a_bad_condition_is_refused_naming_the_field(condition, named):
    with pytest.raises(ValidationFailed) as refused:
        parse_conditions({"all": [condition]})
    assert named in str(refused.value)
    assert "conditions.all[0]" in refused.value.fields


def test_a_rule_with_the_new_conditions_round_trips_through_its_plain_form():
    form = {"name": "Big gold refunds", "position": 0, "enabled": True,
            "trigger": {"type": "event", "on": ["customer_replied"]},
            "conditions": {"all": [
                {"field": "message.body", "op": "contains", "value": "refund"},
                {"field": "custom_fields.plan", "op": "in", "value": ["gold", 3]},
                {"field": "custom_fields.order_total", "op": ">=", "value": 100}]},
            "actions": [{"type": "add_tags", "tags": ["big-refund"]}]}
    rule = parse_rule(form, 1)
    assert rule.to_dict() == {"id": 1, **form}
    assert parse_rule(form, 1) == rule
    assert rule.fields == {"message.body", "custom_fields.plan", "custom_fields.order_total"}
