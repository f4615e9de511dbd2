"""The import layers of pyproject.toml hold (`make test` runs lint-imports), and they bite:
an import from the vocabulary up to the entry points breaks the contract."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PACKAGES = ("core", "runner", "render", "apidocs", "cases")


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    tool = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run([str(tool), "--no-cache"], cwd=folder, env=env, capture_output=True, text=True, timeout=120)


def copy_of_the_project(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_layers_hold(tmp_path):
    done = lint_imports(copy_of_the_project(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_an_import_from_the_ground_floor_up_breaks_the_contract(tmp_path):
    folder = copy_of_the_project(tmp_path)
    model = folder / "core" / "model.py"
    model.write_text(model.read_text() + "\nfrom apidocs import cli  # noqa: E402,F401\n")
    done = lint_imports(folder)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "core.model -> apidocs.cli" in done.stdout
