"""Rules reading the customer's message and the ticket's custom fields, on both databases: the
message that set the rules off (a new ticket's first message, a reply), else the latest one
stored; custom fields as the ticket holds them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.events import EventKind
from hubdesk.services.tickets import NewTicket, TicketChanges
from tests import factories

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def admin(hub):
    return factories.staff(hub, Role.ADMIN).agent


def _open(hub, admin, body, **more):
    detail, _ = hub.app.tickets.open(admin, NewTicket(
        subject="Help", body=body, requester_email="ana@example.com", **more), now=T0)
    return detail.ticket


def _rule(hub, admin, name, on, conditions, tag):
    hub.app.rules.create(admin, {"name": name, "trigger": {"type": "event", "on": on},
                                 "conditions": conditions,
                                 "actions": [{"type": "add_tags", "tags": [tag]}]})


def _tags(hub, admin, ticket_id):
    return hub.app.tickets.get(admin, ticket_id).ticket.tags


def test_rules_read_the_message_that_set_them_off_and_else_the_latest(hub, admin):
    refund = {"field": "message.body", "op": "contains", "value": "REFUND"}
    _rule(hub, admin, "Refund asked", ["created", "customer_replied"], refund, "refund")
    _rule(hub, admin, "Refund on file", ["updated"], {"all": [
        refund, {"field": "ticket.priority", "op": "changed_to", "value": "high"}]},
        "refund-on-file")
    asked = _open(hub, admin, "I would like a refund, please.")
    other = _open(hub, admin, "Where is my parcel?")
    assert _tags(hub, admin, asked.id) == ("refund",)
    assert _tags(hub, admin, other.id) == ()

    hub.app.tickets.customer_wrote(other.id, "Never mind, just refund it.",
                                   now=T0 + timedelta(hours=1))
    assert _tags(hub, admin, other.id) == ("refund",)
    # An agent's change: the rule reads the customer's latest message from the store.
    hub.app.tickets.update(admin, other.id, TicketChanges(
        fields_set=frozenset({"priority"}), priority="high"), now=T0 + timedelta(hours=2))
    assert _tags(hub, admin, other.id) == ("refund", "refund-on-file")
    [fired] = [e.event for e in hub.app.tickets.history(admin, other.id)
               if e.event.kind is EventKind.RULE_FIRED and e.event.data["rule"] ==
               "Refund on file"]
    seen = fired.data["conditions"]["conditions"][0]
    assert seen["result"] is True and "refund" not in str(seen["actual"])


def test_rules_compare_custom_fields_and_a_dry_run_explains_them(hub, admin):
    _rule(hub, admin, "Big gold orders", ["created"], {"all": [
        {"field": "custom_fields.plan", "op": "=", "value": "gold"},
        {"field": "custom_fields.order_total", "op": ">=", "value": 100}]}, "big-gold")
    big = _open(hub, admin, "Hello", custom_fields={"plan": "Gold", "order_total": 100})
    small = _open(hub, admin, "Hello", custom_fields={"plan": "Gold", "order_total": "99.9"})
    bare = _open(hub, admin, "Hello")
    assert _tags(hub, admin, big.id) == ("big-gold",)
    assert _tags(hub, admin, small.id) == _tags(hub, admin, bare.id) == ()
    [verdict] = hub.app.rules.dry_run(admin, small.id, now=T0)
    plan, total = verdict.explanation.children
    assert (plan.actual, plan.result, total.actual, total.result) == \
        ("Gold", True, "99.9", False)
