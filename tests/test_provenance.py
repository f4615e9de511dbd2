"""Which tool and which docs project produced a result: ``apidocs --version``, and the
version and commit a report carries (a live report's are checked in test_report.py)."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from conftest import ROOT, run_cli

from apidocs.core.provenance import project_commit, tool_version


def git(folder, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=folder,
                          capture_output=True, text=True, check=True).stdout.strip()


def test_the_commit_is_the_checkouts_and_says_when_tracked_files_changed(tmp_path):
    assert project_commit(tmp_path) is None  # no git checkout: nothing to name
    git(tmp_path, "init", "-q")
    assert project_commit(tmp_path) is None  # no commit yet
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "case.py").write_text("x = 1\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "a case")
    head = git(tmp_path, "rev-parse", "HEAD")
    assert project_commit(tmp_path) == head
    (tmp_path / "notes.txt").write_text("untracked: not the content that ran\n")
    assert project_commit(tmp_path) == head
    (tmp_path / "cases" / "case.py").write_text("x = 2\n")
    assert project_commit(tmp_path) == head + "+dirty"
    assert project_commit(tmp_path / "cases") is None  # a folder inside a repository is not its checkout


def test_version_names_the_tool_and_the_docs_projects_commit():
    inside = run_cli("--version")
    assert inside.returncode == 0
    assert inside.stdout == f"apidocs {tool_version()} (docs project at {project_commit(ROOT)})\n"
    assert tool_version() != "unknown"  # the installed distribution's version
    with tempfile.TemporaryDirectory() as elsewhere:  # outside the checkout (tmp_path is in it): no project
        outside = run_cli("--version", cwd=Path(elsewhere))
    assert (outside.returncode, outside.stdout) == (0, f"apidocs {tool_version()}\n")


def test_every_report_of_a_run_names_the_tool_and_the_commit(tmp_path):
    assert run_cli("verify", "case1_metadata", "--report", str(tmp_path)).returncode == 0
    produced = f"apidocs {tool_version()}, docs project at {project_commit(ROOT)}"
    assert f"- produced by: {produced}\n" in (tmp_path / "report.md").read_text()
    assert f"<p>Produced by: {produced}</p>" in (tmp_path / "report.html").read_text()
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (summary["tool"], summary["commit"]) == (f"apidocs {tool_version()}", project_commit(ROOT))
    junit = (tmp_path / "junit.xml").read_text()
    assert f'<property name="tool" value="apidocs {tool_version()}" />' in junit
