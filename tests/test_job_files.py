"""The nightly job files, run as CI runs them, against the reference instance.

A scratch git repository stands in for the theme repository. GitLab's file runs there
under gitlab-ci-local (``make ci-local`` installs it from npm) with its shell executor:
no docker engine here, so a clean venv's Python on PATH stands in for the job's
``python:3.11`` image. The job clones this repository (its committed ``HEAD``) and
installs the tool exactly as the file says (``pip install ./apidocs``: a wheel, not an
editable install). GitHub's workflow has no local runner: its steps run in order, each
``run:`` in bash as GitHub runs it, with the job's ``env`` and the ``if:`` and
``continue-on-error`` it declares; ``actions/checkout`` is a clone, ``setup-python`` the
clean venv, ``upload-artifact`` is left to GitHub.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import venv
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, installed_theme_file

from apidocs.core.content import pages
from apidocs.entry.loader import load_cases
from apidocs.render import markers, theme

#: the docs project's pages (cases/project.toml)
PAGES = pages()

GITLAB_CI_LOCAL = ROOT / ".venv" / "node" / "node_modules" / ".bin" / "gitlab-ci-local"
TOKENS = ("DOCS_API_TOKEN", "DOCS_CURATOR_TOKEN", "DOCS_ADMIN_TOKEN")

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> dict[str, str]:
    """The job's Python: a clean venv first on PATH, as the image's ``python`` would be."""
    folder = tmp_path_factory.mktemp("image-python")
    venv.create(folder, with_pip=True)
    return {"PATH": f"{folder / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root")}


def theme_repository(folder: Path, job_file: str, place: str, files: dict[str, bytes] | None = None) -> Path:
    """A git repository holding ``job_file`` at ``place`` (and ``files``, path → bytes):
    the maintainer's first commit."""
    for path, data in {place: (ROOT / job_file).read_bytes(), **(files or {})}.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    git(folder, "init", "-q")
    commit(folder, "api docs job")
    return folder


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)


def commit(repo: Path, message: str) -> None:
    git(repo, "add", ".")
    git(repo, "-c", "user.name=ci", "-c", "user.email=ci@example.invalid", "commit", "-qm", message)


def next_night(repo: Path) -> None:
    """What a runner's fresh checkout leaves out: the last job's clone and reports (shell executor)."""
    git(repo, "clean", "-ffdxq")


def released_theme_files(folder: Path) -> dict[str, bytes]:
    """The theme's own about/<page>.html of the release instance/requirements.txt pins, at the wheel's paths."""
    found = {page.name: installed_theme_file(f"about/{page.name}.html", folder) for page in PAGES.values()}
    if None in found.values():
        pytest.skip("the pinned invenio-theme-tuw release is not at hand")
    return {str(theme.theme_file(PAGES[name])): path.read_bytes() for name, path in found.items()}


def every_step(read_only: bool = False) -> set[tuple[str, str]]:
    return {(case.name, step.name) for case in load_cases() if not (read_only and case.needs_token)
            for step in case.steps}


def junit_steps(path: Path) -> set[tuple[str, str]]:
    return {(case.get("classname"), case.get("name")) for case in ET.parse(path).getroot().iter("testcase")}


def assert_no_token(instance_env: dict[str, str], *texts: str) -> None:
    for name in TOKENS:
        assert all(instance_env[name] not in text for text in texts), f"{name} leaked"


def gitlab_job(repo: Path, job: str, variables: dict[str, str], image: dict[str, str]) -> subprocess.CompletedProcess:
    """One job of the repository's .gitlab-ci.yml under gitlab-ci-local (the secrets in a
    variables file, as CI/CD variables, never on a command line)."""
    assert GITLAB_CI_LOCAL.is_file(), "gitlab-ci-local is not installed: run `make ci-local`"
    secrets = repo.parent / f"{job}-variables.yml"
    secrets.write_text(yaml.safe_dump(variables))
    # gitlab-ci-local reads the file relative to the repository
    command = [str(GITLAB_CI_LOCAL), "--force-shell-executor", "--variables-file", f"../{secrets.name}", job]
    return subprocess.run(command, cwd=repo, env=image, capture_output=True, text=True, timeout=1800)


def pipeline_variables(instance_env: dict[str, str]) -> dict[str, str]:
    """What the maintainer sets (ci/README.md), a nightly schedule's variables included."""
    return {"CI_PIPELINE_SOURCE": "schedule", "APIDOCS_NIGHTLY": "1", "APIDOCS_REPO_URL": f"file://{ROOT}",
            "APIDOCS_LINKS_OFFLINE": "1",  # this machine reaches no other site
            "DOCS_API_URL": instance_env["DOCS_API_URL"], "DOCS_DISPOSABLE": "1",
            **{name: instance_env[name] for name in TOKENS}}


def test_the_gitlab_staging_job_passes_and_leaves_junit_with_every_step(tmp_path, image, instance_env):
    repo = theme_repository(tmp_path / "theme", "ci/gitlab-ci.yml", ".gitlab-ci.yml")
    done = gitlab_job(repo, "api-docs-drift", pipeline_variables(instance_env), image)
    assert done.returncode == 0 and "PASS  api-docs-drift" in done.stdout, done.stdout[-6000:] + done.stderr
    assert junit_steps(repo / "reports" / "junit.xml") == every_step()
    assert f"OK — {len(every_step())} passed" in done.stdout
    assert "holds no theme templates" in done.stdout and "checked our pages only" in done.stdout
    assert json.loads((repo / "reports" / "links.json").read_text())["ok"]
    assert_no_token(instance_env, done.stdout, *(p.read_text() for p in (repo / "reports").iterdir()))


