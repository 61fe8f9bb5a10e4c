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
