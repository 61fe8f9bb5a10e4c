"""GET /api/v1/tickets/{id}/satisfaction on both databases: the survey a solved ticket's
notice offered and the customer's answer, for whoever may see the ticket."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.satisfaction import Rating
from tests import factories
from tests.api.test_satisfaction_report_api import _survey

OFFERED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PROBLEM = "application/problem+json"


def _url(ticket_id: int) -> str:
    return f"/api/v1/tickets/{ticket_id}/satisfaction"


@pytest.fixture
def desk(hub):
    north, south = factories.team(hub, "North"), factories.team(hub, "South")
    return {"north": north, "south": south, "admin": factories.staff(hub, Role.ADMIN),
            "ann": factories.staff(hub, teams=(north,)),
            "bob": factories.staff(hub, teams=(south,))}


def test_the_answer_is_read_with_its_credit_and_the_customers_words_masked(client, hub, desk):
    ticket_id = _survey(hub, desk, "ann", "north", OFFERED,
                        (Rating.BAD, "Slow. My card 4111 1111 1111 1111 was charged twice"))
    answer = client.get(_url(ticket_id), headers=desk["ann"].headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body == {
        "ticket_id": ticket_id, "offered_at": "2026-06-01T09:00:00Z",
        "agent_id": desk["ann"].agent.id, "team_id": desk["north"].id, "rating": "bad",
        "comment": body["comment"], "rated_at": "2026-06-01T10:00:00Z"}
    assert body["comment"].startswith("Slow. My card ")
    assert "4111 1111 1111 1111" not in body["comment"]


def test_an_unanswered_survey_has_no_rating_yet(client, hub, desk):
    ticket_id = _survey(hub, desk, "ann", "north", OFFERED)
    body = client.get(_url(ticket_id), headers=desk["admin"].headers).json()
    assert (body["rating"], body["comment"], body["rated_at"]) == (None, None, None)


def test_no_survey_or_a_ticket_out_of_sight_is_not_found(client, hub, desk):
    theirs = _survey(hub, desk, "bob", "south", OFFERED, (Rating.GOOD, None))
    unsolved = factories.ticket(hub, desk["admin"].agent, team_id=desk["north"].id).ticket
    hidden = client.get(_url(theirs), headers=desk["ann"].headers)
    assert hidden.status_code == 404 and hidden.headers["content-type"].startswith(PROBLEM)
    none = client.get(_url(unsolved.id), headers=desk["ann"].headers)
    assert none.status_code == 404
    assert none.json()["detail"] == f"no satisfaction survey was offered for ticket " \
                                    f"#{unsolved.id}"
    assert client.get(_url(theirs)).status_code == 401
