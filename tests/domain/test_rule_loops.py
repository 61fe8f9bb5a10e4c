"""The save-time loop check against a plain reference: every pair of rules that may set each
other off, found by walking from each rule, compared on random rule sets; and a desk with
thousands of rules is checked whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hubdesk.domain.rules import find_loop, parse_rule
from hubdesk.domain.rules.actions import produced_changes, produced_events, writes
from hubdesk.domain.rules.conditions import required_changes

EVENTS = ["created", "updated", "assigned", "status_changed", "replied", "noted"]
ACTIONS = [
    {"type": "set", "field": "priority", "value": "high"},
    {"type": "set", "field": "priority", "value": "low"},
    {"type": "set", "field": "status", "value": "open"},
    {"type": "set", "field": "status", "value": "pending"},
    {"type": "set", "field": "department_id", "value": 3},
    {"type": "set", "field": "department_id", "value": None},
    {"type": "add_tags", "tags": ["hot"]},
    {"type": "remove_tags", "tags": ["hot"]},
]
CONDITIONS = [
    None,
    {"field": "ticket.priority", "op": "changed"},
    {"field": "ticket.status", "op": "changed"},
    {"field": "ticket.tags", "op": "changed"},
    {"field": "ticket.department_id", "op": "changed"},
]


def _rule(rule_id, on, conditions, actions, enabled=True):
    return parse_rule({"name": f"rule {rule_id}", "enabled": enabled,
                       "trigger": {"type": "event", "on": on},
                       "conditions": conditions, "actions": actions}, rule_id)


def may_trigger(first, second) -> bool:
    """The relation as the module states it: one of the events ``first``'s actions record
    sets ``second`` off and, if ``second`` needs a field changed, ``first`` changes it."""
    events = frozenset().union(*(produced_events(a) for a in first.actions))
    if not events & second.trigger.kinds:
        return False
    needed = required_changes(second.conditions)
    changed = frozenset().union(*(produced_changes(a) for a in first.actions))
    return not needed or bool(needed & changed)


def _reference_loop_exists(rules) -> bool:
    active = [r for r in rules if r.enabled]

    def reachable(start):
        seen, frontier = set(), [start]
        while frontier:
            current = frontier.pop()
            for index, other in enumerate(active):
                if index not in seen and may_trigger(current, other):
                    seen.add(index)
                    frontier.append(other)
        return seen

    reach = [reachable(rule) for rule in active]
    for i in range(len(active)):
        for j in range(i + 1, len(active)):
            if j in reach[i] and i in reach[j]:
                mine = dict(kv for a in active[i].actions for kv in writes(a))
                theirs = dict(kv for a in active[j].actions for kv in writes(a))
                if any(mine[key] != theirs[key] for key in mine.keys() & theirs.keys()):
                    return True
    return False


rule_forms = st.tuples(
    st.lists(st.sampled_from(EVENTS), min_size=1, max_size=3, unique=True),
    st.sampled_from(CONDITIONS),
    st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2),
    st.booleans().map(lambda off: not off),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(rule_forms, max_size=9))
def test_the_loop_check_agrees_with_walking_from_every_rule(forms):
    rules = [_rule(index + 1, *form) for index, form in enumerate(forms)]
    assert (find_loop(rules) is not None) == _reference_loop_exists(rules)


def test_a_long_cycle_through_many_rules_is_found():
    chain = [_rule(1, ["updated"], {"field": "ticket.tags", "op": "changed"},
                   [{"type": "set", "field": "priority", "value": "high"}])]
    chain += [_rule(n, ["updated"], {"field": "ticket.priority", "op": "changed"},
                    [{"type": "set", "field": "priority", "value": "high"}])
              for n in range(2, 200)]
    chain.append(_rule(200, ["updated"], {"field": "ticket.priority", "op": "changed"},
                       [{"type": "remove_tags", "tags": ["hot"]}]))
    chain.append(_rule(201, ["updated"], {"field": "ticket.department_id", "op": "changed"},
                       [{"type": "add_tags", "tags": ["hot"]}]))
    assert find_loop(chain) is None  # nothing sets the department: the tag rules never meet
    closing = _rule(202, ["updated"], {"field": "ticket.priority", "op": "changed"},
                    [{"type": "add_tags", "tags": ["hot"]}])
    problem = find_loop([*chain, closing])
    assert problem is not None and "tag 'hot'" in problem


def test_thousands_of_rules_that_all_set_each_other_off_are_checked_whole():
    rules = [_rule(n, ["updated"], None, [{"type": "add_tags", "tags": [f"t{n}"]}])
             for n in range(1, 3001)]
    assert find_loop(rules) is None
    rules.append(_rule(3001, ["updated"], None, [{"type": "remove_tags", "tags": ["t1"]}]))
    assert "tag 't1'" in (find_loop(rules) or "")
