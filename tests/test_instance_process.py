"""The reference instance's process handling (instance/process.py, instance/services/), offline:
pid files that are ours only while the command line says so, stops that escalate, waits that
end on death or time, logs read from this start on; and the shape of instance/ itself."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT

INSTANCE = ROOT / "instance"
if str(INSTANCE) not in sys.path:
    sys.path.append(str(INSTANCE))  # appended: a real package of the same name always wins

import layout  # noqa: E402
import process  # noqa: E402
import services  # noqa: E402
from process import PidFile, Stopped, Waited  # noqa: E402


def sleeper(tmp_path, marker="sleep", *, ignore_term=False) -> tuple[subprocess.Popen, PidFile]:
    trap = "trap '' TERM; " if ignore_term else ""
    pidfile = PidFile(tmp_path / "sleeper.pid", marker)
    proc = process.spawn(["bash", "-c", f"{trap}exec -a {marker}-proc sleep 60"], tmp_path / "sleeper.log",
                         pidfile, {"PATH": "/usr/bin:/bin"}, tmp_path)
    # once bash has exec'd sleep (so the trap is set): its script names the marker too
    process.wait_until(lambda: process.cmdline(proc.pid).startswith(f"{marker}-proc"), lambda: True, 5, interval=0.05)
    return proc, pidfile


def test_a_pid_file_names_our_process_only_while_it_runs_as_ours(tmp_path):
    proc, pidfile = sleeper(tmp_path)
    assert pidfile.pid() == proc.pid
    assert PidFile(pidfile.path, "postgres").pid() is None  # a recycled pid is not taken for the service
    assert process.stop_group(pidfile.pid()) is Stopped.STOPPED
    proc.wait()
    assert pidfile.pid() is None
    (tmp_path / "garbage.pid").write_text("not a pid\n")
    assert PidFile(tmp_path / "garbage.pid", "sleep").pid() is None
    assert PidFile(tmp_path / "absent.pid", "sleep").pid() is None


def test_a_process_that_ignores_sigterm_is_killed_after_the_grace_period(tmp_path):
    proc, pidfile = sleeper(tmp_path, ignore_term=True)
    assert process.stop_group(proc.pid, timeout=0.5) is Stopped.KILLED
    assert proc.wait(5) == -signal.SIGKILL
    assert process.stop_group(None) is Stopped.NOT_RUNNING


def test_waiting_ends_ready_on_death_or_in_time():
    assert process.wait_until(lambda: True, lambda: False, 1) is Waited.READY
    assert process.wait_until(lambda: False, lambda: False, 1) is Waited.DIED
    started = time.monotonic()
    assert process.wait_until(lambda: False, lambda: True, 0.3, interval=0.05) is Waited.TIMED_OUT
    assert time.monotonic() - started < 2


def test_a_log_is_read_from_this_start_on(tmp_path):
    log = tmp_path / "service.log"
    for run in ("first", "second"):
        with process.open_log(log, f"starting {run}") as fh:
            fh.write(f"{run} said this\n".encode())
    shown = layout.tail(log)
    assert "second said this" in shown and "first said this" not in shown
    assert "(no log at" in layout.tail(tmp_path / "absent.log")


class Sleeper(services.Spawned):
    """A service as instance/services/ writes one: ready once it has logged a line."""

    name, title, where, marker = "sleeper", "The sleeper", "nowhere", "sleep"
    timeout = 10

    def __init__(self, script: str) -> None:
        super().__init__()
        self.script = script

    def command(self) -> list[object]:
        return ["bash", "-c", self.script]

    def ready(self) -> bool:
        return "awake" in self.log.read_text() if self.log.exists() else False


@pytest.fixture
def folders(tmp_path, monkeypatch):
    for name in ("RUN", "LOGS", "IDIR"):
        monkeypatch.setattr(services, name, tmp_path)
    return tmp_path


def test_a_service_starts_once_waits_until_ready_and_stops(folders):
    service = Sleeper("echo awake; exec -a sleep-proc sleep 60")
    assert service.state() is services.State.DOWN
    service.start()
    assert service.wait() == "started"
    assert service.state() is services.State.RUNNING
    again = Sleeper("exit 1")
    again.start()  # runs already: not launched twice
    assert not again.started and again.wait() == "running"
    assert service.stop() is Stopped.STOPPED
    assert service.state() is services.State.DOWN


def test_a_service_that_dies_while_starting_says_so_with_its_log(folders):
    service = Sleeper("echo 'cannot bind'; exit 3")
    service.start()
    with pytest.raises(layout.InstanceError, match=r"(?s)The sleeper died while starting.*cannot bind"):
        service.wait()


def test_no_module_of_the_orchestration_is_longer_than_300_lines():
    modules = [*INSTANCE.glob("*.py"), *(INSTANCE / "services").glob("*.py")]
    assert {p.name: n for p in modules if (n := len(p.read_text().splitlines())) > 300} == {}


def test_no_module_shadows_a_package_of_the_instance_venv():
    """setup_instance.py and assets.py run as scripts from instance/, so instance/ leads their
    sys.path: an instance/celery.py would be imported by InvenioRDM instead of Celery."""
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==", (INSTANCE / "requirements.txt").read_text(), re.M)
    packages = {re.sub(r"[-.]", "_", pin).lower() for pin in pins}
    ours = {p.stem for p in INSTANCE.glob("*.py")} | {p.parent.name for p in INSTANCE.glob("*/__init__.py")}
    assert "services" in ours and ours & packages == set()
