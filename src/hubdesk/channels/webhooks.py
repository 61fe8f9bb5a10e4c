"""Posting webhook deliveries over HTTP, and the loop that delivers what is due.

The target's host is resolved once; every address it resolves to must pass the internal
address rule, and the connection goes to the address that was checked (the URL's host is
replaced by it, the original name is kept in the Host header and TLS SNI and certificate
check). A name that resolves to a public address at check time therefore cannot be switched to
an internal one before the connection is made.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.webhooks import AttemptResult, IpAddress, check_target_address
from hubdesk.services.application import Application

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("hubdesk.webhooks")

CONNECT_TIMEOUT_SECONDS = 5.0
TOTAL_TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 4096

Resolver = Callable[[str, int], list[str]]


class TargetRefused(Exception):
    """The host cannot be resolved, or resolves to an address webhooks may not reach."""


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _address(text: str) -> IpAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id


class HttpWebhookSender:
    """A ``WebhookSender`` over httpx: no redirects, no proxies from the environment, at most
    a few KB of the answer read (and never kept).

    Time limits: connecting 5 s; sending and each wait for the answer 10 s; reading the
    answer's body stops once 10 s have passed since the attempt began. ``tls`` replaces the
    system's certificate authorities (a desk whose receivers use a private CA)."""

    def __init__(self, *, resolver: Resolver = resolve,
                 connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
                 total_timeout: float = TOTAL_TIMEOUT_SECONDS,
                 tls: ssl.SSLContext | None = None) -> None:
        self._resolve = resolver
        self._total = total_timeout
        self._connect = connect_timeout
        self._tls = tls
        # made at the first delivery: httpx and the certificate store cost every server
        # process a few megabytes, and most desks never configure a webhook
        self._http: httpx.Client | None = None

    @property
    def _client(self) -> httpx.Client:
        if self._http is None:
            import httpx

            self._http = httpx.Client(
                follow_redirects=False, trust_env=False, verify=self._tls or True,
                timeout=httpx.Timeout(self._total, connect=self._connect),
                headers={"User-Agent": "Hubdesk-Webhooks/1"})
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def send(self, url: str, body: bytes, headers: dict[str, str], *,
             allow_private: bool) -> AttemptResult:
        started = time.monotonic()

        def elapsed() -> int:
            return int((time.monotonic() - started) * 1000)

        import httpx

        try:
            request = self._pinned_request(httpx.URL(url), body, headers, allow_private)
            response = self._client.send(request, stream=True)
            try:
                self._drain(response, started)
            finally:
                response.close()
            return AttemptResult(response.status_code, None, elapsed())
        except TargetRefused as error:
            return AttemptResult(None, f"refused: {error}", elapsed())
        except httpx.TimeoutException as error:
            return AttemptResult(None, f"timed out: {type(error).__name__}", elapsed())
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as error:
            return AttemptResult(None, f"{type(error).__name__}: {error}", elapsed())

    def _pinned_request(self, url: httpx.URL, body: bytes, headers: dict[str, str],
                        allow_private: bool) -> httpx.Request:
        if url.scheme not in ("http", "https") or not url.host:
            raise TargetRefused("only http and https URLs with a host are delivered")
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            found = self._resolve(url.host, port)
        except OSError as error:
            raise TargetRefused(f"cannot resolve {url.host}: {error}") from error
        if not found:
            raise TargetRefused(f"{url.host} resolves to no address")
        addresses = [_address(text) for text in found]
        for address in addresses:
            try:
                check_target_address(address, allow_private)
            except ValidationFailed as error:
                raise TargetRefused(f"{url.host} resolves to {address}, an internal address; "
                                    "allow private targets for this webhook to reach it") \
                    from error
        extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
        pinned = url.copy_with(host=str(addresses[0]))
        host_header = url.netloc.decode("ascii")
        return self._client.build_request("POST", pinned, content=body,
                                          headers={**headers, "Host": host_header},
                                          extensions=extensions)

    def _drain(self, response: httpx.Response, started: float) -> None:
        """Read a little of the answer so the exchange completes; stop at the size or time
        limit, whichever comes first."""
        read = 0
        for chunk in response.iter_raw(1024):
            read += len(chunk)
            if read >= MAX_RESPONSE_BYTES or time.monotonic() - started > self._total:
                break


def run_webhook_deliveries(app: Application, stop: threading.Event, *,
                           idle_seconds: float = 1.0,
                           sender: HttpWebhookSender | None = None) -> None:
    """Deliver until ``stop`` is set; sleeps only when nothing was due."""
    own_sender = sender is None
    active_sender = sender or HttpWebhookSender()
    try:
        while not stop.is_set():
            try:
                sent = app.webhooks.deliver_due(active_sender)
            except Exception:  # a database hiccup must not stop deliveries; they retry
                log.exception("webhook delivery pass failed; retrying")
                sent = 0
            if sent == 0:
                stop.wait(idle_seconds)
    finally:
        if own_sender:
            active_sender.close()
