"""Agents are told of what changes their own schedule, on both databases, through the outbox
relay: a week published, a coordinator's edit or swap of their shifts in a published week,
their change request approved or refused. A draft is nobody's schedule yet; nobody else hears;
nothing a request or an answer says is copied into the notice."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.notifications import NoticeKind
from hubdesk.domain.schedules import RequestKind, ShiftInput
from hubdesk.services.workforce import WantedChange
from tests import factories

MONDAY = date(2026, 11, 30)
BEFORE = datetime(2026, 11, 28, 12, tzinfo=UTC)
PUBLISHED = "Your schedule for the week of 2026-11-30 was published"
CHANGED = "A coordinator changed your shifts in the week of 2026-11-30"


def at(day: int, hour: int) -> datetime:
    """Day 30 is Monday 30 November; days 1 to 6 are in December."""
    return datetime(2026, 11 if day > 20 else 12, day, hour, tzinfo=UTC)


@pytest.fixture
def desk(hub):
    team = factories.team(hub, "Front")
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    ada, bo, cy = (factories.staff(hub, teams=(team,)).agent for _ in range(3))
    return {"team": team, "coordinator": coordinator, "ada": ada, "bo": bo, "cy": cy}


def draft(hub, desk, shifts):
    coordinator = desk["coordinator"]
    week = hub.app.workforce.start_week(coordinator, desk["team"].id, MONDAY, now=BEFORE)
    for person, starts, ends in shifts:
        week = hub.app.workforce.save_shift(coordinator, week.id, ShiftInput(
            desk[person].id, starts, ends), now=BEFORE)
    return week


def told(hub, agent):
    """What the agent has been told, oldest first, once the outbox is relayed."""
    while hub.app.relay_outbox():
        pass
    notices = hub.app.notifications.list(agent)
    assert all(n.kind is NoticeKind.SCHEDULE and n.ticket_id is None for n in notices)
    return [n.text for n in reversed(notices)]


def shift_of(week, agent, starts):
    return next(s for s in week.shifts if s.agent_id == agent.id and s.starts_at == starts)


def test_publishing_tells_each_agent_of_the_week_once_and_drafts_tell_nobody(hub, desk):
    week = draft(hub, desk, [("ada", at(30, 9), at(30, 17)), ("bo", at(1, 9), at(1, 17))])
    assert told(hub, desk["ada"]) == [] and told(hub, desk["bo"]) == []

    hub.app.workforce.publish(desk["coordinator"], week.id, now=BEFORE)
    assert told(hub, desk["ada"]) == [PUBLISHED]
    assert told(hub, desk["bo"]) == [PUBLISHED]
    assert told(hub, desk["cy"]) == [] and told(hub, desk["coordinator"]) == []
    assert told(hub, desk["ada"]) == [PUBLISHED]  # relayed again: still once
    assert hub.app.notifications.unread_count(desk["ada"]) == 1


def test_edits_and_swaps_of_a_published_week_tell_the_agents_they_move(hub, desk):
    coordinator, ada, bo, cy = (desk[k] for k in ("coordinator", "ada", "bo", "cy"))
    week = draft(hub, desk, [("ada", at(30, 9), at(30, 17)), ("bo", at(1, 9), at(1, 17)),
                             ("cy", at(2, 9), at(2, 17))])
    week = hub.app.workforce.publish(coordinator, week.id, now=BEFORE)
    told(hub, ada)

    hub.app.workforce.swap(coordinator, week.id, shift_of(week, ada, at(30, 9)).id,
                           shift_of(week, bo, at(1, 9)).id, now=BEFORE)
    assert told(hub, ada) == [PUBLISHED, CHANGED] and told(hub, bo) == [PUBLISHED, CHANGED]
    assert told(hub, cy) == [PUBLISHED]

    # Cy's Wednesday given to Ada: both hear of it.
    hub.app.workforce.save_shift(coordinator, week.id, ShiftInput(
        ada.id, at(2, 9), at(2, 17)), shift_id=shift_of(week, cy, at(2, 9)).id, now=BEFORE)
    assert told(hub, cy) == [PUBLISHED, CHANGED]
    assert told(hub, ada) == [PUBLISHED, CHANGED, CHANGED]
    week = hub.app.workforce.schedule(coordinator, week.id)
    hub.app.workforce.delete_shift(coordinator, week.id, shift_of(week, bo, at(30, 9)).id,
                                   now=BEFORE)
    assert told(hub, bo) == [PUBLISHED, CHANGED, CHANGED]
    assert told(hub, cy) == [PUBLISHED, CHANGED]


def test_the_answer_to_a_request_tells_who_asked_and_a_swap_tells_the_partner(hub, desk):
    coordinator, ada, bo = desk["coordinator"], desk["ada"], desk["bo"]
    week = hub.app.workforce.publish(coordinator, draft(hub, desk, [
        ("ada", at(30, 9), at(30, 17)), ("bo", at(1, 12), at(1, 20)),
        ("ada", at(2, 9), at(2, 17))]).id, now=BEFORE)
    swap = hub.app.workforce.request_change(
        ada, shift_of(week, ada, at(30, 9)).id, "My sister's wedding, card 4111 1111 1111 1111",
        WantedChange(RequestKind.SWAP, swap_shift_id=shift_of(week, bo, at(1, 12)).id),
        now=BEFORE)
    off = hub.app.workforce.request_change(ada, shift_of(week, ada, at(2, 9)).id, "Wed off",
                                           WantedChange(RequestKind.DAY_OFF), now=BEFORE)
    note = hub.app.workforce.request_change(ada, None, "Fewer late shifts", now=BEFORE)
    assert told(hub, ada) == [PUBLISHED]  # asking tells nobody

    hub.app.workforce.answer_request(coordinator, swap.id, True, "Enjoy the wedding",
                                     now=BEFORE)
    hub.app.workforce.answer_request(coordinator, off.id, False, "We are short that day",
                                     now=BEFORE)
    hub.app.workforce.answer_request(coordinator, note.id, False, None, now=BEFORE)
    assert told(hub, ada) == [
        PUBLISHED,
        f"Your request #{swap.id} to swap a shift in the week of 2026-11-30 was approved",
        f"Your request #{off.id} to take a day off in the week of 2026-11-30 was refused",
        f"Your request #{note.id} to change your schedule was refused"]
    assert told(hub, bo) == [PUBLISHED, CHANGED]
    assert told(hub, coordinator) == []

