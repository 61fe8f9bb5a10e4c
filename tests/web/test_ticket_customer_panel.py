"""The customer panel beside a ticket's conversation: who the requester is, their other open
tickets and their history, as far as the reader may see them."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from hubdesk.domain.customers import Organisation, Tier
from hubdesk.domain.tickets import Status
from hubdesk.services.directory import CustomerInput
from hubdesk.services.tickets import TicketChanges
from tests import factories
from tests.web.pages import sign_in


def _panel(page: str) -> str:
    return page.split('class="customer-panel"', 1)[1].split("</section>", 1)[0]


def _finish(hub, agent, ticket_id: int, status: Status) -> None:
    hub.app.tickets.update(agent, ticket_id, TicketChanges(frozenset({"status"}),
                                                           status=status))


def test_the_panel_names_the_customer_their_other_open_tickets_and_their_history(hub, client):
    team = factories.team(hub)
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(team,), with_password=True)
    admin = factories.staff(hub, Role.ADMIN)
    email = "nora@acme.example"
    here = factories.ticket(hub, lead.agent, subject="Invoice wrong", email=email,
                            team_id=team.id).ticket
    other = factories.ticket(hub, lead.agent, subject="Password reset", email=email,
                             team_id=team.id).ticket
    done = factories.ticket(hub, lead.agent, subject="Old delivery", email=email,
                            team_id=team.id).ticket
    _finish(hub, lead.agent, done.id, Status.SOLVED)
    factories.ticket(hub, lead.agent, subject="Someone else's", email="omar@else.example",
                     team_id=team.id)
    acme = hub.app.directory.create_organisation(admin.agent, Organisation(
        None, "Acme Logistics", ("acme.example",), Tier.PREMIUM, ""))
    hub.app.directory.update_customer(admin.agent, here.requester_id, CustomerInput(
        frozenset({"organisation_id", "tier"}), organisation_id=acme.id, tier=Tier.VIP))
    sign_in(client, lead.agent)

    panel = _panel(client.get(f"/tickets/{here.id}").text)

    assert f'<a href="/customers/{here.requester_id}">' in panel and "VIP" in panel
    assert f'<a href="/organisations/{acme.id}">Acme Logistics</a>' in panel
    open_part, history = panel.split('id="customer-history"', 1)
    assert f'<a href="/tickets/{other.id}">#{other.id} Password reset</a>' in open_part
    assert f"#{here.id} " not in open_part and "Old delivery" not in open_part
    assert f'<a href="/tickets/{done.id}">#{done.id} Old delivery</a>' in history
    assert "Solved" in history and "Password reset" not in history
    assert "3 tickets in all" in panel and "Someone else" not in panel


def test_past_five_open_tickets_the_panel_links_to_the_rest(hub, client):
    team = factories.team(hub)
    rep = factories.staff(hub, teams=(team,), with_password=True)
    opened = [factories.ticket(hub, rep.agent, subject=f"Question {i}",
                               email="pia@example.com", team_id=team.id).ticket
              for i in range(8)]
    sign_in(client, rep.agent)

    panel = _panel(client.get(f"/tickets/{opened[0].id}").text)

    assert panel.count('<li><a href="/tickets/') == 5
    assert f'<a href="/customers/{opened[0].requester_id}">2 more open</a>' in panel
    assert "8 tickets in all" in panel and "No solved or closed tickets yet." in panel


def test_tickets_outside_the_readers_teams_are_neither_listed_nor_counted(hub, client):
    mine, theirs = factories.team(hub), factories.team(hub)
    rep = factories.staff(hub, teams=(mine,), with_password=True)
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(mine, theirs))
    email = "quinn@example.com"
    here = factories.ticket(hub, lead.agent, subject="Mine", email=email,
                            team_id=mine.id).ticket
    factories.ticket(hub, lead.agent, subject="Hidden open", email=email, team_id=theirs.id)
    hidden = factories.ticket(hub, lead.agent, subject="Hidden solved", email=email,
                              team_id=theirs.id).ticket
    _finish(hub, lead.agent, hidden.id, Status.SOLVED)
    sign_in(client, rep.agent)

    panel = _panel(client.get(f"/tickets/{here.id}").text)

    assert "Hidden" not in panel and "more open" not in panel
    assert "1 ticket in all" in panel


def test_a_liaison_sees_only_its_departments_tickets_and_no_directory_links(hub, client):
    billing = factories.department(hub, "Billing")
    liaison = factories.staff(hub, Role.LIAISON, departments=(billing,), with_password=True)
    admin = factories.staff(hub, Role.ADMIN)
    email = "rita@example.com"
    here, handed, kept = (factories.ticket(hub, admin.agent, subject=subject, email=email).ticket
                          for subject in ("Refund", "Chargeback", "Not for billing"))
    for ticket in (here, handed):
        hub.app.tickets.update(admin.agent, ticket.id, TicketChanges(
            frozenset({"department_id"}), department_id=billing.id))
    sign_in(client, liaison.agent)

    panel = _panel(client.get(f"/tickets/{here.id}").text)

    assert f'<a href="/tickets/{handed.id}">#{handed.id} Chargeback</a>' in panel
    assert "Not for billing" not in panel and f"#{kept.id}" not in panel
    assert "/customers/" not in panel and "2 tickets in all" in panel
