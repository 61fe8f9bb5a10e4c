"""In-console notifications through the real use cases and the outbox relay, on both
databases: a ladder step or a rule tells the agents it names, once, and each agent reads and
marks only their own."""

from __future__ import annotations

import queue
from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.notifications import NoticeKind
from hubdesk.services.notifications import LIVE_TOPIC, queue_notifications
from hubdesk.services.sla_sweep import sweep_due
from hubdesk.services.tickets import NewTicket, TicketChanges
from tests import factories

MONDAY_9 = datetime(2026, 6, 1, 7, tzinfo=UTC)  # 09:00 in Berlin (summer time)


@pytest.fixture
def desk(hub):
    team = factories.team(hub)
    admin = factories.staff(hub, Role.ADMIN).agent
    factories.always_open_policy(hub, admin, {
        "name": "Standard",
        "targets": {"normal": {"first_response": 60, "resolution": 480}}})
    return {"app": hub.app, "team": team, "admin": admin,
            "rep": factories.staff(hub, Role.REPRESENTATIVE, teams=(team,)).agent,
            "mate": factories.staff(hub, Role.REPRESENTATIVE, teams=(team,)).agent,
            "other": factories.staff(hub, Role.REPRESENTATIVE).agent}


def _open(desk, subject="Parcel never arrived"):
    detail, _ = desk["app"].tickets.open(desk["rep"], NewTicket(
        subject=subject, body="Where is my order? Card 4111 1111 1111 1111",
        requester_email="customer@example.com", team_id=desk["team"].id), now=MONDAY_9)
    return detail.ticket


def _relay(hub):
    while hub.app.relay_outbox():
        pass


def test_a_ladder_step_at_75_percent_notifies_the_assignee_once(hub, desk):
    app, rep = desk["app"], desk["rep"]
    ticket = _open(desk)
    app.tickets.update(rep, ticket.id, TicketChanges(frozenset({"assignee_id"}),
                                                     assignee_id=rep.id), now=MONDAY_9)
    at_80 = MONDAY_9 + timedelta(minutes=48)
    assert sweep_due(hub.uows, at_80).steps_fired == 1
    _relay(hub)
    assert sweep_due(hub.uows, at_80).steps_fired == 0
    _relay(hub)
    [notice] = app.notifications.list(rep)
    assert notice.kind is NoticeKind.SLA_STEP and notice.ticket_id == ticket.id
    assert notice.text == f"75 % of the first response time of ticket #{ticket.id} is used"
    assert notice.unread and app.notifications.unread_count(rep) == 1
    assert app.notifications.list(desk["mate"]) == []


def test_an_event_relayed_again_notifies_nobody_twice(hub, desk):
    app, rep = desk["app"], desk["rep"]
    ticket = _open(desk)
    payload = {"ticket_id": ticket.id, "kind": "sla_step_reached", "outbox_id": 991,
               "at": MONDAY_9.isoformat(), "place": {},
               "data": {"target": "resolution", "at_percent": 100,
                        "notify_agent_ids": [rep.id, rep.id]}}
    with hub.uows() as uow:
        first = queue_notifications(uow, "ticket.sla_step_reached", payload)
        again = queue_notifications(uow, "ticket.sla_step_reached", payload)
        uow.commit()
    assert [(topic, message["agent_id"]) for topic, message in first] == [(LIVE_TOPIC, rep.id)]
    assert again == []
    [notice] = app.notifications.list(rep)
    assert notice.text == f"The resolution time of ticket #{ticket.id} has run out"


def test_a_rule_notifies_the_named_agent_and_the_team(hub, desk):
    app, admin = desk["app"], desk["admin"]
    app.rules.create(admin, {
        "name": "Refunds", "position": 0, "trigger": {"type": "event", "on": ["created"]},
        "conditions": {"field": "ticket.subject", "op": "contains", "value": "refund"},
        "actions": [{"type": "notify", "to": "agent", "agent_id": desk["other"].id,
                     "message": "A refund is asked for"},
                    {"type": "notify", "to": "team", "message": "Refund in your queue"}]})
    ticket = _open(desk, "Refund please")
    _open(desk, "Where is it")
    _relay(hub)
    [told] = app.notifications.list(desk["other"])
    assert (told.kind, told.ticket_id) == (NoticeKind.RULE, ticket.id)
    assert told.text == f"Ticket #{ticket.id} (Refunds): A refund is asked for"
    for member in (desk["rep"], desk["mate"]):
        assert [n.text for n in app.notifications.list(member)] == [
            f"Ticket #{ticket.id} (Refunds): Refund in your queue"]
    assert app.notifications.list(admin) == []


def test_the_new_notification_is_announced_to_its_agent_after_commit(hub, desk):
    inbox = hub.broadcast.subscribe()
    payload = {"ticket_id": _open(desk).id, "kind": "handoff_answered", "outbox_id": 7,
               "at": MONDAY_9.isoformat(),
               "data": {"handoff_id": 3, "notify_agent_ids": [desk["mate"].id]}}
    with hub.uows() as uow:
        uow.outbox.put("ticket.handoff_answered", payload, MONDAY_9)
        uow.commit()
    _relay(hub)
    heard = []
    while True:
        try:
            heard.append(inbox.get_nowait())
        except queue.Empty:
            break
    [live] = [m for m in heard if m["topic"] == LIVE_TOPIC]
    [notice] = desk["app"].notifications.list(desk["mate"])
    assert live == {"topic": LIVE_TOPIC, "agent_id": desk["mate"].id,
                    "notification_id": notice.id, "ticket_id": payload["ticket_id"]}


def test_an_agent_reads_and_marks_only_their_own(hub, desk):
    app, rep, mate = desk["app"], desk["rep"], desk["mate"]
    ticket = _open(desk)
    with hub.uows() as uow:
        for number in (1, 2):
            queue_notifications(uow, "ticket.handoff_rejected", {
                "ticket_id": ticket.id, "kind": "handoff_rejected", "outbox_id": 500 + number,
                "at": (MONDAY_9 + timedelta(minutes=number)).isoformat(),
                "data": {"handoff_id": number, "notify_agent_ids": [rep.id]}})
        uow.commit()
    newest, oldest = app.notifications.list(rep)
    assert newest.text == f"Handoff #2 on ticket #{ticket.id} was rejected"
    with pytest.raises(NotFound):
        app.notifications.mark_read(mate, oldest.id)
    assert app.notifications.unread_count(rep) == 2
    app.notifications.mark_read(rep, oldest.id, now=MONDAY_9 + timedelta(hours=1))
    app.notifications.mark_read(rep, oldest.id)  # again: nothing changes
    assert [n.id for n in app.notifications.list(rep, unread_only=True)] == [newest.id]
    assert app.notifications.list(rep)[1].read_at == MONDAY_9 + timedelta(hours=1)
    assert app.notifications.mark_all_read(mate) == 0
    assert app.notifications.mark_all_read(rep) == 1
    assert app.notifications.unread_count(rep) == 0
    with pytest.raises(ValidationFailed):
        app.notifications.list(rep, limit=0)
