"""What the instance needs before any service starts: Debian packages, Java, the venv, the folders.

Each step checks first and does nothing when its part is in place, so a warm `up` spends
well under a second here. Standard library only (the venv is made here).
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from layout import APPDIR, IDIR, LOGS, REPO, RUN, SRC, VENV, InstanceError, say, write_atomic
from process import run, run_logged
from services.postgres import pg_bin


def _on_path(command: str) -> Callable[[], bool]:
    return lambda: shutil.which(command) is not None


#: package: how we know it is there (None: ask dpkg)
APT_PACKAGES: dict[str, Callable[[], bool] | None] = {
    "redis-server": _on_path("redis-server"),
    "postgresql": lambda: pg_bin() is not None,
    # the embedded OpenSearch (instance/opensearch/): Java 17 runtime, Maven to build it
    "openjdk-17-jdk-headless": _on_path("java"),
    "maven": _on_path("mvn"),
    "curl": _on_path("curl"),
    # shared libraries that weasyprint / cairosvg (imported by InvenioRDM) load
    "libpango-1.0-0": None,
    "libpangoft2-1.0-0": None,
    "libcairo2": None,
}


def dpkg_installed(package: str) -> bool:
    r = run(["dpkg-query", "-W", "-f=${Status}", package], check=False, capture_output=True, text=True)
    return "install ok installed" in r.stdout


def ensure_apt() -> None:
    """Install what is missing. Debian's packages start their own default servers (5432,
    6379): ours run apart, on their own ports, so those are left alone."""
    missing = [pkg for pkg, check in APT_PACKAGES.items() if not (check() if check else dpkg_installed(pkg))]
    if not missing:
        return
    if shutil.which("apt-get") is None:
        raise InstanceError(f"missing packages {missing} and no apt-get to install them")
    log = LOGS / "apt.log"
    say(f"apt: installing {' '.join(missing)} (log: {log})")
    started = time.monotonic()
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run_logged([["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", *missing]], log, env)
    say(f"apt: done in {time.monotonic() - started:.0f}s")


def check_java() -> None:
    """OpenSearch 2.19 needs Java 17; said here, before anything starts, not after a Maven build."""
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


def find_python312() -> str:
    """Python 3.12 (what requirements.txt was resolved for); INSTANCE_PYTHON overrides."""
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = [os.environ.get("INSTANCE_PYTHON"), shutil.which("python3.12"),
                  *sorted(glob.glob(f"{pyenv_root}/versions/3.12.*/bin/python"), reverse=True),
                  "/usr/bin/python3.12", "/usr/local/bin/python3.12"]
    for candidate in candidates:
        if not candidate or not Path(candidate).exists():
            continue
        r = run([candidate, "-c", "import sys; print(sys.version_info[:2] >= (3, 12))"],
                check=False, capture_output=True, text=True)
        if r.stdout.strip() == "True":
            return candidate
    raise InstanceError(
        "Python 3.12 not found (invenio-curations needs >= 3.12; requirements.txt is "
        "resolved for 3.12): install it or set INSTANCE_PYTHON=/path/to/python3.12")


def ensure_venv() -> None:
    """The venv, installed again whenever requirements.txt changes (a stamp holds its hash)."""
    req = SRC / "requirements.txt"
    want = hashlib.sha256(req.read_bytes()).hexdigest()
    stamp = VENV / ".requirements.sha256"
    if stamp.exists() and stamp.read_text().strip() == want and (VENV / "bin/gunicorn").exists():
        return
    py = find_python312()
    log = LOGS / "pip.log"
    started = time.monotonic()
    say(f"venv: installing {req.relative_to(REPO)} into {VENV} with {py} (log: {log})")
    if not (VENV / "bin/python").exists():
        run([py, "-m", "venv", VENV])
    run_logged([[VENV / "bin/pip", "install", "-q", "--upgrade", "pip"],
                [VENV / "bin/pip", "install", "--no-input", "-r", req]], log, hint=" (PyPI unreachable?)")
    stamp.write_text(want + "\n")
    say(f"venv: ready in {time.monotonic() - started:.0f}s")


def link(name: str, target: Path) -> None:
    """app/<name> → instance/<name>: the checked-in configuration, used in place."""
    path = APPDIR / name
    if path.is_symlink() and Path(os.readlink(path)) == target:
        return
    if path.is_symlink() or path.exists():
        path.unlink()
    path.symlink_to(target)


def ensure_layout() -> None:
    """The folders, the app's secret key (made once per instance) and the links to the configuration."""
    for folder in (IDIR, RUN, LOGS, APPDIR, APPDIR / "data", IDIR / "redis"):
        folder.mkdir(parents=True, exist_ok=True)
    os.chmod(IDIR, 0o755)  # the postgres user must be able to reach pgdata/
    key = IDIR / "secret_key"
    if not key.exists():
        write_atomic(key, os.urandom(32).hex() + "\n")
    link("invenio.cfg", SRC / "invenio.cfg")
    link("app_data", SRC / "app_data")


def ensure_all() -> None:
    """Everything the services need, in the order one needs the other."""
    ensure_apt()
    check_java()
    ensure_venv()
    ensure_layout()
