"""Console forms holding text no database can store get a readable 422 page, never a 500."""

from __future__ import annotations

import pytest

from hubdesk.services.tickets import get_ticket
from tests import factories
from tests.web.pages import post_form, sign_in


@pytest.fixture
def desk(hub, client):
    team = factories.team(hub, "Shipping")
    rep = factories.staff(hub, teams=(team,), with_password=True)
    detail = factories.ticket(hub, rep.agent, subject="Parcel never arrived", team_id=team.id)
    sign_in(client, rep.agent)
    return {"rep": rep, "id": detail.ticket.id, "url": f"/tickets/{detail.ticket.id}"}


@pytest.mark.parametrize(("path", "data", "field"), [
    ("update", {"tags": "late\x00parcel"}, "tags"),
    ("update", {"category": "Ship\x00ping"}, "category"),
    ("reply", {"body": "hello\x00", "visibility": "public"}, "body"),
])
def test_nul_in_a_form_is_a_readable_422_and_changes_nothing(desk, client, hub, path, data,
                                                              field):
    response = post_form(client, f"{desk['url']}/{path}", data, page=desk["url"],
                         follow=False)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert f"“{field}”" in response.text and "nothing was changed" in response.text
    detail = get_ticket(hub.uows, desk["rep"].agent, desk["id"])
    assert detail.ticket.tags == () and detail.ticket.category is None
    assert len(detail.messages) == 1


NOT_NUMBERS = ("²", "99999999999999999999999", "-4", "1.5", "١٢")


@pytest.mark.parametrize("typed", NOT_NUMBERS)
def test_a_number_no_column_holds_is_refused_by_name_on_the_new_ticket_form(desk, client,
                                                                          typed):
    for field, element in (("customer_id", "nt-email"), ("team", "nt-team")):
        data = {"contact": "phone", "email": "caller@example.com", "subject": "Refund",
                "body": "Wants it back", field: typed}
        response = post_form(client, "/tickets/new", data, page="/tickets/new")
        assert response.status_code == 422, (field, response.status_code)
        assert f'id="{element}-error"' in response.text


@pytest.mark.parametrize("typed", NOT_NUMBERS)
def test_a_number_no_column_holds_never_ends_in_an_error_page(desk, client, hub, typed):
    """Forms and links that carry ids: each refuses or ignores what is not one."""
    url = desk["url"]
    for path, data in ((f"{url}/update", {"assignee": typed, "was_assignee": ""}),
                       (f"{url}/merge", {"source_id": typed}),
                       (f"{url}/reply", {"body": "On its way", "visibility": "internal",
                                         "seen_up_to": typed, "macro_id": typed})):
        response = post_form(client, path, data, page=url)
        assert response.status_code < 500, (path, response.status_code)
    for path in (f"/tickets/new?customer={typed}", f"/tickets/new/customers?customer={typed}",
                 f"{url}?macro={typed}", f"/rules?ticket={typed}"):
        assert client.get(path).status_code < 500, path
    detail = get_ticket(hub.uows, desk["rep"].agent, desk["id"])
    assert detail.ticket.assignee_id is None or detail.ticket.assignee_id == desk["rep"].agent.id
