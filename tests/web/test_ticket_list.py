"""The queues: mine, unassigned, team, all; status filter, search and next-page links."""

from __future__ import annotations

import re

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Status
from hubdesk.services.tickets import assign, change_status
from tests import factories
from tests.web.pages import sign_in


@pytest.fixture
def desk(hub, client):
    """Two teams; a representative of the first, signed in, with one ticket of their own."""
    first, second = factories.team(hub, "Shipping"), factories.team(hub, "Billing")
    rep = factories.staff(hub, teams=(first,), with_password=True)
    mine = factories.ticket(hub, rep.agent, subject="Mine to answer", team_id=first.id)
    assign(hub.uows, rep.agent, mine.ticket.id, rep.agent.id)
    waiting = factories.ticket(hub, rep.agent, subject="Waiting for someone", team_id=first.id)
    admin = factories.staff(hub, Role.ADMIN)
    other = factories.ticket(hub, admin.agent, subject="Another team's worry",
                             team_id=second.id)
    sign_in(client, rep.agent)
    return {"rep": rep, "admin": admin, "mine": mine.ticket.id, "waiting": waiting.ticket.id,
            "other": other.ticket.id, "first": first, "second": second}


def subjects(html: str) -> list[str]:
    return re.findall(r'<td class="subject"><a href="/tickets/\d+">([^<]*)</a>', html)


def test_mine_is_the_default_view(desk, client):
    page = client.get("/tickets")
    assert page.status_code == 200
    assert subjects(page.text) == ["Mine to answer"]
    assert 'aria-current="page">Mine</a>' in page.text


def test_unassigned_shows_only_unassigned_tickets_in_reach(desk, client):
    assert subjects(client.get("/tickets?view=unassigned").text) == ["Waiting for someone"]


def test_team_view_shows_the_team_queue_named_after_the_team(desk, client):
    page = client.get("/tickets?view=team").text
    assert sorted(subjects(page)) == ["Mine to answer", "Waiting for someone"]
    assert "Shipping" in page
    # Asking for a team one is not in falls back to one's own team.
    page = client.get(f"/tickets?view=team&team={desk['second'].id}").text
    assert "Another team's worry" not in subjects(page)


def test_all_is_everything_the_service_lets_one_see(desk, client, hub):
    assert sorted(subjects(client.get("/tickets?view=all").text)) == [
        "Mine to answer", "Waiting for someone"]
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    client.cookies.clear()
    sign_in(client, coordinator.agent)
    assert len(subjects(client.get("/tickets?view=all").text)) == 3


def test_status_filter(desk, client, hub):
    change_status(hub.uows, desk["rep"].agent, desk["waiting"], Status.PENDING)
    change_status(hub.uows, desk["rep"].agent, desk["mine"], Status.SOLVED)
    assert subjects(client.get("/tickets?view=all&status=pending").text) == [
        "Waiting for someone"]
    assert subjects(client.get("/tickets?view=all").text) == ["Waiting for someone"]
    assert len(subjects(client.get("/tickets?view=all&status=any").text)) == 2
    assert subjects(client.get("/tickets?view=all&status=solved").text) == ["Mine to answer"]


def test_search_by_number_subject_word_and_requester(desk, client, hub):
    factories.ticket(hub, desk["rep"].agent, subject="Refund for broken kettle",
                     email="kettle.owner@example.com", team_id=desk["first"].id)
    assert subjects(client.get("/tickets?view=all&q=kettle").text) == [
        "Refund for broken kettle"]
    assert subjects(client.get(f"/tickets?view=all&q=%23{desk['waiting']}").text) == [
        "Waiting for someone"]
    assert subjects(client.get("/tickets?view=all&q=kettle.owner@example.com").text) == [
        "Refund for broken kettle"]
    empty = client.get("/tickets?view=all&q=zebra").text
    assert subjects(empty) == [] and "No tickets here match" in empty


def test_next_page_link_walks_the_whole_queue(desk, client, hub, monkeypatch):
    monkeypatch.setattr("hubdesk.web.queue.PAGE_SIZE", 1)
    seen, url = [], "/tickets?view=all&status=any"
    while url:
        page = client.get(url).text
        seen += subjects(page)
        found = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert sorted(seen) == ["Mine to answer", "Waiting for someone"]


def test_a_broken_cursor_is_explained_not_a_crash(desk, client):
    page = client.get("/tickets?view=all&cursor=garbage")
    assert page.status_code == 200
    assert "Start again from the first page" in page.text
