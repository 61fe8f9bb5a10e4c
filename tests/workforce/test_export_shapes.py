"""Exports of arrivals as other contact-centre systems and spreadsheets write them: read right,
or refused in one line."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from hubdesk.cli import app
from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.series import read_export, read_rows

from .conftest import synthetic_history

runner = CliRunner()


def hourly_export(path: Path, days: int = 14) -> Path:
    first = datetime(2026, 3, 2, tzinfo=UTC)
    path.write_text("interval_start,contacts\n" + "".join(
        f"{first + timedelta(hours=h):%Y-%m-%dT%H:%M}Z,{5 + h % 24}\n"
        for h in range(days * 24)))
    return path


def wfm(*arguments: str) -> tuple[int, str]:
    result = runner.invoke(app, ["wfm", *arguments])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_the_three_commands_take_the_interval_the_rows_show_when_none_is_given(tmp_path: Path):
    export = str(hourly_export(tmp_path / "hourly.csv"))
    code, output = wfm("instance", "--csv", export, "--start", "2026-03-09", "--aht", "300",
                       "--length", "8", "--breaks", "4")
    assert code == 0, output
    assert '"interval_minutes": 60' in output
    code, output = wfm("staff", "--csv", export, "--aht", "300", "--target", "0.8")
    assert code == 0, output


def test_the_three_commands_refuse_an_unsupported_interval_alike(tmp_path: Path):
    export = str(hourly_export(tmp_path / "hourly.csv"))
    for command in (["forecast", "--csv", export],
                    ["staff", "--csv", export, "--aht", "300", "--target", "0.8"],
                    ["instance", "--csv", export, "--start", "2026-03-09", "--aht", "300"]):
        code, output = wfm(*command, "--interval", "120")
        assert code in (1, 2), (command, output)  # the schedule commands exit with 2
        # The forecast also takes days (1440); the other two staff, per interval.
        assert re.search(r"the interval must be one of \(15, 30, 60(, 1440)?\) minutes, "
                         "not 120", output), output
        assert len(output.strip().splitlines()) == 1


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(("export", "counts"), [
    ('timestamp,count\n2026-03-02 08:00,"1,234"\n2026-03-02 08:30,"12,345.0"\n',
     [1234.0, 12345.0]),
    ("timestamp;count\n2026-03-02 08:00;1.234\n2026-03-02 08:30;1 234\n", [1234.0, 1234.0]),
    ("timestamp;count\n2026-03-02 08:00;1.234,5\n2026-03-02 08:30;2\u00a0345\n",
     [1234.5, 2345.0]),
    # A point shown as the decimal mark elsewhere in the file keeps 1.234 a fraction.
    ("timestamp;count\n2026-03-02 08:00;1.234\n2026-03-02 08:30;2.5\n", [1.234, 2.5]),
    ("timestamp,count\n2026-03-02 08:00,-\n2026-03-02 08:30,3\n", [0.0, 3.0]),
], ids=["comma-file", "semicolon-file", "decimal-comma", "decimal-point", "dash"])
def test_counts_with_thousands_separators_or_a_dash_are_read_as_reports_mean_them(
        export, counts):
    assert read_rows(export, UTC) == [(at(2, 8), counts[0]), (at(2, 8, 30), counts[1])]


@pytest.mark.parametrize(("export", "message"), [
    ("timestamp;count\n2026-03-02 08:00;1,5\n2026-03-02 08:30;2.5\n",
     "a point (line 3) and a comma (line 2) as their decimal mark"),
    ('timestamp,count\n2026-03-02 08:00,"1,23,456"\n', "not '1,23,456'"),
    ("timestamp,count\n2026-03-02 08:00,\n2026-03-02 08:30,NaN\n",
     "no row of the CSV has a count"),
])
def test_counts_written_two_ways_or_none_at_all_are_refused(export, message):
    with pytest.raises(ValidationFailed, match=re.escape(message)):
        read_rows(export, UTC)


def test_counts_left_empty_or_written_as_missing_values_leave_their_intervals_out():
    """A pivot table leaves quiet intervals empty; pandas writes a missing value as nothing,
    other tools as NaN, NA or null. Such a row gives no count: its interval is left out (a
    day with no row left is unknown), and the notes say how many."""
    export = read_export("timestamp,count\n2026-03-02 08:00,5\n2026-03-02 08:30,\n"
                         "2026-03-02 09:00,NaN\n2026-03-02 09:30,3\n2026-03-03 08:00,null\n"
                         "2026-03-03 08:30,N/A\n2026-03-04 08:00,-\n", UTC)
    assert export.rows == [(at(2, 8), 5.0), (at(2, 9, 30), 3.0), (at(4, 8), 0.0)]
    assert export.notes == ["4 rows without a count (an empty cell, NaN or null) left out, "
                            "as intervals not given: a day left with no row is unknown, an "
                            "interval left out of a day with others reads as closed"]
    # A wide export (a count per queue) adds the queues that give one.
    wide = read_export("timestamp,sales,support\n2026-03-02 08:00,2,\n"
                       "2026-03-02 08:30,,\n2026-03-02 09:00,1,4\n", UTC, queue="all")
    assert wide.rows == [(at(2, 8), 2.0), (at(2, 9), 5.0)]


def test_a_reports_title_lines_total_rows_and_repeated_headers_are_skipped():
    report = ("Calls by interval\r\nQueue: all,,\r\n\r\n"
              "Date,Interval,Calls Offered\r\n2026-03-02,08:00-08:30,5\r\n"
              "2026-03-02,Total,5\r\n"
              "Date,Interval,Calls Offered\r\n2026-03-03,08:00-08:30,7\r\n"
              "Grand Total,,12\r\n")
    export = read_export(report, UTC)
    assert export.rows == [(at(2, 8), 5.0), (at(3, 8), 7.0)]
    assert export.notes == ["3 total or repeated header rows were skipped"]


def test_a_queue_whose_name_begins_with_total_is_not_taken_for_a_total_row():
    export = ("Queue,Interval Start,Calls\nTotal Care,2026-03-02 08:00,5\n"
              "Sales,2026-03-02 08:00,2\nTotal,,7\n")
    assert read_export(export, UTC).rows == [(at(2, 8), 7.0)]


@pytest.mark.parametrize(("dates", "first_day"), [
    (("31/03/2026", "01/04/2026"), date(2026, 3, 31)),
    (("03/31/2026", "04/01/2026"), date(2026, 3, 31)),
    (("31/03/26", "01/04/26"), date(2026, 3, 31)),
    (("31-03-2026", "01-04-2026"), date(2026, 3, 31)),
])
def test_a_date_with_a_day_above_12_decides_the_order_of_every_date(dates, first_day):
    export = "Date,Time,Calls\n" + "".join(f"{d},9:00 AM,4\n" for d in dates)
    rows = read_rows(export, UTC)
    assert [start.date() for start, _ in rows] == [first_day, first_day + timedelta(days=1)]


def test_a_date_with_two_digits_of_the_year_between_dashes_is_not_guessed():
    """26-03-02 may be year first as well as day first."""
    with pytest.raises(ValidationFailed, match="'26-03-02 08:00' is not an ISO timestamp"):
        read_rows("Date,Time,Calls\n26-03-02,08:00,4\n", UTC)


def test_times_with_an_offset_or_z_beside_local_ones_are_each_read_on_their_clock():
    export = "Interval Start,Calls\n2026-03-02 09:00,5\n2026-03-02T08:30:00Z,6\n"
    assert read_rows(export, ZoneInfo("Europe/Paris")) == [(at(2, 8), 5.0), (at(2, 8, 30), 6.0)]


def test_dates_that_never_show_their_order_need_it_given():
    export = "Date,Time,Calls\n03/04/2026,08:00,4\n"
    with pytest.raises(ValidationFailed, match=r"third of April or the fourth of March.*"
                                               r"--date-order dmy or mdy"):
        read_rows(export, UTC)
    assert read_rows(export, UTC, date_order="mdy")[0][0] == datetime(2026, 3, 4, 8, tzinfo=UTC)
    assert read_rows(export, UTC, date_order="dmy")[0][0] == datetime(2026, 4, 3, 8, tzinfo=UTC)
    with pytest.raises(ValidationFailed, match=r"day first on line 2 .* month first on line 3"):
        read_rows("Date,Time,Calls\n13/04/2026,08:00,4\n04/14/2026,08:00,4\n", UTC)
    with pytest.raises(ValidationFailed, match="given as mdy, but line 2 has 13/04/2026"):
        read_rows("Date,Time,Calls\n13/04/2026,08:00,4\n", UTC, date_order="mdy")


def test_excel_serial_numbers_are_read_as_the_times_they_stand_for():
    """46083 is 2026-03-02 in Excel's 1900 date system; a half hour is stored as 1/48."""
    expected = [(at(2, 8), 5.0), (at(2, 8, 30), 6.0)]
    assert read_rows("timestamp,count\n46083.3333333333,5\n46083.3541666667,6\n",
                     UTC) == expected
    assert read_rows("Date,Time,Calls\n46083,0.333333333333333,5\n46083,08:30,6\n",
                     UTC) == expected


