"""`hubdesk handoffs ola` sets a department's OLA from a calendar file, on both databases."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from hubdesk.cli import app
from hubdesk.config import get_settings
from hubdesk.domain.agents import Role
from hubdesk.services.auth import LOCAL_OPERATOR
from tests import factories

OFFICE = {"timezone": "Europe/Berlin",
          "hours": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
          "holidays": ["2026-12-24"]}


@pytest.fixture
def cli_env(hub, monkeypatch):
    monkeypatch.setenv("HUBDESK_DATABASE_URL", hub.settings.effective_database_url)
    monkeypatch.setenv("HUBDESK_DATA_DIR", str(hub.settings.data_dir))
    get_settings.cache_clear()
    yield hub
    get_settings.cache_clear()


def test_an_ola_is_set_from_a_calendar_file_and_removed(cli_env, tmp_path):
    billing = factories.department(cli_env, "Billing")
    lead = factories.staff(cli_env, Role.TEAM_LEAD, departments=(billing,)).agent
    calendar = tmp_path / "billing.json"
    calendar.write_text(json.dumps(OFFICE))
    runner = CliRunner()
    done = runner.invoke(app, ["handoffs", "ola", "--department", "billing",
                               "--target-minutes", "240", "--calendar", str(calendar),
                               "--lead", lead.email, "--coordinator-after-minutes", "60"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["target_minutes"] == 240
    ola = cli_env.app.handoffs.ola(LOCAL_OPERATOR, billing.id)
    assert ola is not None and ola.lead_id == lead.id
    assert ola.calendar is not None and ola.calendar.to_dict()["holidays"] == [
        OFFICE["holidays"][0]]
    removed = runner.invoke(app, ["handoffs", "ola", "--department", "Billing", "--remove"])
    assert removed.exit_code == 0 and cli_env.app.handoffs.ola(LOCAL_OPERATOR,
                                                               billing.id) is None


def test_a_bad_calendar_is_refused_and_nothing_is_stored(cli_env, tmp_path):
    billing = factories.department(cli_env, "Billing")
    calendar = tmp_path / "bad.json"
    calendar.write_text(json.dumps({"timezone": "Mars/Olympus", "always_open": True}))
    refused = CliRunner().invoke(app, ["handoffs", "ola", "--department", "Billing",
                                       "--target-minutes", "60", "--calendar", str(calendar)])
    assert refused.exit_code == 1 and "calendar is not valid" in refused.output
    assert cli_env.app.handoffs.ola(LOCAL_OPERATOR, billing.id) is None
    unknown = CliRunner().invoke(app, ["handoffs", "ola", "--department", "Nowhere",
                                       "--target-minutes", "60"])
    assert unknown.exit_code == 1 and "no department" in unknown.output


def test_an_ola_takes_its_escalation_ladder_as_json(cli_env):
    billing = factories.department(cli_env, "Billing")
    runner = CliRunner()
    steps = [{"at_percent": 60, "notify": ["assignee"]},
             {"after_deadline_minutes": 30, "notify": ["coordinators"]}]
    done = runner.invoke(app, ["handoffs", "ola", "--department", "Billing",
                               "--target-minutes", "120", "--ladder", json.dumps(steps)])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["ladder"] == steps
    refused = runner.invoke(app, ["handoffs", "ola", "--department", "Billing",
                                  "--target-minutes", "120", "--ladder",
                                  '[{"at_percent": 60, "notify": ["nobody"]}]'])
    assert refused.exit_code != 0 and "ladder.0.notify" in refused.output
    ola = cli_env.app.handoffs.ola(LOCAL_OPERATOR, billing.id)
    assert ola is not None and [step.to_dict() for step in ola.steps] == steps
