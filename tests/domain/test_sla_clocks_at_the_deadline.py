"""An answer at the deadline instant is in time; a moment later it is late. The deadline of a
target that runs out as the desk closes is the closing time, and at that instant the clock is
neither met late nor swept as breached, though its time has run out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.sla import DEFAULT_LADDER, ClockStatus, Risk, SlaClock, SlaTarget

OFFICE = BusinessCalendar.from_dict({
    "timezone": "Europe/Berlin",
    "hours": {day: [["09:00", "12:00"], ["13:00", "17:00"]]
              for day in ("mon", "tue", "wed", "thu", "fri")}})
MONDAY_16 = datetime(2026, 6, 1, 14, tzinfo=UTC)  # 16:00 in Berlin
CLOSING = datetime(2026, 6, 1, 15, tzinfo=UTC)  # 17:00 in Berlin
MOMENT = timedelta(microseconds=1)


def _clock() -> SlaClock:
    clock = SlaClock.start(SlaTarget.FIRST_RESPONSE, 1, timedelta(hours=1), MONDAY_16,
                           OFFICE, DEFAULT_LADDER)
    assert clock.due_at == CLOSING  # closing time on the day, not Tuesday's opening
    return clock


def test_an_answer_at_the_deadline_instant_is_in_time():
    clock = _clock()
    clock.meet(CLOSING, OFFICE)
    assert clock.status is ClockStatus.MET and clock.breached_at is None
    assert clock.new_entries[-1].kind == "met" and clock.new_entries[-1].data["late"] is False


def test_an_answer_a_moment_after_the_deadline_is_late():
    clock = _clock()
    clock.meet(CLOSING + MOMENT, OFFICE)
    assert clock.breached_at == CLOSING and clock.new_entries[-1].data["late"] is True


def test_an_answer_in_the_evening_after_a_closing_time_deadline_is_late():
    """No business time passes after closing, but the deadline does."""
    clock = _clock()
    evening = CLOSING + timedelta(hours=3)
    assert clock.business_left(evening, OFFICE) == timedelta(0)
    assert clock.risk(evening, OFFICE) is Risk.BREACHED
    clock.meet(evening, OFFICE)
    assert clock.breached_at == CLOSING and clock.new_entries[-1].data["late"] is True


def test_a_sweep_at_the_deadline_instant_marks_no_breach_and_the_next_one_does():
    """The step at 100 % (the time has run out) fires at the deadline; the breach after it."""
    clock = _clock()
    fired = clock.advance(CLOSING, OFFICE, DEFAULT_LADDER)
    assert [step.at_percent for step in fired] == [75, 90, 100]
    assert clock.breached_at is None and clock.next_due_at == CLOSING
    clock.meet(CLOSING, OFFICE)  # answered at the deadline after all: in time
    assert clock.breached_at is None and clock.new_entries[-1].data["late"] is False

    swept_again = _clock()
    swept_again.advance(CLOSING, OFFICE, DEFAULT_LADDER)
    assert swept_again.advance(CLOSING + timedelta(seconds=30), OFFICE, DEFAULT_LADDER) == []
    assert swept_again.breached_at == CLOSING and swept_again.next_due_at is None
