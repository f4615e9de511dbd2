"""Bring the local reference instance up, stop it, wipe it, or show its state.

    python3 instance/instance.py up|stop|reset|status

Standard library only (runs with the machine's python3). Layout, all under
$INSTANCE_DIR (default <repo>/.instance, git-ignored):

    venv/             Python 3.12 venv from instance/requirements.txt
    pgdata/           PostgreSQL cluster (owned by the "postgres" user)
    redis/            Redis dump file
    app/              INVENIO_INSTANCE_PATH: invenio.cfg and app_data/ (symlinks
                      into instance/), data/ (files of records), static/ and
                      assets/ (the built front-end, instance/assets.py), templates/
                      (our rendered pages, symlinked by `apidocs install-pages`)
    assets.key        what the built assets were built from (instance/assets.py)
    opensearch/ ...   whatever instance/opensearch/opensearch.sh keeps there
    run/              pid files
    logs/             one log per service (+ pip.log, setup.log)
    state.json        written by setup_instance.py once set-up and seeding worked
    env               DOCS_* variables for the tools (written atomically)

Services (all on 127.0.0.1): PostgreSQL :5433, Redis :6380, OpenSearch :9200,
gunicorn (InvenioRDM UI + /api) :5000, a Celery worker with embedded beat.
Ports can be changed with INSTANCE_PG_PORT, INSTANCE_REDIS_PORT, OPENSEARCH_PORT,
OPENSEARCH_TRANSPORT_PORT, INSTANCE_APP_PORT (Celery listens on no port).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "instance"
IDIR = Path(os.environ.get("INSTANCE_DIR") or REPO / ".instance").resolve()
VENV = IDIR / "venv"
RUN = IDIR / "run"
LOGS = IDIR / "logs"
APPDIR = IDIR / "app"
PGDATA = IDIR / "pgdata"
STATE = IDIR / "state.json"
ENVFILE = IDIR / "env"

HOST = "127.0.0.1"
APP_PORT = int(os.environ.get("INSTANCE_APP_PORT", "5000"))
PG_PORT = int(os.environ.get("INSTANCE_PG_PORT", "5433"))
REDIS_PORT = int(os.environ.get("INSTANCE_REDIS_PORT", "6380"))
OS_PORT = int(os.environ.get("OPENSEARCH_PORT", "9200"))
OS_TRANSPORT_PORT = int(os.environ.get("OPENSEARCH_TRANSPORT_PORT", "9300"))

OPENSEARCH_SH = SRC / "opensearch" / "opensearch.sh"
#: The project's tool (make's .venv): seeds the instance with `apidocs provision`.
APIDOCS = Path(os.environ.get("APIDOCS") or REPO / ".venv" / "bin" / "apidocs")
#: "fixtures" (default): provision the documented examples' records; "none": start empty.
SEED = os.environ.get("INSTANCE_SEED", "fixtures")
APT_PACKAGES = {
    # package: how we know it is there
    "redis-server": lambda: shutil.which("redis-server") is not None,
    "postgresql": lambda: _pg_bin() is not None,
    # the embedded OpenSearch (instance/opensearch/): Java 17 runtime, Maven to build it
    "openjdk-17-jdk-headless": lambda: shutil.which("java") is not None,
    "maven": lambda: shutil.which("mvn") is not None,
    "curl": lambda: shutil.which("curl") is not None,
    # shared libraries that weasyprint / cairosvg (imported by InvenioRDM) load
    "libpango-1.0-0": None,
    "libpangoft2-1.0-0": None,
    "libcairo2": None,
}

T0 = time.monotonic()


class InstanceError(Exception):
    """A failure with a one-line explanation (and maybe a log tail)."""


# --------------------------------------------------------------------------- output


def say(msg: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


def tail(path: Path, n: int = 40) -> str:
    """Last lines of a log, from the latest "===== ... starting" marker on."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return f"(no log at {path})"
    marks = [i for i, line in enumerate(lines) if line.startswith("===== ")]
    if marks:
        lines = lines[marks[-1]:]
    lines = [line for line in lines if line.strip()]
    return "\n".join(f"    | {line}" for line in lines[-n:])


def die_with_log(msg: str, log: Path) -> None:
    raise InstanceError(f"{msg}\n  last lines of {log}:\n{tail(log)}")


# --------------------------------------------------------------------------- helpers


