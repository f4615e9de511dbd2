"""Reports of real runs: the engine runs the cases against a stand-in InvenioRDM.

Cassettes are recorded by our own tool (``record`` mode) from tests/fake_invenio.py;
replay and live runs then produce the reports checked here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from fake_invenio import READ_AND_WRITE_CASES, FakeInvenio, run_cases, settings_for
from runner import report
from runner.report import Masker, write_reports

ROOT = Path(__file__).resolve().parent.parent
SECRETS = ("depositor-token-123", "curator-token-456")


@pytest.fixture(scope="module")
def cassettes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cassettes")
    with FakeInvenio() as server:
        assert all(r.ok for r in run_cases("record", server.url, folder))
    return folder


def read_all(paths: list[Path]) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def test_clean_replay_run_says_what_was_checked(cassettes, tmp_path):
    results = run_cases("replay", "", cassettes)
    paths = write_reports(tmp_path, results, settings_for("replay", "", cassettes))
    assert [p.name for p in paths] == ["junit.xml", "report.md", "report.html", "summary.json"]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["ok"] and summary["counts"] == {"passed": 12, "failed": 0, "drift": 0, "skipped": 0}
    suites = ET.parse(tmp_path / "junit.xml").getroot()
    assert suites.get("tests") == "12" and suites.get("failures") == "0"
    assert [s.get("name") for s in suites] == READ_AND_WRITE_CASES
    text = (tmp_path / "report.md").read_text()
    assert "OK — 12 passed, 0 failed, 0 drifted, 0 skipped" in text
    assert "- case3_upload › create: Python and cURL ran as shown and sent the same request; HTTP 201" in text
    assert "- case5_download › download: " in text and "saved example_dataset.csv" in text
    assert report.main([str(tmp_path)]) == 0


def test_failing_live_step_names_language_request_statuses_and_stale_blocks(cassettes, tmp_path):
    with FakeInvenio("require_funding") as server:
        results = run_cases("live", server.url, cassettes, ["case3_upload"])
        paths = write_reports(tmp_path, results, settings_for("live", server.url, cassettes))
    md = (tmp_path / "report.md").read_text()
    section = md.split("### case3_upload › create — failed")[1].split("###")[0]
    for expected in ("Python:", "cURL:", "POST /api/records", "Authorization: Bearer <TOKEN>",
                     "Content-Type: application/json", '"title": "New Dataset Title"',
                     "expected HTTP 201, recorded HTTP 201; got HTTP 400",
                     "drift: the API now requires 'metadata.funding'"):
        assert expected in section, expected
    assert "Stale: `case3_upload/create/python`, `case3_upload/create/curl`" in md
    assert "`case3_upload/reserve-doi/python`" in md.split("not verified")[1]  # skipped, so unverified
    failure = ET.parse(tmp_path / "junit.xml").getroot().find(".//testcase[@name='create']/failure")
    assert failure.get("type") == "failed" and "stale: case3_upload/create/python" in failure.get("message")
    html = (tmp_path / "report.html").read_text()
    assert "&quot;title&quot;: &quot;New Dataset Title&quot;" in html and "<TOKEN>" not in html
    everything = read_all(paths)
    assert not any(secret in everything for secret in SECRETS)
    assert report.main([str(tmp_path)]) == 1


def test_drift_without_failure_fails_the_gate(cassettes, tmp_path):
    with FakeInvenio("resource_type_title_str") as server:
        results = run_cases("live", server.url, cassettes, ["case1_metadata"])
        write_reports(tmp_path, results, settings_for("live", server.url, cassettes))
    assert all(r.ok for r in results)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["counts"]["drift"] == 1 and summary["stale_blocks"] == ["case1_metadata/get/response"]
    assert summary["failing"][0]["drift"] == [
        "Python: field 'metadata.resource_type.title' changed type: recorded object, now string",
        "cURL: field 'metadata.resource_type.title' changed type: recorded object, now string",
    ]
    assert ET.parse(tmp_path / "junit.xml").getroot().find(".//failure").get("type") == "drift"
    assert report.main([str(tmp_path)]) == 1


def test_cli_live_run_writes_the_reports_and_the_gate_reads_them(cassettes, tmp_path):
    with FakeInvenio() as server:
        env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DOCS_INSTANCE_ENV": "/nonexistent",
               "DOCS_API_URL": server.url, "DOCS_API_TOKEN": SECRETS[0], "DOCS_CURATOR_TOKEN": SECRETS[1],
               "DOCS_DISPOSABLE": "1", "DOCS_CASSETTES": str(cassettes)}
        done = subprocess.run([sys.executable, "-m", "runner.cli", "live", "case1_metadata", "case5_download",
                               "--report", str(tmp_path / "reports")], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"report: {tmp_path / 'reports' / 'junit.xml'}" in done.stdout
    gate = subprocess.run([sys.executable, "-m", "runner.report", str(tmp_path / "reports")], cwd=ROOT,
                          capture_output=True, text=True)
    assert gate.returncode == 0 and gate.stdout.startswith("OK — 5 passed"), gate.stdout
    assert not any(s in read_all(list((tmp_path / "reports").iterdir())) for s in SECRETS)


def test_gate_without_a_report_is_one_line(tmp_path):
    gate = subprocess.run([sys.executable, "-m", "runner.report", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True)
    assert gate.returncode == 2 and gate.stderr.count("\n") == 1 and "Traceback" not in gate.stderr


def test_masker_removes_tokens_wherever_they_appear():
    mask = Masker(SECRETS)
    text = ("Authorization: Bearer abc.def-ghi\nserver said: token depositor-token-123 is invalid\n"
            "GET /api/records?access_token=xyz&q=1\nCookie: session=s3cr3t")
    masked = mask(text)
    assert "abc.def-ghi" not in masked and "depositor-token-123" not in masked and "xyz" not in masked
    assert "s3cr3t" not in masked
    assert "Authorization: Bearer <TOKEN>" in masked and "access_token=<TOKEN>&q=1" in masked
