"""The console merges two records of one person from the customer page (find, confirm,
merge), the API does the same, and the organisation page lists its customers and their
tickets, on both databases."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from hubdesk.domain.customers import Organisation, Tier
from hubdesk.services.directory import CustomerInput
from tests import factories
from tests.web.pages import post_form, sign_in


def test_a_coordinator_finds_the_other_record_sees_what_moves_and_merges(hub, client):
    admin = factories.staff(hub, Role.ADMIN).agent
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    kept = factories.ticket(hub, admin, subject="Lost parcel", email="eve@home.example")
    other = factories.ticket(hub, admin, subject="Refund please", email="eve@work.example")
    kept_id, other_id = kept.ticket.requester_id, other.ticket.requester_id
    sign_in(client, coordinator.agent)
    page = client.get(f"/customers/{kept_id}").text
    assert f'href="/customers/{kept_id}/merge"' in page
    found = client.get(f"/customers/{kept_id}/merge", params={"q": "eve@work"}).text
    assert f'href="/customers/{kept_id}/merge?source_id={other_id}"' in found
    assert f"/merge?source_id={kept_id}" not in found  # never the record itself
    by_number = client.get(f"/customers/{kept_id}/merge", params={"q": f"#{other_id}"}).text
    assert f"source_id={other_id}" in by_number
    preview = client.get(f"/customers/{kept_id}/merge",
                         params={"source_id": str(other_id)}).text
    assert "eve@work.example" in preview and f"#{other.ticket.id} Refund please" in preview
    assert hub.app.directory.customer(admin, other_id)  # the preview changed nothing
    merged = post_form(client, f"/customers/{kept_id}/merge", {"source_id": str(other_id)},
                       page=f"/customers/{kept_id}/merge?source_id={other_id}")
    assert f"Customer #{other_id} merged into this one: 1 ticket moved." in merged.text
    assert "Refund please" in merged.text and "eve@work.example" in merged.text
    history = client.get(f"/tickets/{other.ticket.id}").text
    assert "customer records merged" in history


def test_a_representative_is_offered_no_merge_and_cannot_make_one(hub, client):
    admin = factories.staff(hub, Role.ADMIN).agent
    rep = factories.staff(hub, with_password=True)
    one = factories.ticket(hub, admin, email="fay@one.example").ticket.requester_id
    two = factories.ticket(hub, admin, email="fay@two.example").ticket.requester_id
    sign_in(client, rep.agent)
    assert "/merge" not in client.get(f"/customers/{one}").text
    assert client.get(f"/customers/{one}/merge", params={"source_id": str(two)}
                      ).status_code == 403
    refused = post_form(client, f"/customers/{one}/merge", {"source_id": str(two)},
                        page=f"/customers/{one}")
    assert "Nothing was merged" in refused.text
    assert hub.app.directory.customer(admin, two).identities


def test_the_api_merges_and_answers_what_moved(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    rep = factories.staff(hub)
    one = factories.ticket(hub, admin.agent, email="gil@one.example")
    two = factories.ticket(hub, admin.agent, email="gil@two.example")
    a, b = one.ticket.requester_id, two.ticket.requester_id
    headers = {"Authorization": f"Bearer {admin.token}"}
    refused = client.post(f"/api/v1/customers/{a}/merge", json={"source_id": b},
                          headers={"Authorization": f"Bearer {rep.token}"})
    assert refused.status_code == 403
    same = client.post(f"/api/v1/customers/{a}/merge", json={"source_id": a}, headers=headers)
    assert same.status_code == 422
    done = client.post(f"/api/v1/customers/{a}/merge", json={"source_id": b}, headers=headers)
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["absorbed_id"] == b and body["tickets_moved"] == [two.ticket.id]
    assert {i["value"] for i in body["customer"]["identities"]} == {"gil@one.example",
                                                                   "gil@two.example"}
    assert client.get(f"/api/v1/customers/{b}", headers=headers).status_code == 404


def test_the_organisation_page_lists_its_customers_and_their_tickets(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True)
    acme = hub.app.directory.create_organisation(admin.agent, Organisation(
        None, "Acme Logistics", ("acme.example",), Tier.PREMIUM, "Key account"))
    inside = factories.ticket(hub, admin.agent, subject="Pallet damaged",
                              email="hal@acme.example")
    outside = factories.ticket(hub, admin.agent, subject="Unrelated", email="ivy@else.example")
    hub.app.directory.update_customer(admin.agent, inside.ticket.requester_id, CustomerInput(
        frozenset({"organisation_id"}), organisation_id=acme.id))
    sign_in(client, admin.agent)
    customer_page = client.get(f"/customers/{inside.ticket.requester_id}").text
    assert f'<a href="/organisations/{acme.id}">Acme Logistics</a>' in customer_page
    page = client.get(f"/organisations/{acme.id}")
    assert page.status_code == 200
    assert "Pallet damaged" in page.text and "hal@acme.example" in page.text
    assert "Unrelated" not in page.text and "Key account" in page.text
    assert outside.ticket.id != inside.ticket.id
    assert client.get("/organisations/999999").status_code == 404
