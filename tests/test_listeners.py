"""Each server process listens on a socket of its own, and new connections are spread over
them; the socket that holds the port takes none."""

from __future__ import annotations

import select
import socket
import sys

import pytest

from hubdesk.listeners import own_listener, reserve_port

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="only Linux spreads connections over such sockets")


def test_connections_are_spread_over_the_listeners_and_never_queue_on_the_reserved_one():
    reserved = reserve_port("127.0.0.1", 0)
    assert reserved is not None
    listeners = [own_listener(reserved), own_listener(reserved)]
    for listener in listeners:
        listener.listen(64)
        listener.setblocking(False)
    address = reserved.getsockname()
    clients = [socket.create_connection(address, timeout=5) for _ in range(40)]
    accepted = [0, 0]
    try:
        while sum(accepted) < len(clients):
            ready, _, _ = select.select(listeners, [], [], 5)
            assert ready, f"only {sum(accepted)} of {len(clients)} connections arrived"
            for listener in ready:
                connection, _ = listener.accept()
                connection.close()
                accepted[listeners.index(listener)] += 1
    finally:
        for client in clients:
            client.close()
        for listener in (*listeners, reserved):
            listener.close()
    # 40 connections all on one of two listeners would happen once in 2**39 runs.
    assert min(accepted) > 0 and sum(accepted) == 40


def test_a_port_already_taken_ends_the_start_with_an_error_not_a_traceback(caplog):
    from hubdesk.listeners import STARTUP_FAILURE, run_workers

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as stopped:
            run_workers("hubdesk.asgi:app", host="127.0.0.1", port=port, workers=2)
    assert stopped.value.code == STARTUP_FAILURE
    assert f"cannot listen on 127.0.0.1:{port}" in caplog.text
