"""The VRC page's transcript: run for real in the package's venv, against its cassette
(offline), its failures named in the reader's terms, never waiting for input."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, LoopbackServer, mutate, run_cli, shown

from apidocs.core.errors import ApidocsError
from apidocs.core.model import Bridge, Transcript
from apidocs.core.problems import Kind
from apidocs.core.transcript import cells
from apidocs.entry.loader import load_cases
from apidocs.render import markers
from apidocs.render.adopt import locate
from apidocs.render.transcript import layout
from apidocs.runner import bridge, venvs
from apidocs.runner.capture import CaptureProxy, Exchange
from apidocs.runner.results import CellRun
from apidocs.runner.transcript import (
    KERNEL,
    _download_problems,
    _fetched_again,
    bridge_of,
    known_hosts,
    transcript_problems,
)

CELLS = "snippets/vrc1_download/download.ipy"
TABLE = ("vre_repository_connector/auto.py", "KNOWN_INSTANCES")
STEP = Transcript(name="download", title="", requirements="vrc-requirements.txt", stdin="2\n",
                  bridge=Bridge("test.researchdata.tuwien.ac.at", TABLE))
#: Some of the hosts vre-repository-connector 0.3.3 knows (its KNOWN_INSTANCES).
KNOWN = frozenset({"researchdata.tuwien.ac.at", "test.researchdata.tuwien.ac.at", "zenodo.org"})


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


@pytest.mark.parametrize(("edited", "edit"), [
    (r"2\) temperature_2024\.csv", "2) y.zip"),  # a cell's output
    (r"\[3\]: vrc\.download\(doi\)", "[3]: vrc.download(doi, all=True)"),  # a cell
], ids=["output", "cell"])
def test_a_hand_edit_of_the_transcript_on_the_page_fails_the_page_check(project_copy, edited, edit):
    mutate(project_copy / "page" / "vrc.html", edited, edit)
    done = run_cli("verify", "--check-pages", "--project", str(project_copy))
    assert done.returncode == 1, done.stdout + done.stderr
    assert edit.split(": ")[-1] in done.stdout


def test_no_answer_on_stdin_fails_at_once_in_one_line(cases_copy):
    mutate(cases_copy / "vrc1_download.py", r'stdin="2\\n",', 'stdin="",')
    started = time.monotonic()
    done = run_cli("verify", "vrc1_download", "--cases-dir", str(cases_copy), env={"DOCS_TIMEOUT": "5"})
    assert time.monotonic() - started < 5 * 2 + 10  # the run's timeout for a snippet
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if "stdin had no answer" in line]
    assert len(lines) == 1 and "cell [3] asked 'Select [1-3]: '" in lines[0], done.stdout
    assert "(the record has 3 files)" in lines[0]


def test_a_token_prompt_of_the_package_never_waits(cases_copy):
    """getpass, as the package calls it (its InvenioRDM wrapper asks for an API token before an
    upload), with no stdin at all: the cell stops at once, one line names the prompt."""
    mutate(cases_copy / CELLS, r"vrc\.download\(doi\)", 'vrc.upload("data.csv", doi)')
    mutate(cases_copy / "vrc1_download.py", r'stdin="2\\n",', 'stdin="",')
    started = time.monotonic()
    done = run_cli("verify", "vrc1_download", "--cases-dir", str(cases_copy), env={"DOCS_TIMEOUT": "5"})
    assert time.monotonic() - started < 5 * 2 + 10  # the run's timeout for the cells
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL vrc1_download › download" in done.stdout
    lines = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("- ")]
    assert lines == ["- cell [3] asked 'API Token: ' and stdin had no answer left; the case answers ''"], done.stdout


def test_a_record_with_one_file_shows_no_menu_to_answer():
    outcome = {"cells": _ran({}, {}, {"value": "'/tmp/x/abcde-12345/f0.csv'"}), "asked": [], "requests": []}
    problems = transcript_problems(STEP, outcome, [_listed(1)], 3, KNOWN)
    assert [(p.kind, p.message) for p in problems] == [
        (Kind.EFFECT, "the case answers 1 prompt(s), the cells asked 0 (the record has 1 file):"
                      " no menu to choose from")]


def test_a_record_with_no_files_is_named_as_such():
    """A published record without files is a metadata-only one: its listing has no entries,
    and the package fails on the key (tests/test_vrc_live.py runs it)."""
    listing = Exchange("GET", "/api/records/abcde-12345/files", {}, b"", status=200,
                       response_body=b'{"enabled": false, "links": {}}')
    outcome = {"cells": _ran({}, {}, {"error": "KeyError: 'entries'"}), "asked": [], "requests": []}
    assert [p.message for p in transcript_problems(STEP, outcome, [listing], 3, KNOWN)] == [
        "cell [3] failed: KeyError: 'entries' (the record has no files: a metadata-only record, its files not"
        " enabled)"]


def test_a_host_the_package_does_not_know_is_named():
    outcome = {"cells": _ran({}, {}, {}), "asked": [], "bridged": True,
               "requests": ["https://doi.org/10.1/x", "https://repository.example.org/records/x"]}
    problems = transcript_problems(STEP, outcome, [], 3, KNOWN)
    assert [p.message for p in problems] == [
        "cell [3] returned None without a word: the package knows no repository at repository.example.org (its"
        " KNOWN_INSTANCES), where the DOI led it"]


def test_a_doi_that_doi_org_does_not_know_is_named_with_the_packages_loop(cases_copy):
    """The package asks doi.org again for a DOI it answers 404 for, until Python's recursion limit."""
    mutate(cases_copy / CELLS, r"doi = \"https://doi\.org/10\.12345/abcde-12345\"", 'doi = "https://doi.org/10.1/nowhere"')
    done = run_cli("verify", "vrc1_download", "--cases-dir", str(cases_copy))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "cell [3] failed: RecursionError: maximum recursion depth exceeded" in done.stdout
    assert "for https://doi.org/10.1/nowhere: doi.org does not resolve that DOI (404), and the package asks again" \
        in done.stdout


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