@pytest.mark.parametrize("export", [
    # As call-centre platforms name the columns of interval reports.
    "Interval Start,Interval End,Queue Name,Offer\n2026-03-02T08:00:00.000Z,"
    "2026-03-02T08:30:00.000Z,Sales,5\n2026-03-02T08:30:00.000Z,2026-03-02T09:00:00.000Z,"
    "Sales,6\n",
    "DateTime,CallsOffered,CallsHandled\n2026-03-02 08:00:00,5,4\n2026-03-02 08:30:00,6,6\n",
    "DATE,HALF HOUR,CALLS\n2026/03/02,08:00,5\n2026/03/02,08:30,6\n",
    "Split/Skill,Date,Time,ACD Calls,Calls Offered\n1,03/02/2026,08:00 AM,4,5\n"
    "1,03/02/2026,08:30 AM,6,6\n1,03/13/2026,08:00 AM,0,0\n",
])
def test_interval_reports_of_other_systems_are_read_from_their_count_column(export):
    assert read_rows(export, UTC)[:2] == [(at(2, 8), 5.0), (at(2, 8, 30), 6.0)]


@pytest.mark.parametrize("export", [
    "Ticket created - Timestamp,Tickets\n2026-03-02T08:00:00Z,5\n2026-03-02T08:30:00Z,6\n",
    "Date,Time,Calls\n2026-W10-1,08:00,5\n2026-W10-1,08:30,6\n",
    "Export of tickets\n\nTicket created - Date,Ticket created - Time,Tickets\n"
    "2026-03-02,08:00,5\n2026-03-02,08:30,6\n",
    "Calls by interval,week 10\nDate,Time,Calls\n2026-03-02,08:00,5\n2026-03-02,08:30,6\n",
    "Interval,nOffered\n2026-03-02T08:00:00.000Z/2026-03-02T08:30:00.000Z,5\n"
    "2026-03-02T08:30:00.000Z/PT30M,6\n",
], ids=["qualified-names", "iso-week-dates", "qualified-names-below-a-title",
    "title-naming-an-interval", "iso-intervals"])
