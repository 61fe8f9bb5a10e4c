"""Macros through the use cases on both databases: who manages which, who sees which, the
reply filled for a ticket and its agent, tags added once sent, bad macros refused whole."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.macros import Macro
from hubdesk.domain.tickets import Status
from hubdesk.services.tickets import NewTicket
from tests import factories

GREETING = ("Hello {{customer.first_name}}, about ticket #{{ticket.number}}: we have "
            "refunded you. {{agent.first_name}}")


@pytest.fixture
def desk(hub):
    front, back = factories.team(hub, "Front"), factories.team(hub, "Back")
    return {"front": front, "back": back,
            "manager": factories.staff(hub, Role.MANAGER).agent,
            "lead": factories.staff(hub, Role.TEAM_LEAD, teams=(front,)).agent,
            "rep": factories.staff(hub, teams=(front,)).agent,
            "other": factories.staff(hub, teams=(back,)).agent}


def test_a_macro_is_filled_for_the_ticket_and_the_agent(hub, desk):
    macro = hub.app.macros.create(desk["lead"], Macro(
        None, "Refunded", GREETING, desk["front"].id, Status.SOLVED, ("refund", "Refund")))
    assert macro.add_tags == ("refund",)
    ticket, _ = hub.app.tickets.open(desk["rep"], NewTicket(
        subject="Charged twice", body="Please refund", requester_email="ada@example.com",
        requester_name="Ada Lovelace", team_id=desk["front"].id))
    ticket = ticket.ticket
    filled = hub.app.macros.fill(desk["rep"], ticket.id, macro.id)
    first = desk["rep"].name.split()[0]
    assert filled.text == f"Hello Ada, about ticket #{ticket.id}: we have refunded you. {first}"
    assert filled.then_status is Status.SOLVED
    hub.app.macros.sent(desk["rep"], ticket.id, macro.id)
    assert "refund" in hub.app.tickets.get(desk["rep"], ticket.id).ticket.tags


def test_each_agent_sees_the_desks_macros_and_their_teams(hub, desk):
    everyone = hub.app.macros.create(desk["manager"], Macro(None, "Hello", "Hello!"))
    front = hub.app.macros.create(desk["lead"], Macro(None, "Front", "Hi", desk["front"].id))
    back = hub.app.macros.create(desk["manager"], Macro(None, "Back", "Yo", desk["back"].id))
    assert [m.id for m in hub.app.macros.usable(desk["rep"])] == [front.id, everyone.id]
    assert [m.id for m in hub.app.macros.usable(desk["manager"])] == [
        back.id, front.id, everyone.id]
    ticket = factories.ticket(hub, desk["rep"], team_id=desk["front"].id).ticket
    with pytest.raises(NotFound):
        hub.app.macros.fill(desk["rep"], ticket.id, back.id)


def test_only_managers_and_the_teams_lead_manage_macros(hub, desk):
    with pytest.raises(PermissionDenied):
        hub.app.macros.create(desk["rep"], Macro(None, "Mine", "Hi", desk["front"].id))
    with pytest.raises(PermissionDenied):
        hub.app.macros.create(desk["lead"], Macro(None, "Desk", "Hi"))
    with pytest.raises(PermissionDenied):
        hub.app.macros.create(desk["lead"], Macro(None, "Theirs", "Hi", desk["back"].id))
    mine = hub.app.macros.create(desk["lead"], Macro(None, "Mine", "Hi", desk["front"].id))
    with pytest.raises(PermissionDenied):  # moving it to a team the lead does not lead
        hub.app.macros.update(desk["lead"], mine.id, Macro(None, "Mine", "Hi",
                                                           desk["back"].id))
    hub.app.macros.update(desk["lead"], mine.id, Macro(None, "Mine", "Hello again",
                                                       desk["front"].id))
    hub.app.macros.delete(desk["manager"], mine.id)
    assert hub.app.macros.usable(desk["manager"]) == []


@pytest.mark.parametrize("bad, field", [
    (dict(name=" ", body="Hi"), "name"),
    (dict(name="x", body="Hi {{customer.shoe_size}}"), "body"),
    (dict(name="x", body="   "), "body"),
    (dict(name="x", body="Hi", then_status=Status.CLOSED), "then_status"),
    (dict(name="x", body="Hi", add_tags=("x" * 81,)), "tags"),
])
def test_a_bad_macro_is_refused_naming_the_field(hub, desk, bad, field):
    with pytest.raises(ValidationFailed) as refused:
        hub.app.macros.create(desk["manager"], Macro(None, **bad))
    assert field in refused.value.fields
    assert hub.app.macros.usable(desk["manager"]) == []


def test_a_macro_for_a_team_that_does_not_exist_is_refused(hub, desk):
    with pytest.raises(ValidationFailed):
        hub.app.macros.create(desk["manager"], Macro(None, "x", "Hi", 999_999))