def test_the_gitlab_production_job_reads_only_without_a_token(tmp_path, image, instance_env):
    repo = theme_repository(tmp_path / "theme", "ci/gitlab-ci.yml", ".gitlab-ci.yml")
    variables = {**pipeline_variables(instance_env), "DOCS_PRODUCTION_API_URL": instance_env["DOCS_API_URL"]}
    done = gitlab_job(repo, "api-docs-production-read-only", variables, image)
    output = done.stdout[-6000:] + done.stderr
    assert done.returncode == 0 and "PASS  api-docs-production-read-only" in done.stdout, output
    assert junit_steps(repo / "reports" / "junit.xml") == every_step(read_only=True)
    assert "read-only" in done.stdout and "left out" in done.stdout
    assert_no_token(instance_env, done.stdout)


def test_the_gitlab_job_checks_the_theme_repositorys_own_files(tmp_path, image, instance_env):
    """TU's files as the release ships them: the first night fails with a patch, the night
    after `git apply` is green, and a block edited by hand fails it again, named."""
    files = released_theme_files(tmp_path / "wheel")
    repo = theme_repository(tmp_path / "theme", "ci/gitlab-ci.yml", ".gitlab-ci.yml", files)
    variables = pipeline_variables(instance_env)

    first = gitlab_job(repo, "api-docs-drift", variables, image)
    assert first.returncode != 0 and "FAIL  api-docs-drift" in first.stdout, first.stdout[-6000:]
    log = first.stdout + first.stderr  # gitlab-ci-local shows the job's stderr on its own
    assert all(f"{path} was never adopted" in log for path in files), log[-6000:]
    patch = repo / "reports" / "theme.patch"
    assert "git apply" in first.stdout and patch.is_file()
    git(repo, "apply", str(patch))
    next_night(repo)
    commit(repo, "the verified API pages")

    second = gitlab_job(repo, "api-docs-drift", variables, image)
    assert second.returncode == 0 and "PASS  api-docs-drift" in second.stdout, second.stdout[-6000:]
    assert not patch.exists()

    api = repo / theme.theme_file(PAGES["api"])
    text = api.read_text(encoding="utf-8")
    block = next(span for span in markers.find(text).values() if span.kind == "curl")
    api.write_text(text[:block.start] + text[block.start:block.end].replace("curl", "curl -s", 1) + text[block.end:],
                   encoding="utf-8")
    next_night(repo)
    commit(repo, "a hand edit")
    third = gitlab_job(repo, "api-docs-drift", variables, image)
    assert third.returncode != 0, third.stdout[-6000:]
    log = third.stdout + third.stderr
    assert f"differs from the verified page in 1 block(s) ({block.name})" in log, log[-6000:]
    assert "curl -s" in patch.read_text(encoding="utf-8")


# ------------------------------------------------------------------ GitHub's workflow, step by step
EXPRESSION = re.compile(r"\$\{\{\s*([a-z]+)\.([A-Za-z_]+)\s*\}\}")


def expand(value: str, context: dict[str, dict[str, str]]) -> str:
    """``${{ vars.X }}``, ``${{ secrets.X }}``, ``${{ github.workspace }}`` filled in; any
    other expression in a ``run`` or ``env`` is one this stand-in cannot run: it fails."""
    filled = EXPRESSION.sub(lambda m: context[m[1]].get(m[2], ""), str(value))
    assert "${{" not in filled, f"an expression the test cannot evaluate: {value}"
    return filled


def run_github_job(job: dict, workspace: Path, context: dict[str, dict[str, str]],
                   image: dict[str, str]) -> list[tuple[str, int]]:
    """Each step in order, as GitHub does: ``run`` in ``bash -eo pipefail``, a failed step
    stops the job unless ``continue-on-error``; ``if: always()`` runs regardless."""
    summary = workspace / "step-summary.md"
    env = {**image, **{k: expand(v, context) for k, v in job.get("env", {}).items()},
           "GITHUB_WORKSPACE": str(workspace), "GITHUB_STEP_SUMMARY": str(summary), "CI": "true"}
    ran, failed = [], False
    for step in job["steps"]:
        name = step.get("name") or step.get("uses") or step["run"]
        if failed and step.get("if") != "always()":
            ran.append((name, -1))
            continue
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout") and "with" not in step:
            code = 0  # the repository the workflow runs in: the workspace is it
        elif uses.startswith("actions/checkout"):
            target = workspace / step["with"]["path"]
            code = subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{ROOT}", str(target)]).returncode
        elif uses:  # setup-python: the clean venv; upload-artifact: GitHub's own
            code = 0
        else:
            code = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                  cwd=workspace, env=env, capture_output=True, text=True, timeout=1800).returncode
        ran.append((name, code))
        failed = failed or (code != 0 and not step.get("continue-on-error"))
    return ran


@pytest.mark.parametrize("job_name, read_only", [("drift", False), ("production-read-only", True)])
def test_the_github_workflow_steps_pass_in_order(tmp_path, image, instance_env, job_name, read_only):
    workflow = yaml.safe_load((ROOT / "ci" / "github-workflow.yml").read_text())
    url = instance_env["DOCS_API_URL"]
    context = {"vars": {"DOCS_API_URL": url, "DOCS_DISPOSABLE": "1", "DOCS_PRODUCTION_API_URL": url,
                        "APIDOCS_LINKS_OFFLINE": "1"},
               "secrets": {name: instance_env[name] for name in TOKENS}, "github": {"workspace": str(tmp_path)}}
    ran = run_github_job(workflow["jobs"][job_name], tmp_path, context, image)
    assert all(code == 0 for _, code in ran), ran
    assert junit_steps(tmp_path / "reports" / "junit.xml") == every_step(read_only)
    if not read_only:
        assert f"{len(every_step())} passed" in (tmp_path / "step-summary.md").read_text()