def test_qualified_names_iso_week_dates_and_iso_intervals_are_read(export):
    assert read_rows(export, UTC) == [(at(2, 8), 5.0), (at(2, 8, 30), 6.0)]


def test_an_interval_end_alone_is_not_taken_for_its_start():
    with pytest.raises(ValidationFailed, match="needs a header with interval_start"):
        read_rows("Interval End Time,Calls\n2026-03-02 08:30,5\n", UTC)


def test_a_day_and_an_hour_column_give_hourly_rows():
    export = "Date,Hour,Calls\n2026-03-02,8,5\n2026-03-02,9,6\n"
    assert read_rows(export, UTC) == [(at(2, 8), 5.0), (at(2, 9), 6.0)]


WIDE = ("Interval Start,Sales,Support\n2026-03-02 08:00,5,3\n2026-03-02 08:30,6,2\n")
LONG = ("Interval Start,Queue,Calls\n2026-03-02 08:00,Sales,5\n2026-03-02 08:00,Support,3\n"
        "2026-03-02 08:30,Sales,6\n")


def test_a_count_per_queue_in_columns_is_refused_until_a_queue_is_chosen():
    """Without a count column such rows were read as a contact log, one contact a row."""
    with pytest.raises(ValidationFailed, match="the columns sales, support hold numbers: "
                                               r"give the queue to read \(--queue COLUMN\)"):
        read_rows(WIDE, UTC)
    with pytest.raises(ValidationFailed, match="the columns sales, support hold numbers"):
        read_rows(WIDE.replace("Interval Start", "Start Time"), UTC)
    one = read_export(WIDE, UTC, queue="Sales")
    assert one.rows == [(at(2, 8), 5.0), (at(2, 8, 30), 6.0)]
    assert one.notes == ["the counts of the column sales were read"]
    both = read_export(WIDE, UTC, queue="all")
    assert both.rows == [(at(2, 8), 8.0), (at(2, 8, 30), 8.0)]
    assert both.notes == ["the counts of the columns sales, support were added"]


