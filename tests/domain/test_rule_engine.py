"""Running rules: order, actions, the once-per-change and chain bounds, loops found at save
time, time rules and dry runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.errors import IllegalTransition, ValidationFailed
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.rules import (
    MAX_FIRINGS_PER_CHANGE,
    changes_in,
    check_no_loop,
    dry_run,
    facts_of,
    find_loop,
    parse_rule,
    run_event_rules,
)
from hubdesk.domain.rules.templates import render
from hubdesk.domain.tickets import Priority, Status, Ticket

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _ticket(**values) -> Ticket:
    base = dict(id=7, subject="Order late", requester_id=1, created_at=NOW, updated_at=NOW)
    base.update(values)
    return Ticket(**base)


def _rule(rule_id, name=None, *, on=("updated",), conditions=None, actions=None, position=0,
          enabled=True):
    return parse_rule({"name": name or f"rule {rule_id}", "position": position,
                       "enabled": enabled, "trigger": {"type": "event", "on": list(on)},
                       "conditions": conditions,
                       "actions": actions or [{"type": "add_tags", "tags": [f"r{rule_id}"]}]},
                      rule_id)


def _run(rules, ticket, kind=EventKind.UPDATED):
    def facts():
        return facts_of(ticket, now=NOW, actor="agent",
                        changes=changes_in(ticket.pending_events))
    return run_event_rules(rules, kind, ticket, facts, NOW)


def test_rules_run_by_position_then_id_whatever_order_they_are_given_in():
    ticket = _ticket()
    rules = [_rule(5, position=2), _rule(9, position=1), _rule(3, position=2)]
    firings = _run(rules, ticket)
    assert [f.rule.id for f in firings] == [9, 3, 5]
    assert ticket.tags == ("r9", "r3", "r5")


def test_a_rule_sees_what_the_rules_before_it_did():
    raise_it = _rule(1, position=1,
                     actions=[{"type": "set", "field": "priority", "value": "urgent"}])
    follow = _rule(2, conditions={"field": "ticket.priority", "op": "=", "value": "urgent"},
                   actions=[{"type": "set", "field": "team_id", "value": 4}])
    ticket = _ticket()
    _run([follow, raise_it], ticket)
    assert ticket.priority is Priority.URGENT and ticket.team_id is None  # 2 ran before 1
    ticket = _ticket()
    _run([raise_it, _rule(2, position=2, conditions=follow.conditions.to_dict(),
                          actions=[{"type": "set", "field": "team_id", "value": 4}])], ticket)
    assert ticket.team_id == 4


def test_each_firing_is_recorded_with_why_and_what_it_did():
    rule = _rule(1, conditions={"field": "ticket.status", "op": "=", "value": "new"},
                 actions=[{"type": "set", "field": "status", "value": "closed"},
                          {"type": "set", "field": "priority", "value": "high"},
                          {"type": "notify", "to": "team", "message": "Look"},
                          {"type": "webhook", "webhook_id": 12},
                          {"type": "handoff", "department_id": 2, "note": "billing"}])
    ticket = _ticket()
    _run([rule], ticket)
    kinds = [e.kind for e in ticket.pending_events]
    assert kinds == [EventKind.RULE_FIRED, EventKind.UPDATED,
                     EventKind.NOTIFICATION_REQUESTED, EventKind.HANDOFF_REQUESTED]
    fired = ticket.pending_events[0]
    assert fired.actor == Actor.system() and fired.data["rule_id"] == 1
    assert fired.data["conditions"]["conditions"][0]["result"] is True
    assert [a["type"] for a in fired.data["applied"]] == ["set", "notify", "webhook", "handoff"]
    [skipped] = fired.data["skipped"]  # a new ticket cannot be closed: skipped, not failed
    assert skipped["value"] == "closed" and "cannot become closed" in skipped["reason"]
    assert fired.data["webhook_ids"] == [12]
    assert ticket.pending_events[3].data["department_id"] == 2


def test_a_status_the_store_refuses_is_skipped_before_anything_of_it_is_applied():
    def only_one_solver(ticket, status):
        if status is Status.SOLVED:
            raise IllegalTransition("a blocking handoff is open")

    rule = _rule(1, actions=[{"type": "set", "field": "status", "value": "solved"},
                             {"type": "set", "field": "status", "value": "pending"},
                             {"type": "add_tags", "tags": ["seen"]}])
    ticket = _ticket(status=Status.OPEN)
    [firing] = run_event_rules([rule], EventKind.UPDATED, ticket,
                               lambda: facts_of(ticket, now=NOW), NOW,
                               check_status=only_one_solver)
    assert ticket.status is Status.PENDING and ticket.solved_at is None
    assert ticket.tags == ("seen",)
    assert firing.outcome.skipped == [{"type": "set", "field": "status", "value": "solved",
                                       "reason": "a blocking handoff is open"}]
    assert [e.changes.get("status") for e in ticket.pending_events
            if e.kind is EventKind.STATUS_CHANGED] == [("open", "pending")]


def test_a_rule_is_not_set_off_again_by_its_own_changes_in_the_same_change():
    flip = _rule(1, on=("updated",), actions=[{"type": "add_tags", "tags": ["seen"]},
                                              {"type": "set", "field": "priority",
                                               "value": "urgent"}])
    ticket = _ticket()
    _run([flip], ticket)
    _run([flip], ticket)  # its own UPDATED event comes back to the handler
    assert [e.kind for e in ticket.pending_events].count(EventKind.RULE_FIRED) == 1


def test_a_chain_of_rules_is_cut_at_the_bound_and_the_cut_recorded():
    total = MAX_FIRINGS_PER_CHANGE + 5
    rules = [_rule(i, actions=[{"type": "add_tags", "tags": [f"t{i}"]}])
             for i in range(1, total + 1)]
    ticket = _ticket()
    _run(rules, ticket)
    events = ticket.pending_events
    assert [e.kind for e in events].count(EventKind.RULE_FIRED) == MAX_FIRINGS_PER_CHANGE
    [stopped] = [e for e in events if e.kind is EventKind.RULE_CHAIN_STOPPED]
    assert stopped.data["next_rule_id"] == MAX_FIRINGS_PER_CHANGE + 1
    _run(rules, ticket)  # a later event of the same change neither fires nor records again
    assert [e.kind for e in ticket.pending_events].count(EventKind.RULE_CHAIN_STOPPED) == 1


def test_closed_tickets_are_left_alone():
    ticket = _ticket(status=Status.CLOSED)
    assert _run([_rule(1)], ticket) == [] and ticket.pending_events == []


def test_rules_that_undo_each_other_are_found_at_save_time():
    set_team = _rule(1, "Route", on=("updated",),
                     conditions={"field": "ticket.tags", "op": "contains", "value": "x"},
                     actions=[{"type": "set", "field": "department_id", "value": 3}])
    clear_team = _rule(2, "Unroute", on=("updated",),
                       conditions={"field": "ticket.department_id", "op": "changed"},
                       actions=[{"type": "set", "field": "department_id", "value": None}])
    problem = find_loop([set_team, clear_team])
    assert problem is not None and "'Route'" in problem and "'Unroute'" in problem
    assert "department_id" in problem
    with pytest.raises(ValidationFailed, match="would loop"):
        check_no_loop([set_team, clear_team])


def test_tag_tug_of_war_through_a_third_rule_is_found():
    add = _rule(1, "Add", actions=[{"type": "add_tags", "tags": ["hot"]}])
    bump = _rule(2, "Bump", conditions={"field": "ticket.tags", "op": "changed"},
                 actions=[{"type": "set", "field": "priority", "value": "high"}])
    remove = _rule(3, "Remove", conditions={"field": "ticket.priority", "op": "changed"},
                   actions=[{"type": "remove_tags", "tags": ["hot"]}])
    assert "tag 'hot'" in (find_loop([add, bump, remove]) or "")


def test_rules_that_cannot_set_each_other_off_or_agree_are_not_loops():
    set_team = _rule(1, on=("created",), actions=[{"type": "set", "field": "team_id",
                                                   "value": 3}])
    clear_team = _rule(2, on=("updated",), actions=[{"type": "set", "field": "team_id",
                                                     "value": None}])
    assert find_loop([set_team, clear_team]) is None  # team changes record "assigned"
    same = _rule(3, actions=[{"type": "set", "field": "priority", "value": "high"}])
    again = _rule(4, actions=[{"type": "set", "field": "priority", "value": "high"}])
    assert find_loop([same, again]) is None
    needs_status = _rule(5, conditions={"field": "ticket.status", "op": "changed"},
                         actions=[{"type": "set", "field": "priority", "value": "low"}])
    assert find_loop([same, needs_status]) is None  # priority changes never change status
    off = _rule(6, enabled=False, conditions=None,
                actions=[{"type": "set", "field": "priority", "value": "low"}])
    assert find_loop([same, off]) is None


def _time_rule(rule_id, status="pending", hours=72, **extra):
    return parse_rule({"name": f"after {hours}h", "trigger": {
        "type": "time", "status": status, "hours": hours, **extra},
        "actions": [{"type": "reply", "body": "Still there, {{customer.name}}?"}]}, rule_id)


def test_a_dry_run_explains_each_rule_without_changing_anything():
    entered = NOW - timedelta(days=4)
    ticket = _ticket(status=Status.PENDING, status_changed_at=entered, priority=Priority.HIGH)
    rules = [_rule(1, on=("created",),
                   conditions={"field": "ticket.priority", "op": "=", "value": "high"}),
             _rule(2, conditions={"field": "ticket.priority", "op": "=", "value": "low"}),
             _rule(3, enabled=False), _time_rule(4), _time_rule(5, hours=24 * 5),
             _time_rule(6, status="solved"), _time_rule(7)]
    verdicts = dry_run(rules, ticket, facts_of(ticket, now=NOW), NOW,
                       event=EventKind.CREATED, fired_entries=frozenset({(7, entered)}))
    by_id = {v.rule.id: v for v in verdicts}
    assert [v.rule.id for v in verdicts] == [1, 2, 3, 4, 5, 6, 7]
    assert by_id[1].would_fire and "conditions hold" in by_id[1].reason
    assert not by_id[2].would_fire and "not on created" in by_id[2].reason
    assert by_id[2].explanation.result is False
    assert "disabled" in by_id[3].reason
    assert by_id[4].would_fire and by_id[4].due_at == entered + timedelta(hours=72)
    assert not by_id[5].would_fire and "not due until" in by_id[5].reason
    assert "waits on solved" in by_id[6].reason
    assert "already fired" in by_id[7].reason
    assert ticket.pending_events == []


def test_a_time_rule_counts_business_hours_with_a_calendar():
    calendar = {"timezone": "UTC", "hours": {day: [["09:00", "17:00"]] for day in
                                            ("mon", "tue", "wed", "thu", "fri")}}
    rule = _time_rule(1, hours=16, calendar=calendar)
    friday_evening = datetime(2026, 2, 27, 18, 0, tzinfo=UTC)
    # Two business days: Monday and Tuesday, due at Tuesday's closing.
    assert rule.trigger.due_at(friday_evening) == datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    assert _time_rule(2, hours=16).trigger.due_at(friday_evening) == \
        friday_evening + timedelta(hours=16)


def test_a_rule_round_trips_through_its_plain_form():
    form = {"name": "Remind", "position": 3, "enabled": True,
            "trigger": {"type": "time", "status": "pending", "hours": 72,
                        "since": "status_changed"},
            "conditions": {"any": [{"field": "ticket.tags", "op": "contains", "value": "x"},
                                   {"field": "ticket.status", "op": "in",
                                    "value": ["pending"]}]},
            "actions": [{"type": "reply", "body": "Hello {{ customer.name }}"},
                        {"type": "add_tags", "tags": ["reminded"]}]}
    rule = parse_rule(form, 4)
    assert rule.to_dict() == {"id": 4, **form}
    again = {key: value for key, value in rule.to_dict().items() if key != "id"}
    assert parse_rule(again, 4) == rule


@pytest.mark.parametrize(("change", "named"), [
    ({"trigger": {"type": "event", "on": ["exploded"]}}, "unknown event kind 'exploded'"),
    ({"trigger": {"type": "event", "on": ["rule_fired"]}}, "unknown event kind"),
    ({"trigger": {"type": "time", "status": "closed", "hours": 3}}, "status 'closed'"),
    ({"trigger": {"type": "time", "status": "pending", "hours": 0}}, "hours above 0"),
    ({"trigger": {"type": "time", "status": "pending", "hours": 1,
                  "calendar": {"timezone": "Mars/Base"}}}, "trigger.calendar"),
    ({"actions": []}, "at least one action"),
    ({"actions": [{"type": "set", "field": "subject", "value": "x"}]}, "cannot be set"),
    ({"actions": [{"type": "set", "field": "status", "value": "new"}]}, "cannot be set"),
    ({"actions": [{"type": "set", "field": "priority", "value": "asap"}]}, "not one of"),
    ({"actions": [{"type": "reply", "body": "Hi {{customer.password}}"}]},
     "unknown placeholder {{customer.password}}"),
    ({"actions": [{"type": "add_tags", "tags": ["a b"]}]}, "not valid"),
    ({"actions": [{"type": "notify", "to": "everyone", "message": "x"}]}, "notify to"),
    ({"actions": [{"type": "webhook", "webhook_id": -1}]}, "positive id"),
    ({"actions": [{"type": "launch"}]}, "unknown action type 'launch'"),
    ({"name": ""}, "needs a name"),
    ({"colour": "red"}, "unknown key"),
])
def test_a_bad_rule_is_refused_naming_the_problem(change, named):
    form = {"name": "R", "trigger": {"type": "event", "on": ["created"]},
            "actions": [{"type": "add_tags", "tags": ["x"]}], **change}
    with pytest.raises(ValidationFailed) as refused:
        parse_rule(form)
    assert named in str(refused.value)


def test_a_later_action_overrides_an_earlier_one():
    rule = _rule(1, actions=[{"type": "set", "field": "priority", "value": "urgent"},
                             {"type": "set", "field": "priority", "value": "low"},
                             {"type": "add_tags", "tags": ["x"]},
                             {"type": "remove_tags", "tags": ["x"]}])
    ticket = _ticket()
    _run([rule], ticket)
    assert ticket.priority is Priority.LOW and ticket.tags == ()


def test_templates_fill_known_placeholders():
    assert render("Hi {{customer.name}}, about #{{ ticket.id }}.",
                  {"customer.name": "Ana", "ticket.id": 7}) == "Hi Ana, about #7."
