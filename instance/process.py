"""The process handling every service shares: pid files, spawning, stopping, waiting until ready.

A small own implementation rather than a supervisor (instance/README.md, "Processes"): it
runs with the machine's python3 before any venv exists, three of the five services bring
their own start-up tools (pg_ctl, opensearch.sh; Redis only needs a foreground process), and
what is left is a pid file, a process group and a readiness probe. Standard library only.
"""

from __future__ import annotations

import enum
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from layout import HOST, MARK, InstanceError, failure, write_atomic


class Stopped(enum.Enum):
    """How a stop went; the value is what `stop` prints."""

    NOT_RUNNING = "not running"
    STOPPED = "stopped"
    KILLED = "killed"  # did not exit within the grace period after SIGTERM
    FAILED = "stop failed"


class Waited(enum.Enum):
    """How waiting for a service ended."""

    READY = "ready"
    DIED = "died while starting"
    TIMED_OUT = "not ready in time"


def run(cmd: Sequence[object], check: bool = True, quiet: bool = False, **kw: Any) -> subprocess.CompletedProcess[Any]:
    """subprocess.run on any path-like arguments; `quiet` drops the output."""
    if quiet:
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.run([str(c) for c in cmd], check=check, **kw)


def alive(pid: int | None) -> bool:
    """The process exists and is not a zombie (a child we never reaped still answers kill 0)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclass(frozen=True)
class PidFile:
    """A pid file and a word of the command line: after a reboot the pid may be anyone's,
    so a pid counts as ours only while its command line still names the service."""

    path: Path
    marker: str

    def pid(self) -> int | None:
        try:
            pid = int(self.path.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if alive(pid) and self.marker in cmdline(pid) else None

    def write(self, pid: int) -> None:
        write_atomic(self.path, f"{pid}\n", 0o644)


def open_log(log: Path, what: str) -> BinaryIO:
    """A log opened for appending, after a MARK line: `tail` and the readiness checks that
    read a log look at this run only."""
    fh = open(log, "ab")
    fh.write(f"\n{MARK}{time.strftime('%F %T')} {what}\n".encode())
    fh.flush()
    return fh


def launch(cmd: Sequence[object], log: Path, what: str, env: dict[str, str], cwd: Path | None = None,
           own_session: bool = False) -> subprocess.Popen[bytes]:
    """Run in the background, its output into its log."""
    with open_log(log, what) as fh:
        return subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=own_session)


def spawn(cmd: Sequence[object], log: Path, pidfile: PidFile, env: dict[str, str],
          cwd: Path) -> subprocess.Popen[bytes]:
    """Start a service in its own session, so `stop_group` reaches its workers too."""
    proc = launch(cmd, log, f"starting {pidfile.marker}", env, cwd, own_session=True)
    pidfile.write(proc.pid)
    return proc


def run_logged(cmds: Sequence[Sequence[object]], log: Path, env: dict[str, str] | None = None,
               hint: str = "") -> None:
    """Run one command after the other, their output into the log; the first that fails stops it."""
    with open(log, "ab") as fh:
        for cmd in cmds:
            if run(cmd, check=False, stdout=fh, stderr=subprocess.STDOUT, env=env).returncode:
                raise failure(f"`{' '.join(map(str, cmd))}` failed{hint}", log)


def _signal_group(pid: int, sig: signal.Signals) -> bool:
    """Signal the process's group, or the process alone if it leads none; False if it is gone."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return False
    return True


def stop_group(pid: int | None, timeout: float = 30) -> Stopped:
    """SIGTERM to the group (gunicorn and celery stop their workers on it), SIGKILL after `timeout`."""
    if not pid:
        return Stopped.NOT_RUNNING
    if not _signal_group(pid, signal.SIGTERM):
        return Stopped.STOPPED
    if wait_until(lambda: not alive(pid), lambda: True, timeout, interval=0.2) is Waited.READY:
        return Stopped.STOPPED
    _signal_group(pid, signal.SIGKILL)
    return Stopped.KILLED


def wait_until(ready: Callable[[], bool], living: Callable[[], bool], timeout: float,
               interval: float = 0.5) -> Waited:
    """Poll `ready` until it holds; give up early when `living` says the process is gone."""
    deadline = time.monotonic() + timeout
    while True:
        if ready():
            return Waited.READY
        if not living():
            return Waited.DIED
        if time.monotonic() > deadline:
            return Waited.TIMED_OUT
        time.sleep(interval)


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((HOST, port)) == 0


def port_owner(port: int) -> str:
    """Who listens on a port (best effort, for the error message)."""
    try:
        out = run(["ss", "-H", "-ltnp", f"sport = :{port}"], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        out = ""
    return out.split("users:")[-1].strip() if "users:" in out else "unknown process"


def check_port_free(port: int, what: str) -> None:
    """Refuse to start next to a stranger: our service would fail to bind, or, worse, the
    tools would talk to someone else's server."""
    if port_open(port):
        raise InstanceError(f"port {port} (for {what}) is already taken by a process this instance "
                            f"did not start: {port_owner(port)}")


def http_get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """Status and body; 0 when nothing answers (a readiness probe, so never raises)."""
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError):
        return 0, b""
