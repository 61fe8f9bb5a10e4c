"""The ticket page: answers from similar solved tickets, correcting triage, escalating to
security, blocking a sender."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from hubdesk.bootstrap import build_intake_tools
from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Priority, Status
from hubdesk.domain.triage import Verdict
from hubdesk.server import create_app
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.directory import get_customer
from hubdesk.services.feedback import verdict_examples
from hubdesk.services.intake import IntakeTools
from hubdesk.services.tickets import add_message, change_status, get_ticket
from hubdesk.triage.similarity import SimilarityFinder
from tests import factories
from tests.web.pages import post_form, sign_in

ANSWER = "Your parcel was re-sent by express; the new tracking number is in your inbox."


@pytest.fixture
def desk(hub):
    hub = dataclasses.replace(hub, intake=IntakeTools(similarity=SimilarityFinder()))
    team = factories.team(hub, "Shipping")
    rep = factories.staff(hub, teams=(team,), with_password=True)
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    old = factories.ticket(hub, rep.agent, subject="Parcel lost by the courier",
                           body="The courier lost my parcel with order 3120.",
                           email="old@example.com", team_id=team.id)
    add_message(hub.uows, rep.agent, old.ticket.id, ANSWER)
    change_status(hub.uows, rep.agent, old.ticket.id, Status.SOLVED)
    new = factories.ticket(hub, rep.agent, subject="Courier lost my parcel",
                           body="My parcel for order 8812 was lost by the courier.",
                           email="new@example.com", team_id=team.id)
    with TestClient(create_app(hub), raise_server_exceptions=False) as client:
        yield {"hub": hub, "client": client, "rep": rep, "coordinator": coordinator,
               "old": old.ticket.id, "new": new, "url": f"/tickets/{new.ticket.id}"}


def test_the_agent_sees_how_a_similar_ticket_was_solved(desk):
    sign_in(desk["client"], desk["rep"].agent)
    page = desk["client"].get(desk["url"]).text
    panel = page.split('id="solved-before"', 1)[1].split("</section>", 1)[0]
    assert f'href="/tickets/{desk["old"]}"' in panel and ANSWER in panel


def test_a_representative_corrects_triage_and_escalates_but_cannot_block(desk):
    client, hub = desk["client"], desk["hub"]
    sign_in(client, desk["rep"].agent)
    message_id = desk["new"].messages[0].id
    page = post_form(client, f"{desk['url']}/messages/{message_id}/feedback",
                     {"verdict": "abusive", "value": "yes"}, page=desk["url"]).text
    assert "triage learns from this correction" in page
    assert "corrected triage: a message is abusive" in page
    assert verdict_examples(hub.uows, LOCAL_OPERATOR, Verdict.ABUSIVE)[0][1] is True
    bad = post_form(client, f"{desk['url']}/messages/{message_id}/feedback",
                    {"verdict": "category", "value": "yes"}, page=desk["url"])
    assert bad.status_code == 422 and "choose what to correct" in bad.text

    assert "Block this sender" not in client.get(desk["url"]).text
    refused = post_form(client, f"{desk['url']}/block", {"reason": "rude"}, page=desk["url"])
    assert refused.status_code == 403
    customer = get_customer(hub.uows, LOCAL_OPERATOR, desk["new"].requester.id)
    assert customer.blocked is None

    page = post_form(client, f"{desk['url']}/escalate", {"reason": "he threatened me"},
                     page=desk["url"]).text
    assert "Escalated to security" in page
    assert "escalated the ticket to security: he threatened me" in page
    ticket = get_ticket(hub.uows, LOCAL_OPERATOR, desk["new"].ticket.id).ticket
    assert ticket.priority is Priority.URGENT and "security" in ticket.tags


def test_a_coordinator_blocks_and_unblocks_the_sender(desk):
    client, hub = desk["client"], desk["hub"]
    sign_in(client, desk["coordinator"].agent)
    missing_reason = post_form(client, f"{desk['url']}/block", {"reason": " "},
                               page=desk["url"])
    assert missing_reason.status_code == 422
    page = post_form(client, f"{desk['url']}/block", {"reason": "insults the team"},
                     page=desk["url"]).text
    assert "is blocked" in page and "Blocked sender" in page
    assert "blocked the sender: insults the team" in page
    customer_id = desk["new"].requester.id
    assert get_customer(hub.uows, LOCAL_OPERATOR, customer_id).blocked is not None
    page = post_form(client, f"{desk['url']}/block", {"action": "unblock"},
                     page=desk["url"]).text
    assert "no longer blocked" in page
    assert get_customer(hub.uows, LOCAL_OPERATOR, customer_id).blocked is None


def test_a_correction_shows_on_the_message_and_can_unhide_it(desk):
    from hubdesk.services.tickets import NewTicket, open_ticket

    hub, client = desk["hub"], desk["client"]
    tools = dataclasses.replace(build_intake_tools(hub.settings), similarity=SimilarityFinder())
    rude = open_ticket(hub.uows, desk["rep"].agent, NewTicket(
        subject="Order", body="This shitty parcel is late again", requester_email="d@example.com",
        team_id=desk["new"].ticket.team_id), tools=tools)[0]
    url, message_id = f"/tickets/{rude.ticket.id}", rude.messages[0].id
    sign_in(client, desk["rep"].agent)
    assert "Flagged as abusive" in client.get(url).text
    page = post_form(client, f"{url}/messages/{message_id}/feedback",
                     {"verdict": "abusive", "value": "no"}, page=url).text
    assert "Flagged as abusive" not in page and "Corrected: not abusive" in page
    assert '<div class="msg-body">This shitty parcel is late again</div>' in page
    page = post_form(client, f"{url}/messages/{message_id}/feedback",
                     {"verdict": "abusive", "value": "yes"}, page=url).text
    assert "Marked abusive by an agent" in page and "Corrected: abusive" in page
