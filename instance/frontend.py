"""The app's front end (built by instance/assets.py) and our pages linked into its templates.

The build needs only the venv and invenio.cfg, so it runs in the background while the
services start and the database is set up; gunicorn waits for it, because the app reads
the build's manifest when it starts.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field

from layout import APIDOCS, IDIR, LOGS, SRC, TEMPLATES, InstanceError, failure, invenio_env, say
from process import launch, run

ASSETS_PY = SRC / "assets.py"
LOG = LOGS / "assets.log"


def assets_current() -> bool:
    """The built assets match the installed versions (instance/assets.py's key). Run in the
    instance folder, as the build is: from the repository's root, the venv's python would also
    count the project's own egg-info, and every warm start would rebuild and restart gunicorn."""
    return run([sys.executable, ASSETS_PY, "current"], check=False, quiet=True, cwd=IDIR,
               env=invenio_env()).returncode == 0


@dataclass
class Build:
    """A front-end build under way (or none, when the built assets are current)."""

    proc: subprocess.Popen[bytes] | None
    started: float = field(default_factory=time.monotonic)

    def wait(self) -> bool:
        """Until it is done; True when it built anew (a running app must restart to see it)."""
        if self.proc is None:
            say("assets: current")
            return False
        if self.proc.wait():
            raise failure("front-end build failed", LOG)
        say(f"assets: built ({time.monotonic() - self.started:.0f}s)")
        return True


def start_build() -> Build:
    if assets_current():
        return Build(None)
    say(f"assets: building the front end in the background (log: {LOG})")
    return Build(launch([sys.executable, "-u", ASSETS_PY, "build"], LOG, "assets build", invenio_env(), IDIR))


def install_pages() -> None:
    """Our rendered pages into the instance's templates/ (ahead of the theme's), by
    `apidocs install-pages`, which knows the pages; symlinks, so `apidocs render`
    updates what the app serves (TEMPLATES_AUTO_RELOAD in invenio.cfg)."""
    if not APIDOCS.exists():
        raise InstanceError(f"pages: {APIDOCS} not found: run `make instance` (it installs the tool)")
    r = run([APIDOCS, "install-pages", TEMPLATES], check=False, capture_output=True, text=True)
    if r.returncode:
        raise InstanceError(f"pages: `apidocs install-pages` failed: {(r.stderr or r.stdout).strip()}")
