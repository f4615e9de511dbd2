"""Shared fixtures: running the CLI as a user would, and a server that misbehaves on purpose."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``apidocs`` in its own process, with only the environment given (no .instance/env)."""
    environment = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
                   "DOCS_INSTANCE_ENV": "/nonexistent"}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "runner.cli", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


class FaultyServer:
    """An HTTP server that answers every request with one chosen fault.

    It stands for a broken or overloaded InvenioRDM, which the reference instance
    cannot be made into on demand: 5xx, 429, an HTML error page, a hang.
    """

    def __init__(self) -> None:
        self.fault = "500"
        self.retry_after = "1"
        self.hits = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                server.hits += 1
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                status, headers, body = server.response()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/api"

    def response(self) -> tuple[int, dict, bytes]:
        json_type = {"Content-Type": "application/json"}
        if self.fault == "500":
            return 500, json_type, json.dumps({"status": 500, "message": "Internal server error."}).encode()
        if self.fault == "429":
            return 429, {**json_type, "Retry-After": self.retry_after}, b'{"message": "Too many requests."}'
        if self.fault == "html":
            return 200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html><body>Maintenance</body></html>"
        if self.fault == "403":
            return 403, json_type, b'{"status": 403, "message": "Permission denied."}'
        if self.fault == "hang":
            time.sleep(3)
            return 200, json_type, b"{}"
        raise AssertionError(self.fault)


@pytest.fixture
def faulty_server():
    server = FaultyServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
