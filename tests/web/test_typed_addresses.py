"""Console addresses typed or edited by hand: a page cursor the server never handed out, a day
at the calendar's ends. Each is a page saying what is wrong, never a server error."""

from __future__ import annotations

from datetime import date

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.customers import Organisation, Tier
from hubdesk.services.directory import CustomerInput
from tests import factories
from tests.web.pages import post_form, sign_in

BAD_CURSORS = ["-1", "*", "[]", "2026-01-01", "x" * 300]


@pytest.fixture
def signed_in_admin(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    sign_in(client, admin)
    return admin


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_a_customer_or_organisation_page_refuses_a_cursor_it_never_handed_out(
        hub, client, signed_in_admin, cursor):
    ticket = factories.ticket(hub, signed_in_admin, email="nora@acme.example").ticket
    acme = hub.app.directory.create_organisation(signed_in_admin, Organisation(
        None, "Acme Logistics", ("acme.example",), Tier.PREMIUM, ""))
    hub.app.directory.update_customer(signed_in_admin, ticket.requester_id, CustomerInput(
        frozenset({"organisation_id"}), organisation_id=acme.id))
    for page in (f"/customers/{ticket.requester_id}", f"/organisations/{acme.id}"):
        refused = client.get(page, params={"cursor": cursor})
        assert refused.status_code == 422, page
        assert "cursor is not one this server handed out" in refused.text
        assert client.get(page).status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01"])
def test_the_workforce_page_names_the_days_it_plans(client, signed_in_admin, day):
    refused = client.get("/workforce", params={"day": day})
    assert refused.status_code == 422
    assert "choose a day from 2000-01-01 to 2099-12-31" in refused.text
    assert client.get("/workforce", params={"day": "2099-12-31"}).status_code == 200


def test_a_week_or_a_shift_outside_the_planned_days_is_refused_beside_its_field(
        hub, client, signed_in_admin):
    team = factories.team(hub, "Front")
    rep = factories.staff(hub, teams=(team,)).agent
    week = post_form(client, "/workforce/schedules", {
        "team_id": str(team.id), "day": "0001-01-01", "generate": "yes"}, page="/workforce")
    assert week.status_code == 422 and "choose a day from 2000-01-01" in week.text
    started = post_form(client, "/workforce/schedules", {
        "team_id": str(team.id), "day": "2099-12-31", "generate": "no"}, page="/workforce",
        follow=False)
    assert started.status_code == 303
    schedule = hub.app.workforce.week(signed_in_admin, team.id, date(2099, 12, 31))
    assert schedule is not None
    shift = post_form(client, f"/workforce/schedules/{schedule.id}/shifts", {
        "team_id": str(team.id), "day": "2099-12-31", "agent_id": str(rep.id),
        "starts_at": "9999-12-31T09:00", "ends_at": "9999-12-31T17:00"}, page="/workforce")
    assert shift.status_code == 422 and "choose a day from 2000-01-01" in shift.text
    assert hub.app.workforce.schedule(signed_in_admin, schedule.id).shifts == ()
