"""Arrivals exports that would be misread silently: daily totals and coarse intervals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from hubdesk.cli import app
from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.series import interval_of, interval_starts

runner = CliRunner()
CHICAGO = ZoneInfo("America/Chicago")


def rows_every(step: timedelta, count: int, first: datetime) -> list[tuple[datetime, float]]:
    return [(first + step * i, 10.0) for i in range(count)]


def test_daily_totals_and_intervals_longer_than_an_hour_are_refused():
    """A day's total stamped at midnight, or two hours' count, read as one hour's would put
    every contact of the day into its first hour."""
    midnight = datetime(2024, 3, 1, tzinfo=UTC)
    with pytest.raises(ValidationFailed, match="every row starts at 00:00: daily totals"):
        interval_of(rows_every(timedelta(days=1), 20, midnight), UTC)
    # Local midnights are 23, 24 or 25 hours apart in UTC around a change of the clock.
    local_midnights = [(interval_starts(date(2024, 3, 1) + timedelta(days=i), 1, 60,
                                        CHICAGO)[0], 500.0) for i in range(20)]
    assert len({start.hour for start, _ in local_midnights}) == 2
    with pytest.raises(ValidationFailed, match="daily totals"):
        interval_of(local_midnights, CHICAGO)
    with pytest.raises(ValidationFailed, match="only every 120 minutes of the day"):
        interval_of(rows_every(timedelta(hours=2), 30, midnight), UTC)


def test_sparse_rows_still_show_their_interval():
    """A small desk leaves most intervals out: rows 45 minutes apart at the closest are
    15-minute intervals; hourly rows an hour apart stay hourly."""
    first = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
    sparse = [(first, 1.0), (first + timedelta(minutes=45), 2.0),
              (first + timedelta(days=1, minutes=15), 1.0)]
    assert interval_of(sparse, UTC) == 15
    assert interval_of(rows_every(timedelta(hours=1), 30, first), UTC) == 60


def test_the_commands_refuse_daily_totals_in_one_line(tmp_path: Path):
    daily = tmp_path / "daily.csv"
    daily.write_text("timestamp,count\n" + "".join(
        f"{date(2024, 3, 1) + timedelta(days=i)},{400 + i}\n" for i in range(40)))
    for command in (["forecast", "--csv", str(daily)],
                    ["staff", "--csv", str(daily), "--aht", "300", "--target", "0.8"]):
        result = runner.invoke(app, ["wfm", *command])
        assert result.exit_code == 1, result.output
        assert "daily totals" in result.output
        assert "Traceback" not in result.output