# ------------------------------------------------------------------ the bridge: only what a run needs
PROXY = "127.0.0.1:40000"
PRODUCTION = dict(doi="10.48436/ab12c-34d56", doi_link="https://doi.org/10.48436/ab12c-34d56",
                  landing="https://researchdata.tuwien.ac.at/records/ab12c-34d56")
REFERENCE = dict(doi="10.99999/doi00-00001", doi_link="https://handle.test.datacite.org/10.99999/doi00-00001",
                 landing="http://127.0.0.1:5000/records/recid-00001")


def test_production_runs_bare():
    """A host the package knows, a DOI doi.org resolves: no bridge at all, the run is a reader's."""
    assert bridge.plan(**PRODUCTION, instance="researchdata.tuwien.ac.at", known=KNOWN, proxy=PROXY,
                       host="test.researchdata.tuwien.ac.at") is None


def test_the_reference_instance_gets_both_parts():
    assert bridge.plan(**REFERENCE, instance="127.0.0.1:5000", known=KNOWN, proxy=PROXY,
                       host="test.researchdata.tuwien.ac.at") == {
        "resolves": {"10.99999/doi00-00001": "https://test.researchdata.tuwien.ac.at/records/recid-00001"},
        "hosts": {"test.researchdata.tuwien.ac.at": PROXY}}


def test_tu_wiens_test_host_gets_the_resolver_only():
    """A host the package knows, with DataCite test DOIs, which doi.org does not resolve."""
    test_host = dict(doi="10.70124/ab12c-34d56", doi_link="https://handle.test.datacite.org/10.70124/ab12c-34d56",
                     landing="https://test.researchdata.tuwien.ac.at/records/ab12c-34d56")
    assert bridge.plan(**test_host, instance="test.researchdata.tuwien.ac.at", known=KNOWN, proxy=PROXY,
                       host="test.researchdata.tuwien.ac.at") == {
        "resolves": {"10.70124/ab12c-34d56": "https://test.researchdata.tuwien.ac.at/records/ab12c-34d56"},
        "hosts": {}}


def test_an_unknown_instance_with_real_dois_gets_the_host_only():
    assert bridge.plan(**{**PRODUCTION, "landing": "https://repository.example.org/records/ab12c-34d56"},
                       instance="repository.example.org", known=KNOWN, proxy=PROXY,
                       host="test.researchdata.tuwien.ac.at") == {
        "resolves": {}, "hosts": {"test.researchdata.tuwien.ac.at": PROXY}}


