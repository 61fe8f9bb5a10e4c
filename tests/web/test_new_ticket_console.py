"""A ticket opened from the console for a caller known by phone only, and a known customer
found by name, e-mail or phone, on both databases."""

from __future__ import annotations

import html
import re

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.customers import IdentityKind
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.tickets import Channel
from hubdesk.services.directory import CustomerInput
from hubdesk.services.tickets import NewTicket
from tests import factories
from tests.web.pages import post_form, sign_in


@pytest.fixture
def lead(hub, client):
    team = factories.team(hub, "Front")
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(team,), with_password=True).agent
    sign_in(client, lead)
    return lead


def _opened(hub, lead, answer):
    found = re.search(r"/tickets/(\d+)$", str(answer.url))
    assert found, answer.text
    return hub.app.tickets.get(lead, int(found.group(1)))


def test_a_caller_without_e_mail_is_added_by_phone_number_and_name(hub, client, lead):
    answer = post_form(client, "/tickets/new", {
        "contact": "phone", "phone": "+44 161 555-0100", "name": "Pat Caller",
        "subject": "Boiler broken", "body": "No hot water since Monday."}, page="/tickets/new")
    assert "opened for Pat Caller" in answer.text
    detail = _opened(hub, lead, answer)
    assert detail.ticket.channel is Channel.PHONE
    pat = hub.app.directory.customer(lead, detail.ticket.requester_id)
    assert [(i.kind, i.value) for i in pat.identities] == [(IdentityKind.PHONE,
                                                            "+441615550100")]
    assert pat.primary_email is None
    again = post_form(client, "/tickets/new", {
        "contact": "phone", "phone": "+44 (161) 5550100", "subject": "Still broken",
        "body": "Calling again."}, page="/tickets/new")
    assert _opened(hub, lead, again).ticket.requester_id == pat.id  # found by the number


def test_a_new_caller_by_phone_needs_a_name_and_a_real_number(hub, client, lead):
    before = len(hub.app.directory.customers(lead))
    nameless = post_form(client, "/tickets/new", {
        "contact": "phone", "phone": "0161 555 0199", "subject": "Boiler",
        "body": "Broken."}, page="/tickets/new")
    assert nameless.status_code == 422
    message = html.unescape(nameless.text.split('id="nt-name-error">', 1)[1].split("<", 1)[0])
    assert message == "a new customer known by phone only needs a name"
    short = post_form(client, "/tickets/new", {
        "contact": "phone", "phone": "12", "name": "Pat", "subject": "Boiler",
        "body": "Broken."}, page="/tickets/new")
    assert short.status_code == 422
    assert "'12' is not a phone number" in html.unescape(
        short.text.split('id="nt-phone-error">', 1)[1].split("<", 1)[0])
    assert 'value="0161 555 0199"' in nameless.text  # what was typed stays
    assert len(hub.app.directory.customers(lead)) == before


def test_an_e_mail_address_wins_over_a_phone_number(hub, client, lead):
    answer = post_form(client, "/tickets/new", {
        "contact": "email", "email": "kim@example.com", "phone": "0161 555 0100",
        "subject": "Forwarded", "body": "See below."}, page="/tickets/new")
    kim = _opened(hub, lead, answer).requester
    assert kim.primary_email == "kim@example.com"


def test_the_use_case_opens_a_ticket_for_a_phone_number(hub):
    rep = factories.staff(hub).agent
    detail, created = hub.app.tickets.open(rep, NewTicket(
        subject="Walk-in", body="At the desk.", requester_phone="00 33 1 23 45 67 89",
        requester_name="Léa", channel=Channel.PHONE))
    assert created and detail.requester.name == "Léa"
    assert [i.value for i in detail.requester.identities] == ["+33123456789"]
    with pytest.raises(ValidationFailed) as refused:
        hub.app.tickets.open(rep, NewTicket(subject="x", body="y"))
    assert refused.value.fields == {"requester": "missing"}


def test_a_known_customer_is_found_by_name_e_mail_or_phone(hub, client, lead):
    ann = hub.app.directory.create_customer(lead, CustomerInput(
        frozenset({"name", "emails", "phones"}), name="Ann Example",
        emails=("ann@example.com",), phones=("+44 20 7946 0000",)))
    hub.app.directory.create_customer(lead, CustomerInput(
        frozenset({"name", "emails"}), name="Bob Other", emails=("bob@example.com",)))
    link = f'href="/tickets/new?customer={ann.id}&amp;contact=walk_in"'
    for query in ("ann ex", "ANN@exam", "+44 20 7946", "020"):
        page = client.get("/tickets/new", params={"q": query, "contact": "walk_in"})
        if query == "020":  # a national spelling is not the stored international one
            assert link not in page.text and "No known customer matches" in page.text
            continue
        assert link in page.text, query
        assert "Bob Other" not in page.text
    fragment = client.get("/tickets/new/customers", params={"q": "bob"})
    assert fragment.text.lstrip().startswith('<div id="customer-matches"')
    assert "Open a ticket for Bob Other" in fragment.text and "<html" not in fragment.text
    chosen = client.get(f"/tickets/new?customer={ann.id}&contact=walk_in")
    assert f'name="customer_id" value="{ann.id}"' in chosen.text
    assert "ann@example.com · +442079460000" in chosen.text
    assert 'value="walk_in" checked' in chosen.text
    answer = post_form(client, "/tickets/new", {
        "contact": "walk_in", "customer_id": str(ann.id), "subject": "At the counter",
        "body": "Came in with the parcel."}, page="/tickets/new")
    assert _opened(hub, lead, answer).ticket.requester_id == ann.id


def test_the_search_field_offers_typeahead(client, lead):
    page = client.get("/tickets/new").text
    assert 'role="search" aria-label="Find a known customer"' in page
    assert 'hx-get="/tickets/new/customers"' in page and 'hx-target="#customer-matches"' in page
