"""SLA clocks against the minute-walking oracle: paused and closed time are never counted.

A clock runs from its start, is paused and resumed at random instants (a ticket going pending
and coming back), and is read or met at the end; every stretch it ran is measured by the
oracle, and its deadline is where the oracle reaches what is left of the goal.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from hubdesk.domain.sla import DEFAULT_LADDER, ClockStatus, SlaClock, SlaTarget
from tests.domain.calendar_oracle import DAY_MINUTES, MINUTE
from tests.domain.test_calendars_oracle import instants, oracle_calendars, product_of, walkable

CLOCKS = settings(max_examples=40, deadline=None)
ZERO = timedelta(0)


@CLOCKS
@given(st.data())
def test_a_paused_and_resumed_clock_counts_only_business_time_it_ran(data):
    cal, near = data.draw(oracle_calendars())
    calendar = product_of(cal)
    start = data.draw(instants(near, cal.timezone))
    goal = walkable(cal, MINUTE * data.draw(st.integers(0, 2 * DAY_MINUTES)))
    paused_at_start = data.draw(st.booleans())
    clock = SlaClock.start(SlaTarget.RESOLUTION, 1, goal, start, calendar, DEFAULT_LADDER,
                           paused=paused_at_start)
    gaps = data.draw(st.lists(st.integers(0, 2 * DAY_MINUTES * 60), max_size=4))
    running, since, used, moment = not paused_at_start, start, ZERO, start.astimezone(UTC)
    for seconds in gaps:
        moment = moment + timedelta(seconds=seconds, microseconds=seconds % 7)
        if running:
            used += cal.elapsed(since, moment)
            clock.pause(moment, calendar)
        else:
            since = moment
            clock.resume(moment, calendar, DEFAULT_LADDER)
        running = not running
        assert clock.elapsed == used
    if running:
        left = goal - used
        assert clock.due_at == (since if left <= ZERO else cal.add(since, left))
    else:
        assert clock.status is ClockStatus.PAUSED and clock.due_at is None
    now = moment + timedelta(minutes=data.draw(st.integers(0, DAY_MINUTES)))
    total = used + (cal.elapsed(since, now) if running else ZERO)
    assert clock.used(now, calendar) == total
    assert clock.business_left(now, calendar) == goal - total
    due = clock.due_at
    clock.meet(now, calendar)
    assert clock.elapsed == total
    # Late: met after the deadline, or with more than the goal used when it last resumed (its
    # deadline then is the resumption); met at the deadline itself, in time.
    assert (clock.breached_at is not None) == (due is not None
                                               and (now > due or total > goal))
