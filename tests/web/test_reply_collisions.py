"""Two agents on one ticket, on both databases: a reply is held when someone wrote since the
agent opened the page, and goes once they have seen it."""

from __future__ import annotations

from tests import factories
from tests.web.pages import post_form, sign_in


def test_a_reply_is_held_when_someone_wrote_since_the_page_was_opened(hub, client):
    team = factories.team(hub)
    rep = factories.staff(hub, teams=(team,), with_password=True)
    colleague = factories.staff(hub, teams=(team,)).agent
    ticket = factories.ticket(hub, rep.agent, team_id=team.id).ticket
    sign_in(client, rep.agent)
    page = client.get(f"/tickets/{ticket.id}").text
    seen = page.split('name="seen_up_to" value="', 1)[1].split('"', 1)[0]
    hub.app.tickets.reply(colleague, ticket.id, "I am on it, refund issued.")
    held = post_form(client, f"/tickets/{ticket.id}/reply", {
        "body": "Refund issued!", "visibility": "public", "seen_up_to": seen},
        page=f"/tickets/{ticket.id}")
    assert held.status_code == 409
    assert f"{colleague.name} wrote on this ticket since you opened it" in held.text
    assert "Refund issued!</textarea>" in held.text and "I am on it" in held.text
    again = held.text.split('name="seen_up_to" value="', 1)[1].split('"', 1)[0]
    assert int(again) > int(seen)
    sent = post_form(client, f"/tickets/{ticket.id}/reply", {
        "body": "Refund issued!", "visibility": "public", "seen_up_to": again},
        page=f"/tickets/{ticket.id}")
    assert "but not e-mailed: the desk has no support e-mail address set up." in sent.text