def test_the_decision_reads_the_packages_own_table_and_the_proxys_instance():
    step = load_cases(["vrc1_download"])[0].step("download")
    assert isinstance(step, Transcript)
    known = known_hosts(venvs.interpreter(ROOT / "cases" / "vrc-requirements.txt"), step.bridge)
    assert {"researchdata.tuwien.ac.at", "test.researchdata.tuwien.ac.at", "zenodo.org"} <= known
    assert "127.0.0.1:5000" not in known and "invenio.invalid" not in known
    bound = {"doi": PRODUCTION["doi"], "doi_link": PRODUCTION["doi_link"], "landing": PRODUCTION["landing"]}
    with CaptureProxy("https://researchdata.tuwien.ac.at/api") as production:  # nothing is sent
        assert bridge_of(step, bound, production, known) is None
    with CaptureProxy("http://invenio.invalid/api") as replayed:  # a cassette's instance
        assert bridge_of(step, bound, replayed, known) == {
            "resolves": {}, "hosts": {"test.researchdata.tuwien.ac.at": urlsplit(replayed.base_url).netloc}}


def test_without_the_bridges_host_part_the_file_is_fetched_again_through_the_proxy(tmp_path):
    """A bare run (production): the package's requests do not pass the proxy, so the runner
    fetches the file it returned, through the proxy, and compares the bytes."""
    content = b"month,station\n2024-10,Wien\n"
    asked: list[str] = []

    def answer(method, path, headers, body):
        asked.append(f"{method} {path}")
        return (200, {"Content-Type": "text/csv"}, content)

    server = LoopbackServer(answer)
    try:
        downloaded = tmp_path / "tmpab_cd123" / "ab12c-34d56" / "temperature 2024.csv"
        downloaded.parent.mkdir(parents=True)
        downloaded.write_bytes(content)
        with CaptureProxy(server.url) as proxy:
            exchanges = _fetched_again(repr(str(downloaded)), proxy, 5)
            assert _download_problems(repr(str(downloaded)), exchanges) == []
            downloaded.write_bytes(b"something else")
            assert [p.message for p in _download_problems(repr(str(downloaded)), exchanges)] == [
                f"the last cell returned {str(downloaded)!r}, which does not hold the file it downloaded"]
    finally:
        server.close()
    assert asked == ["GET /api/records/ab12c-34d56/files/temperature%202024.csv/content"]


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
    """An instance lists a record's files in an order of its own: the page's answer stands for
    a file, and the number typed is the one this run's menu gives it, as a reader would type."""
    printed = "".join(f"{n}) {name}\\n" for n, name in enumerate(menu, 1))
    outcome = run_kernel(tmp_path, f'print("{printed}", end="")\nint(input("Select [1-3]: "))', ["b.csv"], "2\n")
    assert outcome["cells"] == [{"output": printed.replace("\\n", "\n") + f"Select [1-3]: {answer}\n",
                                 "value": answer, "error": None, "unanswered": None}]
    assert outcome["asked"] == ["Select [1-3]: "]


def test_a_menu_without_the_item_gets_the_pages_answer(tmp_path):
    """A stand-in record (production has no fixtures) lists other files: the page's answer stands."""
    outcome = run_kernel(tmp_path, 'print("1) x.csv\\n2) y.csv")\ninput("Select [1-2]: ")', ["b.csv"], "2\n")
    assert outcome["cells"][0]["output"].endswith("Select [1-2]: 2\n") and outcome["cells"][0]["value"] == "'2'"


def test_a_menu_item_needs_an_answer_on_stdin_all_the_same(tmp_path):
    outcome = run_kernel(tmp_path, 'print("1) b.csv")\ninput("Select [1-1]: ")', ["b.csv"], "")
    assert outcome["cells"][0]["unanswered"] == "Select [1-1]: "


def run_kernel(folder, source: str, choose: list[str], stdin: str) -> dict:
    """The kernel itself, in a process of its own (it answers ``input()`` for the whole interpreter)."""
    job, result = folder / "job.json", folder / "result.json"
    job.write_text(json.dumps({"cells": [{"kind": "code", "shell": False, "source": source}], "bridge": None,
                               "choose": choose}))
    done = subprocess.run([sys.executable, "-I", str(KERNEL), str(job), str(result)], input=stdin,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(result.read_text())
