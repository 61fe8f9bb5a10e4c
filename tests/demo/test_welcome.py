"""What `hubdesk demo` prints once the demo is ready: every login with its role."""

from __future__ import annotations

import io

from rich.console import Console

from hubdesk.demo.cli import print_welcome
from hubdesk.demo.people import SIGN_IN, STAFF, TRY_AS


def _welcome() -> str:
    out = io.StringIO()
    console = Console(file=out, width=240, color_system=None)
    print_welcome(console, "127.0.0.1", 8000, "s3cret-pass", "tok-123", 1.5)
    return out.getvalue()


def test_every_login_is_printed_with_its_role_and_something_to_try() -> None:
    lines = _welcome().splitlines()

    logins = {m.email_local: m for m in STAFF if m.signs_in}
    assert set(logins) == set(SIGN_IN) == set(TRY_AS)
    for local, member in logins.items():
        [at] = [i for i, line in enumerate(lines) if member.email in line]
        assert lines[at].endswith(f"  {member.title}")
        assert lines[at + 1].strip() == f"try: {TRY_AS[local]}"


def test_the_roles_a_newcomer_asks_about_are_named() -> None:
    text = _welcome()

    assert "jonas@demo.hubdesk.example" in text
    jonas = next(line for line in text.splitlines() if "jonas@" in line)
    liam = next(line for line in text.splitlines() if "liam@" in line)
    ines = next(line for line in text.splitlines() if "ines@" in line)
    assert "coordinator" in jonas
    assert "representative, Frontline EN" in liam
    assert "department liaison, Billing" in ines
    assert "password   s3cret-pass  (the same for every login below)" in text
    assert "tok-123" in text


def test_a_kept_demo_from_before_gets_the_logins_it_prints(hub) -> None:
    from datetime import timedelta

    from hubdesk.demo.cli import _renew_logins
    from hubdesk.demo.people import DEMO_DOMAIN
    from hubdesk.domain.agents import Role
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.directory import AgentInput, create_agent
    from hubdesk.services.sessions import sign_in

    def agent(email: str, role: Role) -> None:
        create_agent(hub.uows, LOCAL_OPERATOR, AgentInput(
            fields_set=frozenset(), email=email, name=email.split("@")[0], role=role,
            password="old-password-1"))

    agent("jonas@demo.hubdesk.test", Role.COORDINATOR)  # a login of an earlier demo
    agent("nobody@demo.hubdesk.test", Role.REPRESENTATIVE)  # not one of the demo's staff
    agent("jonas@elsewhere.example", Role.REPRESENTATIVE)  # the desk's own, left alone

    _renew_logins(hub, "new-password-1")

    emails = {a.email for a in hub.app.directory.agents(LOCAL_OPERATOR)}
    assert {f"jonas@{DEMO_DOMAIN}", "nobody@demo.hubdesk.test",
            "jonas@elsewhere.example"} <= emails
    assert "jonas@demo.hubdesk.test" not in emails

    def signs_in(email: str, password: str) -> bool:
        return sign_in(hub.uows, email, password, address="127.0.0.1", user_agent="test",
                       lifetime=timedelta(hours=1)) is not None

    assert signs_in(f"jonas@{DEMO_DOMAIN}", "new-password-1")
    assert signs_in("jonas@elsewhere.example", "old-password-1")
    assert signs_in("nobody@demo.hubdesk.test", "old-password-1")


def test_the_demos_addresses_are_ones_the_api_accepts() -> None:
    from pydantic import TypeAdapter

    from hubdesk.api.schemas import Email
    from hubdesk.demo.people import DEPARTMENTS

    addresses = [m.email for m in STAFF] + [address for _, _, address in DEPARTMENTS]
    assert [TypeAdapter(Email).validate_python(a) for a in addresses] == addresses


def test_the_command_it_prints_works_on_the_demos_desk_not_the_default_one(tmp_path) -> None:
    import os
    import shlex
    import subprocess
    import sys

    from hubdesk.bootstrap import build_hub
    from hubdesk.config import Settings, with_stored_secret
    from hubdesk.demo.cli import demo_environment
    from hubdesk.demo.people import ADMIN_EMAIL
    from hubdesk.domain.agents import Role
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.directory import AgentInput

    data_dir = tmp_path / "data" / "demo"
    data_dir.mkdir(parents=True)
    hub = build_hub(with_stored_secret(Settings(
        triage_enabled=False, **{name.removeprefix("HUBDESK_").lower(): value
                                 for name, value in demo_environment(data_dir).items()})))
    hub.migrate()
    hub.app.directory.create_agent(LOCAL_OPERATOR, AgentInput(
        fields_set=frozenset({"email", "name", "role"}), email=ADMIN_EMAIL, name="Admin",
        role=Role.ADMIN))
    hub.app.auth.create_token(LOCAL_OPERATOR, ADMIN_EMAIL, "demo")
    hub.close()
    out = io.StringIO()
    print_welcome(Console(file=out, width=400, color_system=None), "127.0.0.1", 8000, "pw",
                  "tok", 1.0, data_dir=data_dir)
    lines = out.getvalue().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("commands"))
    *settings, command, subcommand, verb, option, email = shlex.split(lines[at + 1])

    environment = {k: v for k, v in os.environ.items() if not k.startswith("HUBDESK_")}
    environment.update(setting.split("=", 1) for setting in settings)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listed = subprocess.run(
        [sys.executable, "-c", "from hubdesk.cli import main; main()", subcommand, verb, option,
         email], cwd=elsewhere, env=environment, capture_output=True, text=True, timeout=120)
    assert command.endswith("hubdesk") and email == ADMIN_EMAIL
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split("\t")[1] == "demo"
    assert not (elsewhere / "data").exists()


def test_the_demos_desk_and_its_commands_seal_with_a_key_of_its_own(tmp_path, monkeypatch):
    """The public development key must not seal the demo's personal data: the demo, its
    server and the commands it prints read one generated key kept in its folder."""
    from hubdesk.config import DEVELOPMENT_SECRET, get_settings
    from hubdesk.demo.cli import demo_environment

    data_dir = tmp_path / "data" / "demo"
    monkeypatch.delenv("HUBDESK_SECRET_KEY", raising=False)
    monkeypatch.delenv("HUBDESK_DATABASE_URL", raising=False)
    for name, value in demo_environment(data_dir).items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        settings = get_settings()
    finally:
        get_settings.cache_clear()
    assert settings.secret_key != DEVELOPMENT_SECRET
    assert (data_dir / "secret_key").read_text() == settings.secret_key
    assert settings.effective_database_url == f"sqlite:///{(data_dir / 'hubdesk.db').resolve()}"