def run(cmd, check=True, quiet=False, **kw) -> subprocess.CompletedProcess:
    if quiet:
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.run([str(c) for c in cmd], check=check, **kw)


def port_open(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def port_owner(port: int) -> str:
    """Describe who listens on a port (best effort, for error messages)."""
    try:
        out = run(["ss", "-H", "-ltnp", f"sport = :{port}"], capture_output=True,
                  text=True, check=False).stdout.strip()
    except FileNotFoundError:
        out = ""
    return out.split("users:")[-1].strip() if "users:" in out else "unknown process"


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not alive
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def read_pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def http_get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


def write_atomic(path: Path, text: str, mode: int = 0o600) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def invenio_env() -> dict:
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
    env.pop("FLASK_DEBUG", None)
    return env


# --------------------------------------------------------------------------- install


def ensure_apt() -> None:
    missing = []
    for pkg, check in APT_PACKAGES.items():
        if check is not None:
            ok = check()
        else:
            r = run(["dpkg-query", "-W", "-f=${Status}", pkg], check=False,
                    capture_output=True, text=True)
            ok = "install ok installed" in r.stdout
        if not ok:
            missing.append(pkg)
    if not missing:
        return
    if shutil.which("apt-get") is None:
        raise InstanceError(f"missing packages {missing} and no apt-get to install them")
    say(f"apt: installing {' '.join(missing)} (log: {LOGS / 'apt.log'})")
    t = time.monotonic()
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    with open(LOGS / "apt.log", "ab") as log:
        for cmd in (["apt-get", "update"],
                    ["apt-get", "install", "-y", "--no-install-recommends", *missing]):
            if run(cmd, check=False, stdout=log, stderr=subprocess.STDOUT, env=env).returncode:
                die_with_log(f"`{' '.join(cmd)}` failed", LOGS / "apt.log")
    # Debian's packages start their own default servers (5432 / 6379); ours run
    # separately on their own ports, so those are left alone.
    say(f"apt: done in {time.monotonic() - t:.0f}s")


def find_python312() -> str:
    """Python 3.12 (what requirements.txt was resolved for); INSTANCE_PYTHON overrides."""
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    cands = [os.environ.get("INSTANCE_PYTHON"), shutil.which("python3.12"),
             *sorted(glob.glob(f"{pyenv_root}/versions/3.12.*/bin/python"), reverse=True),
             "/usr/bin/python3.12", "/usr/local/bin/python3.12"]
    for c in cands:
        if not c or not Path(c).exists():
            continue
        r = run([c, "-c", "import sys; print(sys.version_info[:2] >= (3, 12))"],
                check=False, capture_output=True, text=True)
        if r.stdout.strip() == "True":
            return c
    raise InstanceError(
        "Python 3.12 not found (invenio-curations needs >= 3.12; requirements.txt is "
        "resolved for 3.12): install it or set INSTANCE_PYTHON=/path/to/python3.12")


def ensure_venv() -> None:
    req = SRC / "requirements.txt"
    want = hashlib.sha256(req.read_bytes()).hexdigest()
    stamp = VENV / ".requirements.sha256"
    if stamp.exists() and stamp.read_text().strip() == want and (VENV / "bin/gunicorn").exists():
        return
    py = find_python312()
    log = LOGS / "pip.log"
    t = time.monotonic()
    say(f"venv: installing {req.relative_to(REPO)} into {VENV} with {py} (log: {log})")
    if not (VENV / "bin/python").exists():
        run([py, "-m", "venv", VENV])
    with open(log, "ab") as fh:
        for cmd in ([VENV / "bin/pip", "install", "-q", "--upgrade", "pip"],
                    [VENV / "bin/pip", "install", "--no-input", "-r", req]):
            if run(cmd, check=False, stdout=fh, stderr=subprocess.STDOUT).returncode:
                die_with_log("pip install failed (PyPI unreachable?)", log)
    stamp.write_text(want + "\n")
    say(f"venv: ready in {time.monotonic() - t:.0f}s")


def ensure_layout() -> None:
    for d in (IDIR, RUN, LOGS, APPDIR, APPDIR / "data", IDIR / "redis"):
        d.mkdir(parents=True, exist_ok=True)
    os.chmod(IDIR, 0o755)  # the postgres user must be able to reach pgdata/
    key = IDIR / "secret_key"
    if not key.exists():
        write_atomic(key, os.urandom(32).hex() + "\n")
    for name, target in (("invenio.cfg", SRC / "invenio.cfg"),
                         ("app_data", SRC / "app_data")):
        link = APPDIR / name
        if link.is_symlink() and Path(os.readlink(link)) == target:
            continue
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target)


