"""SLA notices folded per person and ticket, through the real sweep and outbox relay on both
databases: every step stays in the ticket's history, each person gets one notice per window."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hubdesk.domain.agents import Role
from hubdesk.services.notifications import queue_notifications
from hubdesk.services.sla_sweep import sweep_due
from hubdesk.services.tickets import NewTicket, TicketChanges
from hubdesk.store.tables import sla_step_firings
from tests import factories

MONDAY_9 = datetime(2026, 6, 1, 7, tzinfo=UTC)
# first response in 20 minutes, resolution in 80: steps at 15, 18, 20 and 60, 72, 80 minutes
STEPS = (15, 18, 20, 60, 72, 80)


@pytest.fixture
def desk(hub):
    team = factories.team(hub)
    admin = factories.staff(hub, Role.ADMIN).agent
    factories.always_open_policy(hub, admin, {
        "name": "Tight",
        "targets": {"normal": {"first_response": 20, "resolution": 80}},
        "ladder": [{"at_percent": 75, "actions": ["notify_assignee"]},
                   {"at_percent": 90, "actions": ["notify_assignee", "notify_team_leads"]},
                   {"at_percent": 100, "actions": ["notify_assignee"]}]})
    rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(team,)).agent
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(team,)).agent
    detail, _ = hub.app.tickets.open(rep, NewTicket(
        subject="Parcel never arrived", body="Where is my order?",
        requester_email="customer@example.com", team_id=team.id), now=MONDAY_9)
    ticket = detail.ticket
    hub.app.tickets.update(rep, ticket.id, TicketChanges(frozenset({"assignee_id"}),
                                                         assignee_id=rep.id), now=MONDAY_9)
    return {"app": hub.app, "rep": rep, "lead": lead, "ticket": ticket}


def _sweep_and_relay(hub, minutes: int) -> None:
    assert sweep_due(hub.uows, MONDAY_9 + timedelta(minutes=minutes)).steps_fired == 1
    while hub.app.relay_outbox():
        pass


def test_every_step_of_both_targets_is_one_notice_per_person_and_window(hub, desk):
    app, rep, lead, ticket = desk["app"], desk["rep"], desk["lead"], desk["ticket"]
    for minutes in STEPS[:3]:
        _sweep_and_relay(hub, minutes)
    [first] = app.notifications.list(rep)
    assert first.ticket_id == ticket.id and first.count == 3 and first.breached
    assert first.text == (f"3 SLA notices, the latest: The first response time of ticket "
                          f"#{ticket.id} has run out")
    assert first.last_at == MONDAY_9 + timedelta(minutes=20)
    for minutes in STEPS[3:]:
        _sweep_and_relay(hub, minutes)
    # the window (30 minutes from the first notice) is over: the resolution steps are a new one
    second, first_again = app.notifications.list(rep)
    assert first_again.id == first.id and first_again.count == 3
    assert second.count == 3 and second.created_at == MONDAY_9 + timedelta(minutes=60)
    assert second.text.endswith(f"The resolution time of ticket #{ticket.id} has run out")
    assert app.notifications.unread_count(rep) == 2
    # the team lead heard of each 90 % step, in windows of their own
    assert [n.count for n in app.notifications.list(lead)] == [1, 1]
    # the history keeps every step
    reached = [e for e in app.tickets.history(rep, ticket.id)
               if e.event.kind.value == "sla_step_reached"]
    assert len(reached) == len(STEPS)
    with hub.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(sla_step_firings)) == 6


def test_a_breach_brings_a_read_notice_back_to_the_top_unread(hub, desk):
    app, rep, ticket = desk["app"], desk["rep"], desk["ticket"]
    _sweep_and_relay(hub, 15)
    [warning] = app.notifications.list(rep)
    with hub.uows() as uow:  # a later notice about another matter
        queue_notifications(uow, "ticket.handoff_answered", {
            "ticket_id": ticket.id, "kind": "handoff_answered", "outbox_id": 9_001,
            "at": (MONDAY_9 + timedelta(minutes=16)).isoformat(),
            "data": {"handoff_id": 4, "notify_agent_ids": [rep.id]}})
        uow.commit()
    app.notifications.mark_all_read(rep, now=MONDAY_9 + timedelta(minutes=17))
    _sweep_and_relay(hub, 18)  # a warning: folded, still read, not moved above the later one
    assert app.notifications.unread_count(rep) == 0
    assert [n.id for n in app.notifications.list(rep)][1] == warning.id
    _sweep_and_relay(hub, 20)  # the breach
    top = app.notifications.list(rep)[0]
    assert top.id == warning.id and top.unread and top.count == 3
    assert app.notifications.unread_count(rep) == 1


def test_two_relays_folding_at_once_make_one_notice(hub, desk):
    rep, ticket = desk["rep"], desk["ticket"]
    started, errors = threading.Event(), []

    def payload(source: int, minutes: int) -> dict:
        return {"ticket_id": ticket.id, "kind": "sla_step_reached", "outbox_id": source,
                "at": (MONDAY_9 + timedelta(minutes=minutes)).isoformat(),
                "data": {"target": "first_response", "at_percent": 75 + minutes,
                         "notify_agent_ids": [rep.id]}}

    def first() -> None:
        try:
            with hub.uows() as uow:
                queue_notifications(uow, "ticket.sla_step_reached", payload(8_001, 1))
                started.set()
                time.sleep(0.5)  # the other relay meets this fold before it is committed
                uow.commit()
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
            started.set()

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(timeout=30)
    with hub.uows() as uow:
        queue_notifications(uow, "ticket.sla_step_reached", payload(8_002, 2))
        uow.commit()
    thread.join(timeout=30)
    assert errors == []
    [notice] = hub.app.notifications.list(rep)
    assert notice.count == 2 and notice.fold_key == f"sla:{ticket.id}:1"
