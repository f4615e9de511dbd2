"""The import layers of pyproject.toml hold (`make test` runs lint-imports), and they bite:
an import from the vocabulary up to the entry points breaks the contract."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PACKAGES = ("apidocs",)  # its link apidocs/render is copied as the folder it names


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
    model = folder / "apidocs" / "core" / "model.py"
    model.write_text(model.read_text() + "\nfrom apidocs.entry import cli  # noqa: E402,F401\n")
    done = lint_imports(folder)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "apidocs.core.model -> apidocs.entry.cli" in done.stdout


def test_case_scripts_import_only_the_vocabulary_and_their_own_folder():
    """The content is not a package of the engine: a case script imports the vocabulary
    (``apidocs.core``) and its own folder (``cases``), never the runner or an entry point."""
    for path in sorted((ROOT / "cases").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        ours = {name for name in imported if name.split(".")[0] in ("apidocs", "cases")}
        allowed = {name for name in ours if name == "apidocs.core" or name.startswith(("apidocs.core.", "cases."))}
        assert ours == allowed, f"{path.name} imports {sorted(ours - allowed)}"
