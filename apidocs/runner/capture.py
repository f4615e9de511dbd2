"""A loopback reverse proxy that sees exactly what a pasted snippet sends.

Snippets run in their own processes (a Python interpreter, a shell running ``curl``),
where no in-process HTTP patch can reach them. So their ``{{ config.SITE_API_URL }}``
is pointed at this proxy: it keeps a copy of each request and response (an
:class:`Exchange`) and forwards the request with ``requests`` — which vcrpy, active in
this process, answers from the cassette (replay) or lets through and records (live,
record). One transport for both languages and all three modes.
"""

from __future__ import annotations

import json
import selectors
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import requests
from vcr.errors import CannotOverwriteExistingCassetteException

from apidocs.core.messages import clip
from apidocs.core.model import SAFE_METHODS
from apidocs.core.settings import ForwardPolicy
from apidocs.runner.api import retry_after

HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
    "trailers", "transfer-encoding", "upgrade", "host", "content-length", "accept-encoding",
}
#: Response headers the proxy does not keep: it frames (and never re-encodes) bodies itself.
DROPPED_RESPONSE_HEADERS = frozenset(HOP_BY_HOP | {"content-encoding"})


@dataclass
class Exchange:
    """One request a snippet sent and what it got back (or why it got nothing)."""

    method: str
    path: str  # path and query as sent, e.g. "/api/records?q=climate"
    headers: dict[str, str]
    body: bytes
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    #: a transport problem: server down, timeout, not in the cassette, rate limited.
    error: str | None = None
    #: the error is that the cassette holds no such request (replay)
    unrecorded: bool = False

    def header(self, name: str, default: str = "") -> str:
        return _get(self.headers, name, default)

    def response_header(self, name: str, default: str = "") -> str:
        return _get(self.response_headers, name, default)

    def json(self):
        return json.loads(self.response_body)


