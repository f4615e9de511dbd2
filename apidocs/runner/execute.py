"""Run a snippet the way a reader would, with its language's command (:mod:`apidocs.core.languages`):
Python in its own interpreter, cURL in a shell.

This is the I/O edge of the runner: it writes the materialised snippet into a fresh
working directory (with the files the snippet reads), runs it, and reports what it
printed. What it *sent* is seen by the capture proxy, not here.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from apidocs.core.languages import language as language_named


@dataclass(frozen=True)
class ProcessResult:
    exit_code: int
    stdout: str
    stderr: str
    workdir: Path

    def tail(self, lines: int = 3) -> str:
        text = (self.stderr or self.stdout).strip().splitlines()
        return " | ".join(text[-lines:])


def run_snippet(language: str, text: str, workdir: Path, files: dict[str, bytes], timeout: float) -> ProcessResult:
    """Run ``text`` (already materialised) in ``workdir`` and return what it printed."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (workdir / name).write_bytes(content)
    lang = language_named(language)
    script = workdir / f"snippet{lang.suffix}"
    script.write_text(text + "\n", encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workdir),  # no ~/.curlrc or ~/.netrc of the user's
        "LANG": "C.UTF-8",
    }
    try:
        done = subprocess.run(
            lang.argv(str(script)), cwd=workdir, env=env, capture_output=True,
            text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return ProcessResult(124, "", f"{lang.label} snippet did not finish within {timeout:g} s", workdir)
    return ProcessResult(done.returncode, done.stdout, done.stderr, workdir)
