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

    assert "jonas@demo.hubdesk.test" in text
    jonas = next(line for line in text.splitlines() if "jonas@" in line)
    liam = next(line for line in text.splitlines() if "liam@" in line)
    ines = next(line for line in text.splitlines() if "ines@" in line)
    assert "coordinator" in jonas
    assert "representative, Frontline EN" in liam
    assert "department liaison, Billing" in ines
    assert "password   s3cret-pass  (the same for every login below)" in text
    assert "tok-123" in text