def _get(headers: dict[str, str], name: str, default: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return default


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


#: the policy of a proxy that is given none (ForwardPolicy is frozen: one instance serves all)
DEFAULT_POLICY = ForwardPolicy()


class CaptureProxy:
    """Serve on 127.0.0.1 (a free port), forward to ``upstream``, keep every exchange."""

    def __init__(self, upstream: str, policy: ForwardPolicy = DEFAULT_POLICY) -> None:
        self.upstream_origin = origin(upstream)
        self.api_path = urlsplit(upstream.rstrip("/")).path  # e.g. "/api"
        self.policy = policy
        self.exchanges: list[Exchange] = []
        #: the first transport failure (server down, no answer in time): later requests are not sent.
        self.unreachable: str | None = None
        self._session = requests.Session()
        self._session.trust_env = False  # never route the forwarded request through a proxy
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._server.timeout = 0  # handle_request() never blocks: _serve waits, for a connection or the stop
        self._stop, self._stopped = socket.socketpair()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base_url(self) -> str:
        """What ``{{ config.SITE_API_URL }}`` becomes for a snippet."""
        host, port = str(self._server.server_address[0]), self._server.server_address[1]
        return f"http://{host}:{port}{self.api_path}"

    def __enter__(self) -> "CaptureProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.send(b"\0")
        self._thread.join()
        self._server.server_close()
        self._stop.close()
        self._stopped.close()
        self._session.close()

    def _serve(self) -> None:
        """Answer each connection until :meth:`__exit__` says stop. It stops at once, where
        ``serve_forever`` would notice only at its next poll (once per case, 5 ms on average)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self._server, selectors.EVENT_READ)
            selector.register(self._stopped, selectors.EVENT_READ)
            while all(key.fileobj is not self._stopped for key, _ in selector.select()):
                self._server.handle_request()  # a connection is waiting: accepted at once, answered in a thread

    def send(self, exchange: Exchange) -> None:
        """Keep ``exchange`` in the log and forward it: how every request goes upstream."""
        self.exchanges.append(exchange)
        self.forward(exchange)

    def forward(self, exchange: Exchange) -> None:
        """Send ``exchange``'s request upstream and fill in its response or error.

        After a transport failure nothing more is sent: a server that is down or does not
        answer would fail every later request the same way, each after a timeout.
        """
        if self.policy.read_only and exchange.method not in SAFE_METHODS:
            exchange.error = f"read-only run: {exchange.method} {exchange.path} was not sent"
            return
        if self.unreachable:
            exchange.error = "not sent: the server did not answer an earlier request of this run"
            return
        url = self.upstream_origin + exchange.path
        headers = {k: v for k, v in exchange.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Accept-Encoding"] = "identity"  # store bodies as the server sent them
        for attempt in range(self.policy.max_retries + 1):
            try:
                response = self._session.request(
                    exchange.method, url, headers=headers, data=exchange.body or None,
                    timeout=self.policy.timeout, allow_redirects=False,
                )
            except CannotOverwriteExistingCassetteException as exc:
                exchange.error, exchange.unrecorded = _not_in_cassette(exc), True
                return
            except requests.Timeout:
                exchange.error = self.unreachable = (
                    f"no answer from {self.upstream_origin} within {self.policy.timeout:g} s (DOCS_TIMEOUT)")
                return
            except requests.ConnectionError:
                exchange.error = self.unreachable = f"cannot connect to {self.upstream_origin}: is the server up?"
                return
            except requests.RequestException as exc:  # e.g. the connection broke off mid-answer
                exchange.error = self.unreachable = f"the request to {self.upstream_origin} failed: {exc}"
                return
            wait = retry_after(response)
            if response.status_code != 429 or attempt == self.policy.max_retries or wait is None:
                break
            time.sleep(min(wait, self.policy.max_retry_after))
        exchange.status = response.status_code
        exchange.response_headers = {
            k: v for k, v in response.headers.items() if k.lower() not in DROPPED_RESPONSE_HEADERS
        }
        exchange.response_body = response.content
        if response.status_code == 429:
            retries = self.policy.max_retries
            exchange.error = (
                f"rate limited (HTTP 429) after {retries} {'retry' if retries == 1 else 'retries'}"
                f" (Retry-After: {response.headers.get('Retry-After', 'none')})"
            )


def _not_in_cassette(exc: CannotOverwriteExistingCassetteException) -> str:
    request = exc.failed_request
    uri = urlsplit(request.uri)
    line = f"{request.method} {uri.path}" + (f"?{uri.query}" if uri.query else "")
    if exc.reason == "already_played":
        return f"request not in the cassette: {line} was recorded fewer times than it was sent"
    closest = exc.similar_requests[:1]
    if not closest:
        return f"request not in the cassette: {line} (nothing similar was recorded)"
    recorded, _, failed = closest[0]
    differences = "; ".join(f"{name}: {_difference(name, request, recorded, message)}" for name, message in failed)
    return f"request not in the cassette: {line} — closest recorded request differs in {differences}"


def _difference(name: str, sent, recorded, message) -> str:
    """How a failed matcher's difference is said: vcrpy's own message, but for the query,
    where it is not the clearest."""
    return _query_difference(sent, recorded) if name == "query" else _matcher_says(message)


def _query_difference(sent, recorded) -> str:
    """Only the parameters that differ, each in full (vcrpy's message prints both whole queries)."""
    was, now = dict(recorded.query), dict(sent.query)
    changed = [name for name in sorted(set(was) | set(now)) if was.get(name) != now.get(name)]
    return ", ".join(f"{name} sent {now.get(name, '(none)')!r}, recorded {was.get(name, '(none)')!r}"
                     for name in changed)


#: Longest matcher message shown (a body's can be the whole document).
SHOWN = 600


def _matcher_says(message) -> str:
    return clip(" ".join(str(message).split()), SHOWN)


def _handler_for(proxy: CaptureProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            exchange = Exchange(
                method=self.command, path=self.path, headers=dict(self.headers.items()),
                body=self._read_body(),
            )
            proxy.send(exchange)
            if exchange.error and not exchange.status:
                body = json.dumps({"status": 502, "message": exchange.error}).encode()
                self._reply(502, {"Content-Type": "application/json"}, body)
            else:
                self._reply(exchange.status, exchange.response_headers, exchange.response_body)

        def _read_body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                self.rfile.readline()
                return b"".join(chunks)
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response_only(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
            pass

    return Handler