def test_queues_in_rows_are_added_saying_so_or_one_is_chosen():
    added = read_export(LONG, UTC)
    assert added.rows == [(at(2, 8), 8.0), (at(2, 8, 30), 6.0)]
    assert added.notes == ["the 2 queues of the column queue (Sales, Support) were added per "
                           "interval"]
    assert read_rows(LONG, UTC, queue="support") == [(at(2, 8), 3.0)]
    with pytest.raises(ValidationFailed, match="no row has the queue 'Billing'; the column "
                                               "queue has Sales, Support"):
        read_rows(LONG, UTC, queue="Billing")


def test_a_contact_log_with_numbers_beside_its_times_is_still_counted():
    log = "timestamp,duration\n2026-03-02 08:01:07,35\n2026-03-02 08:13:40,122\n"
    assert read_rows(log, UTC) == [(at(2, 8), 2.0)]
    hourly = "created_at,priority\n2026-03-02 08:00,3\n2026-03-02 08:00,2\n"
    assert read_rows(hourly, UTC) == [(at(2, 8), 2.0)]


def test_the_commands_take_the_queue_and_the_date_order_and_say_what_they_read(
        tmp_path: Path):
    first = datetime(2026, 3, 2)
    export = tmp_path / "wide.csv"
    export.write_text("Date,Interval,Sales,Support\n" + "".join(
        f"{first + timedelta(minutes=30 * i):%m/%d/%Y,%I:%M %p},{3 + i % 5},{i % 3}\n"
        for i in range(48 * 14)))
    code, output = wfm("forecast", "--csv", str(export), "--days", "2")
    assert code == 1 and "--queue COLUMN" in output
    code, output = wfm("forecast", "--csv", str(export), "--days", "2", "--queue", "all")
    assert code == 0, output
    assert "the counts of the columns sales, support were added" in json.loads(output)["notes"]
    code, output = wfm("staff", "--csv", str(export), "--aht", "300", "--target", "0.8",
                       "--queue", "sales")
    assert code == 0, output
    assert json.loads(output)["intervals"][0]["contacts"] == 3
    code, output = wfm("instance", "--csv", str(export), "--start", "2026-03-09", "--aht",
                       "300", "--queue", "all", "--date-order", "dmy")
    assert code == 2 and "the date order was given as dmy, but line 530 has 03/13/2026" \
        in output, output


