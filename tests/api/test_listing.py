"""Ticket lists: keyset pages, filters, search, and a query count that does not grow."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from hubdesk.domain.agents import Role
from hubdesk.services.tickets import NewTicket, TicketChanges, open_ticket, update_ticket
from tests import factories


@contextmanager
def count_queries(engine):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _open(hub, agent, n, **values):
    return [open_ticket(hub.uows, agent, NewTicket(
        subject=f"Question {i}", body=f"Body {i}", requester_email=f"c{i % 7}@example.com",
        **values))[0].ticket.id for i in range(n)]


def test_cursor_pages_cover_everything_once_in_stable_order(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    ids = _open(hub, admin.agent, 23)
    seen, cursor = [], None
    while True:
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/tickets", params=params, headers=admin.headers).json()
        seen += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(ids, reverse=True)


def test_a_forged_cursor_is_422(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    response = client.get("/api/v1/tickets", params={"cursor": "garbage!!"},
                          headers=admin.headers)
    assert response.status_code == 422


def test_filters(hub, client):
    team = factories.team(hub)
    admin = factories.staff(hub, Role.ADMIN)
    rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(team,))
    in_team = _open(hub, admin.agent, 3, team_id=team.id)
    _open(hub, admin.agent, 2)
    update_ticket(hub.uows, admin.agent, in_team[0],
                  TicketChanges(frozenset({"assignee_id"}), assignee_id=rep.agent.id))

    def ids(**params):
        page = client.get("/api/v1/tickets", params=params, headers=admin.headers).json()
        return {t["id"] for t in page["items"]}

    assert ids(team=team.id) == set(in_team)
    assert ids(assignee=rep.agent.id) == {in_team[0]}
    assert ids(status="open") == {in_team[0]}
    assert ids(status=["new", "open"], team=team.id) == set(in_team)
    assert len(ids(assignee="none")) == 4
    mine = client.get("/api/v1/tickets", params={"assignee": "me"}, headers=rep.headers).json()
    assert [t["id"] for t in mine["items"]] == [in_team[0]]


def test_search_by_words_prefix_number_and_email(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    refund = open_ticket(hub.uows, admin.agent, NewTicket(
        subject="Refund for damaged kettle", body="The lid cracked on arrival",
        requester_email="Kettle.Owner@example.com", requester_name="Olga Petrova"))[0]
    other = open_ticket(hub.uows, admin.agent, NewTicket(
        subject="Password reset", body="Link expired", requester_email="x@example.com"))[0]

    def found(q):
        page = client.get("/api/v1/tickets", params={"q": q}, headers=admin.headers).json()
        return [t["id"] for t in page["items"]]

    assert found("kettle lid") == [refund.ticket.id]
    assert found("crack") == [refund.ticket.id]            # prefix of the last word
    assert found("petrova") == [refund.ticket.id]          # requester name
    assert found("kettle.owner@example.com") == [refund.ticket.id]
    assert found(f"#{other.ticket.id}") == [other.ticket.id]
    assert found("nothing-like-this") == []
    assert found('"unbalanced AND (OR * NEAR:') == []      # query syntax is inert


def test_list_query_count_does_not_grow_with_rows(hub, client, engine):
    admin = factories.staff(hub, Role.ADMIN)
    _open(hub, admin.agent, 3)
    client.get("/api/v1/teams", headers=admin.headers)  # the token's use of the minute noted
    with count_queries(engine) as few:
        client.get("/api/v1/tickets", headers=admin.headers)
    _open(hub, admin.agent, 40)
    with count_queries(engine) as many:
        page = client.get("/api/v1/tickets", headers=admin.headers).json()
    assert len(page["items"]) == 43
    assert len(many) == len(few)
    assert not any("count(" in q.lower() for q in many)
    assert len(many) <= 5  # token, agent, teams, departments, the page itself
