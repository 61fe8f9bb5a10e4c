"""One ticket: the conversation, replies and notes, changes, errors and escaping."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Status
from hubdesk.services.tickets import (
    NewTicket,
    TicketChanges,
    change_status,
    get_ticket,
    open_ticket,
    update_ticket,
)
from tests import factories
from tests.web.pages import post_form, sign_in


@pytest.fixture
def desk(hub, client):
    team = factories.team(hub, "Shipping")
    rep = factories.staff(hub, teams=(team,), with_password=True)
    detail = factories.ticket(hub, rep.agent, subject="Parcel never arrived",
                              body="Where is my order 4411?", email="maria@example.com",
                              team_id=team.id)
    sign_in(client, rep.agent)
    ticket_id = detail.ticket.id
    return {"rep": rep, "team": team, "id": ticket_id, "url": f"/tickets/{ticket_id}"}


def test_the_page_shows_the_ticket_and_its_conversation(desk, client):
    page = client.get(desk["url"])
    assert page.status_code == 200
    for text in ("Parcel never arrived", "Where is my order 4411?", "maria@example.com",
                 "Shipping", "status-new", "Unassigned", "created the ticket"):
        assert text in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_a_public_reply_lands_in_the_conversation(desk, client, hub):
    response = post_form(client, f"{desk['url']}/reply",
                         {"body": "It left our warehouse today.", "visibility": "public"},
                         page=desk["url"], follow=False)
    assert (response.status_code, response.headers["location"]) == (303, desk["url"])
    page = client.get(desk["url"]).text
    assert "but not e-mailed: the desk has no support e-mail address set up." in page
    assert "It left our warehouse today." in page
    messages = get_ticket(hub.uows, desk["rep"].agent, desk["id"]).messages
    assert [(m.body, m.public) for m in messages][-1] == ("It left our warehouse today.", True)


def test_an_internal_note_lands_and_looks_different(desk, client, hub):
    page = post_form(client, f"{desk['url']}/reply",
                     {"body": "Courier says the van broke down.", "visibility": "internal"},
                     page=desk["url"]).text
    assert "Internal note added." in page
    note = page.split('class="msg msg-note"', 1)[1].split("</li>", 1)[0]
    assert "Courier says the van broke down." in note and "Internal note" in note
    messages = get_ticket(hub.uows, desk["rep"].agent, desk["id"]).messages
    assert messages[-1].public is False


def test_an_empty_reply_is_explained_and_nothing_is_stored(desk, client, hub):
    page = post_form(client, f"{desk['url']}/reply", {"body": "   ", "visibility": "public"},
                     page=desk["url"])
    assert page.status_code == 422
    assert "the message is empty" in page.text
    assert len(get_ticket(hub.uows, desk["rep"].agent, desk["id"]).messages) == 1


def test_status_and_priority_change_and_show_in_the_history(desk, client, hub):
    page = post_form(client, f"{desk['url']}/update",
                     {"status": "pending", "was_status": "new", "priority": "high",
                      "was_priority": "normal", "assignee": "", "was_assignee": ""},
                     page=desk["url"])
    assert page.status_code == 200
    assert "Ticket updated." in page.text
    ticket = get_ticket(hub.uows, desk["rep"].agent, desk["id"]).ticket
    assert (ticket.status, ticket.priority.value) == (Status.PENDING, "high")
    history = page.text.split('id="history"', 1)[1]
    assert 'Status: <span class="before">new</span> → <span class="after">pending</span>' \
        in history
    assert 'Priority: <span class="before">normal</span> → <span class="after">high</span>' \
        in history


def test_an_agent_corrects_the_category_and_the_next_model_learns_it(desk, client, hub):
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.tickets import training_examples

    form = {"status": "new", "was_status": "new", "priority": "normal",
            "was_priority": "normal", "assignee": "", "was_assignee": ""}
    page = post_form(client, f"{desk['url']}/update",
                     {**form, "category": "  lost   parcel ", "was_category": ""},
                     page=desk["url"])
    assert "Ticket updated." in page.text
    assert 'Category: <span class="before">none</span> → <span class="after">lost parcel' \
        in page.text
    assert get_ticket(hub.uows, desk["rep"].agent, desk["id"]).ticket.category == "lost parcel"
    assert training_examples(hub.uows, LOCAL_OPERATOR) == [
        ("Parcel never arrived\nWhere is my order 4411?", "lost parcel")]
    unchanged = post_form(client, f"{desk['url']}/update",
                          {**form, "category": "lost parcel", "was_category": "lost parcel"},
                          page=desk["url"])
    assert "Nothing was changed." in unchanged.text
    post_form(client, f"{desk['url']}/update",
              {**form, "category": "", "was_category": "lost parcel"}, page=desk["url"])
    assert get_ticket(hub.uows, desk["rep"].agent, desk["id"]).ticket.category is None


def test_an_illegal_transition_is_a_readable_message(desk, client, hub):
    rep = desk["rep"].agent
    change_status(hub.uows, rep, desk["id"], Status.SOLVED)
    change_status(hub.uows, rep, desk["id"], Status.CLOSED)
    page = post_form(client, f"{desk['url']}/update",
                     {"status": "open", "was_status": "closed"}, page=desk["url"])
    assert page.status_code == 409
    assert "a closed ticket cannot become open" in page.text
    assert 'class="flash flash-error" role="alert"' in page.text
    assert "Traceback" not in page.text
    assert get_ticket(hub.uows, rep, desk["id"]).ticket.status is Status.CLOSED


def test_assign_to_me_and_unchanged_forms(desk, client, hub):
    rep = desk["rep"].agent
    page = post_form(client, f"{desk['url']}/update",
                     {"assignee": str(rep.id), "was_assignee": ""}, page=desk["url"])
    assert "Ticket updated." in page.text
    assert get_ticket(hub.uows, rep, desk["id"]).ticket.assignee_id == rep.id
    assert "changed the assignment" in page.text
    page = post_form(client, f"{desk['url']}/update",
                     {"status": "open", "was_status": "open", "assignee": str(rep.id),
                      "was_assignee": str(rep.id)}, page=desk["url"])
    assert "Nothing was changed." in page.text


def test_a_representative_cannot_hand_work_to_someone_else(desk, client, hub):
    colleague = factories.staff(hub, teams=(desk["team"],))
    page = post_form(client, f"{desk['url']}/update",
                     {"assignee": str(colleague.agent.id), "was_assignee": ""},
                     page=desk["url"])
    assert page.status_code == 403
    assert "representatives may assign tickets to themselves only" in page.text
    assert get_ticket(hub.uows, desk["rep"].agent, desk["id"]).ticket.assignee_id is None


def test_another_teams_ticket_is_not_found(desk, client, hub):
    other_team = factories.team(hub, "Billing")
    admin = factories.staff(hub, Role.ADMIN)
    hidden = factories.ticket(hub, admin.agent, subject="Invoice question",
                              team_id=other_team.id).ticket.id
    page = client.get(f"/tickets/{hidden}")
    assert page.status_code == 404
    assert "Invoice question" not in page.text
    response = post_form(client, f"/tickets/{hidden}/reply", {"body": "Peek"})
    assert response.status_code == 404
    assert len(get_ticket(hub.uows, admin.agent, hidden).messages) == 1
    assert client.get("/tickets/999999").status_code == 404


def test_an_id_longer_than_any_column_holds_is_a_page_not_found(desk, client):
    too_long = "9" * 20
    for path in (f"/tickets/{too_long}", f"/customers/{too_long}",
                 f"/attachments/{too_long}", f"/organisations/{too_long}",
                 f"/tickets/{desk['id']}/messages/{too_long}/email"):
        assert client.get(path).status_code == 404, path


def test_message_bodies_are_escaped_and_html_bodies_never_rendered(desk, client, hub):
    rep = desk["rep"].agent
    detail, _ = open_ticket(hub.uows, rep, NewTicket(
        subject="<img src=x onerror=alert(1)>", body="Hi <script>alert('pwned')</script>",
        requester_email="mallory@example.com", requester_name="<b>Mallory</b>",
        body_html="<p>FANCY<script>alert(2)</script></p>", team_id=desk["team"].id))
    page = client.get(f"/tickets/{detail.ticket.id}").text
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>Mallory" not in page
    assert "Hi &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "FANCY" not in page
    listing = client.get("/tickets?view=all").text
    assert "<img src=x" not in listing and "&lt;img src=x onerror=alert(1)&gt;" in listing


def test_a_liaison_may_only_add_notes(hub, client):
    department = factories.department(hub, "Finance")
    admin = factories.staff(hub, Role.ADMIN)
    liaison = factories.staff(hub, Role.LIAISON, departments=(department,), with_password=True)
    detail = factories.ticket(hub, admin.agent, subject="Refund approval")
    update_ticket(hub.uows, admin.agent, detail.ticket.id, TicketChanges(
        frozenset({"department_id"}), department_id=department.id))
    sign_in(client, liaison.agent)
    url = f"/tickets/{detail.ticket.id}"
    page = client.get(url).text
    assert 'value="public"' not in page and 'action="' + url + '/update"' not in page
    page = post_form(client, f"{url}/reply", {"body": "Approved."}, page=url)
    assert page.status_code == 403
    assert "internal notes only" in page.text
    page = post_form(client, f"{url}/reply", {"body": "Approved.", "visibility": "internal"},
                     page=url)
    assert "Internal note added." in page.text


def test_the_page_shows_the_tickets_sla_clocks_with_business_time_left(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    hub.app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        "normal": {"first_response": 120, "resolution": 600}}})
    detail = factories.ticket(hub, admin, subject="Late parcel")
    sign_in(client, admin)
    page = client.get(f"/tickets/{detail.ticket.id}")
    assert page.status_code == 200
    assert "First response" in page.text and "Resolution" in page.text
    assert "1 h 59 min left in business time" in page.text or \
        "2 h 0 min left in business time" in page.text
