"""What opening a ticket asks of the database, on both databases: the API's intake runs this
path for every ticket, so a statement added to it shows here."""

from __future__ import annotations

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from hubdesk.services.tickets import NewTicket
from tests import factories
from tests.channels.email.test_filing_cost import statements_of

# On a desk under one SLA policy where nobody has a routing profile, a new customer's ticket,
# the desk's settings remembered from an earlier ticket: the customer looked up and created
# with the settings' token beside (one statement on PostgreSQL; SQLite reads the token
# apart), nobody routing (remembered with the settings: no roster is read), the ticket (one
# statement on PostgreSQL: ticket, message, search text, event, outbox), its two clocks,
# their history and the ticket's answer deadline.
OPENING_STATEMENTS = {"postgresql": 5, "sqlite": 13}  # SQLite: no one-statement writes


def _open(hub: Hub, agent, n: int):
    return hub.app.tickets.open(agent, NewTicket(
        subject=f"Where is my parcel {n}", body="It has not arrived.",
        requester_email=f"buyer{n}@example.com", requester_name="Ana Ruiz"))[0]


def test_opening_a_ticket_asks_only_what_it_needs(hub: Hub) -> None:
    agent = factories.staff(hub, Role.REPRESENTATIVE).agent
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.sla.create_policy(admin, {"name": "Everyone", "targets": {
        "normal": {"first_response": 60, "resolution": 480}}})
    _open(hub, agent, 0)  # reads the settings, which are remembered from then on

    with statements_of(hub) as asked:
        detail = _open(hub, agent, 1)
    # The answer shows the clocks the change started, as it wrote them: not read back.
    assert {view.target for view in detail.sla} == {"first_response", "resolution"}
    assert not [s for s in asked if s.startswith("SELECT ticket_sla_clocks")]
    assert not [s for s in asked if s.startswith(("SELECT rules.", "SELECT routing_config.",
                                                  "SELECT sla_policies."))]
    assert len(asked) == OPENING_STATEMENTS[hub.engine.dialect.name], "\n".join(asked)


def test_the_answer_shows_the_clocks_as_stored(hub: Hub) -> None:
    agent = factories.staff(hub, Role.REPRESENTATIVE).agent
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.sla.create_policy(admin, {"name": "Everyone", "targets": {
        "normal": {"first_response": 60, "resolution": 480}}})
    detail = _open(hub, agent, 1)
    assert detail.ticket.id is not None
    stored = hub.app.tickets.get(admin, detail.ticket.id).sla
    def shown(views):  # what is left is counted at the moment each was read
        return [{k: v for k, v in view.to_dict().items() if k != "business_seconds_left"}
                for view in views]

    assert shown(detail.sla) == shown(stored) and len(stored) == 2
