"""Where the reference instance keeps everything, on which ports it listens, and how it speaks.

Every module of the instance reads its paths and ports here, so one environment variable
moves a whole instance (INSTANCE_DIR) or one service (the *_PORT variables): a second
instance runs beside the first with all of them set. Standard library only.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "instance"
IDIR = Path(os.environ.get("INSTANCE_DIR") or REPO / ".instance").resolve()
VENV = IDIR / "venv"
RUN = IDIR / "run"
LOGS = IDIR / "logs"
APPDIR = IDIR / "app"
#: our rendered pages are linked here (`apidocs install-pages`); render/served.py expects it next to ENVFILE
TEMPLATES = APPDIR / "templates"
PGDATA = IDIR / "pgdata"
STATE = IDIR / "state.json"
ENVFILE = IDIR / "env"

HOST = "127.0.0.1"
APP_PORT = int(os.environ.get("INSTANCE_APP_PORT", "5000"))
PG_PORT = int(os.environ.get("INSTANCE_PG_PORT", "5433"))
REDIS_PORT = int(os.environ.get("INSTANCE_REDIS_PORT", "6380"))
OS_PORT = int(os.environ.get("OPENSEARCH_PORT", "9200"))
OS_TRANSPORT_PORT = int(os.environ.get("OPENSEARCH_TRANSPORT_PORT", "9300"))

#: The project's tool (make's .venv): installs our pages and seeds with `apidocs provision`.
APIDOCS = Path(os.environ.get("APIDOCS") or REPO / ".venv" / "bin" / "apidocs")
#: "fixtures" (default): provision the documented examples' records; "none": start empty.
SEED = os.environ.get("INSTANCE_SEED", "fixtures")

T0 = time.monotonic()


class InstanceError(Exception):
    """A failure with a one-line explanation (and maybe a log tail): printed without a traceback."""


def say(msg: str) -> None:
    """One progress line, stamped with the seconds since the command began (what the timings cite)."""
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


#: begins the line written to a log before each start (process.open_log): what follows is this start's
MARK = "===== "


def tail(path: Path, n: int = 40) -> str:
    """Last lines of a log, from the latest MARK on: this start's, not older ones."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return f"(no log at {path})"
    marks = [i for i, line in enumerate(lines) if line.startswith(MARK)]
    if marks:
        lines = lines[marks[-1]:]
    lines = [line for line in lines if line.strip()]
    return "\n".join(f"    | {line}" for line in lines[-n:])


def failure(msg: str, log: Path, n: int = 40) -> InstanceError:
    """An error that shows what the service said last: the cause is nearly always in its log."""
    return InstanceError(f"{msg}\n  last lines of {log}:\n{tail(log, n)}")


def write_atomic(path: Path, text: str, mode: int = 0o600) -> None:
    """Temp file + rename: a reader (the tools read the env file) never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def invenio_env() -> dict[str, str]:
    """The environment of every process run in the venv: the instance's paths and ports
    (invenio.cfg reads them), the venv first on PATH, unbuffered output for the logs."""
    env = dict(os.environ)
    env.update(
        INVENIO_INSTANCE_PATH=str(APPDIR),
        INSTANCE_DIR=str(IDIR),
        INSTANCE_APP_PORT=str(APP_PORT),
        INSTANCE_PG_PORT=str(PG_PORT),
        INSTANCE_REDIS_PORT=str(REDIS_PORT),
        OPENSEARCH_PORT=str(OS_PORT),
        OPENSEARCH_TRANSPORT_PORT=str(OS_TRANSPORT_PORT),
        PATH=f"{VENV / 'bin'}:{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    env.pop("FLASK_DEBUG", None)  # a shell's debug mode would turn on the reloader in gunicorn
    return env
