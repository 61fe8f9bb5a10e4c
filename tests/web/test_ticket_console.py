"""The ticket page's additions, a ticket opened from the console and the customer page."""

from __future__ import annotations

import re

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.customers import Tier
from hubdesk.domain.tickets import Channel, Status
from hubdesk.domain.triage import Verdict
from hubdesk.services.directory import CustomerInput
from tests import factories
from tests.web.pages import post_form, sign_in


@pytest.fixture
def desk(hub, client):
    shipping, billing = factories.team(hub, "Shipping"), factories.team(hub, "Billing")
    returns = factories.department(hub, "Returns")
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(shipping, billing), with_password=True)
    first = factories.ticket(hub, lead.agent, subject="Parcel lost", email="ann@example.com",
                             team_id=shipping.id).ticket.id
    second = factories.ticket(hub, lead.agent, subject="Parcel still lost",
                              email="ann@example.com", team_id=shipping.id).ticket.id
    other = factories.ticket(hub, lead.agent, subject="Someone else", email="bob@example.com",
                             team_id=shipping.id).ticket.id
    sign_in(client, lead.agent)
    return {"lead": lead, "shipping": shipping, "billing": billing, "returns": returns,
            "first": first, "second": second, "other": other}


def test_team_and_department_change_from_the_side_panel(desk, client, hub):
    page = client.get(f"/tickets/{desk['first']}").text
    assert '<select id="team" name="team">' in page and "Returns" in page
    answer = post_form(client, f"/tickets/{desk['first']}/update", {
        "was_team": str(desk["shipping"].id), "team": str(desk["billing"].id),
        "was_department": "", "department": str(desk["returns"].id)},
        page=f"/tickets/{desk['first']}")
    assert "Ticket updated." in answer.text
    ticket = hub.app.tickets.get(desk["lead"].agent, desk["first"]).ticket
    assert (ticket.team_id, ticket.department_id) == (desk["billing"].id, desk["returns"].id)


def test_tags_change_from_the_side_panel_and_a_bad_one_is_named(desk, client, hub):
    path = f"/tickets/{desk['first']}"
    assert '<input id="tags" name="tags" value=""' in client.get(path).text
    answer = post_form(client, f"{path}/update", {"was_tags": "", "tags": "Refund, vip  late"},
                       page=path)
    assert "Ticket updated." in answer.text
    assert hub.app.tickets.get(desk["lead"].agent, desk["first"]).ticket.tags == \
        ("refund", "vip", "late")
    assert '<input id="tags" name="tags" value="refund, vip, late"' in answer.text
    long = "x" * 81
    refused = post_form(client, f"{path}/update", {"was_tags": "refund, vip, late",
                                                   "tags": f"refund {long}"}, page=path)
    assert "is not valid" in refused.text
    assert hub.app.tickets.get(desk["lead"].agent, desk["first"]).ticket.tags == \
        ("refund", "vip", "late")


def test_merge_by_number_asks_for_confirmation_first(desk, client, hub):
    path = f"/tickets/{desk['second']}"
    review = post_form(client, f"{path}/merge-into", {"target": f"#{desk['first']}"},
                       page=path)
    assert review.status_code == 200
    assert f"Merge #{desk['second']} into #{desk['first']}?" in review.text
    assert hub.app.tickets.get(desk["lead"].agent, desk["second"]).ticket.merged_into_id is None
    done = post_form(client, f"{path}/merge-into",
                     {"target": str(desk["first"]), "confirmed": "yes"}, page=path)
    assert str(done.url).endswith(f"/tickets/{desk['first']}")
    assert "Parcel still lost" in done.text or "was merged into this one" in done.text
    assert hub.app.tickets.get(desk["lead"].agent, desk["second"]).ticket.merged_into_id == \
        desk["first"]


def test_merge_by_number_refuses_other_requesters_and_unknown_numbers(desk, client):
    path = f"/tickets/{desk['first']}"
    review = post_form(client, f"{path}/merge-into", {"target": str(desk["other"])}, page=path)
    assert "cannot be merged" in review.text and 'name="confirmed"' not in review.text
    missing = post_form(client, f"{path}/merge-into", {"target": "999999"}, page=path)
    assert missing.status_code == 404
    assert post_form(client, f"{path}/merge-into", {"target": "abc"}, page=path) \
        .status_code == 422


@pytest.mark.parametrize("then,status", [("pending", Status.PENDING), ("solved", Status.SOLVED)])
def test_send_and_set_a_status_in_one_action(desk, client, hub, then, status):
    path = f"/tickets/{desk['first']}"
    before = len(hub.app.tickets.history(desk["lead"].agent, desk["first"]))
    answer = post_form(client, f"{path}/reply", {"body": "Sent today.", "then": then},
                       page=path)
    assert f"address set up; the ticket is {status.value} now." in answer.text
    detail = hub.app.tickets.get(desk["lead"].agent, desk["first"])
    assert detail.ticket.status is status and detail.messages[-1].body == "Sent today."
    kinds = [e.event.kind.value for e in
             hub.app.tickets.history(desk["lead"].agent, desk["first"])[before:]]
    assert "replied" in kinds and "status_changed" in kinds


