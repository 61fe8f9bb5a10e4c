"""Keep-alive connections are kept evenly spread over the server processes: a process holding
two more than another asks a client to reconnect, one at a time, never a live stream."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest

from hubdesk.balancing import ConnectionShares

PLAIN = [(b"accept", b"*/*")]
STREAM = [(b"accept", b"text/event-stream")]


def _in_child(shares: ConnectionShares, connections: int) -> int:
    """A forked process that joins ``shares`` with ``connections`` open, then waits until
    the returned pipe is written to."""
    ready_read, ready_write = os.pipe()
    done_read, done_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        shares.join()
        for _ in range(connections):
            shares.opened()
        os.write(ready_write, b"x")
        os.read(done_read, 1)
        os._exit(0)
    os.read(ready_read, 1)
    for end in (ready_read, ready_write, done_read):
        os.close(end)
    return done_write


def _joined(processes: int, others: list[int]) -> tuple[ConnectionShares, list[int]]:
    shares = ConnectionShares(processes)
    pipes = [_in_child(shares, count) for count in others]
    shares.join()
    return shares, pipes


def _done(pipes: list[int]) -> None:
    for pipe in pipes:
        os.write(pipe, b"x")
        os.close(pipe)
    for _ in pipes:
        os.waitpid(-1, 0)


def test_a_process_two_connections_above_another_asks_one_client_at_a_time_to_move():
    shares, pipes = _joined(2, [2])
    try:
        for _ in range(3):
            shares.opened()
        assert not shares.should_move(PLAIN)  # 3 against 2
        shares.opened()
        assert shares.should_move(PLAIN)  # 4 against 2
        assert not shares.should_move(PLAIN)  # the first has not gone yet
        shares.closed()
        assert not shares.should_move(PLAIN)  # 3 against 2
    finally:
        _done(pipes)


def test_the_least_loaded_process_counts_and_a_live_stream_is_never_asked_to_move():
    shares, pipes = _joined(3, [5, 1])
    try:
        for _ in range(3):
            shares.opened()
        assert not shares.should_move(STREAM)
        assert shares.should_move(PLAIN)  # 3 against the 1 of the least loaded
    finally:
        _done(pipes)


def test_a_single_process_or_an_ended_one_never_makes_a_client_move():
    alone = ConnectionShares(1)
    alone.join()
    for _ in range(10):
        alone.opened()
    assert not alone.should_move(PLAIN)

    shares = ConnectionShares(2)
    shares.join()
    assert _slot_taken_by_a_child(shares) == 1  # it ends at once, holding nothing
    for _ in range(6):
        shares.opened()
    assert not shares.should_move(PLAIN)  # its count of nothing is stale
    assert _slot_taken_by_a_child(shares) == 1  # one started in its place takes it over


def _slot_taken_by_a_child(shares: ConnectionShares) -> int:
    pid = os.fork()
    if pid == 0:
        shares.join()
        os._exit(shares._slot if shares._slot is not None else 99)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


APP = textwrap.dedent("""
    import os

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        body = str(os.getpid()).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
""")

SERVER = textwrap.dedent("""
    import multiprocessing, sys
    from uvicorn import _subprocess
    from hubdesk.api.middleware import ProblemHttpProtocol
    from hubdesk.listeners import run_workers

    _subprocess.spawn = multiprocessing.get_context("fork")
    run_workers("pid_app:app", host="127.0.0.1", port=int(sys.argv[1]), workers=2,
                http=ProblemHttpProtocol, log_config=None, access_log=False)
""")


class _Client:
    """One keep-alive connection that reads which process answered."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)

    def ask(self) -> tuple[int, bool]:
        """The answering process and whether it asked to reconnect."""
        self.sock.sendall(b"GET / HTTP/1.1\r\nhost: t\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            data += self._received()
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length")))
        while len(body) < length:
            body += self._received()
        return int(body), b"connection: close" in head.lower()

    def _received(self) -> bytes:
        data = self.sock.recv(4096)
        if not data:
            raise ConnectionError("the server closed the connection")
        return data

    def close(self) -> None:
        self.sock.close()


def _holder(client: _Client, server_pid: int) -> int:
    """The server process holding ``client``'s connection, read from /proc without asking
    the server anything (a request could be answered with a move)."""
    port = client.sock.getsockname()[1]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        inodes = {line.split()[9] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                  if int(line.split()[2].split(":")[1], 16) == port}
        for pid in _children(server_pid):
            try:
                links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
            except OSError:
                continue
            if any(f"socket:[{inode}]" in links for inode in inodes):
                return pid
        time.sleep(0.05)
    raise AssertionError("no server process holds the connection")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "stat").read_text()
            except OSError:
                continue
            if int(status.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _served(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="only Linux spreads connections over the processes' sockets")
def test_eight_clients_six_on_one_process_end_four_and_four(tmp_path: Path):
    (tmp_path / "pid_app.py").write_text(APP)
    port = _free_port()
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kept: list[tuple[_Client, int]] = []
    try:
        _served(port)
        # Six kept on one process, two on the other: lopsided on purpose, and made without
        # a request (which could be answered with a move).
        wanted: dict[int, int] = {}
        while len(kept) < 8:
            client = _Client(port)
            pid = _holder(client, server.pid)
            wanted.setdefault(pid, 6 if not wanted else 2)
            if sum(1 for _, owner in kept if owner == pid) < wanted[pid]:
                kept.append((client, pid))
            else:
                client.close()
        assert sorted(Counter(pid for _, pid in kept).values()) == [2, 6]

        for _ in range(20):  # clients go on asking, and reconnect when asked to
            for index, (client, _) in enumerate(kept):
                pid, moving = client.ask()
                while moving:  # a new connection may land where the old one was
                    client.close()
                    client = _Client(port)
                    pid, moving = client.ask()
                kept[index] = (client, pid)
        assert sorted(Counter(pid for _, pid in kept).values()) == [4, 4]
    finally:
        for client, _ in kept:
            client.close()
        server.terminate()
        server.wait(timeout=30)
