"""The console's rules page: the rules in order and a dry run for a ticket, for
administrators and managers only."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from tests import factories
from tests.web.pages import sign_in


def test_a_manager_sees_the_rules_and_a_dry_run_with_each_condition(hub, client):
    manager = factories.staff(hub, Role.MANAGER, with_password=True)
    hub.app.rules.create(manager.agent, {
        "name": "Urgent refunds", "trigger": {"type": "event", "on": ["created"]},
        "conditions": {"all": [{"field": "ticket.subject", "op": "contains",
                                "value": "refund"}]},
        "actions": [{"type": "set", "field": "priority", "value": "urgent"}]})
    ticket = factories.ticket(hub, manager.agent, subject="Parcel lost").ticket
    sign_in(client, manager.agent)
    listing = client.get("/rules")
    assert listing.status_code == 200
    assert "Urgent refunds" in listing.text and "on created" in listing.text
    assert 'href="/rules"' in client.get("/tickets").text
    dry = client.get(f"/rules?ticket={ticket.id}")
    assert dry.status_code == 200
    assert "would not fire" in dry.text and "(was Parcel lost)" in dry.text
    missing = client.get("/rules?ticket=987654")
    assert missing.status_code == 404 and "987654 was not found" in missing.text


def test_other_roles_are_refused_the_rules_page(hub, client):
    lead = factories.staff(hub, Role.TEAM_LEAD, with_password=True)
    sign_in(client, lead.agent)
    assert client.get("/rules").status_code == 403
    assert 'href="/rules"' not in client.get("/tickets").text
