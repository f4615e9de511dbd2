"""Reports of real runs.

Offline, the engine replays the committed cassettes (``make record`` from the reference
instance): a clean run, a copy of a case changed so that its request is not in the
cassette, and a recorded answer changed in memory (drift without failure). Live
(``-m live``), ``apidocs live --report`` runs every case against the reference instance
and the gate reads what it wrote.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import CASSETTES, ROOT, RecordedInstance, mutate, mutate_snippet, replay, run_cli, shown

from apidocs.core.blocks import QUERY, kind_of
from apidocs.core.jsonpath import lookup
from apidocs.core.languages import language as language_named
from apidocs.core.languages import snippet_folder, snippet_path
from apidocs.core.model import API_URL, Snippet, Transcript
from apidocs.core.provenance import project_commit, tool_version
from apidocs.core.settings import Mode, Settings
from apidocs.entry import cli
from apidocs.entry.loader import load_cases
from apidocs.runner.analysis import NextStep, next_command
from apidocs.runner.drift import recorded_exchanges
from apidocs.runner.engine import run_case
from apidocs.runner.masking import Masker
from apidocs.runner.report import write_reports

CASES = load_cases()
REPLAY_TOKENS = ("replay-depositor-token", "replay-curator-token")  # what replayed snippets send


def read_all(paths: list[Path]) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def gate(folder: Path) -> subprocess.CompletedProcess:
    return run_cli("report", str(folder))


def steps_checked(text: str) -> list[str]:
    """The "What was checked" lines of report.md, as ``case › step``."""
    section = text.split("## What was checked")[1]
    return [line[2:].split(":", 1)[0] for line in section.splitlines() if line.startswith("- ")]


# ------------------------------------------------------------ offline: replay of the committed cassettes
def test_clean_replay_run_says_what_was_checked(replayed, tmp_path):
    paths = write_reports(tmp_path, replayed, Settings(mode=Mode.REPLAY, cassettes=CASSETTES))
    assert [p.name for p in paths] == ["junit.xml", "report.md", "report.html", "summary.json"]
    total = sum(len(case.steps) for case in CASES)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["ok"] and summary["counts"] == {"passed": total, "failed": 0, "drift": 0, "data": 0, "skipped": 0}
    suites = ET.parse(tmp_path / "junit.xml").getroot()
    assert suites.get("tests") == str(total) and suites.get("failures") == "0"
    assert [s.get("name") for s in suites] == [case.name for case in CASES]
    # each step's real time: every snippet runs two processes, and a suite's time is its steps'
    times = {(c.get("classname"), c.get("name")): float(c.get("time")) for c in suites.iter("testcase")}
    assert all(times[(r.case, r.step.name)] > 0 for r in replayed if isinstance(r.step, Snippet))
    for suite in suites:
        assert float(suite.get("time")) == pytest.approx(sum(float(c.get("time")) for c in suite.iter("testcase")),
                                                         abs=0.01)
    text = (tmp_path / "report.md").read_text()
    assert f"OK — {total} passed, 0 failed, 0 drifted, 0 skipped" in text
    assert steps_checked(text) == [f"{case.name} › {step.name}" for case in CASES for step in case.steps]
    waiting = {(r.case, r.step.name) for r in replayed if r.waiting}
    for case in CASES:
        for snippet in case.snippets:
            sent = (f"- {case.name} › {snippet.name}: Python, cURL ran as shown and sent the same request,"
                    " to the Endpoint line; ")
            if (case.name, snippet.name) in waiting:  # its upstream server did not answer the recording
                assert (sent + f"verified up to the call to {snippet.upstream.name}") in text
                assert f"waits for a {snippet.upstream.name} server (HTTP {snippet.expect.status}" in text
            else:
                assert (sent + f"HTTP {snippet.expect.status}") in text
            if snippet.saves:
                assert f"saved {snippet.saves} with the response's bytes" in text
    assert not any(token in read_all(paths) for token in REPLAY_TOKENS)
    assert cli.main(["report", str(tmp_path)]) == 0


def test_failing_step_names_case_step_language_request_and_hides_tokens(cases_copy, tmp_path):
    """A case copy whose request body changed: the cassette holds no answer for it."""
    mutate_snippet(cases_copy, "case3_upload", "create", r'"title": "New Dataset Title"',
                   '"title": "Renamed Dataset Title"')
    results = replay(["case3_upload"], cases_copy)
    paths = write_reports(tmp_path, results, Settings(mode=Mode.REPLAY, cassettes=CASSETTES))
    md = (tmp_path / "report.md").read_text()
    section = md.split("### case3_upload › create — failed")[1].split("###")[0]
    for expected in ("Python:", "cURL:", "POST /api/records", "Authorization: Bearer <TOKEN>",
                     "Content-Type: application/json", '"title": "Renamed Dataset Title"',
                     "expected HTTP 201", "request not in the cassette: POST /api/records"):
        assert expected in section, expected
    assert "Stale: `case3_upload/create/python`, `case3_upload/create/curl`" in md
    assert "`case3_upload/reserve-doi/python`" in md.split("not verified")[1]  # skipped, so unverified
    failure = ET.parse(tmp_path / "junit.xml").getroot().find(".//testcase[@name='create']/failure")
    assert failure.get("type") == "failed" and "stale: case3_upload/create/python" in failure.get("message")
    html = (tmp_path / "report.html").read_text()
    assert "&quot;title&quot;: &quot;Renamed Dataset Title&quot;" in html and "<TOKEN>" not in html
    assert not any(token in read_all(paths) for token in REPLAY_TOKENS)
    assert cli.main(["report", str(tmp_path)]) == 1
    assert gate(tmp_path).stdout.startswith("ACTION NEEDED — ")


#: The snippet step changed below: the first that lists its query parameters on the page.
QUERY_CASE, QUERY_STEP = next((c, s) for c in CASES for s in c.snippets if s.shows_query)


@pytest.mark.parametrize("changed", QUERY_STEP.languages)
def test_a_snippet_changed_in_one_language_makes_only_that_languages_blocks_stale(changed, cases_copy, tmp_path):
    """Only one language's snippet file sends another query: its request is not in the
    cassette, and it differs from the other languages' (a mismatch). Neither makes the
    other languages' snippet blocks stale: only its own, and the query line it changes;
    the console and the report name that file alone and `apidocs update` as the next command."""
    snippet = cases_copy / "snippets" / QUERY_CASE.name / f"{QUERY_STEP.name}{language_named(changed).suffix}"
    mutate(snippet, rf'({re.escape(API_URL)}[^"?\s]*)"', r'\1?changed-by-a-test=1"')
    done = run_cli("verify", QUERY_CASE.name, "--cases-dir", str(cases_copy), "--report", str(tmp_path))
    assert done.returncode == 1, done.stdout + done.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["stale_blocks"], summary
    assert {kind_of(block) for block in summary["stale_blocks"]} == {changed, QUERY}
    [failed] = [entry for entry in summary["failing"] if entry["stale"]]
    assert failed["step"] == f"{QUERY_CASE.name}/{QUERY_STEP.name}"
    assert failed["snippets"] == [str(shown(snippet))]
    assert failed["next"] == next_command(NextStep.UPDATE, QUERY_CASE.name)
    assert f"apidocs update {QUERY_CASE.name}` against the reference instance" in failed["next"]
    for line in (f"snippets: {shown(snippet)}", f"stale blocks: {', '.join(failed['stale'])}",
                 f"next: {failed['next']}"):
        assert line in done.stdout, done.stdout


def test_the_console_and_the_reports_agree_on_a_drifted_step_and_say_what_to_do(tmp_path):
    """A live run against an instance whose answer moved away from its recording (a field the
    page's example shows is gone, the documented fields all there): the console marks the
    step DRIFT and counts as the reports do; the console, every report and `apidocs report`
    name its snippet files, its stale block and the next command."""
    case, step, path = next((c, s, p) for c in CASES if not c.needs_token for s in c.snippets for p in s.example or ()
                            if "*" not in p and not any(f == p or f.startswith(p + ".") for f in s.expect.fields))
    recorded = recorded_exchanges(CASSETTES / f"{case.name}.yaml", case.steps, case.languages)
    parent, _, leaf = path.rpartition(".")
    edits = {recorded[(step.name, language)].path: lambda answer: lookup(answer, parent).pop(leaf)
             for language in step.languages}
    server = RecordedInstance([CASSETTES / f"{case.name}.yaml"], edits)
    try:
        done = run_cli("live", case.name, "--report", str(tmp_path), env={"DOCS_API_URL": server.url})
    finally:
        server.close()
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"DRIFT {case.name} › {step.name}" in done.stdout, done.stdout
    gate = run_cli("report", str(tmp_path))
    assert gate.returncode == 1
    counts = gate.stdout.splitlines()[0].removeprefix("ACTION NEEDED — ")
    assert f"{len(case.steps) - 1} passed, 0 failed, 1 drifted, 0 skipped" == counts
    assert any(line.startswith(f"{counts} in ") for line in done.stdout.splitlines()), done.stdout

    summary = json.loads((tmp_path / "summary.json").read_text())
    [drifted] = summary["failing"]
    files = [str(snippet_path(snippet_folder(Path("cases"), case.name), step.name, language_named(name)))
             for name in step.languages]
    assert drifted["outcome"] == "drift" and drifted["snippets"] == files and drifted["stale"]
    assert drifted["next"] == next_command(NextStep.RERECORD, case.name)
    assert drifted["next"].startswith("staging changed: re-record against an instance on the same release"
                                      " (instance/requirements.txt)")
    for line in (f"snippets: {', '.join(files)}", f"stale blocks: {', '.join(drifted['stale'])}",
                 f"next: {drifted['next']}"):
        assert line in done.stdout, done.stdout
    markdown = (tmp_path / "report.md").read_text()
    assert f"Snippets: {', '.join(f'`{name}`' for name in files)}" in markdown
    assert f"Next: {drifted['next']}" in markdown
    html = (tmp_path / "report.html").read_text()
    assert all(f"<code>{name}</code>" in html for name in files) and "staging changed: re-record" in html
    failure = ET.parse(tmp_path / "junit.xml").getroot().find(f".//testcase[@name='{step.name}']/failure")
    assert failure.get("type") == "drift" and drifted["next"] in failure.get("message")
    assert f"snippets: {', '.join(files)}" in failure.text
    assert f"next for {case.name}/{step.name} (drift): {drifted['next']}" in gate.stdout


def test_drift_without_failure_fails_the_gate(tmp_path):
    """The recorded record, its resource type title turned into a string, as a live run would get it."""
    results = replay(["case1_metadata"])
    for run in next(r for r in results if r.step.name == "get").runs.values():
        document = run.response.json()
        document["metadata"]["resource_type"]["title"] = document["metadata"]["resource_type"]["title"]["en"]
        run.exchanges[-1] = dataclasses.replace(run.response, response_body=json.dumps(document).encode())
    write_reports(tmp_path, results, Settings(mode=Mode.LIVE, cassettes=CASSETTES))
    assert all(r.ok for r in results)  # status and checked fields still fine
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["counts"]["drift"] == 1 and summary["stale_blocks"] == ["case1_metadata/get/response"]
    assert summary["failing"][0]["drift"] == [
        "Python: field 'metadata.resource_type.title' changed type: recorded object, now string",
        "cURL: field 'metadata.resource_type.title' changed type: recorded object, now string",
    ]
    assert ET.parse(tmp_path / "junit.xml").getroot().find(".//failure").get("type") == "drift"
    assert cli.main(["report", str(tmp_path)]) == 1


def test_a_step_left_unverified_names_every_block_it_has(tmp_path):
    """The record lookup before case 1's snippet sends a query the cassette does not hold:
    the snippet's step is skipped, and all its blocks are unverified, the status line too."""
    case = next(c for c in CASES if c.name == "case1_metadata")
    find = case.step("find-record")
    changed = dataclasses.replace(case, steps=tuple(
        dataclasses.replace(s, params={**find.params, "size": "2"}) if s is find else s for s in case.steps))
    results = list(run_case(changed, Settings(mode=Mode.REPLAY, cassettes=CASSETTES)))
    write_reports(tmp_path, results, Settings(mode=Mode.REPLAY, cassettes=CASSETTES))
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["unverified_blocks"] == ["case1_metadata/get/curl", "case1_metadata/get/endpoint",
                                            "case1_metadata/get/python", "case1_metadata/get/response",
                                            "case1_metadata/get/status", "case1_metadata/get/token"]
    assert summary["stale_blocks"] == []  # the lookup is not on the page


@pytest.mark.parametrize("cassette", ["missing", "corrupt"])
def test_live_report_says_why_a_step_was_not_compared_with_its_recording(cassette, tmp_path):
    """Drift reads the recordings with the one checked reader: a cassette it cannot use is
    named in the report, and no comparison is claimed for its steps."""
    recordings = tmp_path / "cassettes"
    recordings.mkdir()
    if cassette == "corrupt":
        (recordings / "case1_metadata.yaml").write_text("interactions:\n- request: {}\n", encoding="utf-8")
    results = replay(["case1_metadata"])
    write_reports(tmp_path / "reports", results, Settings(mode=Mode.LIVE, cassettes=recordings))
    text = (tmp_path / "reports" / "report.md").read_text()
    checked = text.split("## What was checked")[1]
    why = {"missing": "missing cassette", "corrupt": "corrupt cassette"}[cassette]
    for step in ("find-record", "get"):
        line = next(line for line in checked.splitlines() if line.startswith(f"- case1_metadata › {step}:"))
        assert f"no recorded answer to compare with ({why} {recordings / 'case1_metadata.yaml'}" in line, line
        assert "compared with the recorded answer" not in line
    assert json.loads((tmp_path / "reports" / "summary.json").read_text())["ok"]


def test_gate_without_a_report_is_one_line(tmp_path):
    done = gate(tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_masker_removes_tokens_wherever_they_appear():
    mask = Masker(REPLAY_TOKENS)
    text = ("Authorization: Bearer abc.def-ghi\nserver said: token replay-depositor-token is invalid\n"
            "GET /api/records?access_token=xyz&q=1\nCookie: session=s3cr3t")
    masked = mask(text)
    assert "abc.def-ghi" not in masked and "replay-depositor-token" not in masked and "xyz" not in masked
    assert "s3cr3t" not in masked
    assert "Authorization: Bearer <TOKEN>" in masked and "access_token=<TOKEN>&q=1" in masked


# ------------------------------------------------------------ live: the reference instance, unchanged
@pytest.mark.live
def test_live_run_of_the_reference_instance_is_clean_and_the_gate_reads_it(instance_env, tmp_path):
    reports = tmp_path / "reports"
    done = run_cli("live", "--report", str(reports), env={**instance_env, "DOCS_CASSETTES": str(CASSETTES)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"report: {reports / 'junit.xml'}" in done.stdout
    total = sum(len(case.steps) for case in CASES)
    summary = json.loads((reports / "summary.json").read_text())
    assert summary["ok"] and summary["counts"] == {"passed": total, "failed": 0, "drift": 0, "data": 0, "skipped": 0}
    text = (reports / "report.md").read_text()
    assert steps_checked(text) == [f"{case.name} › {step.name}" for case in CASES for step in case.steps]
    paired = sum(1 for case in CASES for step in case.steps if not isinstance(step, Transcript))
    assert text.count("compared with the recorded answer (no drift)") == paired  # every step had a recording
    assert "re-record the cassette" not in text
    # the tool and the docs project's commit that produced it, in every report
    produced = f"apidocs {tool_version()}, docs project at {project_commit(ROOT)}"
    assert f"- produced by: {produced}" in text and f"Produced by: {produced}" in (reports / "report.html").read_text()
    assert (summary["tool"], summary["commit"]) == (f"apidocs {tool_version()}", project_commit(ROOT))
    assert f'<property name="commit" value="{project_commit(ROOT)}" />' in (reports / "junit.xml").read_text()
    checked = gate(reports)
    assert checked.returncode == 0 and checked.stdout.startswith(f"OK — {total} passed"), checked.stdout
    tokens = [instance_env[k] for k in ("DOCS_API_TOKEN", "DOCS_CURATOR_TOKEN", "DOCS_UNTRUSTED_TOKEN")
              if instance_env.get(k)]
    assert tokens and not any(token in read_all(list(reports.iterdir())) for token in tokens)


def test_the_report_fails_on_the_theme_patch_and_on_broken_links_left_beside_it(tmp_path):
    """The nightly job leaves theme.patch (the theme's files are not the verified pages) and
    links.json (every link of the served pages) in the report folder: `apidocs report` fails
    on either, naming what to do."""
    case = next(c for c in CASES if not c.needs_token)
    assert run_cli("verify", case.name, "--report", str(tmp_path)).returncode == 0
    assert run_cli("report", str(tmp_path)).returncode == 0
    patch = tmp_path / "theme.patch"
    patch.write_text("diff --git a/x/about/api.html b/x/about/api.html\n--- a/x/about/api.html\n")
    gate = run_cli("report", str(tmp_path))
    assert gate.returncode == 1 and f"`git apply {patch}`" in gate.stdout and "x/about/api.html" in gate.stdout
    patch.unlink()
    links = tmp_path / "links.json"
    links.write_text(json.dumps({"ok": True, "broken": []}))
    assert run_cli("report", str(tmp_path)).returncode == 0
    links.write_text(json.dumps({"ok": False, "broken": [{"page": "api", "link": "/help/serch"}]}))
    gate = run_cli("report", str(tmp_path))
    assert gate.returncode == 1 and "1 broken link(s)" in gate.stdout and "links.md" in gate.stdout
