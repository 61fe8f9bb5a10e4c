"""Arrivals exports that would be misread silently: daily totals, coarse intervals, copies of
an interval, and local clocks across the changes of the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from hubdesk.cli import app
from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.forecast import forecast
from hubdesk.workforce.series import (
    History,
    interval_of,
    interval_starts,
    read_export,
    read_rows,
)

from .conftest import synthetic_history

runner = CliRunner()
CHICAGO = ZoneInfo("America/Chicago")


def rows_every(step: timedelta, count: int, first: datetime) -> list[tuple[datetime, float]]:
    return [(first + step * i, 10.0) for i in range(count)]


def test_daily_totals_and_intervals_longer_than_an_hour_are_refused_per_interval():
    """A day's total stamped at midnight, or two hours' count, read as one hour's would put
    every contact of the day into its first hour. A forecast takes daily totals as days."""
    midnight = datetime(2024, 3, 1, tzinfo=UTC)
    daily = rows_every(timedelta(days=1), 20, midnight)
    with pytest.raises(ValidationFailed, match="every row starts at 00:00: daily totals"):
        interval_of(daily, UTC)
    assert interval_of(daily, UTC, daily=True) == 1440
    # Local midnights are 23, 24 or 25 hours apart in UTC around a change of the clock.
    local_midnights = [(interval_starts(date(2024, 3, 1) + timedelta(days=i), 1, 60,
                                        CHICAGO)[0], 500.0) for i in range(20)]
    assert len({start.hour for start, _ in local_midnights}) == 2
    with pytest.raises(ValidationFailed, match="daily totals"):
        interval_of(local_midnights, CHICAGO)
    assert interval_of(local_midnights, CHICAGO, daily=True) == 1440
    two_hourly = rows_every(timedelta(hours=2), 30, midnight)
    for daily_allowed in (False, True):
        with pytest.raises(ValidationFailed, match="only every 120 minutes of the day"):
            interval_of(two_hourly, UTC, daily=daily_allowed)


def test_sparse_rows_still_show_their_interval():
    """A small desk leaves most intervals out: rows 45 minutes apart at the closest are
    15-minute intervals; hourly rows an hour apart stay hourly."""
    first = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
    sparse = [(first, 1.0), (first + timedelta(minutes=45), 2.0),
              (first + timedelta(days=1, minutes=15), 1.0)]
    assert interval_of(sparse, UTC) == 15
    assert interval_of(rows_every(timedelta(hours=1), 30, first), UTC) == 60


def test_staffing_refuses_daily_totals_in_one_line_and_the_forecast_takes_them(
        tmp_path: Path):
    daily = tmp_path / "daily.csv"
    daily.write_text("timestamp,count\n" + "".join(
        f"{date(2024, 3, 1) + timedelta(days=i)},{400 + i}\n" for i in range(40)))
    for command in (["staff", "--csv", str(daily), "--aht", "300", "--target", "0.8"],
                    ["instance", "--csv", str(daily), "--start", "2024-04-01", "--aht", "300"]):
        result = runner.invoke(app, ["wfm", *command])
        assert result.exit_code in (1, 2), result.output  # the schedule commands exit with 2
        assert "daily totals" in result.output
        assert "Traceback" not in result.output
    result = runner.invoke(app, ["wfm", "forecast", "--csv", str(daily), "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "the rows are daily totals" in result.output


def test_a_copy_of_an_interval_is_refused_naming_both_lines():
    """Two exports pasted together repeat their common days; adding them doubles those days."""
    text = ("timestamp,count\n2024-03-04 09:00,12\n2024-03-04 09:30,8\n"
            "2024-03-04 09:00,12\n")
    with pytest.raises(ValidationFailed, match="line 4 repeats the interval of line 2") as copy:
        read_rows(text, UTC)
    assert "zone" not in str(copy.value)
    # In the small hours the repeat may be the hour the clock went back, read in the wrong zone.
    with pytest.raises(ValidationFailed, match="or name the zone of the times"):
        read_rows(text.replace("09:", "01:"), UTC)


def test_rows_of_one_interval_told_apart_by_another_column_are_added():
    """An export per queue or per skill has one row per interval and queue."""
    text = ("Date,Interval,Queue,Calls Offered\n2024-03-04,09:00,sales,12\n"
            "2024-03-04,09:00,billing,5\n2024-03-04,09:30,sales,7\n")
    assert read_rows(text, UTC) == [(datetime(2024, 3, 4, 9, 0, tzinfo=UTC), 17.0),
                                    (datetime(2024, 3, 4, 9, 30, tzinfo=UTC), 7.0)]


def test_a_local_clock_export_keeps_both_passes_of_the_repeated_autumn_hour():
    """Chicago's clock reads 01:00-01:59 twice on 3 November 2024 (CDT, then CST). An export on
    the local clock without offsets writes that hour twice, in order."""
    text = ("timestamp,count\n2024-11-03 00:30,1\n2024-11-03 01:00,2\n2024-11-03 01:30,3\n"
            "2024-11-03 01:00,4\n2024-11-03 01:30,5\n2024-11-03 02:00,6\n")
    assert read_rows(text, CHICAGO) == [
        (datetime(2024, 11, 3, hour, minute, tzinfo=UTC), float(count))
        for hour, minute, count in ((5, 30, 1), (6, 0, 2), (6, 30, 3), (7, 0, 4), (7, 30, 5),
                                    (8, 0, 6))]
    hourly = "timestamp,count\n2024-11-03 00:00,1\n2024-11-03 01:00,2\n2024-11-03 01:00,3\n"
    assert [count for _, count in read_rows(hourly, CHICAGO)] == [1.0, 2.0, 3.0]
    assert interval_of(read_rows(hourly, CHICAGO), CHICAGO) == 60


def test_a_contact_log_on_the_local_clock_keeps_both_passes_of_the_repeated_hour():
    """A log in time order goes back to 01:00 when the clock does: the contacts after that
    belong to the second pass."""
    log = ("created_at\n2024-11-03 01:10\n2024-11-03 01:50\n2024-11-03 01:05\n"
           "2024-11-03 01:55\n2024-11-03 02:10\n")
    assert read_rows(log, CHICAGO, 60) == [(datetime(2024, 11, 3, 6, 0, tzinfo=UTC), 2.0),
                                           (datetime(2024, 11, 3, 7, 0, tzinfo=UTC), 2.0),
                                           (datetime(2024, 11, 3, 8, 0, tzinfo=UTC), 1.0)]


def test_a_time_the_spring_change_skips_is_refused_unless_it_is_empty():
    """02:00-02:59 does not exist in Chicago on 10 March 2024. A report that prints every
    interval lists it empty; contacts there mean the times are on another clock."""
    empty = ("timestamp,count\n2024-03-10 01:30,3\n2024-03-10 02:00,0\n2024-03-10 02:30,0\n"
             "2024-03-10 03:00,4\n2024-03-10 03:30,5\n")
    assert read_rows(empty, CHICAGO) == [(datetime(2024, 3, 10, 7, 30, tzinfo=UTC), 3.0),
                                         (datetime(2024, 3, 10, 8, 0, tzinfo=UTC), 4.0),
                                         (datetime(2024, 3, 10, 8, 30, tzinfo=UTC), 5.0)]
    with pytest.raises(ValidationFailed, match=r"line 3: 2024-03-10 02:00 does not exist "
                                               r"on the clock of America/Chicago"):
        read_rows(empty.replace("02:00,0", "02:00,6"), CHICAGO)
    with pytest.raises(ValidationFailed, match=r"line 2: .* does not exist"):
        read_rows("created_at\n2024-03-10 02:15\n", CHICAGO)


def test_an_export_taken_during_the_day_leaves_its_unfinished_day_out():
    """Intervals after the last row of an export taken at noon are unknown, not closed: read as
    closed, they would make the day's total half and pull every later day down."""
    history = synthetic_history(70)  # open 08:00-20:00 Monday to Saturday, to Saturday 9 March
    thursday = date(2024, 3, 7)
    complete = history.before(thursday + timedelta(days=1))
    noon = datetime(2024, 3, 7, 12, 0, tzinfo=UTC)
    unfinished = History(30, UTC, {s: c for s, c in complete.counts.items() if s < noon})
    result = forecast(unfinished, 7)
    assert result.first_day == thursday + timedelta(days=1)
    assert any("2024-03-07 ends at 11:30" in note for note in result.notes)
    expected = forecast(complete.before(thursday), 7, first_day=thursday + timedelta(days=1))
    assert [p.contacts for p in result.points] == [p.contacts for p in expected.points]


