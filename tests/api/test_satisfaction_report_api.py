"""GET /api/v1/reports/satisfaction on both databases: the surveys offered in a window and how
customers answered them, for the desk and per agent and team credited; comments as the
reader may see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.satisfaction import Rating
from hubdesk.domain.tickets import Channel, Status
from hubdesk.services.tickets import NewTicket, open_ticket
from tests import factories

URL = "/api/v1/reports/satisfaction"
PROBLEM = "application/problem+json"
OFFERED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
# 1 June 2026 from midnight UTC to midnight in Berlin (22:00 UTC): every offer below but one
WINDOW = {"since": "2026-06-01T00:00:00Z", "until": "2026-06-02T00:00:00+02:00"}


@pytest.fixture
def desk(hub):
    north, south = factories.team(hub, "North"), factories.team(hub, "South")
    return {
        "north": north, "south": south,
        "admin": factories.staff(hub, Role.ADMIN),
        "manager": factories.staff(hub, Role.MANAGER),
        "ann": factories.staff(hub, teams=(north, south)),
        "bob": factories.staff(hub, teams=(south,)),
    }


def _survey(hub, desk, agent, team, offered, *answers, email="customer@example.com"):
    """An e-mail ticket of ``team`` solved by ``agent``, its survey offered at ``offered`` and
    answered in turn with each (rating, comment) of ``answers``, an hour apart."""
    admin = desk["admin"].agent
    detail, _ = open_ticket(hub.uows, admin, NewTicket(
        subject="Parcel never arrived", body="Where is my order?", requester_email=email,
        channel=Channel.EMAIL, team_id=desk[team].id), now=offered - timedelta(hours=2))
    ticket_id = detail.ticket.id
    hub.app.tickets.assign(admin, ticket_id, desk[agent].agent.id,
                           now=offered - timedelta(hours=1))
    hub.app.tickets.change_status(admin, ticket_id, Status.SOLVED, now=offered)
    token = hub.app.satisfaction.offer(admin, ticket_id, now=offered)
    for n, (rating, comment) in enumerate(answers, start=1):
        hub.app.satisfaction.answer(token, rating, comment, now=offered + timedelta(hours=n))
    return ticket_id


@pytest.fixture
def surveys(hub, desk):
    """Six surveys: five offered on 1 June 2026 (Ann's in North and South, Bob's in South)
    and one the evening before."""
    at = [OFFERED + timedelta(minutes=10 * n) for n in range(5)]
    return {
        "ann_good": _survey(hub, desk, "ann", "north", at[0], (Rating.GOOD, "Quick and kind")),
        "ann_bad": _survey(hub, desk, "ann", "north", at[1], (Rating.BAD, "Too slow")),
        "ann_silent": _survey(hub, desk, "ann", "south", at[2]),
        # a customer who changes their mind counts once, with their latest answer
        "bob_changed": _survey(hub, desk, "bob", "south", at[3], (Rating.BAD, None),
                               (Rating.GOOD, "Sorted after all")),
        "bob_good": _survey(hub, desk, "bob", "south", at[4], (Rating.GOOD, None)),
        "before": _survey(hub, desk, "bob", "north", datetime(2026, 5, 31, 21, 59, 59,
                                                              tzinfo=UTC),
                          (Rating.BAD, "The day before")),
    }


def _figures(row):
    return {key: row[key] for key in ("offered", "answered", "good", "bad", "answered_share",
                                      "good_share")}


def _by(rows, key):
    return {row[key]: row for row in rows}


def test_the_figures_count_each_survey_once_per_agent_and_team(client, desk, surveys):
    response = client.get(URL, headers=desk["manager"].headers, params=WINDOW)
    assert response.status_code == 200, response.text
    body = response.json()
    assert datetime.fromisoformat(body["since"]) == datetime(2026, 6, 1, tzinfo=UTC)
    assert datetime.fromisoformat(body["until"]) == datetime(2026, 6, 1, 22, tzinfo=UTC)

    assert _figures(body["overall"]) == {"offered": 5, "answered": 4, "good": 3, "bad": 1,
                                         "answered_share": 0.8, "good_share": 0.75}
    agents = _by(body["agents"], "agent_id")
    ann, bob = desk["ann"].agent, desk["bob"].agent
    assert set(agents) == {ann.id, bob.id}
    assert agents[ann.id]["agent_name"] == ann.name and agents[bob.id]["agent_name"] == bob.name
    assert _figures(agents[ann.id]) == {"offered": 3, "answered": 2, "good": 1, "bad": 1,
                                        "answered_share": pytest.approx(2 / 3),
                                        "good_share": 0.5}
    assert _figures(agents[bob.id]) == {"offered": 2, "answered": 2, "good": 2, "bad": 0,
                                        "answered_share": 1.0, "good_share": 1.0}
    teams = _by(body["teams"], "team_id")
    north, south = desk["north"], desk["south"]
    assert {(row["team_id"], row["team_name"]) for row in body["teams"]} == {
        (north.id, "North"), (south.id, "South")}
    assert _figures(teams[north.id]) == {"offered": 2, "answered": 2, "good": 1, "bad": 1,
                                         "answered_share": 1.0, "good_share": 0.5}
    assert _figures(teams[south.id]) == {"offered": 3, "answered": 2, "good": 2, "bad": 0,
                                         "answered_share": pytest.approx(2 / 3),
                                         "good_share": 1.0}
    for row in [body["overall"], *body["agents"], *body["teams"]]:
        assert 0 <= row["answered_share"] <= 1 and 0 <= row["good_share"] <= 1

    # The comments left, latest first; the survey offered the day before is outside.
    assert [(c["ticket_id"], c["rating"], c["comment"], c["agent_id"], c["team_id"])
            for c in body["comments"]] == [
        (surveys["bob_changed"], "good", "Sorted after all", bob.id, south.id),
        (surveys["ann_bad"], "bad", "Too slow", ann.id, north.id),
        (surveys["ann_good"], "good", "Quick and kind", ann.id, north.id)]
    assert datetime.fromisoformat(body["comments"][0]["rated_at"]) == \
        OFFERED + timedelta(minutes=30, hours=2)


def test_the_window_takes_the_surveys_offered_in_it(client, desk, surveys):
    manager = desk["manager"].headers
    wider = client.get(URL, headers=manager, params={
        "since": "2026-05-31T21:59:59Z", "until": WINDOW["until"]}).json()
    assert _figures(wider["overall"]) == {"offered": 6, "answered": 5, "good": 3, "bad": 2,
                                          "answered_share": pytest.approx(5 / 6),
                                          "good_share": 0.6}
    assert "The day before" in [c["comment"] for c in wider["comments"]]
    # until is not included: the first offer at 09:00 only
    first = client.get(URL, headers=manager, params={
        "since": "2026-06-01T09:00:00Z", "until": "2026-06-01T09:10:00Z"}).json()
    assert (first["overall"]["offered"], first["overall"]["good"]) == (1, 1)


@pytest.mark.parametrize("window", [
    pytest.param({"since": "2026-06-02T00:00:00Z", "until": "2026-07-01T00:00:00Z"},
                 id="after-the-offers"),
    pytest.param({"since": "2026-05-01T00:00:00Z", "until": "2026-05-31T21:59:59Z"},
                 id="before-the-offers"),
    pytest.param({"since": "2026-07-01T00:00:00Z", "until": "2026-06-01T00:00:00Z"},
                 id="since-after-until"),
])
def test_a_window_without_the_offers_reports_nothing(client, desk, surveys, window):
    response = client.get(URL, headers=desk["admin"].headers, params=window)
    assert response.status_code == 200, response.text
    body = response.json()
    assert _figures(body["overall"]) == {"offered": 0, "answered": 0, "good": 0, "bad": 0,
                                         "answered_share": None, "good_share": None}
    assert (body["agents"], body["teams"], body["comments"]) == ([], [], [])


def test_a_team_lead_reads_the_comments_of_their_own_teams_only(hub, client, desk, surveys):
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(desk["north"],))
    response = client.get(URL, headers=lead.headers, params=WINDOW)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(c["ticket_id"], c["comment"]) for c in body["comments"]] == [
        (surveys["ann_bad"], "Too slow"), (surveys["ann_good"], "Quick and kind")]
    assert {c["team_id"] for c in body["comments"]} == {desk["north"].id}
    # the figures are the whole desk's; only the customers' own words are kept to the team
    assert body["overall"]["offered"] == 5

    south_lead = factories.staff(hub, Role.TEAM_LEAD, teams=(desk["south"],))
    south = client.get(URL, headers=south_lead.headers, params=WINDOW).json()
    assert [c["comment"] for c in south["comments"]] == ["Sorted after all"]
    teamless = factories.staff(hub, Role.TEAM_LEAD)
    assert client.get(URL, headers=teamless.headers, params=WINDOW).json()["comments"] == []
    coordinator = factories.staff(hub, Role.COORDINATOR)
    everything = client.get(URL, headers=coordinator.headers, params=WINDOW).json()
    assert len(everything["comments"]) == 3


def test_a_representative_is_refused(client, desk, surveys):
    refused = client.get(URL, headers=desk["ann"].headers, params=WINDOW)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert refused.json()["status"] == 403
    assert "Quick and kind" not in refused.text
    assert client.get(URL, params=WINDOW).status_code == 401


@pytest.mark.parametrize("query,field", [
    ({"since": "2026-06-01T00:00:00"}, "since"),
    ({"since": "2026-06-01T00:00:00Z", "until": "2026-06-02T00:00:00"}, "until"),
    ({"until": "0.5"}, "until"),
    ({"since": "yesterday"}, "since"),
])
def test_a_time_without_an_offset_or_not_a_time_is_refused(client, desk, surveys, query,
                                                            field):
    refused = client.get(URL, headers=desk["manager"].headers, params=query)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert refused.json()["errors"][0]["field"] == field
