"""The Celery worker with embedded beat: what a real instance does after a request (file
metadata, notifications, PID registration, indexing) it does here too. No port: it talks to Redis.
"""

from __future__ import annotations

from layout import MARK, RUN, VENV

from . import Spawned


class Celery(Spawned):
    name, title, where = "celery", "Celery worker", "worker+beat"
    marker = "celery"
    timeout = 180

    def command(self) -> list[object]:
        return [VENV / "bin/celery", "-A", "invenio_app.celery", "worker", "--beat",
                "--schedule", RUN / "celerybeat-schedule", "--loglevel", "INFO",
                "--concurrency", "2", "--hostname", "reference@%h"]

    def ready(self) -> bool:
        """The worker logs "celery@... ready." once it consumes tasks (since this start's marker)."""
        try:
            text = self.log.read_text(errors="replace")
        except FileNotFoundError:
            return False
        return " ready." in text[text.rfind(MARK):]


SERVICE = Celery()
