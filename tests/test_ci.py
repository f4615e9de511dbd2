"""The CI job files are valid: GitLab CI's JSON schema, GitHub's workflow schema, actionlint.

check-jsonschema (PyPI, test extra) carries both schemas vendored, so this runs offline.
actionlint is a Go program: ``make lint-ci`` installs it into .venv/bin with ``go install``
when Go is there; without it that check is skipped, the schema checks still run.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def tool(name: str) -> str | None:
    return str(BIN / name) if (BIN / name).exists() else shutil.which(name)


@pytest.mark.parametrize("path, schema", [
    ("ci/gitlab-ci.yml", "vendor.gitlab-ci"),
    ("ci/github-workflow.yml", "vendor.github-workflows"),
])
def test_job_file_matches_its_schema(path, schema):
    checker = tool("check-jsonschema")
    if checker is None:
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    done = subprocess.run([checker, "--builtin-schema", schema, str(ROOT / path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_github_workflow_passes_actionlint():
    linter = tool("actionlint")
    if linter is None:
        pytest.skip("actionlint is not installed (make lint-ci installs it with go install)")
    done = subprocess.run([linter, str(ROOT / "ci/github-workflow.yml")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_both_jobs_run_the_live_tier_publish_the_report_and_gate_on_it():
    gitlab = yaml.safe_load((ROOT / "ci/gitlab-ci.yml").read_text())["api-docs-drift"]
    github = yaml.safe_load((ROOT / "ci/github-workflow.yml").read_text())
    assert any("apidocs live --report reports/" in line for line in gitlab["script"])
    assert gitlab["script"][-1] == "apidocs report reports/"
    assert gitlab["artifacts"]["when"] == "always" and gitlab["artifacts"]["reports"]["junit"] == "reports/junit.xml"
    assert any("schedule" in rule["if"] for rule in gitlab["rules"])
    job = github["jobs"]["drift"]
    assert github[True]["schedule"]  # YAML reads the key `on` as True
    assert job["env"]["DOCS_API_TOKEN"] == "${{ secrets.DOCS_API_TOKEN }}"
    assert job["env"]["DOCS_CURATOR_TOKEN"] == "${{ secrets.DOCS_CURATOR_TOKEN }}"
    runs = [step.get("run", "") for step in job["steps"]]
    assert any("apidocs live --report reports/" in run for run in runs)
    assert runs[-1] == "apidocs report reports/"
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()"
