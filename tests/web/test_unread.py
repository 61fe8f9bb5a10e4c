"""Per-agent "Unread": a list row is unread for an agent while a customer message is newer than
the last message that agent read (opening the ticket's page, or writing on it)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.server import create_app
from hubdesk.services.views import TicketFilter
from tests import factories
from tests.web.pages import sign_in

UNREAD = '<span class="visually-hidden">Unread</span>'


def _row(page: str, ticket_id: int) -> str:
    return page.split(f'href="/tickets/{ticket_id}"')[1].split("</tr>")[0]


def test_a_ticket_is_unread_until_the_agent_opens_it_and_again_when_the_customer_writes(
        hub, client):
    team = factories.team(hub)
    rep = factories.staff(hub, teams=(team,), with_password=True)
    other = factories.staff(hub, teams=(team,))
    ticket_id = factories.ticket(hub, rep.agent, team_id=team.id).ticket.id
    sign_in(client, rep.agent)
    assert UNREAD in _row(client.get("/tickets?view=all").text, ticket_id)  # never opened

    assert client.get(f"/tickets/{ticket_id}").status_code == 200
    assert UNREAD not in _row(client.get("/tickets?view=all").text, ticket_id)
    # read by this agent only: the other agent has not opened it
    rows = hub.app.tickets.page(other.agent, _all(), limit=10).rows
    assert [r.unread for r in rows] == [True]

    hub.app.tickets.customer_wrote(ticket_id, "Any news about my parcel?")
    assert UNREAD in _row(client.get("/tickets?view=all").text, ticket_id)
    client.get(f"/tickets/{ticket_id}")
    assert UNREAD not in _row(client.get("/tickets?view=all").text, ticket_id)


def test_the_agents_own_reply_marks_what_came_before_read(hub):
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(factories.team(hub),))
    ticket_id = factories.ticket(hub, lead.agent).ticket.id
    hub.app.tickets.customer_wrote(ticket_id, "Hello? Anyone there?")
    assert hub.app.tickets.page(lead.agent, _all(), limit=10).rows[0].unread
    hub.app.tickets.reply(lead.agent, ticket_id, "We are on it.")
    assert not hub.app.tickets.page(lead.agent, _all(), limit=10).rows[0].unread
    hub.app.tickets.customer_wrote(ticket_id, "Thanks, and when will it come?")
    assert hub.app.tickets.page(lead.agent, _all(), limit=10).rows[0].unread


def test_an_agents_own_note_on_an_unanswered_ticket_is_no_customer_message(hub):
    admin = factories.staff(hub, Role.ADMIN)
    ticket_id = factories.ticket(hub, admin.agent).ticket.id
    hub.app.tickets.reply(admin.agent, ticket_id, "Checking the carrier.", public=False)
    assert not hub.app.tickets.page(admin.agent, _all(), limit=10).rows[0].unread


def test_the_mark_never_moves_back_and_a_second_agent_keeps_their_own(hub):
    admin, other = factories.staff(hub, Role.ADMIN), factories.staff(hub, Role.ADMIN)
    ticket_id = factories.ticket(hub, admin.agent).ticket.id
    later = hub.app.tickets.customer_wrote(ticket_id, "One more thing").id
    with hub.uows() as uow:
        uow.reads.mark(admin.agent.id, ticket_id, later, _now())
        uow.reads.mark(admin.agent.id, ticket_id, later - 1, _now())  # an older tab, later
        uow.reads.mark(other.agent.id, ticket_id, later - 1, _now())
        uow.commit()
    with hub.uows(write=False) as uow:
        assert uow.reads.last_read(admin.agent.id, ticket_id) == later
        assert uow.reads.last_read(other.agent.id, ticket_id) == later - 1
    assert not hub.app.tickets.page(admin.agent, _all(), limit=10).rows[0].unread
    assert hub.app.tickets.page(other.agent, _all(), limit=10).rows[0].unread


def test_customer_pages_and_the_api_list_say_unread_per_caller(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True)
    detail = factories.ticket(hub, admin.agent, email="una@example.com")
    read_one = factories.ticket(hub, admin.agent, subject="Second", email="una@example.com")
    sign_in(client, admin.agent)
    client.get(f"/tickets/{read_one.ticket.id}")
    page = client.get(f"/customers/{detail.requester.id}").text
    assert UNREAD in _row(page, detail.ticket.id)
    assert UNREAD not in _row(page, read_one.ticket.id)
    with TestClient(create_app(hub)) as api:
        items = api.get("/api/v1/tickets", headers=admin.headers).json()["items"]
    assert {i["id"]: i["unread"] for i in items} == {detail.ticket.id: True,
                                                     read_one.ticket.id: False}


def _all() -> TicketFilter:
    return TicketFilter()


def _now():
    return utcnow()
