"""Macros in the console on both databases: inserted into the reply box, edited and sent with
the status they suggest and their tags; managed on their own page by who may."""

from __future__ import annotations

import html

from hubdesk.domain.agents import Role
from hubdesk.domain.macros import Macro
from hubdesk.domain.tickets import Status
from tests import factories
from tests.web.pages import post_form, sign_in


def test_insert_a_macro_edit_it_and_send_and_solve(hub, client):
    team = factories.team(hub)
    rep = factories.staff(hub, teams=(team,), with_password=True)
    manager = factories.staff(hub, Role.MANAGER).agent
    macro = hub.app.macros.create(manager, Macro(
        None, "Refund done", "Hello {{customer.first_name}}, your refund for "
        "#{{ticket.number}} is on its way.", then_status=Status.SOLVED,
        add_tags=("refunded",)))
    ticket = factories.ticket(hub, rep.agent, team_id=team.id).ticket
    sign_in(client, rep.agent)
    page = client.get(f"/tickets/{ticket.id}").text
    assert '<select id="macro" name="macro">' in page and "Refund done" in page
    page = html.unescape(client.get(f"/tickets/{ticket.id}?macro={macro.id}").text)
    assert f"your refund for #{ticket.id} is on its way.</textarea>" in page
    assert "It is meant to leave the ticket solved." in page
    assert 'name="then" value="solved" class="primary"' in page
    sent = post_form(client, f"/tickets/{ticket.id}/reply", {
        "body": f"Hello, your refund for #{ticket.id} is on its way. Sorry for the wait!",
        "visibility": "public", "then": "solved", "macro_id": str(macro.id)},
        page=f"/tickets/{ticket.id}")
    assert "address set up; the ticket is solved now." in sent.text
    after = hub.app.tickets.get(rep.agent, ticket.id).ticket
    assert after.status is Status.SOLVED and "refunded" in after.tags


def test_a_macro_the_agent_may_not_use_is_not_inserted(hub, client):
    front, back = factories.team(hub, "Front"), factories.team(hub, "Back")
    rep = factories.staff(hub, teams=(front,), with_password=True)
    manager = factories.staff(hub, Role.MANAGER).agent
    theirs = hub.app.macros.create(manager, Macro(None, "Back only", "Secret text", back.id))
    ticket = factories.ticket(hub, rep.agent, team_id=front.id).ticket
    sign_in(client, rep.agent)
    page = client.get(f"/tickets/{ticket.id}?macro={theirs.id}").text
    assert "Secret text" not in page and "Back only" not in page


def test_a_team_lead_adds_a_macro_for_their_team_and_sees_refusals_by_the_form(hub, client):
    team = factories.team(hub, "Front")
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(team,), with_password=True)
    sign_in(client, lead.agent)
    page = client.get("/macros").text
    assert '<option value="">Everyone</option>' not in page  # a lead manages team macros
    refused = post_form(client, "/macros", {"name": "Oops", "body": "Hi {{customer.age}}",
                                            "team_id": str(team.id)}, page="/macros")
    assert refused.status_code == 422 and "unknown placeholder" in refused.text
    assert 'value="Oops"' in refused.text  # what was typed stays
    added = post_form(client, "/macros", {"name": "Greeting", "body": "Hi {{customer.name}}",
                                          "team_id": str(team.id), "then_status": "pending",
                                          "add_tags": "greeted, first-contact"},
                      page="/macros")
    assert "Macro “Greeting” added." in html.unescape(added.text)
    [macro] = hub.app.macros.usable(lead.agent)
    assert macro.add_tags == ("greeted", "first-contact") and macro.then_status is Status.PENDING
    removed = post_form(client, f"/macros/{macro.id}/delete", {}, page="/macros")
    assert "Macro removed." in removed.text and hub.app.macros.usable(lead.agent) == []

