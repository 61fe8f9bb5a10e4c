"""Ticks, backoff and the scheduler's view of due jobs: plain values, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from huey import MemoryHuey, crontab

from hubdesk.jobs import Backoff, Jobs
from hubdesk.jobs.schedule import Cron, Interval, as_schedule


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2024, 5, 6, hour, minute, second, 250_000, tzinfo=UTC)


def test_an_interval_tick_is_the_start_of_its_period_aligned_on_the_epoch():
    quarter = Interval(timedelta(minutes=15))
    assert quarter.tick_for(at(10, 37, 12)) == at(10, 30).replace(microsecond=0)
    assert quarter.tick_for(at(10, 44, 59)) == at(10, 30).replace(microsecond=0)
    assert quarter.tick_for(at(10, 45)) == at(10, 45).replace(microsecond=0)


def test_whole_numbers_are_minutes_and_timedeltas_are_periods():
    assert as_schedule(5) == Interval(timedelta(minutes=5))
    assert as_schedule(timedelta(seconds=2)).tick_for(at(9, 0, 3)) == \
        at(9, 0, 2).replace(microsecond=0)


def test_a_crontab_is_due_in_the_minutes_it_matches_and_ticks_at_their_start():
    every_five = as_schedule(crontab(minute="*/5"))
    assert isinstance(every_five, Cron)
    assert every_five.tick_for(at(10, 35, 40)) == at(10, 35).replace(microsecond=0)
    assert every_five.tick_for(at(10, 36, 1)) is None


def test_naive_moments_and_sub_second_periods_are_refused():
    with pytest.raises(ValueError, match="naive"):
        Interval(timedelta(minutes=1)).tick_for(datetime(2024, 1, 1, 12, 0))
    with pytest.raises(ValueError, match="once a second"):
        Interval(timedelta(milliseconds=500))
    with pytest.raises(TypeError):
        as_schedule(True)


def test_backoff_doubles_from_the_first_delay_up_to_the_cap():
    backoff = Backoff(first=2, cap=30)
    assert [backoff.delay(n) for n in range(1, 7)] == [2, 4, 8, 16, 30, 30]


def test_each_tick_is_enqueued_once_per_process_however_often_the_scheduler_looks():
    jobs = Jobs(MemoryHuey("schedule-test"), hub=None)
    jobs.periodic("sweep", every=1, fn=lambda hub, tick: None)
    jobs.periodic("hourly", every=crontab(minute="0"), fn=lambda hub, tick: None)
    looks = [at(10, 0, 5), at(10, 0, 35), at(10, 1, 5), at(10, 1, 59), at(10, 2, 0)]
    enqueued = [(task.name, task.args) for moment in looks for task in jobs.due_ticks(moment)]
    assert enqueued == [
        ("periodic:sweep", ("2024-05-06T10:00:00+00:00",)),
        ("periodic:hourly", ("2024-05-06T10:00:00+00:00",)),
        ("periodic:sweep", ("2024-05-06T10:01:00+00:00",)),
        ("periodic:sweep", ("2024-05-06T10:02:00+00:00",)),
    ]


def test_two_jobs_cannot_share_a_name():
    jobs = Jobs(MemoryHuey("names-test"), hub=None)
    jobs.task("send", lambda hub: None)
    with pytest.raises(ValueError, match="declared already"):
        jobs.periodic("send", every=1, fn=lambda hub, tick: None)
