"""Automation rules through the real use cases, on both databases: event rules commit with
the change that set them off; time rules fire once per stay in a status, however many sweeps
run at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.events import EventKind
from hubdesk.domain.tickets import Priority, Status
from hubdesk.services.outbox import relay_outbox
from hubdesk.services.tickets import NewTicket
from hubdesk.services.webhooks import WebhookInput
from tests import factories

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def admin(hub):
    return factories.staff(hub, Role.ADMIN).agent


def _open(hub, agent, *, subject="Parcel never arrived", at=T0):
    detail, _ = hub.app.tickets.open(agent, NewTicket(
        subject=subject, body="Where is my order?", requester_email="ana@example.com",
        requester_name="Ana Ruiz"), now=at)
    return detail.ticket


def _kinds(hub, agent, ticket_id):
    return [e.event.kind for e in hub.app.tickets.history(agent, ticket_id)]


def _event_rule(name, on, actions, conditions=None, position=0):
    return {"name": name, "position": position, "trigger": {"type": "event", "on": on},
            "conditions": conditions, "actions": actions}


def test_a_rule_sets_the_priority_of_a_new_ticket_in_the_same_transaction(hub, admin):
    hub.app.rules.create(admin, _event_rule(
        "Refunds are urgent", ["created"],
        [{"type": "set", "field": "priority", "value": "urgent"},
         {"type": "add_tags", "tags": ["refund"]}],
        {"field": "ticket.subject", "op": "contains", "value": "refund"}))
    refund = _open(hub, admin, subject="Refund please")
    other = _open(hub, admin, subject="Where is it")
    stored = hub.app.tickets.get(admin, refund.id).ticket
    assert stored.priority is Priority.URGENT and stored.tags == ("refund",)
    assert hub.app.tickets.get(admin, other.id).ticket.priority is Priority.NORMAL
    kinds = _kinds(hub, admin, refund.id)
    assert kinds[:3] == [EventKind.CREATED, EventKind.RULE_FIRED, EventKind.UPDATED]
    [fired] = [e.event for e in hub.app.tickets.history(admin, refund.id)
               if e.event.kind is EventKind.RULE_FIRED]
    assert fired.data["rule"] == "Refunds are urgent" and fired.data["trigger"] == "created"
    assert EventKind.RULE_FIRED not in _kinds(hub, admin, other.id)


def test_an_acknowledgement_reply_is_posted_on_a_new_ticket(hub, admin):
    hub.app.rules.create(admin, _event_rule(
        "Acknowledge", ["created"],
        [{"type": "reply", "body": "Hello {{customer.name}}, we got #{{ticket.id}}."}]))
    ticket = _open(hub, admin)
    messages = hub.app.tickets.get(admin, ticket.id).messages
    assert [m.body for m in messages][1] == f"Hello Ana Ruiz, we got #{ticket.id}."
    assert messages[1].public and messages[1].author.kind.value == "system"
    assert _kinds(hub, admin, ticket.id).count(EventKind.REPLIED) == 1


def test_a_customer_reply_to_a_solved_ticket_reopens_it_and_the_rule_flags_it(hub, admin):
    hub.app.rules.create(admin, _event_rule(
        "Reopened", ["customer_replied"],
        [{"type": "add_tags", "tags": ["reopened"]},
         {"type": "set", "field": "priority", "value": "high"}],
        {"field": "ticket.status", "op": "changed_from", "value": "solved"}))
    ticket = _open(hub, admin)
    hub.app.tickets.change_status(admin, ticket.id, Status.SOLVED, now=T0)
    hub.app.tickets.customer_wrote(ticket.id, "It broke again", now=T0 + timedelta(hours=1))
    reopened = hub.app.tickets.get(admin, ticket.id).ticket
    assert reopened.status is Status.OPEN and reopened.tags == ("reopened",)
    assert reopened.priority is Priority.HIGH
    fresh = _open(hub, admin, subject="Another")
    hub.app.tickets.customer_wrote(fresh.id, "Any news?", now=T0 + timedelta(hours=1))
    assert hub.app.tickets.get(admin, fresh.id).ticket.tags == ()


def test_a_failed_change_takes_the_rules_work_with_it(hub, admin):
    hub.app.rules.create(admin, _event_rule(
        "Tag solved", ["status_changed"], [{"type": "add_tags", "tags": ["done"]}]))
    ticket = _open(hub, admin)
    rep = factories.staff(hub, Role.LIAISON).agent
    with pytest.raises(NotFound):
        hub.app.tickets.change_status(rep, ticket.id, Status.SOLVED)
    assert hub.app.tickets.get(admin, ticket.id).ticket.tags == ()
    assert EventKind.RULE_FIRED not in _kinds(hub, admin, ticket.id)


def _pending_reminder(hub, admin, hours=72):
    return hub.app.rules.create(admin, {
        "name": "Remind after 3 days",
        "trigger": {"type": "time", "status": "pending", "hours": hours},
        "actions": [{"type": "reply", "body": "Dear {{customer.name}}, do you still need "
                                              "help with #{{ticket.id}}?"},
                    {"type": "add_tags", "tags": ["reminded"]}]})


def _pending_ticket(hub, admin, at=T0):
    ticket = _open(hub, admin, at=at)
    hub.app.tickets.change_status(admin, ticket.id, Status.PENDING, now=at)
    return ticket


def _reminders(hub, admin, ticket_id):
    return [m for m in hub.app.tickets.get(admin, ticket_id).messages
            if m.body.startswith("Dear ")]


def test_a_pending_ticket_is_reminded_once_after_three_days(hub, admin):
    _pending_reminder(hub, admin)
    ticket = _pending_ticket(hub, admin)
    early = hub.app.rules.run_automations(now=T0 + timedelta(hours=71))
    assert early.fired == 0 and _reminders(hub, admin, ticket.id) == []
    first = hub.app.rules.run_automations(now=T0 + timedelta(hours=73))
    again = hub.app.rules.run_automations(now=T0 + timedelta(hours=80))
    assert (first.fired, again.fired) == (1, 0)
    [reminder] = _reminders(hub, admin, ticket.id)
    assert reminder.body == f"Dear Ana Ruiz, do you still need help with #{ticket.id}?"
    stored = hub.app.tickets.get(admin, ticket.id).ticket
    assert stored.status is Status.PENDING and stored.tags == ("reminded",)
    # A new stay in pending (the customer answered, the agent asked again) counts afresh.
    hub.app.tickets.customer_wrote(ticket.id, "Still here", now=T0 + timedelta(hours=90))
    hub.app.tickets.change_status(admin, ticket.id, Status.PENDING,
                                  now=T0 + timedelta(hours=91))
    assert hub.app.rules.run_automations(now=T0 + timedelta(hours=160)).fired == 0
    assert hub.app.rules.run_automations(now=T0 + timedelta(hours=164)).fired == 1
    assert len(_reminders(hub, admin, ticket.id)) == 2


def test_two_sweeps_at_once_remind_once(hub, admin):
    _pending_reminder(hub, admin)
    tickets = [_pending_ticket(hub, admin) for _ in range(6)]
    barrier = threading.Barrier(2)
    results = []

    def sweep():
        barrier.wait()
        results.append(hub.app.rules.run_automations(now=T0 + timedelta(days=4)))

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(r.fired for r in results) == len(tickets)
    for ticket in tickets:
        assert len(_reminders(hub, admin, ticket.id)) == 1
        assert _kinds(hub, admin, ticket.id).count(EventKind.RULE_FIRED) == 1


def test_a_solved_ticket_is_closed_after_four_days(hub, admin):
    hub.app.rules.create(admin, {
        "name": "Close solved", "trigger": {"type": "time", "status": "solved", "hours": 96},
        "actions": [{"type": "set", "field": "status", "value": "closed"}]})
    ticket = _open(hub, admin)
    hub.app.tickets.change_status(admin, ticket.id, Status.SOLVED, now=T0)
    assert hub.app.rules.run_automations(now=T0 + timedelta(days=3)).fired == 0
    assert hub.app.rules.run_automations(now=T0 + timedelta(days=4, minutes=1)).fired == 1
    closed = hub.app.tickets.get(admin, ticket.id).ticket
    assert closed.status is Status.CLOSED
    assert hub.app.rules.run_automations(now=T0 + timedelta(days=9)).fired == 0


def test_a_time_rule_in_business_hours_waits_for_opening_hours(hub, admin):
    weekdays = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    hub.app.rules.create(admin, {
        "name": "Nudge", "trigger": {"type": "time", "status": "pending", "hours": 8,
                                     "calendar": {"timezone": "UTC", "hours": weekdays}},
        "actions": [{"type": "add_tags", "tags": ["nudged"]}]})
    friday = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
    ticket = _pending_ticket(hub, admin, at=friday)
    # A weekend passes in calendar time, an hour in business time.
    assert hub.app.rules.run_automations(now=friday + timedelta(days=2)).fired == 0
    assert hub.app.rules.run_automations(now=friday + timedelta(days=3, hours=1)).fired == 1
    assert hub.app.tickets.get(admin, ticket.id).ticket.tags == ("nudged",)


def test_a_webhook_action_reaches_the_named_webhook_through_the_outbox(hub, admin):
    hook = hub.app.webhooks.create(admin, WebhookInput(
        fields_set=frozenset({"url"}), url="https://hooks.example.com/rules",
        event_kinds=("ticket.closed_never",))).subscription
    hub.app.rules.create(admin, _event_rule("Tell the CRM", ["created"],
                                            [{"type": "webhook", "webhook_id": hook.id}]))
    _open(hub, admin)
    relay_outbox(hub.uows, hub.publisher)
    deliveries = hub.app.webhooks.deliveries(admin, hook.id)
    assert [d.topic for d in deliveries] == ["ticket.rule_fired"]
    assert deliveries[0].payload["data"]["webhook_ids"] == [hook.id]


def test_invalid_rules_are_refused_and_nothing_is_stored(hub, admin):
    team = factories.team(hub)
    hub.app.rules.create(admin, _event_rule(
        "Route", ["updated"], [{"type": "set", "field": "department_id",
                                "value": factories.department(hub).id}],
        {"field": "ticket.tags", "op": "contains", "value": "billing"}))
    with pytest.raises(ValidationFailed, match="would loop"):
        hub.app.rules.create(admin, _event_rule(
            "Unroute", ["updated"], [{"type": "set", "field": "department_id", "value": None}],
            {"field": "ticket.department_id", "op": "changed"}))
    with pytest.raises(ValidationFailed, match="unknown team 999"):
        hub.app.rules.create(admin, _event_rule(
            "Bad team", ["created"], [{"type": "set", "field": "team_id", "value": 999}]))
    with pytest.raises(ValidationFailed, match=r"unknown field 'ticket\.mood'"):
        hub.app.rules.create(admin, _event_rule(
            "Bad field", ["created"], [{"type": "set", "field": "team_id", "value": team.id}],
            {"field": "ticket.mood", "op": "=", "value": "sad"}))
    assert [r.name for r in hub.app.rules.list(admin)] == ["Route"]


def test_update_replaces_a_rule_and_delete_removes_it(hub, admin):
    rule = hub.app.rules.create(admin, _event_rule("Tag", ["created"],
                                                   [{"type": "add_tags", "tags": ["a"]}]))
    changed = hub.app.rules.update(admin, rule.id, {**_event_rule(
        "Tag", ["created"], [{"type": "add_tags", "tags": ["b"]}]), "enabled": False})
    assert hub.app.rules.get(admin, rule.id) == changed and not changed.enabled
    assert _open(hub, admin).tags == ()
    hub.app.rules.delete(admin, rule.id)
    with pytest.raises(NotFound):
        hub.app.rules.get(admin, rule.id)


def test_only_administrators_and_managers_manage_rules(hub, admin):
    manager = factories.staff(hub, Role.MANAGER).agent
    rule = hub.app.rules.create(manager, _event_rule("Tag", ["created"],
                                                     [{"type": "add_tags", "tags": ["a"]}]))
    for role in (Role.REPRESENTATIVE, Role.TEAM_LEAD, Role.COORDINATOR, Role.LIAISON):
        agent = factories.staff(hub, role).agent
        with pytest.raises(PermissionDenied):
            hub.app.rules.create(agent, _event_rule("Other", ["created"],
                                                    [{"type": "add_tags", "tags": ["a"]}]))
        with pytest.raises(PermissionDenied):
            hub.app.rules.delete(agent, rule.id)
    assert [r.name for r in hub.app.rules.list(admin)] == ["Tag"]


def test_a_dry_run_and_the_tickets_rule_history_explain_each_rule(hub, admin):
    hub.app.rules.create(admin, _event_rule(
        "Urgent VIPs", ["created", "updated"], [{"type": "add_tags", "tags": ["vip"]}],
        {"all": [{"field": "ticket.priority", "op": "=", "value": "urgent"},
                 {"field": "customer.tier", "op": "=", "value": "standard"}]}))
    _pending_reminder(hub, admin)
    ticket = _pending_ticket(hub, admin)
    verdicts = hub.app.rules.dry_run(admin, ticket.id, now=T0 + timedelta(days=4))
    by_name = {v.rule.name: v for v in verdicts}
    urgent = by_name["Urgent VIPs"]
    assert not urgent.would_fire
    first, second = urgent.explanation.children
    assert (first.actual, first.result, second.actual, second.result) == \
        ("normal", False, "standard", True)
    assert by_name["Remind after 3 days"].would_fire
    assert hub.app.tickets.get(admin, ticket.id).messages[1:] == []  # nothing changed
    hub.app.rules.run_automations(now=T0 + timedelta(days=4))
    explained = hub.app.rules.for_ticket(admin, ticket.id, now=T0 + timedelta(days=4))
    assert [e.event.data["rule"] for e in explained.fired] == ["Remind after 3 days"]
    assert "already fired" in {v.rule.name: v for v in explained.verdicts}[
        "Remind after 3 days"].reason


MINUTE_A_WEEK = {"timezone": "UTC", "hours": {"mon": [["09:00", "09:01"]]}}


def _yearly_nudge(hours=24 * 366):
    return {"name": "Yearly nudge",
            "trigger": {"type": "time", "status": "pending", "hours": hours,
                        "calendar": MINUTE_A_WEEK},
            "actions": [{"type": "add_tags", "tags": ["nudged"]}]}


def test_a_time_rule_whose_wait_its_calendar_never_ends_is_refused_naming_the_hours(hub, admin):
    """A year of business time on a calendar open a minute a week would end thousands of
    years on: refused when saved, updated or tried, as an SLA target is."""
    for attempt in (lambda: hub.app.rules.create(admin, _yearly_nudge(), now=T0),
                    lambda: hub.app.rules.try_unsaved(admin, _yearly_nudge(), now=T0)):
        with pytest.raises(ValidationFailed, match="after the year 9997") as refused:
            attempt()
        assert refused.value.fields == {"trigger.hours": "unreachable on its calendar"}
    kept = hub.app.rules.create(admin, _yearly_nudge(hours=10), now=T0)
    with pytest.raises(ValidationFailed) as refused:
        hub.app.rules.update(admin, kept.id, _yearly_nudge(), now=T0)
    assert list(refused.value.fields) == ["trigger.hours"]
    assert hub.app.rules.get(admin, kept.id).trigger.hours == 10


def test_a_stored_time_rule_whose_wait_never_ends_never_fires_and_says_why(hub, admin):
    """Such a rule saved by an older version (written here straight to the store): the sweep
    passes over it, and the ticket's explanation says its wait never ends."""
    from hubdesk.domain.rules import parse_rule

    with hub.uows() as uow:
        uow.rules.add(parse_rule(_yearly_nudge()), admin.id, T0)
        uow.commit()
    ticket = _pending_ticket(hub, admin)
    later = T0 + timedelta(days=400)
    assert hub.app.rules.run_automations(now=later).fired == 0
    verdicts = hub.app.rules.dry_run(admin, ticket.id, now=later)
    assert [(v.would_fire, v.reason) for v in verdicts] == [
        (False, "its wait never ends on its calendar")]
    assert hub.app.tickets.get(admin, ticket.id).ticket.tags == ()
