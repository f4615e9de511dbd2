"""Redis: the broker of Celery and the app's cache, on its own port with its own dump file.

Run in the foreground (no --daemonize) under our pid file, like gunicorn and celery, so
one spawn and one stop serve all three.
"""

from __future__ import annotations

import socket

from layout import HOST, IDIR, REDIS_PORT

from . import Spawned


class Redis(Spawned):
    name, title, where, port = "redis", "Redis", f":{REDIS_PORT}", REDIS_PORT
    marker = "redis-server"
    timeout = 20

    def command(self) -> list[object]:
        return ["redis-server", "--bind", HOST, "--port", REDIS_PORT, "--daemonize", "no",
                "--dir", IDIR / "redis", "--dbfilename", "reference-instance.rdb", "--save", "60 100"]

    def ready(self) -> bool:
        """Answers PING (it loads its dump before it does)."""
        try:
            with socket.create_connection((HOST, REDIS_PORT), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


SERVICE = Redis()
