"""Presence and "Get next" in every console page's header, for agents routing may give work
to: set from any page and back to it; "Get next" opens the ticket taken, or says why not on
the page the agent was on."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient

from hubdesk.bootstrap import assemble
from hubdesk.domain.agents import Role
from hubdesk.domain.routing import Presence
from hubdesk.server import create_app
from hubdesk.services.directory import AgentInput
from tests import factories
from tests.routing_desk import agent, configure, ticket
from tests.web.pages import csrf, sign_in
from tests.web.test_units_of_work import count_transactions


def _controls(page: str) -> str | None:
    if 'class="work-controls"' not in page:
        return None
    return page.split('class="work-controls"', 1)[1].split("</header>", 1)[0]


def _with_password(hub, person) -> None:
    hub.app.directory.update_agent(factories.staff(hub, Role.ADMIN).agent, person.agent.id,
                                   AgentInput(fields_set=frozenset({"password"}),
                                              password=factories.PASSWORD))


@pytest.fixture
def quiet(hub):
    """A desk that does not push: waiting work stays until someone takes it."""
    pull_only = assemble(hub.settings.model_copy(update={"routing_enabled": False}),
                         hub.engine)
    configure(pull_only)
    with TestClient(create_app(pull_only), raise_server_exceptions=False) as client:
        yield pull_only, client


def _post(client, path: str, back: str, data: dict[str, str] | None = None):
    return client.post(path, data={**(data or {}), "back": back,
                                   "csrf_token": csrf(client, "/tickets")})


def test_the_header_offers_presence_and_get_next_on_every_page_to_who_takes_work(quiet):
    hub, client = quiet
    coordinator = factories.staff(hub, Role.COORDINATOR)
    rep = agent(hub, coordinator.agent, {"billing": 3}, presence=Presence.ON_BREAK)
    _with_password(hub, rep)
    opened = ticket(hub, coordinator.agent)
    sign_in(client, rep.agent)
    rep_opened = hub.app.tickets.assign(coordinator.agent, opened.ticket.id, rep.agent.id)
    customer_id = rep_opened.requester.id
    for url in (f"/tickets/{opened.ticket.id}", f"/customers/{customer_id}", "/tickets",
                "/my-schedule", "/notifications"):
        controls = _controls(client.get(url).text)
        assert controls is not None, url
        assert '<option value="on_break" selected>On a break</option>' in controls, url
        assert 'action="/tickets/take-next"' in controls and ">Get next</button>" in controls
        assert f'name="back" value="{html.escape(url)}"' in controls, url


@pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.LIAISON])
def test_no_work_controls_for_who_routing_gives_no_work(hub, client, role):
    person = factories.staff(hub, role, with_password=True,
                             departments=(factories.department(hub),))
    sign_in(client, person.agent)
    page = client.get("/tickets").text
    assert _controls(page) is None and "Get next" not in page
    assert "My presence" not in page


def test_presence_set_from_a_ticket_page_comes_back_to_it(quiet):
    hub, client = quiet
    coordinator = factories.staff(hub, Role.COORDINATOR)
    rep = agent(hub, coordinator.agent, {"billing": 3}, presence=Presence.OFFLINE)
    _with_password(hub, rep)
    opened = ticket(hub, coordinator.agent)
    hub.app.tickets.assign(coordinator.agent, opened.ticket.id, rep.agent.id)
    sign_in(client, rep.agent)
    url = f"/tickets/{opened.ticket.id}"

    page = _post(client, "/presence", url, {"presence": "online"})

    assert page.url.path == url and "You are online now." in page.text
    assert '<option value="online" selected>Online</option>' in _controls(page.text)
    [line] = [line for line in hub.app.routing.board(coordinator.agent)
              if line.row.agent_id == rep.agent.id]
    assert line.row.presence == "online"
    assert _post(client, "/presence", "//elsewhere.example/x",
                 {"presence": "away"}).url.path == "/tickets"


def test_get_next_opens_the_ticket_taken_or_says_why_not_where_the_agent_was(quiet):
    hub, client = quiet
    coordinator = factories.staff(hub, Role.COORDINATOR)
    rep = agent(hub, coordinator.agent, {"billing": 3}, presence=Presence.OFFLINE)
    _with_password(hub, rep)
    waiting = ticket(hub, coordinator.agent)
    customer_url = f"/customers/{waiting.requester.id}"
    sign_in(client, rep.agent)

    refused = _post(client, "/tickets/take-next", customer_url)
    assert refused.url.path == customer_url
    assert "No ticket was taken: set your presence to online" in html.unescape(refused.text)
    assert hub.app.tickets.get(coordinator.agent, waiting.ticket.id).ticket.assignee_id is None

    hub.app.routing.set_presence(rep.agent, rep.agent.id, Presence.ONLINE)
    taken = _post(client, "/tickets/take-next", customer_url)
    assert taken.url.path == f"/tickets/{waiting.ticket.id}"
    assert f"You took #{waiting.ticket.id}: it is yours now." in taken.text
    assert hub.app.tickets.get(coordinator.agent, waiting.ticket.id).ticket.assignee_id \
        == rep.agent.id

    none_left = _post(client, "/tickets/take-next", taken.url.path)
    assert none_left.url.path == f"/tickets/{waiting.ticket.id}"
    assert "Nothing is waiting that you can take now." in none_left.text


def test_the_header_costs_no_unit_of_work_of_its_own(quiet):
    hub, client = quiet
    coordinator = factories.staff(hub, Role.COORDINATOR)
    rep = agent(hub, coordinator.agent, {"billing": 3})
    _with_password(hub, rep)
    opened = ticket(hub, coordinator.agent)
    hub.app.tickets.assign(coordinator.agent, opened.ticket.id, rep.agent.id)
    sign_in(client, rep.agent)
    for url in (f"/tickets/{opened.ticket.id}", f"/customers/{opened.requester.id}"):
        with count_transactions(hub.engine) as begun:
            page = client.get(url)
        assert _controls(page.text) is not None
        assert len(begun) == 2, url  # the session (with the presence) and the page
