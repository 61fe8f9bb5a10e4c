"""The console's at-risk page: waiting tickets by their chance of missing the answer deadline,
for the people who watch the queues only."""

from __future__ import annotations

from datetime import UTC, datetime

from hubdesk.domain.agents import Role
from tests import factories
from tests.routing_desk import agent, configure, ticket
from tests.web.pages import sign_in


def test_the_at_risk_page_ranks_waiting_tickets_and_says_why(hub, client):
    admin = configure(hub).agent
    hub.app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        "normal": {"first_response": 60, "resolution": 480}}})
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    agent(hub, coordinator.agent, {"returns": 3})  # online, but cannot take billing
    opened = ticket(hub, admin, subject="Invoice <b>wrong</b>", at=datetime.now(UTC))
    sign_in(client, coordinator.agent)
    page = client.get("/tickets").text
    assert '<a href="/at-risk">At risk</a>' in page
    page = client.get("/at-risk").text
    assert "1 waiting, 1 likely to breach, 0 past the deadline" in page
    row = page.split(f'<a href="/tickets/{opened.ticket.id}">', 1)[1].split("</tr>", 1)[0]
    assert "Invoice &lt;b&gt;wrong&lt;/b&gt;" in row
    assert "100 %" in row and "nobody online can take it" in row
    assert "first response: 59 min left" in row and "0 free, 0 busy" in row


def test_a_representative_is_told_the_page_is_not_for_their_role(hub, client):
    rep = factories.staff(hub, with_password=True)
    sign_in(client, rep.agent)
    assert '<a href="/at-risk">' not in client.get("/tickets").text
    refused = client.get("/at-risk")
    assert refused.status_code == 403 and "coordinators" in refused.text


def test_one_click_from_the_at_risk_list_takes_the_ticket_or_makes_it_urgent(hub, client):
    from hubdesk.domain.tickets import Priority
    from tests.web.pages import post_form

    admin = configure(hub).agent
    hub.app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        p: {"first_response": 60, "resolution": 480} for p in ("normal", "urgent")}})
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    opened = ticket(hub, admin, at=datetime.now(UTC))
    sign_in(client, coordinator.agent)
    page = client.get("/at-risk").text
    assert f"Make #{opened.ticket.id} urgent" in page
    urgent = post_form(client, "/tickets/bulk", {
        "ticket": str(opened.ticket.id), "return_to": "/at-risk", "action": "priority",
        "priority_value": "urgent"}, page="/at-risk")
    assert urgent.url.path == "/at-risk" and "1 ticket changed" in urgent.text
    taken = post_form(client, "/tickets/bulk", {
        "ticket": str(opened.ticket.id), "return_to": "/at-risk", "action": "assign",
        "assign_value": "me"}, page="/at-risk")
    assert taken.url.path == "/at-risk"
    after = hub.app.tickets.get(coordinator.agent, opened.ticket.id).ticket
    assert after.priority is Priority.URGENT and after.assignee_id == coordinator.agent.id


def test_assigned_tickets_are_forecast_from_their_assignees_pile(hub, client):
    admin = configure(hub).agent
    hub.app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        "normal": {"first_response": 60, "resolution": 480}}})
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    busy = agent(hub, coordinator.agent, {"billing": 4}, capacity=2, channel_costs={"api": 1})
    first, second = (ticket(hub, admin, subject=subject, at=datetime.now(UTC))
                     for subject in ("Refund", "Invoice <b>twice</b>"))
    assert first.ticket.assignee_id == second.ticket.assignee_id == busy.agent.id
    sign_in(client, coordinator.agent)
    page = client.get("/at-risk").text.split("Assigned, still to be answered", 1)[1]
    assert "2 assigned, 0 likely to breach" in page
    rows = {ticket_id: page.split(f'<a href="/tickets/{ticket_id}">', 1)[1].split("</tr>", 1)[0]
            for ticket_id in (first.ticket.id, second.ticket.id)}
    assert "Invoice &lt;b&gt;twice&lt;/b&gt;" in rows[second.ticket.id]
    for ticket_id, ahead in ((first.ticket.id, 0), (second.ticket.id, 1)):
        assert f"<td>{busy.agent.name}</td>" in rows[ticket_id]
        assert rows[ticket_id].rstrip().endswith(f"<td>{ahead}</td>")
    assert "<td>0 %</td>" in rows[first.ticket.id]
    assert "<td>0 %</td>" not in rows[second.ticket.id]  # it waits for the first


def test_an_assignee_offline_is_named_beside_their_tickets(hub, client):
    from hubdesk.domain.routing import Presence

    admin = configure(hub).agent
    hub.app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        "normal": {"first_response": 60, "resolution": 480}}})
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    busy = agent(hub, coordinator.agent, {"billing": 4}, capacity=2, channel_costs={"api": 1})
    opened = ticket(hub, admin, subject="Refund", at=datetime.now(UTC))
    assert opened.ticket.assignee_id == busy.agent.id
    hub.app.routing.set_presence(coordinator.agent, busy.agent.id, Presence.OFFLINE,
                                 now=datetime.now(UTC))
    sign_in(client, coordinator.agent)
    page = client.get("/at-risk").text.split("Assigned, still to be answered", 1)[1]
    assert "1 assigned, 1 likely to breach" in page
    row = page.split(f'<a href="/tickets/{opened.ticket.id}">', 1)[1].split("</tr>", 1)[0]
    assert "offline, not known to come back" in row and "<td>100 %</td>" in row