def test_a_spreadsheets_unicode_text_is_read_and_another_encoding_refused(tmp_path: Path):
    """Spreadsheets save "Unicode text" as UTF-16 with tabs; an export in a Windows code page
    is not UTF-8 and is refused in one line, by every command that reads arrivals."""
    rows = "".join(f"2024-03-04 {hour:02d}:00\t{hour}\n" for hour in range(8, 20))
    unicode_text = tmp_path / "unicode.txt"
    unicode_text.write_text("Interval Start\tCalls Offered\n" + rows, encoding="utf-16")
    result = runner.invoke(app, ["wfm", "staff", "--csv", str(unicode_text), "--aht", "300",
                                 "--target", "0.8", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("2024-03-04T08:00:00+00:00,8,")
    code_page = tmp_path / "anrufe.csv"
    code_page.write_bytes("Zeitpunkt,Anrufe,Bemerkung\n2024-03-04 08:00,3,Störung\n"
                          .encode("cp1252"))
    for command in (["forecast", "--csv", str(code_page)],
                    ["staff", "--csv", str(code_page), "--aht", "300", "--target", "0.8"],
                    ["instance", "--csv", str(code_page), "--start", "2024-03-04",
                     "--aht", "300"]):
        result = runner.invoke(app, ["wfm", *command])
        assert result.exit_code in (1, 2), result.output
        assert "is not UTF-8 text (byte 0xf6 at position 48)" in result.output, command


@pytest.mark.parametrize(("row", "message"), [
    ("9999-12-31 23:30,5", "line 4: 9999-12-31 23:30 is outside the years 1900 to 2199"),
    ("0001-01-01 00:00,5", "line 4: 0001-01-01 00:00 is outside the years 1900 to 2199"),
    ("2024-03-04 10:00,1e308", "line 4: the contact count must be a number of zero or more, "
                               "up to a billion, not '1e308'"),
])
def test_a_count_or_a_year_no_export_holds_is_refused_in_one_line(tmp_path: Path, row, message):
    """A stray far date would put the forecast centuries away (or past the calendar's end),
    a count near the largest float would overflow it."""
    export = tmp_path / "arrivals.csv"
    export.write_text("timestamp,count\n2024-03-04 09:00,5\n2024-03-04 09:30,6\n" + row + "\n")
    result = runner.invoke(app, ["wfm", "forecast", "--csv", str(export), "--days", "3"])
    assert result.exit_code == 1, result.output
    assert result.output == f"error: {message}\n"


def test_a_forecast_starting_weeks_after_the_history_is_judged_at_its_true_lead(
        tmp_path: Path):
    """An export a month old: its first forecast day is 31 days ahead of what is known, and
    gets the method and the prediction intervals the backtest found that far ahead, not those
    of the next day."""
    history = synthetic_history(70)  # to Saturday 9 March 2024
    month_later = forecast(history, 7, first_day=date(2024, 4, 9))
    assert set(month_later.method_by_horizon) == {"days 29+"}
    next_week = forecast(history, 7, first_day=date(2024, 3, 11))
    assert set(next_week.method_by_horizon) == {"days 2-7", "days 8-14"}

    def width(result):
        return sum(p.upper - p.lower for p in result.points) / len(result.points)

    assert width(month_later) > width(next_week)
    with pytest.raises(ValidationFailed, match="starts 2922 days after the history"):
        forecast(history, 7, first_day=date(2032, 3, 10))
    export = write_rows(history, tmp_path / "arrivals.csv")
    result = runner.invoke(app, ["wfm", "forecast", "--csv", str(export),
                                 "--start", "9999-12-30"])
    assert result.exit_code == 1
    assert result.output.startswith("error: the forecast starts ")


def write_rows(history: History, path: Path) -> Path:
    path.write_text("timestamp,count\n" + "".join(
        f"{start.isoformat()},{count:g}\n" for start, count in sorted(history.counts.items())))
    return path


def test_an_export_that_begins_during_the_day_leaves_its_unfinished_first_day_out():
    """Ten days from Wednesday 14:00: read as closed that morning, the first Wednesday would
    halve the next Wednesday's morning, as only two Wednesdays are known."""
    full = synthetic_history(11, first=date(2024, 1, 2))  # Tuesday to Friday of next week
    wednesday = date(2024, 1, 3)
    afternoon = datetime(2024, 1, 3, 14, 0, tzinfo=UTC)
    late_start = History(30, UTC, {s: c for s, c in full.counts.items() if s >= afternoon})
    result = forecast(late_start, 7)
    assert any(f"{wednesday} begins at 14:00" in note for note in result.notes)
    from_thursday = History(30, UTC, {s: c for s, c in full.counts.items()
                                      if s.date() > wednesday})
    expected = forecast(from_thursday, 7)
    assert [p.contacts for p in result.points] == [p.contacts for p in expected.points]


def test_rows_left_empty_by_a_spreadsheet_are_skipped():
    """A sheet saved as CSV keeps rows whose cells were cleared: separators and nothing else."""
    text = "timestamp;count\r\n2024-03-04 09:00;5\r\n;\r\n2024-03-04 09:30;6\r\n ; \r\n;\r\n"
    assert read_rows(text, UTC) == [(datetime(2024, 3, 4, 9, 0, tzinfo=UTC), 5.0),
                                    (datetime(2024, 3, 4, 9, 30, tzinfo=UTC), 6.0)]
    # A time with its count left empty is an interval not given (`test_export_shapes`).
    export = read_export("timestamp,count\n2024-03-04 09:00,5\n2024-03-04 09:30,\n", UTC)
    assert export.rows == [(datetime(2024, 3, 4, 9, 0, tzinfo=UTC), 5.0)]
    assert export.notes and export.notes[0].startswith("1 row without a count")


def test_an_interval_given_shorter_than_the_rows_show_is_refused(tmp_path: Path):
    """Half-hour counts read as quarter hours would leave every other quarter closed and put
    a half hour's contacts in each remaining one, doubling the staff."""
    history = synthetic_history(14)
    export = write_rows(history, tmp_path / "arrivals.csv")
    for command in (["forecast", "--csv", str(export), "--interval", "15"],
                    ["staff", "--csv", str(export), "--interval", "15", "--aht", "300",
                     "--target", "0.8"],
                    ["instance", "--csv", str(export), "--interval", "15", "--start",
                     "2024-01-08", "--aht", "300"]):
        result = runner.invoke(app, ["wfm", *command])
        assert result.exit_code in (1, 2), result.output
        assert "every row starts on a 30-minute step of the day" in result.output
    # A few rows cannot show it: a quiet desk's quarter hours may all fall on half hours.
    first = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
    quiet = tmp_path / "quiet.csv"
    quiet.write_text("timestamp,count\n" + "".join(
        f"{(first + timedelta(hours=i)).isoformat()},1\n" for i in range(6)))
    result = runner.invoke(app, ["wfm", "forecast", "--csv", str(quiet), "--interval", "15"])
    assert result.exit_code == 0, result.output


def test_sparse_hourly_rows_a_day_apart_are_not_taken_for_daily_totals():
    """A quiet desk's rows at different hours, the closest pair exactly a day apart, are
    hourly: only rows all at one time of day are days."""
    rows = [(datetime(2024, 3, 4, 9, tzinfo=UTC), 1.0),
            (datetime(2024, 3, 5, 9, tzinfo=UTC), 2.0),
            (datetime(2024, 3, 7, 10, tzinfo=UTC), 1.0)]
    assert interval_of(rows, UTC, daily=True) == 60
