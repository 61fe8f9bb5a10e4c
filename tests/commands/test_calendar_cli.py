"""`hubdesk calendar due|elapsed`: a calendar kept in a file tried without a desk, in its
plain form or as the API answers it, with an iCalendar file's holidays; bad files, moments
and targets refused on stderr with exit 1."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from hubdesk.cli import app

OFFICE = {"timezone": "America/New_York",
          "hours": {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
          "holidays": [{"date": "11-26", "yearly": True}]}
ICAL = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        "DTSTART;VALUE=DATE:20261127\r\nDTEND;VALUE=DATE:20261128\r\nSUMMARY:Bridge day\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n")


def calendar(*args: str):
    return CliRunner().invoke(app, ["calendar", *args])


def test_a_calendar_file_is_tried_without_a_desk(tmp_path):
    plain = tmp_path / "office.json"
    plain.write_text(json.dumps(OFFICE))
    as_answered = tmp_path / "answered.json"
    as_answered.write_text(json.dumps({"id": 4, "name": "New York", "always_open": False,
                                       **OFFICE}))
    bridge = tmp_path / "bridge.ics"
    bridge.write_text(ICAL)
    for path in (plain, as_answered):
        due = calendar("due", "--calendar", str(path), "--start", "2026-11-25T17:00",
                       "--minutes", "120")
        assert due.exit_code == 0, due.output
        shown = json.loads(due.output)
        # an hour on Wednesday, Thanksgiving closed, the second hour on Friday
        assert shown["due_at"] == {"utc": "2026-11-27T14:00:00+00:00",
                                   "local": "2026-11-27T09:00:00-05:00"}
        assert shown["start"]["utc"] == "2026-11-25T22:00:00+00:00"
    with_bridge = calendar("due", "--calendar", str(plain), "--ical", str(bridge),
                           "--start", "2026-11-25T17:00", "--minutes", "120")
    assert json.loads(with_bridge.output)["due_at"]["local"] == "2026-11-30T09:00:00-05:00"

    between = calendar("elapsed", "--calendar", str(plain), "--start", "2026-11-25T12:00Z",
                       "--end", "2026-11-30T10:00")
    assert between.exit_code == 0, between.output
    shown = json.loads(between.output)
    # Wednesday 07:00–18:00 counts from 08:00 (10 h); Friday 10 h; Monday 08:00–10:00 (2 h)
    assert shown["business_minutes"] == 22 * 60 and shown["open_at_start"] is False


def test_bad_files_moments_and_targets_are_refused_in_one_line(tmp_path):
    plain = tmp_path / "office.json"
    plain.write_text(json.dumps(OFFICE))
    not_json = tmp_path / "broken.json"
    not_json.write_text("{timezone: Berlin")
    no_zone = tmp_path / "no_zone.json"
    no_zone.write_text(json.dumps({"hours": OFFICE["hours"]}))
    for args, said in (
            ((str(tmp_path / "missing.json"), "--start", "2026-11-25T17:00", "--minutes", "5"),
             "cannot read"),
            ((str(not_json), "--start", "2026-11-25T17:00", "--minutes", "5"), "is not JSON"),
            ((str(no_zone), "--start", "2026-11-25T17:00", "--minutes", "5"), "time zone"),
            ((str(plain), "--start", "Wednesday", "--minutes", "5"), "is not a moment"),
            ((str(plain), "--start", "0001-01-01T00:00", "--minutes", "5"), "the years"),
            ((str(plain), "--start", "2026-11-25T17:00", "--minutes", "nan"), "not a target"),
            ((str(plain), "--start", "2026-11-25T17:00", "--minutes", "-1"), "target")):
        refused = calendar("due", "--calendar", *args)
        assert refused.exit_code == 1 and said in refused.stderr, (args, refused.output)
        assert refused.stdout == ""
    backwards = calendar("elapsed", "--calendar", str(plain), "--start", "2026-11-30T10:00",
                         "--end", "2026-11-25T10:00")
    assert backwards.exit_code == 1 and "before the start" in backwards.stderr
