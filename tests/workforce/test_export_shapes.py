"""Exports of arrivals as other contact-centre systems and spreadsheets write them: read right,
or refused in one line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from hubdesk.cli import app

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
        assert "the interval must be one of (15, 30, 60) minutes, not 120" in output, output
        assert len(output.strip().splitlines()) == 1
