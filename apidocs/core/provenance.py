"""Which tool produced a result, from which docs project: a nightly failure is tied to
the tool's version and the content's commit that ran (``apidocs --version``, every report)."""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path

#: The distribution that installs the ``apidocs`` package.
DISTRIBUTION = "tuw-verified-api-docs"


def tool_version() -> str:
    """The installed distribution's version (``unknown`` when run from files pip never installed)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


def project_commit(folder: Path) -> str | None:
    """The docs project's git commit, ``+dirty`` when tracked files differ from it; None when
    ``folder`` is no git checkout (a copy, an unpacked archive) or git is missing."""
    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=30)

    try:
        head = git("rev-parse", "--verify", "--quiet", "HEAD")
        if head.returncode != 0 or git("rev-parse", "--show-prefix").stdout.strip():
            return None  # no commit yet, or the project is a folder inside another repository
        dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return head.stdout.strip() + ("+dirty" if dirty else "")


def describe(folder: Path | None) -> str:
    """One line: ``apidocs 0.1.0 (docs project at 1a2b3c4…)``."""
    commit = project_commit(folder) if folder else None
    return f"apidocs {tool_version()}" + (f" (docs project at {commit})" if commit else "")
