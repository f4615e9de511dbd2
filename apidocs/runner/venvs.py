"""A package's own venv, for a transcript's cells: made on first use, then reused.

vre-repository-connector's requirements (pandas < 3, dbrepo < 2, inveniordm-py < 0.2)
do not fit the tool's venv, so its cells run in a venv of their own, made from a pinned
requirements file of the cases folder. It lives in the user's cache,
``${XDG_CACHE_HOME:-~/.cache}/apidocs/venvs/<name>-<hash>``, shared by every checkout and
test: a changed requirements file is a new venv, an unchanged one is reused, so only the
first run needs PyPI. It is made in a temp folder and renamed when complete; a venv that no
longer runs is one line naming the folder and how to make it again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from apidocs.core.errors import ApidocsError

#: Written last into a venv made completely: a folder without it is a broken venv.
COMPLETE = ".apidocs-complete"
#: The longest an install from PyPI may take.
INSTALL_TIMEOUT = 900


def home() -> Path:
    """Where the venvs are kept: the user's cache (``XDG_CACHE_HOME``, else ``~/.cache``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "apidocs" / "venvs"


def folder_for(requirements: Path, home: Path) -> Path:
    """The venv of ``requirements``: named after the file and its content's hash."""
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:12]
    return home / f"{requirements.stem}-{digest}"


def interpreter(requirements: Path, folder: Path | None = None) -> Path:
    """The venv's python (in ``folder``, default :func:`home`), making the venv first if there
    is none; a broken one is an error."""
    if not requirements.is_file():
        raise ApidocsError(f"{requirements}: no such requirements file (a transcript's venv is made from it)")
    venv = folder_for(requirements, folder or home())
    if not venv.exists():
        make(requirements, venv)
    python = venv / "bin" / "python"
    problem = _broken(venv, python)
    if problem:
        raise ApidocsError(f"the venv {venv} for {requirements.name} is broken ({problem}): delete that folder,"
                           f" and the next run makes it again from {requirements} (it needs PyPI once)")
    return python


def _broken(venv: Path, python: Path) -> str:
    if not (venv / COMPLETE).is_file():
        return "it was not made completely"
    try:
        done = subprocess.run([str(python), "-I", "-c", "import sys"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"its python does not run: {exc}"
    return "" if done.returncode == 0 else f"its python exits with {done.returncode}"


def make(requirements: Path, venv: Path) -> None:
    """Make the venv in a temp folder beside it, install the pinned requirements, rename it."""
    venv.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{venv.name}-", dir=venv.parent))
    try:
        _step([sys.executable, "-m", "venv", str(tmp)], "python -m venv")
        _step([str(tmp / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-deps", "--require-virtualenv", "-r", str(requirements)], f"pip install -r {requirements.name}")
        (tmp / COMPLETE).write_text(requirements.read_text(encoding="utf-8"), encoding="utf-8")
        try:
            tmp.rename(venv)
        except OSError:
            if not (venv / COMPLETE).is_file():  # not another run's complete venv, made meanwhile
                raise ApidocsError(f"cannot rename {tmp} to {venv}") from None
    except ApidocsError as exc:
        raise ApidocsError(f"cannot make the venv for {requirements.name} in {venv}: {exc} (the first run needs"
                           " PyPI: run it again where PyPI is reachable)") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _step(argv: list[str], what: str) -> None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=INSTALL_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ApidocsError(f"{what} failed: {exc}") from None
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip() or f"exit code {done.returncode}").splitlines()[-1]
        raise ApidocsError(f"{what} failed: {last}")


def project_urls(python: Path, distribution: str) -> list[str]:
    """The URLs of ``distribution``'s ``Project-URL`` metadata, as installed in the venv of ``python``."""
    script = ("import importlib.metadata as m, sys; print('\\n'.join(u.split(',', 1)[-1].strip()"
              " for u in m.metadata(sys.argv[1]).get_all('Project-URL') or []))")
    done = subprocess.run([str(python), "-I", "-c", script, distribution], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise ApidocsError(f"cannot read {distribution}'s metadata in {python.parent.parent}:"
                           f" {(done.stderr.strip().splitlines() or ['no output'])[-1]}")
    return done.stdout.split()
