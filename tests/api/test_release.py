"""A representative who releases a ticket from another team's queue is told what happened,
although the ticket has just left what they may see."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from tests import factories
from tests.web.pages import csrf, sign_in


def _assigned_elsewhere(hub):
    own, other = factories.team(hub), factories.team(hub)
    rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(own,), with_password=True)
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    ticket = factories.ticket(hub, coordinator, team_id=other.id)
    hub.app.tickets.assign(coordinator, ticket.ticket.id, rep.agent.id)
    return rep, ticket.ticket.id


def test_the_api_answers_a_release_with_the_released_ticket(hub, client):
    rep, ticket_id = _assigned_elsewhere(hub)
    answer = client.patch(f"/api/v1/tickets/{ticket_id}", json={"assignee_id": None},
                          headers=rep.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["assignee_id"] is None
    assert answer.json()["allowed_actions"] == []
    assert client.get(f"/api/v1/tickets/{ticket_id}", headers=rep.headers).status_code == 404


def test_the_console_says_the_released_ticket_left_the_queues(hub, client):
    rep, ticket_id = _assigned_elsewhere(hub)
    sign_in(client, rep.agent)
    page = client.get(f"/tickets/{ticket_id}")
    answer = client.post(f"/tickets/{ticket_id}/update", data={
        "csrf_token": csrf(client, f"/tickets/{ticket_id}"), "assignee": "",
        "was_assignee": str(rep.agent.id)}, follow_redirects=False)
    assert page.status_code == 200
    assert answer.status_code == 303 and answer.headers["location"] == "/tickets"
    queue = client.get("/tickets")
    assert f"#{ticket_id} updated; it is no longer in your queues" in queue.text
