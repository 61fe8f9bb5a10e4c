"""A real IMAP server on 127.0.0.1 for the mail benchmark and the tests: Debian's dovecot on
a free port with a temporary configuration (installed by `make imap-deps`)."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            time.sleep(0.05)
            continue
        return True
    return False

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

_CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def available() -> str | None:
    """Why dovecot cannot run here, or None."""
    if not os.path.exists(DOVECOT):
        return "dovecot is not installed: run `make imap-deps` (as root) to test IMAP"
    if os.geteuid() != 0:
        return "dovecot needs root to start with a temporary configuration"
    return None


class Dovecot:
    def __init__(self, users: dict[str, str]) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="hubdesk-imap-"))
        self.root.chmod(0o755)
        self.port = free_port()
        nobody = pwd.getpwnam("nobody")
        (self.root / "home").mkdir()
        os.chown(self.root / "home", nobody.pw_uid, nobody.pw_gid)
        (self.root / "users").write_text(
            "".join(f"{user}:{{PLAIN}}{password}::::::\n" for user, password in users.items()))
        self.config = self.root / "dovecot.conf"
        self.config.write_text(_CONFIG.format(root=self.root, port=self.port,
                                              uid=nobody.pw_uid, gid=nobody.pw_gid))

    def start(self) -> None:
        subprocess.run([DOVECOT, "-c", str(self.config)], check=True)  # noqa: S603
        if not wait_for_port(self.port, 20):
            raise RuntimeError("dovecot did not start: "
                               + (self.root / "dovecot.log").read_text()[-2000:])

    def stop(self) -> None:
        subprocess.run([DOVECOT, "-c", str(self.config), "stop"],  # noqa: S603
                       check=False, capture_output=True)
        for _ in range(100):
            if not (self.root / "run" / "master.pid").exists():
                break
            time.sleep(0.05)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self, user: str, password: str) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(user, password)
        return client

    def deliver(self, user: str, password: str, *messages: bytes,
                folder: str = "INBOX") -> None:
        client = self.client(user, password)
        try:
            for raw in messages:
                status, _ = client.append(folder, None, None, raw)
                assert status == "OK"
        finally:
            client.logout()
