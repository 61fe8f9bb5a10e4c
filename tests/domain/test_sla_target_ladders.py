"""Ladders per target: a target with a ladder of its own climbs it, the others climb the
policy's default ladder; the plain form round-trips and names each bad step's field."""

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.sla import (
    Governing,
    LadderStep,
    SlaPolicy,
    SlaTarget,
    StepAction,
    TicketClocks,
)
from hubdesk.domain.tickets import Status, Ticket

ALWAYS = BusinessCalendar.from_dict({"timezone": "UTC", "always_open": True})
START = datetime(2026, 6, 1, 7, tzinfo=UTC)
MINUTE = timedelta(minutes=1)

FORM = {
    "name": "Tiered",
    "targets": {"normal": {"first_response": 100, "next_response": 100, "resolution": 200}},
    "ladder": [{"at_percent": 50, "actions": ["notify_assignee"]}],
    "ladders": {"resolution": [
        {"at_percent": 75, "actions": ["notify_assignee"]},
        {"at_percent": 90, "actions": ["notify_team_leads", "raise_priority"]},
        {"at_percent": 100, "actions": ["escalate_tier", "notify_coordinators"]}],
        "next_response": []},
}


def _clocks(policy: SlaPolicy) -> TicketClocks:
    ticket = Ticket(id=1, subject="s", requester_id=1, created_at=START, updated_at=START)
    rules = TicketClocks(ticket, {}, Governing(policy, ALWAYS), lambda _: ALWAYS)
    ticket.record(Actor.system(), EventKind.CREATED, START)
    rules.apply(ticket.pending_events[-1])
    return rules


def test_each_target_climbs_its_own_ladder_and_the_rest_the_default():
    policy = SlaPolicy.from_dict(FORM, policy_id=1)
    assert policy.ladder_for(SlaTarget.FIRST_RESPONSE) == (
        LadderStep(50, (StepAction.NOTIFY_ASSIGNEE,)),)
    assert [s.at_percent for s in policy.ladder_for(SlaTarget.RESOLUTION)] == [75, 90, 100]
    assert policy.ladder_for(SlaTarget.NEXT_RESPONSE) == ()  # its own: no steps at all
    assert policy.escalates(SlaTarget.RESOLUTION) and policy.escalates()
    assert not policy.escalates(SlaTarget.FIRST_RESPONSE)

    rules = _clocks(policy)
    first, resolution = (rules.clocks[SlaTarget.FIRST_RESPONSE],
                         rules.clocks[SlaTarget.RESOLUTION])
    assert first.next_due_at == START + 50 * MINUTE  # the default ladder's 50 %
    assert resolution.next_due_at == START + 150 * MINUTE  # its own 75 %
    fired = resolution.advance(START + 200 * MINUTE, ALWAYS,
                               policy.ladder_for(SlaTarget.RESOLUTION))
    assert [s.at_percent for s in fired] == [75, 90, 100]
    assert [s.at_percent for s in first.advance(START + 100 * MINUTE, ALWAYS,
                                                policy.ladder_for(SlaTarget.FIRST_RESPONSE))
            ] == [50]


def test_a_next_response_clock_with_an_empty_ladder_of_its_own_waits_for_the_breach_only():
    rules = _clocks(SlaPolicy.from_dict(FORM, policy_id=1))
    rules.ticket.on_public_reply_by_agent(Actor.agent(1), START + MINUTE)
    rules.ticket.record(Actor.agent(1), EventKind.REPLIED, START + MINUTE)
    rules.apply(rules.ticket.pending_events[-1])
    rules.ticket.record(Actor.customer(1), EventKind.CUSTOMER_REPLIED, START + 10 * MINUTE)
    rules.apply(rules.ticket.pending_events[-1])
    waiting = rules.clocks[SlaTarget.NEXT_RESPONSE]
    assert waiting.next_due_at == waiting.due_at == START + 110 * MINUTE


def test_without_ladders_every_target_climbs_the_one_ladder():
    policy = SlaPolicy.from_dict({k: v for k, v in FORM.items() if k != "ladders"})
    assert {policy.ladder_for(t) for t in SlaTarget} == {policy.ladder}
    assert policy.to_dict()["ladders"] == {}


def test_the_plain_form_round_trips():
    policy = SlaPolicy.from_dict(FORM, policy_id=3)
    plain = policy.to_dict()
    assert plain["ladders"] == {"next_response": [], "resolution": FORM["ladders"]["resolution"]}
    assert SlaPolicy.from_dict(plain, policy_id=3) == policy


def test_a_changed_ladder_of_one_target_replans_only_its_clock():
    policy = SlaPolicy.from_dict(FORM, policy_id=1)
    rules = _clocks(policy)
    before = {t: c.next_due_at for t, c in rules.clocks.items()}
    changed = SlaPolicy.from_dict({**FORM, "ladders": {"resolution": [
        {"at_percent": 25, "actions": ["notify_assignee"]}]}}, policy_id=1)
    replanned = TicketClocks(rules.ticket, rules.clocks, Governing(changed, ALWAYS),
                             lambda _: ALWAYS)
    replanned.rematch(START + 10 * MINUTE)
    resolution = rules.clocks[SlaTarget.RESOLUTION]
    assert resolution.next_due_at == START + 50 * MINUTE  # 25 % of 200 minutes
    assert resolution.new_entries[-1].kind == "recomputed"
    assert rules.clocks[SlaTarget.FIRST_RESPONSE].next_due_at == \
        before[SlaTarget.FIRST_RESPONSE]


@pytest.mark.parametrize(("ladders", "field"), [
    ({"resolution": [{"at_percent": 150, "actions": ["notify_assignee"]}]},
     "ladders.resolution.0.at_percent"),
    ({"first_response": [{"at_percent": 50, "actions": ["dance"]}]},
     "ladders.first_response.0.actions"),
    ({"resolution": [{"at_percent": 50, "actions": ["notify_assignee"]},
                     {"at_percent": 50, "actions": ["raise_priority"]}]}, "ladders.resolution"),
    ({"first_reply": []}, "ladders.first_reply"),
    ({"resolution": "escalate"}, "ladders.resolution"),
    (["resolution"], "ladders"),
])
def test_a_bad_ladder_names_its_target_and_step(ladders, field):
    with pytest.raises(ValidationFailed) as raised:
        SlaPolicy.from_dict({**FORM, "ladders": ladders})
    assert field in raised.value.fields


def test_an_unknown_target_is_refused_saying_which_targets_exist():
    with pytest.raises(ValidationFailed) as raised:
        SlaPolicy.from_dict({**FORM, "ladders": {"first_reply": []}})
    assert "first_response, next_response, resolution" in str(raised.value)


def test_a_resumed_clock_goes_on_climbing_its_own_ladder():
    policy = SlaPolicy.from_dict(FORM, policy_id=1)
    rules = _clocks(policy)
    rules.ticket.change_status(Status.PENDING, Actor.agent(1), START + 10 * MINUTE)
    rules.apply(rules.ticket.pending_events[-1])
    rules.ticket.change_status(Status.OPEN, Actor.agent(1), START + 20 * MINUTE)
    rules.apply(rules.ticket.pending_events[-1])
    resolution = rules.clocks[SlaTarget.RESOLUTION]
    # resumed on its own ladder: 75 % of 200 is 150 minutes, 10 of them paused
    assert resolution.next_due_at == START + 160 * MINUTE
