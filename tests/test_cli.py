"""The command line drives the same services: users, tokens, training from the database."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from hubdesk.cli import app
from hubdesk.config import get_settings
from hubdesk.domain.agents import Role
from hubdesk.services.tickets import NewTicket, open_ticket
from tests import factories


@pytest.fixture
def cli_env(hub, monkeypatch):
    monkeypatch.setenv("HUBDESK_DATABASE_URL", hub.settings.effective_database_url)
    monkeypatch.setenv("HUBDESK_DATA_DIR", str(hub.settings.data_dir))
    get_settings.cache_clear()
    yield hub
    get_settings.cache_clear()


def test_users_and_tokens(cli_env):
    runner = CliRunner()
    created = runner.invoke(app, ["users", "create", "--email", "lead@example.com", "--name",
                                  "Lea", "--role", "team_lead", "--password", "long-enough-1"])
    assert created.exit_code == 0, created.output
    token = runner.invoke(app, ["tokens", "create", "--email", "lead@example.com"])
    assert token.exit_code == 0 and token.output.strip().startswith("hd_")
    missing = runner.invoke(app, ["tokens", "create", "--email", "nobody@example.com"])
    assert missing.exit_code == 1 and "no agent" in missing.output


def test_the_id_a_token_is_revoked_by_is_listed(cli_env):
    runner = CliRunner()
    assert runner.invoke(app, ["users", "create", "--email", "ops@example.com", "--name", "Ops",
                               "--role", "admin", "--password", "long-enough-1"]).exit_code == 0
    issued = [runner.invoke(app, ["tokens", "create", "--email", "ops@example.com", "--name",
                                  name]).output.strip() for name in ("ci", "backup")]
    listed = runner.invoke(app, ["tokens", "list", "--email", "OPS@example.com"])
    assert listed.exit_code == 0, listed.output
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [row[1] for row in rows] == ["ci", "backup"]
    assert not any(token in listed.output for token in issued)
    ci_id = rows[0][0]
    assert runner.invoke(app, ["tokens", "revoke", ci_id]).exit_code == 0
    assert cli_env.app.auth.authenticate_token(issued[0]) is None
    assert cli_env.app.auth.authenticate_token(issued[1]) is not None
    again = [line.split("\t") for line in runner.invoke(
        app, ["tokens", "list", "--email", "ops@example.com"]).stdout.splitlines()]
    assert again[0][3].startswith("revoked ") and again[1][3] == "active"
    nobody = runner.invoke(app, ["tokens", "list", "--email", "nobody@example.com"])
    assert nobody.exit_code == 1 and "no agent has the e-mail" in nobody.output


def test_tokens_are_issued_read_only_or_expiring_and_listed_so(cli_env):
    from datetime import UTC, datetime, timedelta

    from hubdesk.services.auth import LOCAL_OPERATOR, create_token

    runner = CliRunner()
    assert runner.invoke(app, ["users", "create", "--email", "bi@example.com", "--name", "BI",
                               "--role", "manager", "--password", "long-enough-1"]).exit_code == 0
    reader = runner.invoke(app, ["tokens", "create", "--email", "bi@example.com", "--name",
                                 "dashboard", "--scope", "read", "--expires-in", "30"])
    assert reader.exit_code == 0, reader.output
    audit_ends = (datetime.now(UTC) + timedelta(days=400)).date().isoformat()
    dated = runner.invoke(app, ["tokens", "create", "--email", "bi@example.com", "--name",
                                "audit", "--expires-on", audit_ends])
    assert dated.exit_code == 0, dated.output
    create_token(cli_env.uows, LOCAL_OPERATOR, "bi@example.com", "old", expires_in_days=1,
                 now=datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    assert cli_env.app.auth.authenticate_token(reader.output.strip()) is not None
    rows = {row[1]: row for row in (line.split("\t") for line in runner.invoke(
        app, ["tokens", "list", "--email", "bi@example.com"]).stdout.splitlines())}
    assert rows["dashboard"][3:5] == ["active", "scope read"]
    assert rows["dashboard"][5].startswith("expires 20") and rows["dashboard"][6].startswith(
        "last used 20")
    assert rows["audit"][3:] == ["active", "scope full", f"expires {audit_ends} 00:00 UTC",
                                 "last used never"]
    assert rows["old"][3] == "expired 2026-01-06 08:00 UTC"
    for wrong in (["--expires-in", "0"], ["--expires-on", "2020-01-01"],
                  ["--expires-in", "3", "--expires-on", audit_ends], ["--scope", "write"]):
        refused = runner.invoke(app, ["tokens", "create", "--email", "bi@example.com", *wrong])
        assert refused.exit_code != 0 and "hd_" not in refused.output
    assert len(rows) == 3 == len(runner.invoke(
        app, ["tokens", "list", "--email", "bi@example.com"]).stdout.splitlines())


def test_train_the_intent_model_from_the_desks_own_tickets(cli_env):
    admin = factories.staff(cli_env, Role.ADMIN).agent
    for label, texts in {"delivery": ["parcel late", "package missing", "courier lost it",
                                      "where is my parcel", "no delivery yet"],
                         "refund": ["refund please", "money back", "refund my order",
                                    "return my money", "want a refund"]}.items():
        for text in texts:
            open_ticket(cli_env.uows, admin, NewTicket(subject=text, body=text, category=label,
                                                       requester_email="c@example.com"))
    result = CliRunner().invoke(app, ["triage", "train", "--from-db"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["examples"] == 10 and report["classes"] == 2
    assert (cli_env.settings.data_dir / "models" / "intent" / "CURRENT").exists()


def test_learn_the_desks_anger_and_abuse_models_from_corrections(cli_env):
    from hubdesk.domain.triage import Verdict
    from hubdesk.services.feedback import correct_verdict

    admin = factories.staff(cli_env, Role.ADMIN).agent
    for n in range(12):
        for text, abusive in ((f"you useless clown, order {n}", True),
                              (f"thanks a lot for order {n}", False)):
            detail, _ = open_ticket(cli_env.uows, admin, NewTicket(
                subject="x", body=text, requester_email=f"c{n}@example.com"))
            correct_verdict(cli_env.uows, admin, detail.ticket.id, detail.messages[0].id,
                            Verdict.ABUSIVE, abusive)
    result = CliRunner().invoke(app, ["triage", "learn-signals"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["abusive"]["trained"] is True and report["abusive"]["examples"] == 24
    assert report["difficult"] == {"trained": False, "why": report["difficult"]["why"]}
    assert "at least 10" in report["difficult"]["why"]
    assert (cli_env.settings.data_dir / "models" / "desk" / "abusive.pkl").exists()


def _hubdesk(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from hubdesk.cli import main; main()", *args],
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=120)


def test_a_wrong_setting_is_named_in_one_sentence_not_a_traceback(tmp_path):
    for value, why in (("support@example.com", "write it as JSON"),
                       ('["support@example.com"]', "valid dictionary")):
        done = _hubdesk(["mail", "ingest", str(tmp_path)], {
            "HUBDESK_DATA_DIR": str(tmp_path), "HUBDESK_MAIL_ADDRESSES": value})
        assert done.returncode == 1
        assert "HUBDESK_MAIL_ADDRESSES" in done.stderr and why in done.stderr
        assert "Traceback" not in done.stderr and "│" not in done.stderr


def test_a_database_without_its_schema_says_how_to_create_it(tmp_path):
    done = _hubdesk(["users", "create", "--email", "a@example.com", "--name", "A",
                     "--password", "long-enough-1"],
                    {"HUBDESK_DATA_DIR": str(tmp_path), "HUBDESK_DATABASE_URL": ""})
    assert done.returncode == 1
    assert "hubdesk migrate" in done.stderr
    assert "Traceback" not in done.stderr and "│" not in done.stderr


def test_serve_and_migrate_against_an_unreachable_database_say_so_in_one_sentence(tmp_path):
    environment = {"HUBDESK_DATA_DIR": str(tmp_path),
                   "HUBDESK_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    for command in (["serve", "--port", "1"], ["migrate"]):
        done = _hubdesk(command, environment)
        assert done.returncode == 1
        assert "database unavailable (OperationalError)" in done.stderr
        assert "Traceback" not in done.stderr and "│" not in done.stderr


def test_an_unreachable_database_is_named_with_the_drivers_reason(tmp_path):
    url = "postgresql+psycopg://nobody:hunter2@127.0.0.1:1/none"
    done = _hubdesk(["users", "create", "--email", "a@example.com", "--name", "A",
                     "--password", "long-enough-1"],
                    {"HUBDESK_DATA_DIR": str(tmp_path), "HUBDESK_DATABASE_URL": url})
    assert done.returncode == 1
    assert "at postgresql+psycopg://nobody:***@127.0.0.1:1/none" in done.stderr
    assert "Connection refused" in done.stderr and "HUBDESK_DATABASE_URL" in done.stderr
    assert "hunter2" not in done.stderr
    assert "Traceback" not in done.stderr and "│" not in done.stderr


def test_commands_before_migrating_postgresql_say_to_migrate_not_a_traceback(tmp_path):
    from tests.conftest import _postgres_test_url

    environment = {"HUBDESK_DATA_DIR": str(tmp_path),
                   "HUBDESK_DATABASE_URL": _postgres_test_url("unmigrated_cli"),
                   "HUBDESK_SECRET_KEY": "k" * 40}
    for command in (["users", "create", "--email", "a@example.com", "--name", "A",
                     "--password", "long-enough-1"],
                    ["tokens", "create", "--email", "a@example.com"],
                    ["wfm", "schedules", "list"]):
        done = _hubdesk(command, environment)
        assert done.returncode == 1, command
        assert "has no Hubdesk schema yet: create it with `hubdesk migrate`" in done.stderr
        assert "Traceback" not in done.stderr and "│" not in done.stderr, done.stderr


def test_a_worker_on_a_database_not_migrated_yet_says_so_and_stops(tmp_path):
    import sqlite3

    environment = {"HUBDESK_DATA_DIR": str(tmp_path), "HUBDESK_TRIAGE_ENABLED": "false"}
    done = _hubdesk(["worker"], environment)
    assert done.returncode == 1
    assert done.stderr.startswith("error: the database at sqlite:///") \
        and "has no Hubdesk schema yet: run `hubdesk migrate`" in done.stderr
    assert "Traceback" not in done.stderr and "running jobs" not in done.stdout
    assert _hubdesk(["migrate"], environment).returncode == 0
    with sqlite3.connect(tmp_path / "hubdesk.db") as database:
        first = database.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        database.execute("UPDATE alembic_version SET version_num = '0001'")
    behind = _hubdesk(["worker"], environment)
    assert behind.returncode == 1 and first != "0001"
    assert "has the schema of revision 0001, older than this version's" in behind.stderr


def test_a_database_url_of_another_kind_is_one_sentence_not_a_traceback(tmp_path):
    done = _hubdesk(["migrate"], {"HUBDESK_DATA_DIR": str(tmp_path),
                                  "HUBDESK_DATABASE_URL": "postgres://desk@db/hubdesk"})
    assert done.returncode == 1
    assert done.stderr.startswith("hubdesk: a setting is not valid: HUBDESK_DATABASE_URL: "
                                  "postgres:// is not a database Hubdesk runs on")
    assert "Traceback" not in done.stderr and "│" not in done.stderr


def test_serve_and_demo_say_at_once_that_their_port_is_taken(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for command in (["serve", "--port", port],
                        ["demo", "--port", port, "--data-dir", str(tmp_path / "demo")]):
            done = _hubdesk(command, {"HUBDESK_DATA_DIR": str(tmp_path)})
            assert done.returncode == 1
            assert f"127.0.0.1:{port} is already in use" in done.stderr
            assert "Application startup" not in done.stderr + done.stdout
    # nothing was seeded or migrated first
    assert not (tmp_path / "demo").exists() and not (tmp_path / "hubdesk.db").exists()


def test_a_database_migrated_by_a_newer_version_is_named_not_migrated(tmp_path):
    import sqlite3

    environment = {"HUBDESK_DATA_DIR": str(tmp_path)}
    assert _hubdesk(["migrate"], environment).returncode == 0
    with sqlite3.connect(tmp_path / "hubdesk.db") as database:
        database.execute("UPDATE alembic_version SET version_num = '0999_from_the_future'")
    for command in (["serve", "--port", "0"], ["migrate"]):
        done = _hubdesk(command, environment)
        assert done.returncode == 1
        assert "revision 0999_from_the_future, which this version of Hubdesk does not know" \
            in done.stderr
        assert "Traceback" not in done.stderr and "│" not in done.stderr


def test_a_data_folder_that_cannot_be_used_is_named_in_one_sentence(tmp_path):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    for folder in (a_file / "data", a_file):
        done = _hubdesk(["migrate"], {"HUBDESK_DATA_DIR": str(folder)})
        assert done.returncode == 1
        assert done.stderr.startswith(f"hubdesk: the data folder {folder} (HUBDESK_DATA_DIR) "
                                      "cannot be used: "), done.stderr
        assert "Traceback" not in done.stderr and "│" not in done.stderr