def test_a_day_of_zeros_in_the_history_is_pointed_out_until_it_is_left_out(tmp_path: Path):
    """A report printing every interval shows a holiday as zeros, which the methods would
    learn as that weekday's level (Holt-Winters forecast next Wednesday 13 % low)."""
    history = synthetic_history(42)
    holiday = date(2024, 2, 7)  # the last Wednesday but one
    export = tmp_path / "with_holiday.csv"
    export.write_text("interval_start,contacts\n" + "".join(
        f"{start.isoformat()},{0 if start.date() == holiday else count:g}\n"
        for start, count in sorted(history.counts.items())))
    code, output = wfm("forecast", "--csv", str(export), "--days", "7")
    assert code == 0, output
    quiet = [n for n in json.loads(output)["notes"] if n.startswith("days far quieter")]
    assert len(quiet) == 1 and "2024-02-07 0 contacts against a usual" in quiet[0], quiet
    assert "--exclude" in quiet[0]
    code, output = wfm("forecast", "--csv", str(export), "--days", "7",
                       "--exclude", "2024-02-07")
    assert code == 0, output
    assert not [n for n in json.loads(output)["notes"] if n.startswith("days far quieter")]


def test_a_ticket_log_whose_text_holds_other_line_breaks_is_counted():
    log = ('number,opened_at,short_description\nINC1,2026-03-02 08:01,"one\u2028two\x0cthree"\n'
           'INC2,2026-03-02 08:40,"four\r\nfive"\n')
    assert read_rows(log, UTC) == [(at(2, 8), 1.0), (at(2, 8, 30), 1.0)]


@pytest.mark.parametrize("times", [("08:00", "08:30", "09:00"),
                                   ("8:00 AM", "8:30 AM", "9:00 AM"),
                                   ("08:00-08:30", "08:30-09:00", "09:00-09:30")],
                         ids=["clock", "am-pm", "ranges"])
def test_a_table_of_days_by_intervals_is_read_interval_by_interval(times):
    """A spreadsheet lays out each day's curve as a row: a date, then a column per time of
    day. Read as a contact log, each row was one contact a day."""
    export = read_export(f"Date,{','.join(times)}\n2026-03-02,1,2,3\n2026-03-03,4,,6\n",
                         ZoneInfo("Europe/London"))
    assert export.rows == [(at(2, 8), 1.0), (at(2, 8, 30), 2.0), (at(2, 9), 3.0),
                           (at(3, 8), 4.0), (at(3, 9), 6.0)]
    assert export.notes[0] == "each row is a day, and the 3 columns from 08:00 to 09:00 its " \
                              "intervals"
    assert export.notes[1].startswith("1 row without a count")


def test_days_beside_columns_of_numbers_are_counts_not_a_log_of_contacts(tmp_path: Path):
    """Dates alone beside a count per queue were read as one contact a row; like any wide
    export they need the queue named, or all of them added."""
    text = "date,sales,support\n2026-03-02,120,40\n2026-03-03,110,35\n"
    with pytest.raises(ValidationFailed, match="give the queue to read"):
        read_rows(text, UTC)
    assert read_rows(text, UTC, queue="all") == [(at(2, 0), 160.0), (at(3, 0), 145.0)]
    # Dates alone beside words are a log: each row one contact that day.
    log = "date,subject\n2026-03-02,Refund\n2026-03-02,Parcel\n2026-03-03,Login\n"
    assert read_rows(log, UTC, 1440) == [(at(2, 0), 2.0), (at(3, 0), 1.0)]


def test_a_table_whose_hours_run_to_24_00_names_their_ends():
    """Hour-ending reports head each hour by its end, 01:00 to 24:00: read as starts, every
    count would fall an hour late and the last hour would start at midnight."""
    hours = ",".join(f"{h:02d}:00" for h in range(1, 25))
    export = read_export(f"date,{hours}\n2026-03-02,{','.join(map(str, range(24)))}\n", UTC)
    assert export.rows[0] == (at(2, 0), 0.0)
    assert export.rows[-1] == (at(2, 23), 23.0)
    assert len(export.rows) == 24
    assert "each names the end of its interval" in export.notes[1]
