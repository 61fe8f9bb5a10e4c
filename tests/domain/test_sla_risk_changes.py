"""When a running SLA clock's risk rises, in wall-clock instants reckoned in business time: what
a countdown needs to change colour without asking the server again."""

from datetime import UTC, datetime, timedelta

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.sla import DEFAULT_LADDER, Risk, RiskChange, SlaClock, SlaTarget

BERLIN = BusinessCalendar.from_dict({
    "timezone": "Europe/Berlin",
    "hours": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}})
HOUR = timedelta(hours=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_risk_rises_at_half_three_quarters_and_the_deadline_in_business_time():
    # Friday 15:00 UTC (16:00 Berlin), 4 business hours: 1 h on Friday, the rest on Monday.
    start = utc(2026, 3, 27, 15)
    clock = SlaClock.start(SlaTarget.RESOLUTION, 1, 4 * HOUR, start, BERLIN, DEFAULT_LADDER)
    assert clock.risk_changes(start, BERLIN) == (
        RiskChange(utc(2026, 3, 30, 8), Risk.MEDIUM, 2 * HOUR),  # Monday 10:00 CEST
        RiskChange(utc(2026, 3, 30, 9), Risk.HIGH, HOUR),
        RiskChange(utc(2026, 3, 30, 10), Risk.BREACHED, timedelta(0)))
    assert clock.risk_changes(start, BERLIN)[-1].at == clock.due_at
    # each instant is where the clock's own reading of its risk changes
    for change in clock.risk_changes(start, BERLIN):
        before = clock.risk(change.at - timedelta(seconds=1), BERLIN)
        assert before != change.risk == clock.risk(change.at, BERLIN)
        assert clock.business_left(change.at, BERLIN) == change.left
    # only those still ahead
    monday = utc(2026, 3, 30, 8, 30)
    assert [c.risk for c in clock.risk_changes(monday, BERLIN)] == [Risk.HIGH, Risk.BREACHED]


def test_paused_met_and_breached_clocks_have_no_changes_ahead():
    start = utc(2026, 6, 1, 7)  # Monday 09:00 CEST
    paused = SlaClock.start(SlaTarget.RESOLUTION, 1, 8 * HOUR, start, BERLIN, DEFAULT_LADDER)
    paused.pause(start + HOUR, BERLIN)
    assert paused.risk_changes(start + HOUR, BERLIN) == ()
    paused.resume(start + 2 * HOUR, BERLIN, DEFAULT_LADDER)  # 7 h left from 11:00
    assert paused.risk_changes(start + 2 * HOUR, BERLIN)[0] == RiskChange(
        start + 5 * HOUR, Risk.MEDIUM, 4 * HOUR)
    met = SlaClock.start(SlaTarget.FIRST_RESPONSE, 1, HOUR, start, BERLIN, DEFAULT_LADDER)
    met.meet(start + timedelta(minutes=10), BERLIN)
    assert met.risk_changes(start, BERLIN) == ()
    late = SlaClock.start(SlaTarget.FIRST_RESPONSE, 1, HOUR, start, BERLIN, DEFAULT_LADDER)
    late.advance(start + 2 * HOUR, BERLIN, DEFAULT_LADDER)
    assert late.breached_at == start + HOUR
    assert late.risk_changes(start + 2 * HOUR, BERLIN) == ()
