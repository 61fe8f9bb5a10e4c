"""What an event asks to tell whom, in words that never quote the customer."""

from __future__ import annotations

from hubdesk.domain.notifications import (
    MAX_TEXT,
    Notice,
    NoticeKind,
    notice_of,
    schedule_notice_of,
)


def test_events_that_name_nobody_notify_nobody():
    assert notice_of("updated", 4, {"notify_agent_ids": [1]}) is None
    assert notice_of("sla_step_reached", 4, {"notify_agent_ids": []}) is None
    assert notice_of("handoff_answered", 4, {"notify_agent_ids": [True, "2"]}) is None


def test_a_ladder_step_and_a_breach_in_words():
    step = notice_of("sla_step_reached", 4, {"target": "next_response", "at_percent": 90,
                                             "notify_agent_ids": [3, 3, 5]})
    assert step == Notice(NoticeKind.SLA_STEP, "90 % of the next response time of ticket #4 "
                                               "is used", (3, 5))
    breach = notice_of("sla_step_reached", 4, {"target": "resolution", "at_percent": 100,
                                               "notify_agent_ids": [3]})
    assert breach is not None and breach.text == "The resolution time of ticket #4 has run out"
    escalated = notice_of("sla_step_reached", 4, {"target": "resolution", "at_percent": 100,
                                                  "notify_agent_ids": [3],
                                                  "escalated_to_tier": 2})
    assert escalated is not None and escalated.text == (
        "The resolution time of ticket #4 has run out; it was escalated to tier 2")


def test_a_rules_message_is_bounded_and_masked_and_its_target_kept():
    long = "Card 4111 1111 1111 1111 " + "x" * 1000
    notice = notice_of("notification_requested", 9, {"rule": "VIP", "to": "agent",
                                                     "agent_id": 7, "message": long})
    assert notice is not None and notice.kind is NoticeKind.RULE
    assert (notice.target, notice.target_agent_id, notice.agent_ids) == ("agent", 7, ())
    assert len(notice.text) == MAX_TEXT and "4111 1111 1111 1111" not in notice.text
    assert notice.text.startswith("Ticket #9 (VIP): Card ")


def test_a_schedule_notice_names_the_week_and_never_the_request_words():
    answered = schedule_notice_of("schedule.request_answered", {
        "agent_ids": [3, 3, True, "4"], "week_start": "2026-11-30", "request_id": 7,
        "request_kind": "day_off", "status": "declined", "note": "secret"})
    assert answered is not None and answered.agent_ids == (3,)
    assert answered.kind is NoticeKind.SCHEDULE
    assert answered.text == ("Your request #7 to take a day off in the week of 2026-11-30 "
                             "was refused")
    assert schedule_notice_of("schedule.changed", {"agent_ids": [], "week_start": "x"}) is None
    assert schedule_notice_of("schedule.changed", {"agent_ids": [1]}) is None
    assert schedule_notice_of("schedule.deleted", {"agent_ids": [1],
                                                   "week_start": "2026-11-30"}) is None


def test_a_handoff_ladder_step_before_the_deadline_warns_and_after_it_escalates():
    warning = notice_of("handoff_escalated", 4, {"handoff_id": 9, "at_percent": 75,
                                                 "warning": True, "notify_agent_ids": [3]})
    assert warning == Notice(NoticeKind.HANDOFF,
                             "75 % of the time of handoff #9 on ticket #4 is used", (3,))
    overdue = notice_of("handoff_escalated", 4, {"handoff_id": 9, "at_percent": 100,
                                                 "warning": False, "notify_agent_ids": [3]})
    assert overdue is not None
    assert overdue.text == "Handoff #9 on ticket #4 is overdue and was escalated to you"
