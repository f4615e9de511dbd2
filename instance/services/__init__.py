"""The instance's services, one module each, all with the same small interface.

A service knows its pid (only while the process is ours and alive), its log, whether it
is ready (answers as it should, not merely runs), how to start in the background and how
to stop. `start` + `wait` are split so that slow services start side by side: instance.py
starts what can start, then waits for what the next step needs.
"""

from __future__ import annotations

import abc
import enum
import subprocess
from pathlib import Path

from layout import IDIR, LOGS, RUN, InstanceError, failure, invenio_env
from process import PidFile, Stopped, Waited, check_port_free, spawn, stop_group, wait_until


class State(enum.Enum):
    """What `status` shows for a service."""

    DOWN = "down"
    STARTING = "starting"  # our process runs but does not answer yet
    RUNNING = "running"


class Service(abc.ABC):
    """One server process of the instance."""

    #: names the pid file and the log, and is what up / stop / status print
    name: str
    #: for error messages
    title: str
    #: its port, or what it is when it has none (status column)
    where: str
    port: int | None = None
    #: seconds from the start to ready; a cold JVM or app on 2 cores is slow
    timeout: float = 60

    def __init__(self) -> None:
        self.started = False  # by this command (else it was running already)
        self.awaited = False  # found ready by this command

    @property
    def log(self) -> Path:
        return LOGS / f"{self.name}.log"

    @abc.abstractmethod
    def pid(self) -> int | None:
        """Our process, while it lives."""

    @abc.abstractmethod
    def ready(self) -> bool:
        """It does its job (answers a request), not merely runs."""

    @abc.abstractmethod
    def launch(self) -> None:
        """Start it without waiting for it to be ready."""

    @abc.abstractmethod
    def stop(self) -> Stopped:
        """Stop it and wait until it is gone."""

    def living(self) -> bool:
        """Still on its way up (so waiting makes sense)."""
        return self.pid() is not None

    def failure(self, waited: Waited) -> InstanceError:
        return failure(f"{self.title} {waited.value}", self.log)

    def state(self) -> State:
        pid = self.pid()
        return State.DOWN if pid is None else State.RUNNING if self.ready() else State.STARTING

    def check_port(self) -> None:
        """Before anything starts: a service of ours that is down must find its port free."""
        if self.port is not None and self.pid() is None:
            check_port_free(self.port, self.title)

    def start(self) -> None:
        """Launch it unless it runs."""
        if self.pid() is None:
            self.launch()
            self.started = True

    def wait(self) -> str:
        """Until ready; how it came up ("started" or "running") for the progress line."""
        waited = wait_until(self.ready, self.living, self.timeout)
        if waited is not Waited.READY:
            raise self.failure(waited)
        self.awaited = True
        return "started" if self.started else "running"


class Spawned(Service):
    """A service run in the foreground, in a session of its own: the pid file is ours."""

    #: a word of its command line, so a recycled pid is never taken for it
    marker: str

    def __init__(self) -> None:
        super().__init__()
        self.pidfile = PidFile(RUN / f"{self.name}.pid", self.marker)
        self.proc: subprocess.Popen[bytes] | None = None

    @abc.abstractmethod
    def command(self) -> list[object]:
        """What runs it (in the instance folder, with invenio_env())."""

    def pid(self) -> int | None:
        return self.pidfile.pid()

    def launch(self) -> None:
        self.proc = spawn(self.command(), self.log, self.pidfile, invenio_env(), IDIR)

    def living(self) -> bool:
        return self.proc.poll() is None if self.proc else self.pid() is not None

    def stop(self) -> Stopped:
        return stop_group(self.pid())
