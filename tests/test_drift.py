"""Schema drift: a live run compared with a cassette our own tool recorded.

The cassettes are recorded with ``record`` mode from a stand-in InvenioRDM
(tests/fake_invenio.py); the live runs go to a *second* instance of it — new ids,
timestamps, revision ids, ETags and port — with one deliberate change of behaviour.
``test_reference_instance_*`` does the same against the reference instance.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from fake_invenio import FakeInvenio, run_cases
from runner.drift import Finding, load_interactions, normalise_value, recorded_exchanges, run_drift, shape
from runner.execute import LANGUAGES

from cases import load_cases

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cassettes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cassettes")
    with FakeInvenio() as server:
        results = run_cases("record", server.url, folder)
    assert all(r.ok for r in results), [m for r in results for m in r.messages()]
    return folder


def live_drift(cassettes: Path, *changes: str):
    with FakeInvenio(*changes) as server:
        results = run_cases("live", server.url, cassettes)
    return results, run_drift(results, cassettes)


def drift_of(drifts) -> list[tuple[str, str, str, Finding]]:
    return [(case, step, lang, f) for (case, step, lang), d in drifts.items() for f in d.drift]


def test_recorded_interactions_pair_with_every_step_and_language(cassettes):
    for case in load_cases(["case1_metadata", "case2_search", "case3_upload", "case5_download"]):
        pairs = recorded_exchanges(cassettes / f"{case.name}.yaml", case.steps)
        assert set(pairs) == {(s.name, lang) for s in case.steps for lang in LANGUAGES}, case.name
        for (name, _), recorded in pairs.items():
            assert recorded.method == case.step(name).method
        interactions = load_interactions(cassettes / f"{case.name}.yaml")
        assert all("invenio.invalid" not in r.path for r in interactions)  # paths, not URLs


def test_unchanged_server_is_clean_despite_new_ids_timestamps_hosts_and_etags(cassettes):
    results, drifts = live_drift(cassettes)
    assert all(r.ok for r in results)
    assert drift_of(drifts) == []
    assert all(d.recorded is not None for d in drifts.values())  # every step was compared
    # nothing volatile shows up even as context
    assert [f for d in drifts.values() for f in d.context if f.kind == "value"] == []


def test_example_field_changing_type_is_drift_even_though_the_snippet_works(cassettes):
    results, drifts = live_drift(cassettes, "resource_type_title_str")
    assert all(r.ok for r in results)  # status and checked fields still fine
    found = drift_of(drifts)
    paths = {(case, step, f.path, f.kind) for case, step, _, f in found}
    assert ("case1_metadata", "get", "metadata.resource_type.title", "type") in paths
    assert ("case2_search", "search", "hits.hits.*.metadata.resource_type.title", "type") not in paths  # not shown
    blocks = {b for *_, f in found for b in f.blocks}
    assert "case1_metadata/get/response" in blocks
    sentence = next(f for *_, f in found if f.path == "metadata.resource_type.title").sentence()
    assert "recorded object, now string" in sentence


def test_field_of_the_example_that_disappears(cassettes):
    _, drifts = live_drift(cassettes, "rename_publication_date")
    found = {(case, step, f.kind, f.path) for case, step, _, f in drift_of(drifts)}
    assert ("case1_metadata", "get", "missing", "metadata.publication_date") in found
    assert ("case2_search", "search", "missing", "hits.hits.*.metadata.publication_date") in found
    added = {f.path for d in drifts.values() for f in d.context if f.kind == "added"}
    assert "metadata.publicationDate" in added  # the diff shows where it went


def test_new_required_field_in_the_request(cassettes):
    results, drifts = live_drift(cassettes, "require_funding")
    create = drifts[("case3_upload", "create", "curl")]
    required = [f for f in create.drift if f.kind == "required"]
    assert [f.path for f in required] == ["metadata.funding"]
    assert required[0].blocks == ("case3_upload/create/curl",)
    python = drifts[("case3_upload", "create", "python")]
    assert [f.blocks for f in python.drift if f.kind == "required"] == [("case3_upload/create/python",)]


def test_changed_status_code(cassettes):
    _, drifts = live_drift(cassettes, "rename_sort_newest")
    status = [f for f in drifts[("case2_search", "search", "python")].drift if f.kind == "status"]
    assert [(f.recorded, f.live) for f in status] == [("200", "400")]
    assert set(status[0].blocks) == {"case2_search/search/python", "case2_search/search/response",
                                     "case2_search/search/status"}


def test_response_header_the_page_shows(cassettes):
    results, drifts = live_drift(cassettes, "drop_content_disposition")
    assert all(r.ok for r in results)
    found = [(step, f) for _, step, _, f in drift_of(drifts)]
    assert [(step, f.path, f.blocks) for step, f in found][:1] == [
        ("download", "Content-Disposition", ("case5_download/download/headers",))]


def test_normalising_ignores_only_volatile_values():
    assert normalise_value("http://127.0.0.1:5000/api/records/ab12c-3de45/files") == "<host>/api/records/<id>/files"
    assert normalise_value("2025-01-09T12:00:00.123456+00:00") == "<timestamp>"
    assert normalise_value("10.99999/recid-00001") == "<doi>"
    assert normalise_value("Climate Change Data") == "Climate Change Data"
    assert shape({"a": [{"b": 1}, {"b": None, "c": "x"}]}) == {"a": "array", "a.*": "object", "a.*.b": "number",
                                                              "a.*.c": "string"}


# ------------------------------------------------------------ against the reference instance
def _instance_env() -> dict[str, str]:
    from runner.settings import read_env_file

    return read_env_file(ROOT / ".instance" / "env")


def _instance_up(env: dict[str, str]) -> bool:
    url = env.get("DOCS_API_URL")
    if not url:
        return False
    try:
        with urllib.request.urlopen(f"{url}/records?size=1", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


needs_instance = pytest.mark.skipif(not _instance_up(_instance_env()), reason="reference instance is not up")


@pytest.fixture(scope="module")
def reference_cassettes(tmp_path_factory):
    """Cassettes of the read-only cases: the committed ones, or recorded now by the tool."""
    names = ["case1_metadata", "case2_search"]
    if all((ROOT / "cassettes" / f"{n}.yaml").is_file() for n in names):
        return ROOT / "cassettes"
    folder = tmp_path_factory.mktemp("reference-cassettes")
    env = {**os.environ, "DOCS_INSTANCE_ENV": str(ROOT / ".instance" / "env"), "DOCS_CASSETTES": str(folder)}
    done = subprocess.run([sys.executable, "-m", "runner.cli", "record", *names], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder


def live_report(api_url: str, cassettes: Path, report: Path) -> tuple[dict, str]:
    env = {**os.environ, "DOCS_INSTANCE_ENV": str(ROOT / ".instance" / "env"), "DOCS_API_URL": api_url,
           "DOCS_CASSETTES": str(cassettes)}
    done = subprocess.run([sys.executable, "-m", "runner.cli", "live", "case1_metadata", "case2_search",
                           "--report", str(report)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert (report / "summary.json").is_file(), done.stdout + done.stderr
    return json.loads((report / "summary.json").read_text()), (report / "report.md").read_text()


@needs_instance
def test_reference_instance_unchanged_is_clean(reference_cassettes, tmp_path):
    summary, text = live_report(_instance_env()["DOCS_API_URL"], reference_cassettes, tmp_path)
    assert summary["ok"], text


@needs_instance
def test_reference_instance_with_renamed_sort_option_names_the_stale_blocks(reference_cassettes, tmp_path):
    """The instance's own configuration changes: RDM_SORT_OPTIONS/RDM_SEARCH rename ``newest``.

    A second gunicorn of the reference instance's app (same database, search cluster and
    accounts) runs with the change applied to its Flask config at start-up
    (tests/instance_override.py); the live tier runs against it and must name the blocks.
    """
    from instance_override import OverriddenInstance

    with OverriddenInstance(ROOT, _instance_env(), "rename_sort_newest") as url:
        summary, text = live_report(url, reference_cassettes, tmp_path)
    assert not summary["ok"]
    assert {"case2_search/search/python", "case2_search/search/curl", "case2_search/search/response",
            "case2_search/search/status"} <= set(summary["stale_blocks"]), summary
    assert "status code changed: recorded 200, now 400" in text
    assert "Invalid sort option 'newest'" in text
    assert not any(f["step"].startswith("case1_metadata") for f in summary["failing"])  # the rest is clean
