"""The VRC page's transcript: run for real in the package's venv, against its cassette
(offline), its failures named in the reader's terms, never waiting for input."""

from __future__ import annotations

import time

import pytest
from conftest import ROOT, mutate, run_cli, shown

from apidocs.core.errors import ApidocsError
from apidocs.core.model import Transcript
from apidocs.core.problems import Kind
from apidocs.core.transcript import cells
from apidocs.render import markers
from apidocs.render.adopt import locate
from apidocs.render.transcript import layout
from apidocs.runner import venvs
from apidocs.runner.capture import Exchange
from apidocs.runner.results import CellRun
from apidocs.runner.transcript import transcript_problems

CELLS = "snippets/vrc1_download/download.ipy"
STEP = Transcript(name="download", title="", requirements="vrc-requirements.txt", stdin="2\n")


def _listed(count: int) -> Exchange:
    body = '{"entries": [%s]}' % ", ".join(f'{{"key": "f{n}.csv"}}' for n in range(count))
    return Exchange("GET", "/api/records/abcde-12345/files", {}, b"", status=200, response_body=body.encode())


def _ran(*entries: dict) -> list[dict]:
    return [{"output": "", "value": None, "error": None, "unanswered": None, **entry} for entry in entries]


def test_a_call_the_package_does_not_have_fails_verify_naming_the_step(cases_copy):
    mutate(cases_copy / CELLS, r"vrc\.download\(doi\)", "vrc.fetch(doi)")
    done = run_cli("verify", "vrc1_download", "--cases-dir", str(cases_copy))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL vrc1_download › download" in done.stdout
    assert "cell [3] failed: AttributeError: module 'vre_repository_connector' has no attribute 'fetch'" in done.stdout


def test_a_hand_edited_output_on_the_page_fails_the_page_check(project_copy):
    mutate(project_copy / "page" / "vrc.html", r"2\) temperature_2024\.csv", "2) y.zip")
    done = run_cli("verify", "--check-pages", "--project", str(project_copy))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "y.zip" in done.stdout


def test_no_answer_on_stdin_fails_at_once_in_one_line(cases_copy):
    mutate(cases_copy / "vrc1_download.py", r'stdin="2\\n",', 'stdin="",')
    started = time.monotonic()
    done = run_cli("verify", "vrc1_download", "--cases-dir", str(cases_copy), env={"DOCS_TIMEOUT": "5"})
    assert time.monotonic() - started < 5 * 2 + 10  # the run's timeout for a snippet
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if "stdin had no answer" in line]
    assert len(lines) == 1 and "cell [3] asked 'Select [1-3]: '" in lines[0], done.stdout
    assert "(the record has 3 files)" in lines[0]


def test_a_record_with_one_file_shows_no_menu_to_answer():
    outcome = {"cells": _ran({}, {}, {"value": "'/tmp/x/abcde-12345/f0.csv'"}), "asked": [], "requests": []}
    problems = transcript_problems(STEP, outcome, [_listed(1)], 3)
    assert [(p.kind, p.message) for p in problems] == [
        (Kind.EFFECT, "the case answers 1 prompt(s) on stdin, the cells asked 0 (the record has 1 file):"
                      " no menu to choose from")]


def test_a_record_with_no_file_asks_for_a_choice_among_none():
    outcome = {"cells": _ran({}, {}, {"error": "stdin has no answer left", "unanswered": "Select [1-0]: "}),
               "asked": ["Select [1-0]: ", "Select [1-0]: "], "requests": []}
    problems = transcript_problems(STEP, outcome, [_listed(0)], 3)
    assert [p.message for p in problems] == [
        "cell [3] asked 'Select [1-0]: ' and stdin had no answer left (the record has 0 files);"
        " the case answers '2\\n'"]


def test_a_host_the_package_does_not_know_is_named():
    outcome = {"cells": _ran({}, {}, {}), "asked": [],
               "requests": ["https://doi.org/10.1/x", "https://repository.example.org/records/x"]}
    problems = transcript_problems(STEP, outcome, [], 3)
    assert [p.message for p in problems] == [
        "cell [3] returned None without a word and sent no request to the repository: the package knows no"
        " repository at repository.example.org (its KNOWN_INSTANCES)"]


# ------------------------------------------------------------------ the cells linted
def test_a_lint_error_in_a_cell_names_the_case_the_cell_and_its_line(cases_copy):
    mutate(cases_copy / CELLS, r"vrc\.download\(doi\)", "vrc.download(do1)")
    done = run_cli("lint", "vrc1_download", "--cases-dir", str(cases_copy))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL vrc1_download › download (Python)" in done.stdout
    line = (cases_copy / CELLS).read_text().splitlines().index("vrc.download(do1)") + 1
    assert f"{shown(cases_copy / CELLS)}:{line}:14: F821 Undefined name `do1` (cell [3])" in done.stdout


@pytest.mark.parametrize("escape", ["%", "!"])
def test_a_pip_cell_is_ipythons_in_each_spelling(cases_copy, escape):
    """``pip install`` (automagic), ``%pip`` and ``!pip`` are IPython's: linted clean, run as pip."""
    mutate(cases_copy / CELLS, r"\npip install", f"\\n{escape}pip install")
    assert run_cli("lint", "vrc1_download", "--cases-dir", str(cases_copy)).returncode == 0
    done = run_cli("verify", "vrc1_download", "--cases-dir", str(cases_copy))
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_pip_cell_is_linted_as_the_magic_it_is():
    shell, python = cells("# %%\npip install x\n# %%\nimport os\n")
    assert shell.is_shell and shell.as_ipython == "%pip install x" and (shell.line, python.line) == (2, 4)
    assert not python.is_shell and python.as_ipython == "import os"


def test_the_layout_is_the_pages():
    text = (ROOT / "cases" / CELLS).read_text(encoding="utf-8")
    runs = [CellRun("Requirement already satisfied: vre-repository-connector\n", None), CellRun("", None),
            CellRun("1) a.csv\n2) b.csv\nSelect [1-2]: 2\n", "'/tmp/tmpab_cd123/abcde-12345/b.csv'")]
    assert layout(cells(text), runs).splitlines()[1:10] == [
        "[1]: pip install vre-repository-connector", "[1]: ...", "",
        "[2]: import vre_repository_connector as vrc", '     doi = "https://doi.org/10.12345/abcde-12345"', "",
        "# Retrieve a specific dataset's file by its DOI", "[3]: vrc.download(doi)", "[3]: 1) a.csv"]
    assert "  '/tmp/tmpj8huipi7/abcde-12345/b.csv'" in layout(cells(text), runs)


def test_the_transcript_is_placed_in_the_area_with_a_prompt():
    page = (ROOT / "page" / "vrc.html").read_text(encoding="utf-8")
    bare = markers.without(page)
    spans = locate(bare, {"vrc1_download/download/transcript": ""}, "vrc.html")
    assert [bare[s.start:s.end].lstrip().splitlines()[1] for s in spans] == [
        "[1]: pip install vre-repository-connector"]


def test_a_broken_venv_is_one_line_naming_how_to_make_it(tmp_path):
    venv = venvs.folder_for(ROOT / "cases" / "vrc-requirements.txt", tmp_path)
    (venv / "bin").mkdir(parents=True)

    with pytest.raises(ApidocsError) as caught:
        venvs.interpreter(ROOT / "cases" / "vrc-requirements.txt", tmp_path)
    assert "is broken (it was not made completely): delete that folder" in str(caught.value)
    assert "\n" not in str(caught.value)
