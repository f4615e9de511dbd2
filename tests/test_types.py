"""The engine's type hints hold (`make test` runs mypy with pyproject.toml's settings), and
the check bites: a call that breaks a hint is reported, naming its file and line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def mypy(folder: Path) -> subprocess.CompletedProcess:
    tool = Path(sys.executable).with_name("mypy")
    return subprocess.run([str(tool), "--no-incremental"], cwd=folder, capture_output=True, text=True, timeout=300)


def copy_of_the_engine(tmp_path: Path) -> Path:
    """``apidocs/`` (its link to render/ copied as the folder it names) and the settings."""
    shutil.copytree(ROOT / "apidocs", tmp_path / "apidocs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_a_call_against_a_hint_is_reported_with_its_place(tmp_path):
    folder = copy_of_the_engine(tmp_path)
    assert mypy(folder).returncode == 0
    blocks = folder / "apidocs" / "render" / "blocks.py"
    blocks.write_text(blocks.read_text() + "\n\ndef _broken() -> str:\n    return endpoint_line(None)\n")
    done = mypy(folder)
    assert done.returncode == 1, done.stdout + done.stderr
    line = len(blocks.read_text().splitlines())
    assert f"apidocs/render/blocks.py:{line}: error" in done.stdout
