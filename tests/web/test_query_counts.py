"""Console pages ask the database a fixed number of questions, however long the list."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from hubdesk.services.tickets import add_message
from tests import factories
from tests.web.pages import sign_in


@contextmanager
def count_queries(engine):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SET")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _count(hub, client, url: str) -> int:
    with count_queries(hub.engine) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_queue_costs_the_same_for_two_tickets_or_twenty(hub, client):
    team = factories.team(hub)
    rep = factories.staff(hub, teams=(team,), with_password=True)
    for i in range(2):
        factories.ticket(hub, rep.agent, subject=f"First {i}", email=f"a{i}@example.com",
                         team_id=team.id)
    sign_in(client, rep.agent)
    few = _count(hub, client, "/tickets?view=team")
    for i in range(18):
        factories.ticket(hub, rep.agent, subject=f"More {i}", email=f"b{i}@example.com",
                         team_id=team.id)
    assert _count(hub, client, "/tickets?view=team") == few
    assert "COUNT(" not in " ".join(_statements(hub, client, "/tickets?view=all")).upper()


def _statements(hub, client, url: str) -> list[str]:
    with count_queries(hub.engine) as statements:
        client.get(url)
    return statements


def test_the_ticket_page_costs_the_same_for_a_short_or_long_conversation(hub, client):
    team = factories.team(hub)
    rep = factories.staff(hub, teams=(team,), with_password=True)
    ticket_id = factories.ticket(hub, rep.agent, team_id=team.id).ticket.id
    sign_in(client, rep.agent)
    short = _count(hub, client, f"/tickets/{ticket_id}")
    for i in range(10):
        add_message(hub.uows, rep.agent, ticket_id, f"Reply {i}", public=i % 2 == 0)
    assert _count(hub, client, f"/tickets/{ticket_id}") == short


def test_the_control_room_and_at_risk_pages_cost_the_same_for_few_or_many(hub, client):
    from datetime import UTC, datetime

    from hubdesk.domain.agents import Role
    from tests.routing_desk import agent, configure, ticket

    # the control room's forecast is worked out on every read here, as the at-risk page's is
    hub.settings = hub.settings.model_copy(update={"console_forecast_max_age_s": 0})
    admin = configure(hub).agent
    hub.app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        "normal": {"first_response": 60, "resolution": 480}}})
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    agent(hub, coordinator.agent, {"returns": 3})
    now = datetime.now(UTC)
    teams = [factories.team(hub, f"Team {n}") for n in range(3)]

    def open_some(count: int) -> None:
        for n in range(count):
            opened = ticket(hub, admin, at=now)
            from hubdesk.services.tickets import TicketChanges

            hub.app.tickets.update(admin, opened.ticket.id, TicketChanges(
                fields_set=frozenset({"team_id"}), team_id=teams[n % 3].id))

    def counts() -> dict[str, int]:
        # Each page once first: the first read after a settings change (a profile added)
        # loads the settings again, once, whatever the number of tickets.
        for url in ("/control", "/at-risk"):
            _count(hub, client, url)
        return {url: _count(hub, client, url) for url in ("/control", "/at-risk")}

    open_some(2)
    sign_in(client, coordinator.agent)
    few = counts()
    open_some(12)
    agent(hub, coordinator.agent, {"billing": 3}, capacity=1)
    assert counts() == few


def test_the_ticket_page_costs_the_same_for_a_customer_with_one_other_ticket_or_many(hub,
                                                                                      client):
    team = factories.team(hub)
    rep = factories.staff(hub, teams=(team,), with_password=True)
    email = "sam@example.com"
    ticket_id = factories.ticket(hub, rep.agent, email=email, team_id=team.id).ticket.id
    factories.ticket(hub, rep.agent, subject="Other 0", email=email, team_id=team.id)
    sign_in(client, rep.agent)
    one = _count(hub, client, f"/tickets/{ticket_id}")
    for i in range(1, 12):
        factories.ticket(hub, rep.agent, subject=f"Other {i}", email=email, team_id=team.id)
    assert _count(hub, client, f"/tickets/{ticket_id}") == one


def test_the_customer_and_organisation_pages_cost_the_same_for_few_or_many(hub, client):
    from hubdesk.domain.agents import Role
    from hubdesk.domain.customers import Organisation, Tier
    from hubdesk.services.directory import CustomerInput

    admin = factories.staff(hub, Role.ADMIN, with_password=True)
    acme = hub.app.directory.create_organisation(admin.agent, Organisation(
        None, "Acme Logistics", ("acme.example",), Tier.PREMIUM, "Key account"))

    def open_for(email: str, subject: str) -> int:
        requester_id = factories.ticket(hub, admin.agent, subject=subject,
                                        email=email).ticket.requester_id
        hub.app.directory.update_customer(admin.agent, requester_id, CustomerInput(
            frozenset({"organisation_id"}), organisation_id=acme.id))
        return requester_id

    customer_id = open_for("hal@acme.example", "First")
    open_for("ivy@acme.example", "Second")
    sign_in(client, admin.agent)
    pages = (f"/customers/{customer_id}", f"/organisations/{acme.id}")
    for url in pages:  # the first read after a settings change loads them once
        _count(hub, client, url)
    few = {url: _count(hub, client, url) for url in pages}
    for i in range(8):
        open_for("hal@acme.example", f"More {i}")
        open_for(f"new{i}@acme.example", f"Colleague {i}")
    assert {url: _count(hub, client, url) for url in pages} == few