def test_next_ticket_follows_the_queue_the_agent_came_from(desk, client):
    queue = client.get("/tickets?view=all&sort=created").text
    order = [int(i) for i in re.findall(r'<td class="num">(\d+)</td>', queue)]
    assert order == [desk["first"], desk["second"], desk["other"]]
    following = client.get(f"/tickets/{desk['first']}/next", follow_redirects=False)
    assert following.headers["location"] == f"/tickets/{desk['second']}"
    # Saving and going on keeps the order the agent was working in.
    path = f"/tickets/{desk['second']}"
    answer = post_form(client, f"{path}/update", {"was_priority": "normal", "priority": "high",
                                                  "next": "yes"}, page=path)
    assert str(answer.url).endswith(f"/tickets/{desk['other']}")
    last = client.get(f"/tickets/{desk['other']}/next", follow_redirects=False)
    assert last.headers["location"] == "/tickets?view=all&status=active&sort=created"


def test_next_ticket_crosses_into_the_next_page(desk, client, monkeypatch):
    monkeypatch.setattr("hubdesk.web.queue.PAGE_SIZE", 1)
    client.get("/tickets?view=all&sort=created")
    following = client.get(f"/tickets/{desk['first']}/next", follow_redirects=False)
    assert following.headers["location"] == f"/tickets/{desk['second']}"


def test_an_abusive_message_is_hidden_behind_a_named_summary(desk, client, hub):
    detail = hub.app.tickets.get(desk["lead"].agent, desk["first"])
    hub.app.triage.correct(desk["lead"].agent, desk["first"], detail.messages[0].id,
                           Verdict.ABUSIVE, True)
    page = client.get(f"/tickets/{desk['first']}").text
    block = re.search(r'<details class="abuse-warning">.*?</details>', page, re.S).group(0)
    assert "<summary>" in block and 'role="alert"' not in block
    assert "Marked abusive by an agent" in block and "show the message" in block
    assert 'class="abuse-preview msg-body" aria-hidden="true"' in page


def test_a_new_ticket_for_a_new_customer_from_a_phone_call(desk, client, hub):
    form = client.get("/tickets/new").text
    key = re.search(r'name="form_key" value="([^"]+)"', form).group(1)
    data = {"contact": "phone", "email": "new.caller@example.com", "name": "Nia Caller",
            "subject": "Called about a refund", "body": "She wants her money back.",
            "priority": "high", "team": str(desk["shipping"].id), "form_key": key}
    answer = post_form(client, "/tickets/new", data, page="/tickets/new")
    assert "opened for Nia Caller" in answer.text
    ticket_id = int(re.search(r"/tickets/(\d+)$", str(answer.url)).group(1))
    ticket = hub.app.tickets.get(desk["lead"].agent, ticket_id).ticket
    assert ticket.channel is Channel.PHONE and ticket.priority.value == "high"
    # Sending the same form twice opens one ticket.
    again = post_form(client, "/tickets/new", data, page="/tickets/new")
    assert str(again.url).endswith(f"/tickets/{ticket_id}")


def test_a_walk_in_of_a_known_customer_from_their_page(desk, client, hub):
    ann = hub.app.tickets.get(desk["lead"].agent, desk["first"]).requester
    form = client.get(f"/tickets/new?customer={ann.id}").text
    assert f'name="customer_id" value="{ann.id}"' in form
    answer = post_form(client, "/tickets/new", {
        "contact": "walk_in", "customer_id": str(ann.id), "subject": "At the counter",
        "body": "Came in with the parcel."}, page="/tickets/new")
    ticket_id = int(re.search(r"/tickets/(\d+)$", str(answer.url)).group(1))
    ticket = hub.app.tickets.get(desk["lead"].agent, ticket_id).ticket
    assert ticket.requester_id == ann.id and "walk-in" in ticket.tags


def test_a_new_ticket_explains_what_is_missing(desk, client):
    answer = post_form(client, "/tickets/new", {"contact": "phone", "subject": "x",
                                                "body": "y"}, page="/tickets/new")
    assert answer.status_code == 422 and "e-mail address" in answer.text
    assert 'value="x"' in answer.text  # what was typed is kept


def test_the_customer_page_shows_identities_tier_tickets_and_notes(desk, client, hub):
    lead = desk["lead"].agent
    ann = hub.app.tickets.get(lead, desk["first"]).requester
    hub.app.directory.update_customer(lead, ann.id, CustomerInput(
        frozenset({"tier"}), tier=Tier.VIP))
    ticket_page = client.get(f"/tickets/{desk['first']}").text
    assert f'href="/customers/{ann.id}"' in ticket_page
    page = client.get(f"/customers/{ann.id}").text
    assert "ann@example.com" in page and "VIP" in page
    assert "Parcel lost" in page and "Parcel still lost" in page and "Someone else" not in page
    saved = post_form(client, f"/customers/{ann.id}/notes", {"notes": "Prefers phone."},
                      page=f"/customers/{ann.id}")
    assert "Notes saved." in saved.text and "Prefers phone." in saved.text
    assert client.get("/customers/999999").status_code == 404