# --------------------------------------------------------------------------- postgres


def pg_run(args, **kw):
    """Run a PostgreSQL binary as the "postgres" user (it refuses to run as root)."""
    binary = _pg_bin() / args[0]
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return run([*prefix, binary, *args[1:]], **kw)


def pg_pid() -> int | None:
    pid = read_pid(PGDATA / "postmaster.pid")
    return pid if pid_alive(pid) and "postgres" in cmdline(pid) else None


def start_postgres() -> str:
    if pg_pid():
        return "running"
    check_port_free(PG_PORT, "PostgreSQL")
    log = LOGS / "postgres.log"
    fresh = not (PGDATA / "PG_VERSION").exists()
    if fresh:
        if PGDATA.exists():
            shutil.rmtree(PGDATA)
        PGDATA.mkdir(mode=0o700)
        shutil.chown(PGDATA, "postgres", "postgres")
        r = pg_run(["initdb", "-D", PGDATA, "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--locale=C.UTF-8"], check=False,
                   capture_output=True, text=True)
        if r.returncode:
            raise InstanceError(f"initdb failed:\n{r.stdout}\n{r.stderr}")
        with open(PGDATA / "postgresql.conf", "a") as fh:
            fh.write(
                "\n# reference instance\n"
                f"listen_addresses = '{HOST}'\nport = {PG_PORT}\n"
                "unix_socket_directories = ''\n"
                "max_connections = 100\nfsync = off\nsynchronous_commit = off\n"
                "full_page_writes = off\n")
    log.touch()
    shutil.chown(log, "postgres", "postgres")
    r = pg_run(["pg_ctl", "-D", PGDATA, "-l", log, "-w", "-t", "60", "start"],
               check=False, capture_output=True, text=True)
    if r.returncode:
        die_with_log("PostgreSQL did not start", log)
    if fresh:
        psql("CREATE ROLE invenio LOGIN PASSWORD 'invenio'")
    return "started"


def psql(sql: str, db: str = "postgres") -> str:
    r = pg_run(["psql", "-h", HOST, "-p", str(PG_PORT), "-U", "postgres", "-d", db,
                "-v", "ON_ERROR_STOP=1", "-Atc", sql], check=False,
               capture_output=True, text=True)
    if r.returncode:
        raise InstanceError(f"psql failed on {sql!r}: {r.stderr.strip()}")
    return r.stdout.strip()


def recreate_database() -> None:
    psql("DROP DATABASE IF EXISTS invenio WITH (FORCE)")
    psql("CREATE DATABASE invenio OWNER invenio")


def stop_postgres() -> str:
    if not pg_pid():
        return "not running"
    pg_run(["pg_ctl", "-D", PGDATA, "-m", "fast", "-w", "-t", "60", "stop"],
           check=False, quiet=True)
    return "stopped"


# --------------------------------------------------------------------------- redis


def redis_pid() -> int | None:
    pid = read_pid(RUN / "redis.pid")
    return pid if pid_alive(pid) and "redis-server" in cmdline(pid) else None


