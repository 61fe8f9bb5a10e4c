"""An SLA clock whose calendar is replaced while it runs or is paused, against the oracle.

Time used up to the change is measured on the old calendar, what is left is counted on the
new one; pauses may begin and end while the desk is closed (a ticket set pending at night,
answered on a Sunday), and then count nothing at all.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from hubdesk.domain.sla import DEFAULT_LADDER, ClockStatus, SlaClock, SlaTarget
from tests.domain.calendar_oracle import DAY_MINUTES, MINUTE
from tests.domain.test_calendars_oracle import oracle_calendars, product_of, walkable

CHANGES = settings(max_examples=10, deadline=None)
ZERO = timedelta(0)


@CHANGES
@given(st.data())
def test_a_calendar_replaced_mid_flight_counts_each_stretch_on_the_calendar_then_in_force(data):
    old, near = data.draw(oracle_calendars())
    new, _ = data.draw(oracle_calendars(zone=old.timezone))
    before, after = product_of(old), product_of(new)
    start = near + MINUTE * data.draw(st.integers(-DAY_MINUTES, DAY_MINUTES))
    goal = walkable(new, walkable(old, MINUTE * data.draw(st.integers(1, 2 * DAY_MINUTES))))
    clock = SlaClock.start(SlaTarget.RESOLUTION, 1, goal, start, before, DEFAULT_LADDER)
    # A pause, perhaps from a closed hour to another, before the change, after it, or across.
    moments = sorted(start + timedelta(seconds=s) for s in data.draw(st.lists(
        st.integers(0, 2 * DAY_MINUTES * 60), min_size=3, max_size=3, unique=True)))
    paused, resumed, changed = data.draw(st.permutations(moments))
    paused, resumed = min(paused, resumed), max(paused, resumed)
    used = ZERO
    running_since = start
    for moment, what in sorted([(paused, "pause"), (resumed, "resume"), (changed, "change")]):
        oracle, product = (old, before) if moment < changed else (new, after)
        if what == "pause":
            used += oracle.elapsed(running_since, moment)
            running_since = None
            clock.pause(moment, product)
        elif what == "resume":
            running_since = moment
            clock.resume(moment, product, DEFAULT_LADDER)
        else:
            if running_since is not None:
                used += old.elapsed(running_since, moment)
                running_since = moment
            clock.recompute(moment, before=before, calendar=after, ladder=DEFAULT_LADDER,
                            goal=goal, policy_id=1)
        assert clock.elapsed == used
    assert clock.status is ClockStatus.RUNNING and running_since is not None
    left = goal - used
    assert clock.due_at == (running_since if left <= ZERO else new.add(running_since, left))
    later = max(moments).astimezone(UTC) + MINUTE * data.draw(st.integers(0, DAY_MINUTES))
    assert clock.used(later, after) == used + new.elapsed(running_since, later)
