"""A TCP proxy on 127.0.0.1 that can cut or stall the way to a database, for outage tests."""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class Proxy:
    """Forwards to ``target`` until told to ``cut`` (reset everything, refuse new
    connections) or ``stall`` (keep connections open, forward nothing). Stops with ``close``."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.mode = "forward"
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    @property
    def port(self) -> int:
        port: int = self._listener.getsockname()[1]
        return port

    def cut(self) -> None:
        self.mode = "cut"
        self._close_all()

    def stall(self) -> None:
        self.mode = "stall"

    def resume(self) -> None:
        self.mode = "forward"

    def close(self) -> None:
        self._stop.set()
        self._close_all()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=2)

    def _close_all(self) -> None:
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()
            self._sockets.clear()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            if self.mode == "cut":
                client.close()
                continue
            with self._lock:
                self._sockets.append(client)
            if self.mode == "stall":
                continue  # accepted, never answered
            upstream = socket.create_connection(self.target, timeout=2)
            with self._lock:
                self._sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                thread = threading.Thread(target=self._pump, args=(source, sink), daemon=True)
                self._threads.append(thread)
                thread.start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        source.settimeout(0.1)
        while not self._stop.is_set():
            if self.mode == "stall":
                time.sleep(0.05)
                continue
            try:
                data = source.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not data:
                break
            try:
                sink.sendall(data)
            except OSError:
                break
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.close()
