"""`hubdesk wfm schedules list|show|draft|publish` on the desk's database, on both databases:
the stored weeks listed and filtered, one shown with its shifts on the local clock, a week
drafted to the forecast, a draft published (its agents then see it), and refusals that change
nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from hubdesk.config import get_settings
from hubdesk.domain.agents import Role
from hubdesk.domain.schedules import ScheduleStatus, ShiftInput
from tests import factories
from tests.api.test_staffing_level_api import LAUNCH, tickets_tripled_since_launch

MONDAY = date(2026, 11, 30)
NINE = datetime(2026, 11, 30, 9, tzinfo=UTC)


@pytest.fixture
def cli_env(hub, monkeypatch):
    monkeypatch.setenv("HUBDESK_DATABASE_URL", hub.settings.effective_database_url)
    monkeypatch.setenv("HUBDESK_DATA_DIR", str(hub.settings.data_dir))
    monkeypatch.setenv("HUBDESK_WFM_TIMEZONE", "Europe/Paris")
    get_settings.cache_clear()
    yield hub
    get_settings.cache_clear()


def wfm(*args: str):
    from hubdesk.cli import app

    return CliRunner().invoke(app, ["wfm", "schedules", *args])


@pytest.fixture
def weeks(cli_env):
    hub = cli_env
    front, back = factories.team(hub, "Front"), factories.team(hub, "Back")
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    ada = factories.staff(hub, teams=(front,)).agent
    draft = hub.app.workforce.start_week(coordinator, front.id, MONDAY, now=NINE)
    draft = hub.app.workforce.save_shift(coordinator, draft.id, ShiftInput(
        ada.id, NINE, NINE + timedelta(hours=8), NINE + timedelta(hours=3),
        NINE + timedelta(hours=4)), now=NINE)
    empty = hub.app.workforce.start_week(coordinator, back.id, MONDAY + timedelta(days=7),
                                         now=NINE)
    return {"hub": hub, "draft": draft, "empty": empty, "ada": ada,
            "coordinator": coordinator}


def test_weeks_are_listed_latest_first_and_filtered(weeks):
    listed = wfm("list")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)["schedules"]
    assert [(r["team"], r["week_start"], r["status"], r["shifts"], r["paid_hours"])
            for r in rows] == [("Back", "2026-12-07", "draft", 0, 0),
                               ("Front", "2026-11-30", "draft", 1, 7)]
    front = json.loads(wfm("list", "--team", "front").output)["schedules"]
    assert [r["id"] for r in front] == [weeks["draft"].id]
    assert json.loads(wfm("list", "--status", "published").output) == {"schedules": []}
    unknown = wfm("list", "--team", "Nobody")
    assert unknown.exit_code == 1 and "no team is named 'Nobody'" in unknown.output


def test_a_week_is_shown_on_the_local_clock_and_published(weeks):
    shown = wfm("show", str(weeks["draft"].id))
    assert shown.exit_code == 0, shown.output
    week = json.loads(shown.output)
    assert week["timezone"] == "Europe/Paris" and week["status"] == "draft"
    [shift] = week["shift_list"]
    assert (shift["agent"], shift["starts_at"], shift["local_start"]) == (
        weeks["ada"].name, "2026-11-30T09:00:00+00:00", "2026-11-30T10:00:00+01:00")
    assert shift["break_starts_at"] == "2026-11-30T13:00:00+01:00"

    published = wfm("publish", str(weeks["draft"].id))
    assert published.exit_code == 0, published.output
    assert json.loads(published.output)["status"] == "published"
    hub = weeks["hub"]
    assert hub.app.workforce.schedule(weeks["coordinator"], weeks["draft"].id).status is \
        ScheduleStatus.PUBLISHED
    assert [s.id for s in hub.app.workforce.my_shifts(
        weeks["ada"], NINE - timedelta(hours=9), NINE + timedelta(days=1))] == [shift["id"]]


def test_a_week_is_shown_on_its_teams_own_clock(weeks):
    hub = weeks["hub"]
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.directory.update_team(admin, weeks["draft"].team_id, time_zone="Asia/Tokyo")
    week = json.loads(wfm("show", str(weeks["draft"].id)).output)
    assert week["timezone"] == "Asia/Tokyo"
    assert week["shift_list"][0]["local_start"] == "2026-11-30T18:00:00+09:00"
    # The other team keeps the desk's.
    assert json.loads(wfm("show", str(weeks["empty"].id)).output)["timezone"] == "Europe/Paris"


def test_refusals_say_why_and_change_nothing(weeks):
    empty = wfm("publish", str(weeks["empty"].id))
    assert empty.exit_code == 1 and "no shifts to publish" in empty.output
    assert weeks["hub"].app.workforce.schedule(
        weeks["coordinator"], weeks["empty"].id).status is ScheduleStatus.DRAFT
    missing = wfm("show", "999999")
    assert missing.exit_code == 1 and "schedule 999999 was not found" in missing.output


def test_a_week_is_drafted_through_the_use_case_the_api_uses(cli_env):
    hub = cli_env
    front = factories.team(hub, "Front")
    ada, bo = (factories.staff(hub, teams=(front,)).agent for _ in range(2))
    drafted = wfm("draft", "--team", "Front", "--week", "2026-12-02", "--aht-s", "300",
                  "--time-limit-s", "20")
    assert drafted.exit_code == 0, drafted.output
    week = json.loads(drafted.output)
    assert (week["team"], week["week_start"], week["status"]) == ("Front", "2026-11-30",
                                                                  "draft")
    assert week["shift_list"] and {s["agent_id"] for s in week["shift_list"]} == {ada.id,
                                                                                 bo.id}
    # each agent drafted to their contract: 32 to 40 paid hours on at most five days
    for agent in (ada, bo):
        hours = sum(s["paid_hours"] for s in week["shift_list"] if s["agent_id"] == agent.id)
        assert 32 <= hours <= 40
    assert isinstance(week["problems"], list) and week["notes"]
    assert isinstance(week["optimal"], bool)
    stored = hub.app.workforce.week(factories.staff(hub, Role.COORDINATOR).agent, front.id,
                                    MONDAY)
    assert stored is not None and stored.id == week["id"]
    assert len(stored.shifts) == len(week["shift_list"])

    assert wfm("publish", str(week["id"])).exit_code == 0
    again = wfm("draft", "--team", str(front.id), "--week", "2026-11-30")
    assert again.exit_code == 1 and "is published" in again.stderr
    assert again.stdout == ""


def test_a_draft_that_cannot_be_made_says_why_and_saves_nothing(cli_env):
    hub = cli_env
    empty = factories.team(hub, "Empty")
    nobody = wfm("draft", "--team", "Empty", "--week", "2026-11-30")
    assert nobody.exit_code == 1 and "has no active representatives" in nobody.stderr
    bad_day = wfm("draft", "--team", "Empty", "--week", "30/11/2026")
    assert bad_day.exit_code == 1 and "give it as YYYY-MM-DD" in bad_day.stderr
    impossible = wfm("draft", "--team", "Empty", "--week", "2026-11-30", "--shrinkage", "1")
    assert impossible.exit_code == 1 and "shrinkage" in impossible.stderr
    assert hub.app.workforce.schedules(factories.staff(hub, Role.COORDINATOR).agent,
                                       empty.id) == []


def test_a_week_is_drafted_from_the_day_the_volume_changed_on(cli_env):
    hub = cli_env
    front = factories.team(hub, "Front")
    factories.staff(hub, teams=(front,))
    tickets_tripled_since_launch(hub, factories.staff(hub, Role.COORDINATOR).agent, front)
    for wrong, said in (("soon", "--level-from 'soon' is not a day"),
                        ("2026-11-30", "the history ends before it")):
        refused = wfm("draft", "--team", "Front", "--week", "2026-11-30", "--aht-s", "60",
                      "--level-from", wrong)
        assert refused.exit_code == 1 and said in refused.stderr, refused.output
    drafted = wfm("draft", "--team", "Front", "--week", "2026-11-30", "--aht-s", "60",
                  "--time-limit-s", "20", "--level-from", LAUNCH.isoformat())
    assert drafted.exit_code == 0, drafted.output
    assert any(f"since {LAUNCH}" in note and "as given" in note
               for note in json.loads(drafted.output)["notes"])
