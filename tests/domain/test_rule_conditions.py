"""Rule conditions: every operator, all/any groups, changes, and refusals naming the problem."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.customers import Customer, Tier
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.rules import evaluate, facts_of, parse_conditions
from hubdesk.domain.rules.fields import Facts
from hubdesk.domain.tickets import Priority, Status, Ticket

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _ticket(**values) -> Ticket:
    base = dict(id=7, subject="Refund for order 1234", requester_id=1,
                created_at=NOW - timedelta(days=2), updated_at=NOW - timedelta(hours=5),
                status=Status.PENDING, priority=Priority.HIGH, tags=("refund", "vip"),
                category="billing", team_id=3, assignee_id=None)
    base.update(values)
    return Ticket(**base)


def _facts(ticket=None, changes=None, triage=None) -> Facts:
    customer = Customer(id=1, name="Ana", tier=Tier.PREMIUM, organisation_id=9)
    return facts_of(ticket or _ticket(), now=NOW, customer=customer, triage=triage,
                    actor="customer", changes=changes)


def _holds(condition, facts=None) -> bool:
    return evaluate(parse_conditions(condition), facts or _facts()).result


@pytest.mark.parametrize(("condition", "expected"), [
    ({"field": "ticket.status", "op": "=", "value": "pending"}, True),
    ({"field": "ticket.status", "op": "!=", "value": "pending"}, False),
    ({"field": "ticket.priority", "op": ">", "value": "normal"}, True),
    ({"field": "ticket.priority", "op": "<", "value": "high"}, False),
    ({"field": "ticket.priority", "op": "<", "value": "urgent"}, True),
    ({"field": "ticket.status", "op": "in", "value": ["open", "pending"]}, True),
    ({"field": "ticket.status", "op": "not_in", "value": ["open", "pending"]}, False),
    ({"field": "ticket.subject", "op": "contains", "value": "REFUND"}, True),
    ({"field": "ticket.subject", "op": "not_contains", "value": "refund"}, False),
    ({"field": "ticket.category", "op": "=", "value": "Billing"}, True),
    ({"field": "ticket.tags", "op": "contains", "value": "VIP"}, True),
    ({"field": "ticket.tags", "op": "not_contains", "value": "vip"}, False),
    ({"field": "ticket.tags", "op": "is_set"}, True),
    ({"field": "ticket.assignee_id", "op": "is_set"}, False),
    ({"field": "ticket.assignee_id", "op": "is_not_set"}, True),
    ({"field": "ticket.team_id", "op": "=", "value": 3}, True),
    ({"field": "ticket.team_id", "op": "in", "value": [1, 2]}, False),
    ({"field": "ticket.hours_since_update", "op": ">", "value": 4.5}, True),
    ({"field": "ticket.hours_in_status", "op": "<", "value": 24}, False),
    ({"field": "customer.tier", "op": ">", "value": "standard"}, True),
    ({"field": "customer.organisation_id", "op": "=", "value": 9}, True),
    ({"field": "customer.blocked", "op": "=", "value": False}, True),
    ({"field": "event.actor", "op": "=", "value": "customer"}, True),
])
def test_each_operator_compares_as_its_type_says(condition, expected):
    assert _holds(condition) is expected


def test_an_unknown_value_satisfies_only_negative_comparisons():
    facts = _facts()  # no triage read
    assert _holds({"field": "triage.intent", "op": "=", "value": "refund"}, facts) is False
    assert _holds({"field": "triage.intent", "op": "!=", "value": "refund"}, facts) is True
    assert _holds({"field": "triage.anger", "op": ">", "value": 0.1}, facts) is False
    assert _holds({"field": "triage.intent", "op": "is_not_set"}, facts) is True


def test_triage_fields_come_from_the_stored_summary():
    summary = {"intent": {"category": "refund", "confidence": 0.91, "abstained": False},
               "signals": {"sentiment": -0.6, "anger": 0.8, "urgency": 0.2},
               "abuse": {"abusive": False}, "language": {"code": "de"},
               "priority": {"priority": "urgent"}}
    facts = _facts(triage=summary)
    assert _holds({"all": [{"field": "triage.intent", "op": "=", "value": "refund"},
                           {"field": "triage.anger", "op": ">", "value": 0.5},
                           {"field": "triage.suggested_priority", "op": "=",
                            "value": "urgent"},
                           {"field": "triage.language", "op": "=", "value": "de"}]}, facts)
    abstained = _facts(triage={**summary, "intent": {"category": "refund",
                                                     "abstained": True}})
    assert _holds({"field": "triage.intent", "op": "is_not_set"}, abstained)


def test_all_needs_every_condition_and_any_one_of_them():
    yes = {"field": "ticket.status", "op": "=", "value": "pending"}
    no = {"field": "ticket.status", "op": "=", "value": "open"}
    assert _holds({"all": [yes, yes]}) and not _holds({"all": [yes, no]})
    assert _holds({"any": [no, yes]}) and not _holds({"any": [no, no]})
    assert _holds({"all": [yes, {"any": [no, {"all": [yes]}]}]})
    assert _holds(None) and _holds({}) and _holds({"all": []})
    assert not _holds({"any": []})


def test_changed_and_changed_to_read_the_changes_of_the_change_under_way():
    changes = {"status": ("solved", "open"), "assignee_id": (4, None)}
    facts = _facts(changes=changes)
    assert _holds({"field": "ticket.status", "op": "changed"}, facts)
    assert _holds({"field": "ticket.status", "op": "changed_to", "value": "open"}, facts)
    assert not _holds({"field": "ticket.status", "op": "changed_to", "value": "pending"}, facts)
    assert _holds({"field": "ticket.status", "op": "changed_from", "value": "solved"}, facts)
    assert _holds({"field": "ticket.assignee_id", "op": "changed_to", "value": None}, facts)
    assert not _holds({"field": "ticket.priority", "op": "changed"}, facts)
    assert not _holds({"field": "ticket.status", "op": "changed"}, _facts())


def test_the_explanation_shows_each_condition_with_the_value_seen():
    explanation = evaluate(parse_conditions({"all": [
        {"field": "ticket.priority", "op": "=", "value": "urgent"},
        {"field": "ticket.tags", "op": "contains", "value": "vip"}]}), _facts()).to_dict()
    assert explanation["group"] == "all" and explanation["result"] is False
    first, second = explanation["conditions"]
    assert first == {"field": "ticket.priority", "op": "=", "value": "urgent",
                     "actual": "high", "result": False}
    assert second["actual"] == ["refund", "vip"] and second["result"] is True


@pytest.mark.parametrize(("condition", "named"), [
    ({"field": "ticket.colour", "op": "=", "value": "red"}, "unknown field 'ticket.colour'"),
    ({"field": "ticket.status", "op": "<", "value": "open"}, "operator '<' does not fit"),
    ({"field": "ticket.tags", "op": "changed_to", "value": "x"}, "does not fit"),
    ({"field": "customer.tier", "op": "changed"}, "does not fit"),
    ({"field": "ticket.status", "op": "=", "value": "lost"}, "'lost' is not a value"),
    ({"field": "ticket.status", "op": "in", "value": []}, "takes a list"),
    ({"field": "ticket.team_id", "op": "=", "value": "3"}, "positive id"),
    ({"field": "ticket.hours_in_status", "op": ">", "value": True}, "a number"),
    ({"field": "ticket.status", "op": "is_set", "value": "open"}, "takes no value"),
    ({"field": "ticket.status", "op": "="}, "needs a value"),
    ({"field": "ticket.status", "op": "like", "value": "x"}, "unknown operator 'like'"),
    ({"all": [{"field": "ticket.status"}], "any": []}, "exactly one key"),
    ({"all": "x"}, "a list of conditions"),
])
def test_a_bad_condition_is_refused_naming_the_problem(condition, named):
    with pytest.raises(ValidationFailed) as refused:
        parse_conditions(condition)
    assert named in str(refused.value)


def test_the_place_of_a_bad_condition_is_named():
    with pytest.raises(ValidationFailed) as refused:
        parse_conditions({"all": [{"field": "ticket.status", "op": "=", "value": "open"},
                                  {"any": [{"field": "nope", "op": "=", "value": 1}]}]})
    assert "conditions.all[1].any[0]" in refused.value.fields
