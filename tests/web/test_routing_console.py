"""The console shows why a ticket was routed where it is, ranks the assignee picker by the
routing policy, and lets the signed-in agent set their presence."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from hubdesk.domain.agents import Role
from hubdesk.domain.routing import Presence
from hubdesk.services.tickets import NewTicket
from tests import factories
from tests.routing_desk import agent, configure, ticket
from tests.web.pages import post_form, sign_in

NEW = NewTicket(subject="Charged twice again", body="Please look at my invoice.",
                category="billing", requester_email="")


def _options(page: str) -> list[str]:
    select = page.split('<select id="assignee" name="assignee">', 1)[1].split("</select>")[0]
    return [html.unescape(o) for o in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_the_ticket_page_says_why_and_ranks_the_picker(hub, client):
    configure(hub)
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    expert = agent(hub, coordinator.agent, {"billing": 5}, languages=("en", "es"))
    agent(hub, coordinator.agent, {"billing": 3, "returns": 2, "technical": 1})
    agent(hub, coordinator.agent, {"returns": 5})
    opened = ticket(hub, coordinator.agent)
    assert opened.ticket.assignee_id == expert.agent.id
    sign_in(client, coordinator.agent)
    page = client.get(f"/tickets/{opened.ticket.id}").text
    panel = page.split('<section class="routing"', 1)[1].split("</section>", 1)[0]
    assert f"Routed to <strong>{expert.agent.name}</strong>" in panel
    assert panel.count("<tr><td>") == 2  # both billing agents, with their score parts
    assert "Left out: skill:billing&gt;=3 1" in panel
    options = _options(page)
    assert options[1].startswith(f"{coordinator.agent.name} (me)")
    assert options[2] == f"{expert.agent.name} — 1/10 units, online, fit 1.00, en, es"
    assert options[3].startswith("representative") and "fit 0.47" in options[3]
    assert "not eligible: skill" in options[4]


def test_an_agent_sets_their_presence_from_the_queue(hub, client):
    configure(hub)
    coordinator = factories.staff(hub, Role.COORDINATOR)
    rep = agent(hub, coordinator.agent, {"billing": 2}, presence=Presence.OFFLINE)
    person = factories.staff(hub, with_password=True)
    sign_in(client, person.agent)
    refused = post_form(client, "/presence", {"presence": "online"})
    assert "no routing profile" in refused.text
    client.cookies.clear()
    rep_login = hub.app.directory.agent(coordinator.agent, rep.agent.id)
    from hubdesk.services.directory import AgentInput

    hub.app.directory.update_agent(factories.staff(hub, Role.ADMIN).agent, rep.agent.id,
                                   AgentInput(fields_set=frozenset({"password"}),
                                              password=factories.PASSWORD))
    sign_in(client, rep_login)
    answer = post_form(client, "/presence", {"presence": "on_break"})
    assert answer.status_code == 200 and "You are on break now." in answer.text
    [line] = [line for line in hub.app.routing.board(coordinator.agent)
              if line.row.agent_id == rep.agent.id]
    assert line.row.presence == "on_break"


def _pull_only_client(hub):
    """A desk that does not push: waiting work stays until someone takes or routes it."""
    from fastapi.testclient import TestClient

    from hubdesk.bootstrap import assemble
    from hubdesk.server import create_app

    quiet = assemble(hub.settings.model_copy(update={"routing_enabled": False}), hub.engine)
    return quiet, TestClient(create_app(quiet), raise_server_exceptions=False)


def test_an_agent_takes_the_next_ticket_from_the_queue(hub):
    from tests.routing_desk import later

    quiet, client = _pull_only_client(hub)
    with client:
        configure(quiet)
        coordinator = factories.staff(quiet, Role.COORDINATOR)
        rep = agent(quiet, coordinator.agent, {"billing": 4}, presence=Presence.OFFLINE)
        normal = ticket(quiet, coordinator.agent)
        from hubdesk.domain.tickets import Priority

        urgent = ticket(quiet, coordinator.agent, priority=Priority.URGENT, at=later(1),
                        subject="Locked out of billing")
        _give_password(quiet, rep)
        sign_in(client, rep.agent)
        refused = post_form(client, "/tickets/take-next", {})
        assert "No ticket was taken: set your presence to online" in html.unescape(refused.text)
        quiet.app.routing.set_presence(rep.agent, rep.agent.id, Presence.ONLINE)
        taken = post_form(client, "/tickets/take-next", {})
        assert taken.url.path == f"/tickets/{urgent.ticket.id}"
        assert f"You took #{urgent.ticket.id}" in taken.text
        assert quiet.app.tickets.get(coordinator.agent, urgent.ticket.id).ticket.assignee_id \
            == rep.agent.id
        post_form(client, "/tickets/take-next", {})
        empty = post_form(client, "/tickets/take-next", {})
        assert "Nothing is waiting that you can take now." in empty.text
        assert quiet.app.tickets.get(coordinator.agent, normal.ticket.id).ticket.assignee_id \
            == rep.agent.id


def _give_password(hub, person) -> None:
    from hubdesk.services.directory import AgentInput

    hub.app.directory.update_agent(factories.staff(hub, Role.ADMIN).agent, person.agent.id,
                                   AgentInput(fields_set=frozenset({"password"}),
                                              password=factories.PASSWORD))


def test_a_coordinator_routes_a_waiting_ticket_now_and_locks_the_assignment(hub):
    quiet, client = _pull_only_client(hub)
    with client:
        configure(quiet)
        coordinator = factories.staff(quiet, Role.COORDINATOR, with_password=True)
        rep = agent(quiet, coordinator.agent, {"billing": 4})
        waiting = ticket(quiet, coordinator.agent)
        assert waiting.ticket.assignee_id is None
        sign_in(client, coordinator.agent)
        path = f"/tickets/{waiting.ticket.id}"
        page = client.get(path).text
        assert "Route now" in page and "Lock the assignment" in page
        routed = post_form(client, f"{path}/routing/route", {}, page=path)
        assert "Routed: see to whom and why below." in routed.text
        assert f"Routed to <strong>{rep.agent.name}</strong>" in routed.text
        locked = post_form(client, f"{path}/routing/lock", {"locked": "yes"}, page=path)
        assert "Locked: routing leaves this assignment alone." in locked.text
        assert "Unlock the assignment" in locked.text
        state, _ = quiet.app.routing.decisions(coordinator.agent, waiting.ticket.id)
        assert state is not None and state.locked
        unlocked = post_form(client, f"{path}/routing/lock", {"locked": "no"}, page=path)
        assert "Unlocked: routing may move this ticket again." in unlocked.text
        state, _ = quiet.app.routing.decisions(coordinator.agent, waiting.ticket.id)
        assert state is not None and not state.locked


def test_a_representative_cannot_lock_or_route_from_the_ticket_page(hub, client):
    configure(hub)
    coordinator = factories.staff(hub, Role.COORDINATOR)
    rep = agent(hub, coordinator.agent, {"billing": 4})
    opened = ticket(hub, coordinator.agent)
    _give_password(hub, rep)
    sign_in(client, rep.agent)
    path = f"/tickets/{opened.ticket.id}"
    page = client.get(path).text
    assert "Lock the assignment" not in page
    refused = post_form(client, f"{path}/routing/lock", {"locked": "yes"}, page=path)
    assert "Nothing changed: locking an assignment is for coordinators" in refused.text
    state, _ = hub.app.routing.decisions(coordinator.agent, opened.ticket.id)
    assert state is None or not state.locked


def test_a_coordinator_excludes_an_agent_on_the_customer_page_and_the_ticket_says_why(hub,
                                                                                     client):
    configure(hub)
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    disliked = agent(hub, coordinator.agent, {"billing": 5})
    other = agent(hub, coordinator.agent, {"billing": 3})
    first = ticket(hub, coordinator.agent)
    customer_id = first.ticket.requester_id
    sign_in(client, coordinator.agent)
    page = client.get(f"/customers/{customer_id}").text
    assert "Not to be served by" in page and f">{disliked.agent.name}</option>" in page

    done = post_form(client, f"/customers/{customer_id}/excluded-agents",
                     {"agent_id": str(disliked.agent.id), "reason": "Asked for someone else"},
                     page=f"/customers/{customer_id}")
    assert f"will not offer this customer&#39;s tickets to {disliked.agent.name}" in done.text
    assert "1 ticket they held was routed again." in done.text
    assert hub.app.tickets.get(coordinator.agent, first.ticket.id).ticket.assignee_id == \
        other.agent.id
    history = client.get(f"/tickets/{first.ticket.id}").text
    assert ("changed the assignment: the customer asked not to be served by "
            f"{disliked.agent.name} again") in history
    assert "Asked for someone else" in done.text
    refused = post_form(client, f"/customers/{customer_id}/excluded-agents",
                        {"agent_id": str(disliked.agent.id), "reason": ""},
                        page=f"/customers/{customer_id}")
    assert "Nobody was excluded: say why" in refused.text

    again = hub.app.tickets.open(coordinator.agent, replace(
        NEW, requester_email=first.requester.primary_email))[0]
    assert again.ticket.assignee_id == other.agent.id
    panel = client.get(f"/tickets/{again.ticket.id}").text.split(
        '<section class="routing"', 1)[1].split("</section>", 1)[0]
    assert (f"Not offered to <strong>{disliked.agent.name}</strong>: the customer asked not "
            "to be served by them again.") in panel

    lifted = post_form(client,
                       f"/customers/{customer_id}/excluded-agents/{disliked.agent.id}/remove",
                       {}, page=f"/customers/{customer_id}")
    assert "Exclusion lifted" in lifted.text
    assert hub.app.routing.excluded_agents(coordinator.agent, customer_id) == []


def test_the_customer_page_shows_no_exclusions_to_a_representative(hub, client):
    configure(hub)
    coordinator = factories.staff(hub, Role.COORDINATOR)
    person = factories.staff(hub, with_password=True)
    first = ticket(hub, coordinator.agent)
    hub.app.tickets.assign(coordinator.agent, first.ticket.id, person.agent.id)
    sign_in(client, person.agent)
    page = client.get(f"/customers/{first.ticket.requester_id}").text
    assert "Not to be served by" not in page
