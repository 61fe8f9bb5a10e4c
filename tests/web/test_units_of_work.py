"""One screen, one transaction: the ticket page and the API's ticket detail each read
everything they show in a single unit of work."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import event

from hubdesk.domain.agents import Role
from hubdesk.domain.permissions import TicketAction
from hubdesk.server import create_app
from hubdesk.services.auth import TokenCache
from tests import factories
from tests.web.pages import sign_in


@contextmanager
def count_transactions(engine) -> Iterator[list[int]]:
    begun: list[int] = []

    def record(connection) -> None:
        begun.append(1)

    event.listen(engine, "begin", record)
    try:
        yield begun
    finally:
        event.remove(engine, "begin", record)


def _busy_ticket(hub):
    team = factories.team(hub)
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(team,), with_password=True)
    detail = factories.ticket(hub, lead.agent, team_id=team.id)
    factories.ticket(hub, lead.agent, team_id=team.id, body="Where is my order? Still late.")
    hub.app.tickets.reply(lead.agent, detail.ticket.id, "We are on it.")
    hub.app.tickets.customer_wrote(detail.ticket.id, "Thanks, any news?")
    return lead, detail.ticket.id


def test_the_workspace_is_read_in_one_unit_of_work(hub):
    lead, ticket_id = _busy_ticket(hub)
    with count_transactions(hub.engine) as begun:
        space = hub.app.tickets.workspace(lead.agent, ticket_id)
    assert len(begun) == 1
    assert len(space.detail.messages) == 3 and space.history and space.agents
    assert TicketAction.MERGE in space.allowed


def test_the_ticket_page_opens_one_unit_of_work_besides_the_session_check(hub, client):
    lead, ticket_id = _busy_ticket(hub)
    sign_in(client, lead.agent)
    with count_transactions(hub.engine) as begun:
        page = client.get(f"/tickets/{ticket_id}")
    assert page.status_code == 200 and "We are on it." in page.text
    # One to recognise the signed-in agent's session, one for everything the page shows.
    assert len(begun) == 2


def test_the_api_ticket_detail_opens_one_unit_of_work(hub):
    lead, ticket_id = _busy_ticket(hub)
    # The token is verified once, then trusted for a minute, as a server does.
    cached = dataclasses.replace(hub, tokens=TokenCache(60))
    with TestClient(create_app(cached)) as client:
        assert client.get(f"/api/v1/tickets/{ticket_id}", headers=lead.headers).is_success
        with count_transactions(hub.engine) as begun:
            answer = client.get(f"/api/v1/tickets/{ticket_id}", headers=lead.headers)
    assert answer.status_code == 200 and len(begun) == 1
    assert "merge" in answer.json()["allowed_actions"]


def test_the_console_screens_each_open_one_unit_of_work_besides_the_session_check(hub, client):
    lead, ticket_id = _busy_ticket(hub)
    customer_id = hub.app.tickets.get(lead.agent, ticket_id).requester.id
    sign_in(client, lead.agent)
    for url in ("/tickets?view=all&status=any&sort=priority&tag=x&priority=high",
                "/tickets?view=all&older=3", f"/customers/{customer_id}", "/tickets/new",
                f"/tickets/new?customer={customer_id}"):
        with count_transactions(hub.engine) as begun:
            assert client.get(url).status_code == 200, url
        assert len(begun) == 2, url
