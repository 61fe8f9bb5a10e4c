"""Spreading connections over the server processes.

uvicorn's processes share one listening socket, and the first to wake accepts every
connection waiting. So a few keep-alive clients that connect at once, such as a proxy or a
load of API callers, often all land on one process: it works for the whole desk while the
other processes idle, and intake runs at half speed until they reconnect. On Linux, with
``SO_REUSEPORT``, each process listens on a socket of its own on the same port and the kernel
spreads new connections over them. (Other systems either lack the option or hand every
connection to one of the sockets, so they keep the shared socket.)

The parent keeps a socket bound to the port without listening on it: it holds the port, and
no connection is ever queued on it.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

from hubdesk import balancing

log = logging.getLogger(__name__)

STARTUP_FAILURE = 3  # the exit status uvicorn gives when it cannot start


def reserve_port(host: str, port: int) -> socket.socket | None:
    """A socket bound to ``host:port`` that processes may share with ``SO_REUSEPORT``, or
    None where the system does not spread connections over such sockets."""
    if not sys.platform.startswith("linux") or not hasattr(socket, "SO_REUSEPORT"):
        return None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    reserved = _reusable(family)
    reserved.bind((host, port))
    reserved.set_inheritable(True)
    return reserved


def own_listener(reserved: socket.socket) -> socket.socket:
    """A socket of this process's own on the reserved address (it listens once served)."""
    listener = _reusable(reserved.family)
    listener.bind(reserved.getsockname()[:2])
    return listener


def _reusable(family: socket.AddressFamily) -> socket.socket:
    made = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    made.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    made.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return made


def run_workers(app: str, *, host: str, port: int, workers: int, **options: Any) -> None:
    """``uvicorn.run(app, workers=workers, ...)``, each worker on a listener of its own when
    the system and uvicorn's supervisor allow it, else on the shared socket."""
    import inspect

    import uvicorn
    from uvicorn.supervisors import multiprocess

    worker = getattr(multiprocess, "Process", None)
    shared_target = getattr(worker, "target", None)
    try:
        reserved = reserve_port(host, port) if callable(shared_target) else None
    except OSError as error:  # the port is taken, or the address is not this machine's
        log.error("cannot listen on %s:%d: %s", host, port, error.strerror or error)
        raise SystemExit(STARTUP_FAILURE) from None
    if worker is None or shared_target is None or reserved is None:
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return

    shares = balancing.ConnectionShares(workers)

    def target(self: Any, sockets: list[socket.socket] | None = None) -> None:
        balancing.use(shares)
        listeners = [own_listener(shared) for shared in sockets or []]
        for shared in sockets or []:
            shared.close()
        shared_target(self, listeners)

    worker.target = target
    config = uvicorn.Config(app, host=host, port=port, workers=workers, **options)
    supervisor: Any = multiprocess.Multiprocess
    extra = ({"target": uvicorn.Server(config).run}
             if "target" in inspect.signature(supervisor).parameters else {})
    log.info("serving on %s:%d with %d processes, each on its own listener", host, port,
             workers)
    supervisor(config, sockets=[reserved], **extra).run()
