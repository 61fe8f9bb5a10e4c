"""Whether a department may be deleted: pure domain, no database."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Department, DepartmentReferences, check_may_delete_department
from hubdesk.domain.errors import Conflict
from hubdesk.domain.rules import parse_rule

BILLING = Department(7, "Billing")


def test_a_department_nothing_refers_to_may_be_deleted():
    check_may_delete_department(BILLING, DepartmentReferences())


def test_the_refusal_names_everything_that_still_refers_to_it():
    with pytest.raises(Conflict) as refused:
        check_may_delete_department(BILLING, DepartmentReferences(
            members=1, tickets=3, handoffs=0, rules=("Route refunds",)))
    assert str(refused.value) == (
        "the department 'Billing' cannot be deleted: 1 member, 3 tickets, the rule "
        "'Route refunds' still refer to it. Move or remove them first")


def _rule(conditions, actions):
    return parse_rule({"name": "R", "trigger": {"type": "event", "on": ["updated"]},
                       "conditions": conditions, "actions": actions})


URGENT = [{"type": "set", "field": "priority", "value": "urgent"}]


@pytest.mark.parametrize(("conditions", "actions", "names"), [
    (None, [{"type": "handoff", "department_id": 7}], True),
    (None, [{"type": "handoff", "department_id": 8}], False),
    (None, [{"type": "set", "field": "department_id", "value": 7}], True),
    (None, [{"type": "set", "field": "team_id", "value": 7}], False),
    ({"all": [{"field": "ticket.department_id", "op": "=", "value": 7}]}, URGENT, True),
    ({"any": [{"all": [{"field": "ticket.department_id", "op": "in", "value": [3, 7]}]}]},
     URGENT, True),
    ({"all": [{"field": "ticket.team_id", "op": "=", "value": 7}]}, URGENT, False),
])
def test_a_rule_names_a_department_in_its_actions_or_conditions(conditions, actions, names):
    assert _rule(conditions, actions).names_department(7) is names
