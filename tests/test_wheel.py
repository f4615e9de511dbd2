"""The tool as users install it: the wheel ``pip`` builds from this repository.

The wheel holds the engine only (``apidocs``, the renderer as ``apidocs.render``); the content (cases,
snippets, fixtures, page templates, cassettes) is the docs project the installed
commands read (``apidocs.core.project``). The offline test checks the wheel's files; the
``installed`` test installs it, non-editable, into a clean venv and runs it from a clone
of the project (``.ci/run`` runs it: it needs PyPI or a warm pip cache).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from apidocs.entry.loader import load_cases

#: The import packages the wheel may put into a user's site-packages.
TOP_LEVEL = {"apidocs"}


def build_wheel(folder: Path, *, isolated: bool = True) -> Path:
    """``pip wheel`` of the repository's tracked files (no dependencies), as ``pip install
    ./apidocs`` builds it from a fresh clone: a copy, so that nothing untracked (a stale
    ``build/`` of an in-tree build) slips into the wheel. Not ``isolated``: with this venv's
    setuptools (the test extra), 2 s sooner than a build environment fetched for the build;
    the same backend and configuration give the same files."""
    source = folder / "source"
    for name in tracked():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name, follow_symlinks=False)  # apidocs/render stays a link
    isolation = [] if isolated else ["--no-build-isolation"]
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", str(folder),
                           str(source)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return next(folder.glob("tuw_verified_api_docs-*.whl"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel as a user's ``pip install`` builds it."""
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def tracked(*folders: str) -> set[str]:
    """The files git tracks under ``folders``, relative to the repository."""
    done = subprocess.run(["git", "ls-files", *folders], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_the_wheel_holds_every_module_of_the_engine_under_one_top_level_name(tmp_path):
    with zipfile.ZipFile(build_wheel(tmp_path, isolated=False)) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    packaged = {n for n in names if ".dist-info/" not in n}
    assert {n.split("/")[0] for n in packaged} == TOP_LEVEL
    # every file a command imports or reads from the package is there ...
    engine = tracked("apidocs") - {"apidocs/render"}  # the link to render/, whose files install under it
    assert engine | {f"apidocs/{name}" for name in tracked("render")} <= packaged
    # ... and none of the content: that is the docs project's
    assert not {n for n in packaged if n.split("/")[0] in ("cases", "cassettes", "page", "core", "runner")}
    assert "apidocs = apidocs.entry.cli:main" in entry_points
    assert "apidocs = apidocs.entry.plugin" in entry_points


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A clean venv with the wheel installed (not editable), and its ``apidocs`` command."""
    folder = tmp_path_factory.mktemp("venv")
    venv.create(folder, with_pip=True)
    python = folder / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / "bin" / "apidocs"


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A clone of the committed project, as the nightly job clones it."""
    folder = tmp_path_factory.mktemp("clone") / "apidocs"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{ROOT}", str(folder)], check=True, timeout=120)
    return folder


def run(apidocs: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), **env}
    return subprocess.run([str(apidocs), *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=600)


@pytest.mark.installed
def test_the_installed_wheel_lists_and_verifies_a_clone_from_any_folder_of_it(installed, clone):
    cases = sorted(path.stem for path in clone.joinpath("cases").glob("*[0-9]_*.py"))
    listed = run(installed, "list", cwd=clone / "cases" / "snippets")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert [line.split(":")[0] for line in listed.stdout.splitlines() if not line.startswith(" ")] == cases
    assert cases == sorted(case.name for case in load_cases())  # every case of every page, found from the clone
    verified = run(installed, "verify", "--check-pages", cwd=clone)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    steps = sum(len(case.steps) for case in load_cases())
    assert f"{steps} passed, 0 failed" in verified.stdout


@pytest.mark.installed
def test_the_installed_wheel_outside_a_project_says_where_to_run_it(installed, clone):
    # outside the checkout (pytest's tmp_path is inside it: .pytest-tmp/), removed afterwards
    with tempfile.TemporaryDirectory(prefix="apidocs-outside-") as outside:
        elsewhere = Path(outside)
        refused = ((("list",), {}), (("list", "--project", outside), {}), (("verify",), {"DOCS_PROJECT": outside}))
        for args, env in refused:
            done = run(installed, *args, cwd=elsewhere, **env)
            assert done.returncode == 2 and "Traceback" not in done.stderr, done.stdout + done.stderr
            assert len(done.stderr.splitlines()) == 1 and "docs project" in done.stderr, done.stderr
        from_outside = run(installed, "list", cwd=elsewhere, DOCS_PROJECT=str(clone))
        assert from_outside.returncode == 0 and "case1_metadata" in from_outside.stdout
