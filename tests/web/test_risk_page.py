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
    assert "100 %" in row and "nobody online and unpaused can take it" in row
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
        assert rows[ticket_id].split('<td class="act">', 1)[0].rstrip().endswith(
            f"<td>{ahead}</td>")
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


def _desk(hub):
    """A coordinator watching one waiting ticket and one assigned to a busy agent."""
    admin = configure(hub).agent
    hub.app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        p: {"first_response": 60, "resolution": 480} for p in ("normal", "high", "urgent")}})
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    busy = agent(hub, coordinator.agent, {"billing": 4}, capacity=1, channel_costs={"api": 1})
    assigned = ticket(hub, admin, subject="Refund", at=datetime.now(UTC))
    waiting = ticket(hub, admin, subject="Invoice", at=datetime.now(UTC))
    assert assigned.ticket.assignee_id == busy.agent.id and waiting.ticket.assignee_id is None
    return {"coordinator": coordinator.agent, "busy": busy.agent,
            "assigned": assigned.ticket.id, "waiting": waiting.ticket.id}


def _row(page: str, ticket_id: int) -> str:
    return page.split(f'<a href="/tickets/{ticket_id}">', 1)[1].split("</tr>", 1)[0]


def test_both_tables_reassign_to_a_chosen_agent(hub, client):
    from tests.web.pages import post_form

    desk = _desk(hub)
    helper = factories.staff(hub)
    liaison = factories.staff(hub, Role.LIAISON)
    sign_in(client, desk["coordinator"])
    page = client.get("/at-risk").text
    for ticket_id in (desk["waiting"], desk["assigned"]):
        row = _row(page, ticket_id)
        assert f'<label for="assignee-{ticket_id}">Give #{ticket_id} to</label>' in row
        assert f'<option value="{helper.agent.id}">' in row
        assert f'<option value="{liaison.agent.id}">' not in row
    assert f'<option value="{desk["busy"].id}"' not in _row(page, desk["assigned"])
    for ticket_id in (desk["waiting"], desk["assigned"]):
        moved = post_form(client, f"/at-risk/tickets/{ticket_id}/assign",
                          {"assignee_id": str(helper.agent.id)}, page="/at-risk")
        assert moved.url.path == "/at-risk"
        assert f"Ticket #{ticket_id} given to {helper.agent.name}." in moved.text
        after = hub.app.tickets.get(desk["coordinator"], ticket_id).ticket
        assert after.assignee_id == helper.agent.id


def test_a_refused_reassignment_is_said_in_its_row(hub, client):
    from tests.web.pages import post_form

    desk = _desk(hub)
    from hubdesk.services.directory import AgentInput

    gone = factories.staff(hub)
    hub.app.directory.update_agent(factories.staff(hub, Role.ADMIN).agent, gone.agent.id,
                                   AgentInput(fields_set=frozenset({"active"}), active=False))
    sign_in(client, desk["coordinator"])
    refused = post_form(client, f"/at-risk/tickets/{desk['waiting']}/assign",
                        {"assignee_id": str(gone.agent.id)}, page="/at-risk")
    assert refused.status_code == 422
    row = _row(refused.text, desk["waiting"])
    assert f'<p class="field-error" id="assignee-{desk["waiting"]}-error">' \
           "That agent does not exist or is inactive.</p>" in row
    assert f'aria-describedby="assignee-{desk["waiting"]}-error"' in row
    assert "<details class=\"row-actions\" open>" in row
    empty = post_form(client, f"/at-risk/tickets/{desk['assigned']}/assign",
                      {"assignee_id": ""}, page="/at-risk")
    assert empty.status_code == 422
    assert "Choose who should take it from the list." in _row(empty.text, desk["assigned"])
    after = hub.app.tickets.get(desk["coordinator"], desk["waiting"]).ticket
    assert after.assignee_id is None


def test_raising_priority_goes_one_step_and_stops_at_urgent(hub, client):
    from hubdesk.domain.tickets import Priority
    from tests.web.pages import post_form

    desk = _desk(hub)
    sign_in(client, desk["coordinator"])
    assert f"Raise #{desk['assigned']} priority" in _row(client.get("/at-risk").text,
                                                          desk["assigned"])
    raised = post_form(client, f"/at-risk/tickets/{desk['assigned']}/priority", {},
                       page="/at-risk")
    assert f"Ticket #{desk['assigned']} raised from normal to high priority." in raised.text
    post_form(client, f"/at-risk/tickets/{desk['assigned']}/priority", {}, page="/at-risk")
    assert hub.app.tickets.get(desk["coordinator"], desk["assigned"]).ticket.priority \
        is Priority.URGENT
    refused = post_form(client, f"/at-risk/tickets/{desk['assigned']}/priority", {},
                        page="/at-risk")
    assert refused.status_code == 422
    assert f'id="priority-{desk["assigned"]}-error">Ticket #{desk["assigned"]} is already ' \
           "urgent.</p>" in _row(refused.text, desk["assigned"])


def test_both_tables_hand_off_to_a_department_with_a_note(hub, client):
    from hubdesk.services.handoffs import OlaInput
    from tests.web.pages import post_form

    desk = _desk(hub)
    billing = factories.department(hub, "Billing")
    shipping = factories.department(hub, "Shipping")
    hub.app.handoffs.set_ola(factories.staff(hub, Role.ADMIN).agent, billing.id,
                             OlaInput(target_minutes=240))
    sign_in(client, desk["coordinator"])
    row = _row(client.get("/at-risk").text, desk["assigned"])
    assert f'<label for="handoff-department-{desk["assigned"]}">' in row
    assert "Billing" in row and "Shipping" in row
    for ticket_id in (desk["waiting"], desk["assigned"]):
        sent = post_form(client, f"/at-risk/tickets/{ticket_id}/handoff",
                         {"department_id": str(billing.id), "request": "Refund the fee"},
                         page="/at-risk")
        assert sent.url.path == "/at-risk"
        assert f"Ticket #{ticket_id} handed off to Billing (4 h 0 min left)." in sent.text
        detail = hub.app.tickets.workspace(desk["coordinator"], ticket_id).detail
        assert [(v.department_name, v.handoff.request) for v in detail.handoffs] == [
            ("Billing", "Refund the fee")]
    missing = post_form(client, f"/at-risk/tickets/{desk['waiting']}/handoff",
                        {"department_id": str(shipping.id), "request": "  "}, page="/at-risk")
    assert missing.status_code == 422
    row = _row(missing.text, desk["waiting"])
    assert "Say in a short note what the department should do." in row
    assert f'<option value="{shipping.id}" selected>Shipping</option>' in row
    assert f'aria-invalid="true" aria-describedby="handoff-{desk["waiting"]}-error"' in row
