"""`hubdesk serve` migrates, then becomes a process that holds only what serving needs."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hubdesk.bench.memory import ServeCommand

pytestmark = pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="Linux only")


def test_serve_migrates_a_new_database_then_replaces_itself_with_the_server(tmp_path):
    with ServeCommand(tmp_path, workers=1, log_path=tmp_path / "serve.log") as server:
        # it answered /readyz, so the schema is at head: the child migrated the new database
        command = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
        libraries = Path(f"/proc/{server.pid}/maps").read_text()
        upgrade = _get(server.port, "/healthz", {"Connection": "Upgrade", "Upgrade": "websocket",
                                                 "Sec-WebSocket-Version": "13",
                                                 "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})

    assert command[1:3] == [b"-m", b"hubdesk.serving"]
    assert b"--port" in command and str(server.port).encode() in command
    # an embedded desk never loads the PostgreSQL client's library
    assert "sqlite3" in libraries and "psycopg" not in libraries
    # nothing speaks WebSocket: an upgrade request is answered as an ordinary request
    assert upgrade == 200


def _get(port: int, path: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


LEFT_OUT = """
import json, sys
from hubdesk.config import Settings
from hubdesk.serving import leave_out_unused_clients
leave_out_unused_clients(Settings(**json.loads(sys.argv[1])))
import huey.storage
loaded = {name: name in sys.modules for name in ("redis", "psycopg")}
import redis, psycopg  # still importable by whatever needs them later
print(json.dumps({"loaded": loaded, "huey_redis": huey.storage.Redis is not None}))
"""


def _left_out(tmp_path: Path, **settings: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", LEFT_OUT,
                           json.dumps({"data_dir": str(tmp_path), **settings})],
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_the_job_queue_loads_no_client_for_a_backend_the_desk_does_not_use(tmp_path):
    assert _left_out(tmp_path) == {"loaded": {"redis": False, "psycopg": False},
                                   "huey_redis": False}


def test_the_job_queue_loads_the_clients_of_the_backends_the_desk_uses(tmp_path):
    found = _left_out(tmp_path, redis_url="redis://127.0.0.1:6379/0",
                      database_url="postgresql+psycopg://hubdesk@127.0.0.1/hubdesk")
    assert found == {"loaded": {"redis": True, "psycopg": True}, "huey_redis": True}


def test_only_a_port_in_use_is_refused_before_starting():
    import socket

    from hubdesk.serving import cannot_listen

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for host in ("127.0.0.1", "localhost", "0.0.0.0"):
            assert cannot_listen(host, port) == (
                f"{host}:{port} is already in use: stop what listens there, or choose "
                "another port with --port")
    assert cannot_listen("127.0.0.1", port) is None
    # anything else is uvicorn's to report: the probe never refuses a port it could not judge
    assert cannot_listen("no-such-host.invalid", port) is None
