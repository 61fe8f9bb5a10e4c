"""Forecasting on series whose seasonality is known, with gaps, short histories and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.forecast import Forecast, Override, forecast
from hubdesk.workforce.series import History, interval_starts, read_rows

from .conftest import expected_contacts, synthetic_history


def wape_against_truth(result: Forecast, zone: str, peak: float = 60.0,
                       growth: float = 0.0) -> float:
    tz = ZoneInfo(zone)
    truth = np.asarray([expected_contacts(p.start, tz, peak, growth) for p in result.points])
    values = np.asarray([p.contacts for p in result.points])
    return float(np.abs(truth - values).sum() / truth.sum())


def test_a_stable_week_is_forecast_closely_and_closed_hours_are_left_out():
    history = synthetic_history(70)
    result = forecast(history, 14)
    assert result.notes == []
    assert set(result.method_by_horizon) == {"day 1", "days 2-7", "days 8-14"}
    # Averaging weeks beats copying last week when the pattern is stable and noisy.
    naive = {s.horizon: s.wape for s in result.scores if s.method == "seasonal_naive"}
    chosen = {s.horizon: s.wape for s in result.scores
              if s.method == result.method_by_horizon.get(s.horizon)}
    assert all(chosen[h] < naive[h] for h in chosen)
    assert "seasonal_naive" not in result.method_by_horizon.values()
    assert wape_against_truth(result, "UTC") < 0.08
    # Twelve open hours a day, six days a week: 24 half hours on each of 12 days.
    assert len(result.points) == 12 * 24
    assert all(p.local_start.weekday() != 6 for p in result.points)
    assert all(8 <= p.local_start.hour < 20 for p in result.points)


def test_a_growing_series_is_left_to_the_trend_aware_methods():
    history = synthetic_history(70, growth_per_day=0.01)
    result = forecast(history, 14)
    average = {s.horizon: s.wape for s in result.scores if s.method == "weekday_average"}
    for horizon in ("days 2-7", "days 8-14"):
        best = result.method_by_horizon[horizon]
        assert best in {"holt_winters", "combination"}
        assert next(s.wape for s in result.scores
                    if s.method == best and s.horizon == horizon) < average[horizon]
    assert wape_against_truth(result, "UTC", growth=0.01) < 0.1


def test_prediction_intervals_cover_about_the_stated_share():
    history = synthetic_history(84, seed=3)
    future = synthetic_history(98, seed=4)  # another draw of the same process, two weeks on
    result = forecast(history, 14, coverage=0.8)
    actual = {start: count for start, count in future.counts.items()}
    inside = [p.lower <= actual.get(p.start, 0.0) <= p.upper for p in result.points]
    assert 0.65 <= sum(inside) / len(inside) <= 0.95
    assert all(p.lower <= p.contacts <= p.upper for p in result.points)


def test_short_histories_fall_back_and_say_so():
    ten_days = forecast(synthetic_history(10), 7)
    assert set(ten_days.method_by_horizon.values()) == {"weekday_average"}
    assert any("too few to backtest" in note for note in ten_days.notes)
    three_days = forecast(synthetic_history(3), 2)
    assert set(three_days.method_by_horizon.values()) == {"time_of_day_average"}
    assert all(p.contacts >= 0 for p in three_days.points)


def test_days_missing_from_the_history_are_gaps_not_zeros():
    history = synthetic_history(70)
    holed = history.without_days([date(2024, 3, 4), date(2024, 3, 5), date(2024, 2, 26)])
    result = forecast(holed, 7)
    assert wape_against_truth(result, "UTC") < 0.1


def test_seasonality_follows_the_local_clock_across_a_clock_change():
    zone = ZoneInfo("Europe/London")
    # Spring forward on Sunday 31 March 2024: 46 half hours that day, 50 on 27 October.
    assert len(interval_starts(date(2024, 3, 31), 1, 30, zone)) == 46
    assert len(interval_starts(date(2024, 10, 27), 1, 30, zone)) == 50
    history = synthetic_history(70, zone="Europe/London", first=date(2024, 1, 22))
    assert history.last_day == date(2024, 3, 30)  # the desk is closed on Sundays
    result = forecast(history, 7)
    nine = next(p for p in result.points if p.local_start.date() == date(2024, 4, 1)
                and p.local_start.hour == 9 and p.local_start.minute == 0)
    # 09:00 in London is 08:00 UTC in summer time, and carries the 09:00 pattern.
    assert nine.start == datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
    assert nine.contacts == pytest.approx(expected_contacts(nine.start, zone, 60.0), rel=0.2)
    assert wape_against_truth(result, "Europe/London") < 0.1


def test_overrides_scale_or_replace_a_day():
    history = synthetic_history(42)
    plain = forecast(history, 3)
    holiday, promotion = date(2024, 2, 12), date(2024, 2, 13)
    changed = forecast(history, 3, overrides=[Override(holiday, factor=0.25),
                                              Override(promotion, contacts=1000)])

    def total(result: Forecast, day: date) -> float:
        return sum(p.contacts for p in result.points if p.local_start.date() == day)

    assert total(changed, holiday) == pytest.approx(total(plain, holiday) * 0.25)
    assert total(changed, promotion) == pytest.approx(1000)
    other = date(2024, 2, 14)
    assert total(changed, other) == pytest.approx(total(plain, other))
    late = forecast(history, 3, overrides=[Override(date(2024, 6, 1), factor=2)])
    assert any("2024-06-01" in note for note in late.notes)


def test_excluded_days_shape_no_average():
    history = synthetic_history(42)
    outage = date(2024, 2, 5)  # a Monday within the last four weeks
    counts = {s: (c * 10 if s.date() == outage else c) for s, c in history.counts.items()}
    spiked = type(history)(30, history.zone, counts)
    cleaned = forecast(spiked, 7, exclude_days=[outage])
    assert any("left out" in note for note in cleaned.notes)
    assert wape_against_truth(cleaned, "UTC") < 0.1


def test_the_repeated_autumn_hour_keeps_its_mean():
    zone = ZoneInfo("Europe/London")
    starts = interval_starts(date(2024, 10, 27), 1, 30, zone)
    history = History(30, zone, {start: 10.0 + index for index, start in enumerate(starts)})
    # 01:00 local happens at 00:00 and at 01:00 UTC: indexes 2 and 4 of the day.
    assert history.at(date(2024, 10, 27), 60) == pytest.approx((12.0 + 14.0) / 2)


def test_a_spreadsheets_csv_is_read_as_written():
    """Excel saves "CSV UTF-8" with a byte-order mark, and, where a comma is the decimal
    mark, with semicolons between the columns; headers come in any case."""
    zone = ZoneInfo("Europe/Berlin")
    expected = [(datetime(2024, 3, 4, 8, 30, tzinfo=UTC), 12.0),
                (datetime(2024, 3, 4, 8, 45, tzinfo=UTC), 3.5)]
    for text in ("\ufeffinterval_start,contacts\r\n2024-03-04 09:30,12\r\n"
                 "2024-03-04 09:45,3.5\r\n",
                 "\ufeff Interval_Start ; Contacts \r\n2024-03-04 09:30;12\r\n"
                 "2024-03-04 09:45;3,5\r\n",
                 "Timestamp\tCount\n2024-03-04T09:30:00+01:00\t12\n"
                 "2024-03-04T09:45:00+01:00\t3.5\n"):
        assert read_rows(text, zone) == expected, text


def test_bad_input_is_refused_with_the_reason():
    zone = ZoneInfo("UTC")
    with pytest.raises(ValidationFailed, match="line 3"):
        read_rows("interval_start,contacts\n2024-01-01T08:00:00+00:00,3\n"
                  "2024-01-01T08:30:00+00:00,-2\n", zone)
    with pytest.raises(ValidationFailed, match="header"):
        read_rows("when,how_many\n2024-01-01T08:00,3\n", zone)
    with pytest.raises(ValidationFailed, match="ISO"):
        read_rows("timestamp,count\nyesterday,3\n", zone)
    with pytest.raises(ValidationFailed, match="time zone"):
        History(30, zone, {datetime(2024, 1, 1, 8, 0): 3.0})
    with pytest.raises(ValidationFailed, match="horizon"):
        forecast(synthetic_history(14), 0)


def test_other_exports_names_and_split_date_and_time_columns_are_read():
    """Call-centre exports name the columns otherwise ("Interval Start", "Calls Offered"),
    or give the day and the time of day in two columns, hours without a leading zero."""
    zone = ZoneInfo("Europe/Berlin")
    expected = [(datetime(2024, 3, 4, 8, 30, tzinfo=UTC), 12.0),
                (datetime(2024, 3, 4, 8, 45, tzinfo=UTC), 3.0)]
    for text in ("Interval Start,Calls Offered\n2024-03-04 09:30,12\n2024-03-04 09:45,3\n",
                 "Date,Time,Calls\n2024-03-04,9:30,12\n2024-03-04,09:45:00,3\n",
                 "date;interval;offered\n2024-03-04;09:30;12\n2024-03-04;09:45;3\n",
                 "date,timestamp,volume\n2024-03-04,2024-03-04T09:30+01:00,12\n"
                 "2024-03-04,2024-03-04T09:45+01:00,3\n",
                 # A call-centre report prints the interval, on a 12-hour clock too.
                 "Date,Interval,Calls Offered\n2024-03-04,09:30-09:45,12\n"
                 "2024-03-04,9:45 AM - 10:00 AM,3\n"):
        assert read_rows(text, zone) == expected, text
    afternoon = read_rows("date,interval,calls\n2024-03-04,12:00 PM-12:30 PM,1\n"
                          "2024-03-04,12:30 AM-1:00 AM,2\n2024-03-04,11:30 pm,3\n", zone)
    assert [(start.astimezone(zone).strftime("%H:%M"), n) for start, n in afternoon] == [
        ("00:30", 2.0), ("12:00", 1.0), ("23:30", 3.0)]


def test_days_are_read_at_local_midnight_and_bad_times_refused_with_the_line():
    """A day alone is a daily total; the forecast reads such rows per day, staffing refuses
    them (`test_arrival_exports`, `test_daily_totals`)."""
    zone = ZoneInfo("UTC")
    assert read_rows("date,count\n2024-03-04,600\n", zone) == [
        (datetime(2024, 3, 4, tzinfo=UTC), 600.0)]
    assert read_rows("Date,Calls\n2024-03-04 09:30,12\n", zone) == [
        (datetime(2024, 3, 4, 9, 30, tzinfo=UTC), 12.0)]
    with pytest.raises(ValidationFailed, match="line 3: '2024-03-04 25:30' is not an ISO"):
        read_rows("date,time,calls\n2024-03-04,09:30,3\n2024-03-04,25:30,3\n", zone)
    with pytest.raises(ValidationFailed, match=r"line 2: .* is not an ISO"):
        read_rows("date,time,calls\n,09:30,3\n", zone)


def test_a_log_of_one_row_per_contact_is_counted_per_local_interval():
    """A phone system's call records or a ticket export: a time and no count. Each row is
    one contact, counted in the interval of the local clock it falls in (Kolkata is 5:30
    ahead of UTC: its half hours start at :00 and :30 local, :30 and :00 in UTC)."""
    zone = ZoneInfo("Asia/Kolkata")
    log = ("Call ID,Started At,Duration\n1,2024-03-04 09:00:00,120\n"
           "2,2024-03-04 09:29:59,60\n3,2024-03-04T04:00:00Z,30\n4,2024-03-04 10:59,10\n")
    assert read_rows(log, zone) == [(datetime(2024, 3, 4, 3, 30, tzinfo=UTC), 2.0),
                                    (datetime(2024, 3, 4, 4, 0, tzinfo=UTC), 1.0),
                                    (datetime(2024, 3, 4, 5, 0, tzinfo=UTC), 1.0)]
    assert read_rows(log, zone, 60) == [(datetime(2024, 3, 4, 3, 30, tzinfo=UTC), 3.0),
                                        (datetime(2024, 3, 4, 4, 30, tzinfo=UTC), 1.0)]
    split = "created_at\n2024-03-04 09:14\n2024-03-04 09:16\n"
    assert read_rows(split, zone, 15) == [(datetime(2024, 3, 4, 3, 30, tzinfo=UTC), 1.0),
                                          (datetime(2024, 3, 4, 3, 45, tzinfo=UTC), 1.0)]
    assert read_rows("date,time\n04.03.2024,9:20 AM\n", zone) == [
        (datetime(2024, 3, 4, 3, 30, tzinfo=UTC), 1.0)]
    with pytest.raises(ValidationFailed, match="one of"):
        read_rows(log, zone, 20)
    # A log of days alone counts its contacts from each local midnight.
    assert read_rows("date\n2024-03-04\n2024-03-04\n", zone, 1440) == [
        (datetime(2024, 3, 3, 18, 30, tzinfo=UTC), 2.0)]


@pytest.mark.parametrize("written", [
    "2024-03-04 9:30", "2024-3-4 09:30", "2024-03-04 9:30 AM", "2024-03-04 08:30:00 UTC",
    "2024-03-04T08:30Z", "2024-03-04 08:30 GMT", "2024-03-04 10:30:00 +0200", "1709541000",
    "1709541000000", "2024/3/4 9:30", "4.3.2024 9:30 am"])
def test_timestamps_as_exports_loosen_iso_or_as_seconds_since_1970_are_read(written):
    """Berlin is an hour ahead of UTC in March: a time without an offset is its clock's."""
    assert read_rows(f"timestamp,count\n{written},2\n", ZoneInfo("Europe/Berlin")) == [
        (datetime(2024, 3, 4, 8, 30, tzinfo=UTC), 2.0)]


def test_dates_written_day_first_with_dots_or_year_first_with_slashes_are_read():
    """European exports write 04.03.2024 (day first) or 2024/03/04; 03/04/2024 could be
    either day or month first, and is refused saying so."""
    zone = ZoneInfo("Europe/Berlin")
    expected = [(datetime(2024, 3, 4, 8, 30, tzinfo=UTC), 12.0),
                (datetime(2024, 3, 4, 8, 45, tzinfo=UTC), 3.5)]
    for text in ("date;time;calls\n04.03.2024;09:30;12\n4.3.2024;9:45;3,5\n",
                 "timestamp,count\n2024/03/04 09:30,12\n04.03.2024T09:45:00+01:00,3.5\n"):
        assert read_rows(text, zone) == expected, text
    with pytest.raises(ValidationFailed, match="fourth of March, so write it year first"):
        read_rows("timestamp,count\n03/04/2024 09:30,1\n", zone)
    with pytest.raises(ValidationFailed, match=r"line 2: '31\.02\.2024 09:30' is not an ISO"):
        read_rows("timestamp,count\n31.02.2024 09:30,1\n", zone)
