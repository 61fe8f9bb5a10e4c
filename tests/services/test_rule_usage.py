"""How often each rule fired, counted as its firings are relayed from the outbox, on both
databases: event and time rules alike, once each however often the relay runs, and a rule
deleted before its firings were relayed leaves nothing behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import PermissionDenied
from hubdesk.domain.tickets import Status
from hubdesk.services.tickets import NewTicket
from tests import factories

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def admin(hub):
    return factories.staff(hub, Role.ADMIN).agent


def _open(hub, agent, at, subject="Refund please"):
    detail, _ = hub.app.tickets.open(agent, NewTicket(
        subject=subject, body="Where is my money?", requester_email="ana@example.com",
        requester_name="Ana Ruiz"), now=at)
    return detail.ticket


def _relay(hub):
    while hub.app.relay_outbox():
        pass


def _tag_refunds(hub, admin):
    return hub.app.rules.create(admin, {
        "name": "Tag refunds", "position": 0, "trigger": {"type": "event", "on": ["created"]},
        "conditions": {"field": "ticket.subject", "op": "contains", "value": "refund"},
        "actions": [{"type": "add_tags", "tags": ["refund"]}]})


def test_event_rule_firings_are_counted_in_each_window_once(hub, admin):
    rule = _tag_refunds(hub, admin)
    _open(hub, admin, T0 - timedelta(days=20))
    _open(hub, admin, T0 - timedelta(days=3))
    _open(hub, admin, T0 - timedelta(hours=2))
    _open(hub, admin, T0 - timedelta(hours=2, minutes=-5))
    _open(hub, admin, T0 - timedelta(hours=1), subject="Where is my parcel")  # not fired
    _open(hub, admin, T0 - timedelta(days=40))  # before the longest window
    _relay(hub)
    _relay(hub)  # nothing left to count twice

    usage = hub.app.rules.usage(admin, now=T0)
    assert usage[rule.id].to_dict() == {
        "last_24_hours": 2, "last_7_days": 3, "last_30_days": 4,
        "last_fired_at": (T0 - timedelta(hours=1, minutes=55)).isoformat()}
    # The windows move with the clock: a day later the two recent ones are 7 days' only.
    later = hub.app.rules.usage(admin, now=T0 + timedelta(days=1))[rule.id]
    assert (later.last_24_hours, later.last_7_days, later.last_30_days) == (0, 3, 4)


def test_time_rule_firings_are_counted_and_silent_rules_are_left_out(hub, admin):
    silent = _tag_refunds(hub, admin)
    reminder = hub.app.rules.create(admin, {
        "name": "Remind after 3 days", "trigger": {"type": "time", "status": "pending",
                                                   "hours": 72},
        "actions": [{"type": "add_tags", "tags": ["reminded"]}]})
    for minutes in (0, 10):
        ticket = _open(hub, admin, T0 + timedelta(minutes=minutes), subject="Parcel")
        hub.app.tickets.change_status(admin, ticket.id, Status.PENDING,
                                      now=T0 + timedelta(minutes=minutes))
    swept = T0 + timedelta(hours=80)
    assert hub.app.rules.run_automations(now=swept).fired == 2
    _relay(hub)

    usage = hub.app.rules.usage(admin, now=swept)
    assert silent.id not in usage
    assert usage[reminder.id].last_24_hours == 2
    assert usage[reminder.id].last_fired_at == swept


def test_a_rule_deleted_before_its_firings_are_relayed_is_not_counted(hub, admin):
    rule = _tag_refunds(hub, admin)
    _open(hub, admin, T0)
    hub.app.rules.delete(admin, rule.id)
    _relay(hub)
    assert hub.app.rules.usage(admin, now=T0) == {}


def test_only_those_who_manage_rules_read_their_usage(hub, admin):
    representative = factories.staff(hub, Role.REPRESENTATIVE).agent
    with pytest.raises(PermissionDenied):
        hub.app.rules.usage(representative, now=T0)


def test_usage_asked_for_some_rules_reads_only_theirs(hub, admin):
    refunds = _tag_refunds(hub, admin)
    parcels = hub.app.rules.create(admin, {
        "name": "Tag parcels", "position": 1, "trigger": {"type": "event", "on": ["created"]},
        "conditions": {"field": "ticket.subject", "op": "contains", "value": "parcel"},
        "actions": [{"type": "add_tags", "tags": ["parcel"]}]})
    _open(hub, admin, T0 - timedelta(hours=1))
    _open(hub, admin, T0 - timedelta(hours=1), subject="Where is my parcel")
    _relay(hub)

    assert set(hub.app.rules.usage(admin, now=T0)) == {refunds.id, parcels.id}
    only = hub.app.rules.usage(admin, now=T0, rule_ids=[parcels.id])
    assert set(only) == {parcels.id}
    assert only[parcels.id].last_24_hours == 1
    assert hub.app.rules.usage(admin, now=T0, rule_ids=[]) == {}