def redis_ping() -> bool:
    try:
        with socket.create_connection((HOST, REDIS_PORT), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis() -> str:
    if redis_pid():
        return "running"
    check_port_free(REDIS_PORT, "Redis")
    log = LOGS / "redis.log"
    run(["redis-server", "--bind", HOST, "--port", REDIS_PORT, "--daemonize", "yes",
         "--dir", IDIR / "redis", "--dbfilename", "reference-instance.rdb",
         "--pidfile", RUN / "redis.pid", "--logfile", log, "--save", "60 100"],
        check=False, quiet=True)
    wait_for(redis_ping, 20, "Redis", log, pid_fn=None)
    return "started"


# --------------------------------------------------------------------------- opensearch


def opensearch(cmd: str, check: bool = True) -> subprocess.CompletedProcess:
    if not OPENSEARCH_SH.exists():
        raise InstanceError(f"{OPENSEARCH_SH.relative_to(REPO)} is missing "
                            "(the embedded OpenSearch is built there)")
    env = dict(os.environ, INSTANCE_DIR=str(IDIR), OPENSEARCH_PORT=str(OS_PORT))
    r = run(["bash", OPENSEARCH_SH, cmd], check=False, env=env,
            capture_output=True, text=True)
    if check and r.returncode:
        out = (r.stdout + r.stderr).strip().splitlines()
        raise InstanceError(f"opensearch.sh {cmd} failed (exit {r.returncode}):\n"
                            + "\n".join(f"    | {ln}" for ln in out[-30:])
                            + f"\n  last lines of {LOGS / 'opensearch.log'}:\n"
                            + tail(LOGS / "opensearch.log", 25))
    return r


def opensearch_pid() -> int | None:
    pid = read_pid(RUN / "opensearch.pid")
    return pid if pid_alive(pid) and "EmbeddedOpenSearch" in cmdline(pid) else None


def opensearch_healthy() -> bool:
    """Our node (pid file of opensearch.sh) runs and answers as OpenSearch."""
    if not opensearch_pid():
        return False
    status, body = http_get(f"http://{HOST}:{OS_PORT}/", timeout=2)
    return status == 200 and b"opensearch" in body.lower()


def start_opensearch() -> subprocess.Popen | str:
    """Start OpenSearch in the background (the JVM takes a while); wait later."""
    if opensearch_healthy():
        return "running"
    if not OPENSEARCH_SH.exists():
        raise InstanceError(f"{OPENSEARCH_SH.relative_to(REPO)} is missing "
                            "(the embedded OpenSearch is built there)")
    if not opensearch_pid():
        check_port_free(OS_PORT, "OpenSearch")
    env = dict(os.environ, INSTANCE_DIR=str(IDIR), OPENSEARCH_PORT=str(OS_PORT))
    log = open(LOGS / "opensearch-script.log", "ab")
    log.write(f"===== {time.strftime('%F %T')} opensearch.sh start\n".encode())
    log.flush()
    # "start" builds first when needed (Maven), then waits until HTTP answers
    return subprocess.Popen(["bash", str(OPENSEARCH_SH), "start"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def wait_opensearch(proc) -> str:
    if isinstance(proc, str):
        return proc
    rc = proc.wait()
    slog = LOGS / "opensearch-script.log"
    if rc != 0:
        raise InstanceError(
            f"OpenSearch did not start (opensearch.sh exit {rc}):\n{tail(slog, 25)}\n"
            f"  last lines of {LOGS / 'opensearch.log'}:\n{tail(LOGS / 'opensearch.log', 25)}")
    deadline = time.monotonic() + 120
    while not opensearch_healthy():
        if time.monotonic() > deadline:
            die_with_log(f"OpenSearch not answering on :{OS_PORT}", LOGS / "opensearch.log")
        time.sleep(1)
    return "started"


# --------------------------------------------------------------------------- python services

SERVICES = {
    # name: (command, readiness check description)
    "celery": lambda: [
        VENV / "bin/celery", "-A", "invenio_app.celery", "worker", "--beat",
        "--schedule", RUN / "celerybeat-schedule", "--loglevel", "INFO",
        "--concurrency", "2", "--hostname", "reference@%h",
    ],
    "gunicorn": lambda: [
        VENV / "bin/gunicorn", "invenio_app.wsgi:application",
        "--bind", f"{HOST}:{APP_PORT}", "--workers", "2", "--timeout", "300",
        "--preload", "--access-logfile", LOGS / "gunicorn-access.log",
        "--capture-output", "--pid", RUN / "gunicorn.pid",
        "--control-socket", RUN / "gunicorn.ctl",
    ],
}


def svc_pid(name: str) -> int | None:
    pid = read_pid(RUN / f"{name}.pid")
    return pid if pid_alive(pid) and name in cmdline(pid) else None


def spawn(name: str) -> subprocess.Popen | None:
    if svc_pid(name):
        return None
    if name == "gunicorn":
        check_port_free(APP_PORT, "InvenioRDM (gunicorn)")
    log = LOGS / f"{name}.log"
    with open(log, "ab") as fh:
        fh.write(f"\n===== {time.strftime('%F %T')} starting {name}\n".encode())
        proc = subprocess.Popen([str(c) for c in SERVICES[name]()], cwd=IDIR,
                                env=invenio_env(), stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    write_atomic(RUN / f"{name}.pid", f"{proc.pid}\n", 0o644)
    return proc


def celery_ready() -> bool:
    # the worker logs "celery@... ready." once it consumes tasks
    text = (LOGS / "celery.log").read_text(errors="replace")
    start = text.rfind("===== ")
    return " ready." in text[start:]


def app_ready() -> bool:
    status, _ = http_get(f"http://{HOST}:{APP_PORT}/api/records?size=1", timeout=5)
    return status == 200


def wait_for(check, timeout, what, log, pid_fn) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return
        if pid_fn is not None and not pid_fn():
            die_with_log(f"{what} died while starting", log)
        if time.monotonic() > deadline:
            die_with_log(f"{what} not ready after {timeout}s", log)
        time.sleep(0.5)


def stop_pid(name: str, pid: int | None, timeout: float = 30) -> str:
    if not pid:
        return "not running"
    try:
        os.killpg(pid, signal.SIGTERM)  # the process started its own session
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return "stopped"
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if pid_alive(pid):
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return "killed"
    return "stopped"


# --------------------------------------------------------------------------- front end

ASSETS_PY = SRC / "assets.py"
TEMPLATES = APPDIR / "templates"


def assets_current() -> bool:
    """The built assets match the installed versions (instance/assets.py's key). Run in the
    instance folder, as the build is: from the repository's root, the venv's python would also
    count the project's own egg-info, and every warm start would rebuild and restart gunicorn."""
    return run([sys.executable, ASSETS_PY, "current"], check=False, quiet=True, cwd=IDIR,
               env=invenio_env()).returncode == 0


def start_assets() -> subprocess.Popen | str:
    """Build the front end in the background (it needs only the venv and invenio.cfg),
    while the services start and the database is set up; awaited before gunicorn."""
    if assets_current():
        return "current"
    log = open(LOGS / "assets.log", "ab")
    log.write(f"===== {time.strftime('%F %T')} assets build\n".encode())
    log.flush()
    say(f"assets: building the front end in the background (log: {LOGS / 'assets.log'})")
    return subprocess.Popen([sys.executable, "-u", str(ASSETS_PY), "build"], cwd=IDIR,
                            env=invenio_env(), stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)


def wait_assets(proc: subprocess.Popen | str, started: float) -> str:
    if isinstance(proc, str):
        return proc
    if proc.wait():
        die_with_log("front-end build failed", LOGS / "assets.log")
    return f"built ({time.monotonic() - started:.0f}s)"


def install_pages() -> None:
    """Our rendered pages into the instance's templates/ (ahead of the theme's), by
    `apidocs install-pages`, which knows the pages; symlinks, so `apidocs render`
    updates what the app serves (TEMPLATES_AUTO_RELOAD in invenio.cfg)."""
    if not APIDOCS.exists():
        raise InstanceError(f"pages: {APIDOCS} not found: run `make instance` (it installs the tool)")
    r = run([str(APIDOCS), "install-pages", str(TEMPLATES)], check=False, capture_output=True, text=True)
    if r.returncode:
        raise InstanceError(f"pages: `apidocs install-pages` failed: {(r.stderr or r.stdout).strip()}")


# --------------------------------------------------------------------------- checks


def check_port_free(port: int, what: str) -> None:
    if port_open(port):
        raise InstanceError(
            f"port {port} (for {what}) is already taken by a process this instance "
            f"did not start: {port_owner(port)}")


def check_java() -> None:
    if shutil.which("java") is None:
        raise InstanceError("java not found: OpenSearch 2.19 needs a Java 17+ runtime "
                            "(apt-get install openjdk-17-jdk-headless)")
    r = run(["java", "-version"], check=False, capture_output=True, text=True)
    first = (r.stderr or r.stdout).splitlines()[0] if (r.stderr or r.stdout) else ""
    try:
        major = int(first.split('"')[1].split(".")[0])
    except (IndexError, ValueError):
        major = 0
    if major < 17:
        raise InstanceError(f"java 17+ needed for OpenSearch 2.19, found: {first!r}")


# --------------------------------------------------------------------------- env file


def versions() -> dict:
    code = ("import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
            "['invenio-app-rdm','invenio-config-tuw','invenio-curations','invenio-theme-tuw']}))")
    r = run([VENV / "bin/python", "-c", code], capture_output=True, text=True, check=False)
    vers = json.loads(r.stdout) if r.returncode == 0 else {}
    _, body = http_get(f"http://{HOST}:{OS_PORT}/", timeout=3)
    try:
        vers["opensearch"] = json.loads(body)["version"]["number"]
    except (ValueError, KeyError, TypeError):
        pass
    return vers


def write_env(state: dict) -> None:
    vers = versions()
    lines = {
        "DOCS_API_URL": f"http://{HOST}:{APP_PORT}/api",
        "DOCS_API_TOKEN": state["tokens"]["depositor"],
        "DOCS_CURATOR_TOKEN": state["tokens"]["curator"],
        "DOCS_ADMIN_TOKEN": state["tokens"]["admin"],
        "DOCS_UNTRUSTED_TOKEN": state["tokens"]["untrusted"],
        "OPENSEARCH_URL": f"http://{HOST}:{OS_PORT}",
        "DOCS_DISPOSABLE": "1",
        "DOCS_INSTANCE_VERSION": ",".join(f"{k}=={v}" for k, v in vers.items()),
    }
    text = ("# Written by instance/instance.py up -- local reference instance on "
            "127.0.0.1. Do not commit.\n"
            + "".join(f"{k}={v}\n" for k, v in lines.items()))
    write_atomic(ENVFILE, text)


# --------------------------------------------------------------------------- commands


def up() -> None:
    for d in (IDIR, RUN, LOGS):
        d.mkdir(parents=True, exist_ok=True)
    say(f"instance dir {IDIR}")

    # fast path: everything already up (and the front end built for these versions)
    if (STATE.exists() and pg_pid() and redis_pid() and opensearch_healthy()
            and svc_pid("celery") and svc_pid("gunicorn") and app_ready() and assets_current()):
        install_pages()
        write_env(json.loads(STATE.read_text()))
        say(f"already running; env in {ENVFILE}")
        seed()
        return

    t = time.monotonic()
    ensure_apt()
    check_java()
    ensure_venv()
    ensure_layout()
    install_pages()
    say(f"install: ok ({time.monotonic() - t:.1f}s)")
    assets_started = time.monotonic()
    assets = start_assets()

    t = time.monotonic()
    os_proc = start_opensearch()          # JVM starts in the background ...
    say(f"postgres :{PG_PORT}: {start_postgres()}")
    say(f"redis :{REDIS_PORT}: {start_redis()}")
    say(f"opensearch :{OS_PORT}: {wait_opensearch(os_proc)}")   # ... and is awaited here
    say(f"services: ok ({time.monotonic() - t:.1f}s)")

    procs: dict[str, subprocess.Popen | None] = {}
    if not STATE.exists():
        t = time.monotonic()
        # stop app processes of an earlier, failed set-up before wiping the database
        for name in ("gunicorn", "celery"):
            stop_pid(name, svc_pid(name))
        say("setup: new database, indices, vocabularies, users, tokens "
            f"(log: {LOGS / 'setup.log'})")
        recreate_database()
        # The worker runs during seeding, as on a real instance (file metadata
        # extraction, notifications, PID registration happen while the flow goes on).
        procs["celery"] = spawn("celery")
        run_setup()
        say(f"setup: done ({time.monotonic() - t:.1f}s)")

    t = time.monotonic()
    built = wait_assets(assets, assets_started)
    say(f"assets: {built}")
    if built != "current":  # a running app keeps the manifest it read: restart it
        say(f"gunicorn: {stop_pid('gunicorn', svc_pid('gunicorn'))} (new assets)")
    for name in ("celery", "gunicorn"):
        if name not in procs:
            procs[name] = spawn(name)
            if procs[name] is None:
                say(f"{name}: running")
    if procs["gunicorn"] is not None:
        wait_for(app_ready, 180, "InvenioRDM (gunicorn)", LOGS / "gunicorn.log",
                 lambda: procs["gunicorn"].poll() is None)
        say(f"gunicorn http://{HOST}:{APP_PORT}: started")
    elif not app_ready():
        wait_for(app_ready, 60, "InvenioRDM (gunicorn)", LOGS / "gunicorn.log",
                 lambda: svc_pid("gunicorn"))
    if procs["celery"] is not None:
        wait_for(celery_ready, 180, "Celery worker", LOGS / "celery.log",
                 lambda: procs["celery"].poll() is None)
        say("celery worker (+beat): started")
    say(f"app: ok ({time.monotonic() - t:.1f}s)")

    write_env(json.loads(STATE.read_text()))
    say(f"up: instance ready at http://{HOST}:{APP_PORT}/api ; env in {ENVFILE}")
    seed()


def seed() -> None:
    """The records the documented examples need, made by `apidocs provision` through the
    REST API as on any instance (finds what exists, creates what is missing)."""
    if SEED == "none":
        say("seed: none (INSTANCE_SEED=none): run `apidocs provision` to create the fixtures")
        return
    if not APIDOCS.exists():
        raise InstanceError(f"seed: {APIDOCS} not found: run `make instance` (it installs the tool),"
                            " or set INSTANCE_SEED=none")
    t = time.monotonic()
    env = dict(os.environ, DOCS_INSTANCE_ENV=str(ENVFILE))
    for key in [k for k in env if k.startswith("DOCS_") and k != "DOCS_INSTANCE_ENV"]:
        del env[key]  # the reference instance's own settings, never a shell's staging URL
    if run([str(APIDOCS), "provision"], check=False, env=env).returncode:
        raise InstanceError("seed: `apidocs provision` failed (see above)")
    say(f"seed: ok ({time.monotonic() - t:.1f}s)")


def run_setup() -> None:
    """Run setup_instance.py (one process, one app), streaming its progress lines."""
    with open(LOGS / "setup.log", "ab") as fh:
        fh.write(f"\n===== {time.strftime('%F %T')} set-up\n".encode())
        fh.flush()
        proc = subprocess.Popen(
            [str(VENV / "bin/python"), "-u", str(SRC / "setup_instance.py"),
             "--state", str(STATE)],
            env=invenio_env(), cwd=IDIR, stdout=subprocess.PIPE, stderr=fh)
        for line in proc.stdout:  # progress lines, shown live and logged
            sys.stdout.write(f"         {line.decode(errors='replace')}")
            fh.write(line)
            fh.flush()
        rc = proc.wait()
    if rc or not STATE.exists():
        die_with_log("set-up failed", LOGS / "setup.log")


def stop() -> None:
    for name in ("gunicorn", "celery"):
        say(f"{name}: {stop_pid(name, svc_pid(name))}")
    if OPENSEARCH_SH.exists():
        r = opensearch("stop", check=False)
        say(f"opensearch: {'stopped' if r.returncode == 0 else 'stop failed: ' + r.stderr.strip()}")
    say(f"redis: {stop_pid('redis', redis_pid())}")
    say(f"postgres: {stop_postgres()}")


def reset() -> None:
    stop()
    # wipe all data (PostgreSQL, Redis, OpenSearch's $INSTANCE_DIR/opensearch, files,
    # state, env); keep the venv and the built front end (slow to rebuild, not data)
    # and the logs
    keep = {VENV, LOGS, IDIR / "assets.key", APPDIR / "static", APPDIR / "assets"}
    entries = [*(APPDIR.iterdir() if APPDIR.is_dir() else ()), *(IDIR.iterdir() if IDIR.is_dir() else ())]
    for entry in entries:
        if entry in keep or entry == APPDIR:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    say(f"reset: data under {IDIR} wiped (venv and built front end kept)")


def status() -> None:
    rows = [
        ("postgres", f":{PG_PORT}", pg_pid()),
        ("redis", f":{REDIS_PORT}", redis_pid()),
        ("opensearch", f":{OS_PORT}", opensearch_pid() if opensearch_healthy() else None),
        ("celery", "worker+beat", svc_pid("celery")),
        ("gunicorn", f":{APP_PORT}", svc_pid("gunicorn")),
    ]
    for name, where, pid in rows:
        print(f"{name:11} {where:12} {'running (pid %s)' % pid if pid else 'down'}")
    print(f"api         {'answers' if app_ready() else 'not answering'}")
    print(f"set-up      {'done' if STATE.exists() else 'not done'}")


def main(argv) -> int:
    cmds = {"up": up, "stop": stop, "reset": reset, "status": status}
    if len(argv) != 2 or argv[1] not in cmds:
        print(f"usage: {argv[0]} {'|'.join(cmds)}", file=sys.stderr)
        return 2
    try:
        cmds[argv[1]]()
    except InstanceError as e:
        print(f"instance: ERROR: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    say(f"{argv[1]}: finished in {time.monotonic() - T0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
