"""The VRC page's transcript: run for real in the package's venv, against its cassette
(offline), its failures named in the reader's terms, never waiting for input."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from conftest import ROOT, mutate, run_cli

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
from apidocs.runner.transcript import KERNEL, transcript_problems

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
    mutate(cases_copy / "vrc1_download.py", r"choose=\(RECORD_WITH_FILES.files\[1\]\[0\],\),", "choose=(),")
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
        (Kind.EFFECT, "the case answers 1 prompt(s), the cells asked 0 (the record has 1 file):"
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


@pytest.mark.parametrize("menu, answer", [(["a.csv", "b.csv", "c.csv"], "2"), (["c.csv", "a.csv", "b.csv"], "3")])
def test_a_menu_item_is_chosen_by_the_number_its_menu_gives_it(tmp_path, menu, answer):
    """An instance lists a record's files in an order of its own: the case picks the file,
    and the answer typed is the number this run's menu gives it, as a reader would type."""
    printed = "".join(f"{n}) {name}\\n" for n, name in enumerate(menu, 1))
    outcome = run_kernel(tmp_path, f'print("{printed}", end="")\nint(input("Select [1-3]: "))', ["b.csv"])
    assert outcome["cells"] == [{"output": printed.replace("\\n", "\n") + f"Select [1-3]: {answer}\n",
                                 "value": answer, "error": None, "unanswered": None}]
    assert outcome["asked"] == ["Select [1-3]: "]


def test_a_menu_without_the_item_fails_the_cell_naming_it(tmp_path):
    outcome = run_kernel(tmp_path, 'print("1) a.csv")\ninput("Select [1-1]: ")', ["b.csv"])
    assert outcome["cells"][0]["error"] == "the menu does not offer 'b.csv'"


def run_kernel(folder, source: str, choose: list[str]) -> dict:
    """The kernel itself, in a process of its own (it answers ``input()`` for the whole interpreter)."""
    job, result = folder / "job.json", folder / "result.json"
    job.write_text(json.dumps({"cells": [{"kind": "code", "shell": False, "source": source}], "bridge": None,
                               "choose": choose}))
    done = subprocess.run([sys.executable, "-I", str(KERNEL), str(job), str(result)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(result.read_text())
