"""Schema drift on real recordings.

Offline, the pure diff (:func:`apidocs.runner.drift.compare`) runs on the committed cassettes
(``make record`` from the reference instance): a recorded answer against another real
answer of the same step, and against a copy of the *same* recorded document changed in
memory the way an upgrade changes it (a field gone, a type changed, a status, a header).
Live (``-m live``), the reference instance itself: a real draft with missing metadata, and
a second gunicorn of the same app with a real configuration change
(tests/instance_override.py), whose live report must name the page's stale blocks.
"""

from __future__ import annotations

import copy
import json

import pytest
import requests
from conftest import CASSETTES, ROOT, run_cli

from apidocs.core.model import Transcript
from apidocs.core.volatile import ALIASES, stand_ins
from apidocs.entry.loader import load_cases
from apidocs.runner.cassettes import CANONICAL_ORIGIN, FIXED_TIMESTAMP, Recorded, load_interactions
from apidocs.runner.drift import compare, leaves, recorded_exchanges, run_drift, shape

CASES = {case.name: case for case in load_cases()}


def recorded(case: str, step: str, language: str = "python") -> Recorded:
    """The committed cassette's answer to ``case``/``step`` in ``language``."""
    return recorded_exchanges(CASSETTES / f"{case}.yaml", CASES[case].steps, CASES[case].languages)[(step, language)]


def diff(case: str, step: str, edit=None, status: int | None = None, headers: dict | None = None) -> list:
    """compare() of the recorded answer with a copy of the same document, ``edit`` applied to it."""
    answer = recorded(case, step)
    document = copy.deepcopy(answer.json()) if edit else None
    if edit:
        edit(document)
    body = json.dumps(document).encode() if edit else answer.body
    return compare(case, CASES[case].step(step), answer, status or answer.status,
                   answer.headers if headers is None else headers, body)


def summary(findings) -> set[tuple[str, str, bool, tuple[str, ...]]]:
    return {(f.kind, f.path, f.drift, f.blocks) for f in findings}


# ------------------------------------------------------------ the recorded side
def test_recorded_interactions_pair_with_every_step_and_language(committed_cassettes):
    for case in CASES.values():
        pairs = recorded_exchanges(committed_cassettes / f"{case.name}.yaml", case.steps, case.languages)
        # a transcript's requests are the package's own, several a cell: never paired (drift.py)
        paired = [s for s in case.steps if not isinstance(s, Transcript)]
        assert set(pairs) == {(s.name, lang) for s in paired for lang in case.languages}, case.name
        for (name, _), answer in pairs.items():
            assert answer.method == case.step(name).method.upper()
        interactions = load_interactions(committed_cassettes / f"{case.name}.yaml")
        assert all("invenio.invalid" not in r.path for r in interactions)  # paths, not URLs


def test_two_real_answers_of_the_same_step_show_no_drift():
    """Python and cURL ran each step against the instance separately: the write steps created
    different drafts, files, requests (other ids, DOIs, revision ids) — none of it is drift."""
    differing = 0
    for case in (case for case in CASES.values() if "curl" in case.languages):
        for step in case.steps:
            python, curl = recorded(case.name, step.name), recorded(case.name, step.name, "curl")
            differing += python.body != curl.body
            assert compare(case.name, step, python, curl.status, curl.headers, curl.body) == [], (case.name, step.name)
    assert differing >= 10  # the comparison saw real differences (case 3, 4 and 6 write steps)


def test_replay_of_the_committed_cassettes_is_compared_step_by_step_without_drift(replayed, committed_cassettes):
    drifts = run_drift(replayed, committed_cassettes)
    assert set(drifts) == {(r.case, r.step.name, lang) for r in replayed for lang in r.runs}
    transcripts = {(c.name, s.name) for c in CASES.values() for s in c.steps if isinstance(s, Transcript)}
    # every step was paired with its recording (a transcript's requests are not paired)
    assert all(d.recorded is not None for key, d in drifts.items() if key[:2] not in transcripts)
    assert [f for d in drifts.values() for f in d.findings] == []


# ------------------------------------------------------------ one change at a time, on the recorded documents
def test_example_field_changing_type_is_drift_even_though_the_snippet_works():
    def title_as_string(record: dict) -> None:
        record["metadata"]["resource_type"]["title"] = record["metadata"]["resource_type"]["title"]["en"]

    found = diff("case1_metadata", "get", title_as_string)
    assert summary(found) == {("type", "metadata.resource_type.title", True, ("case1_metadata/get/response",))}
    assert "recorded object, now string" in found[0].sentence()

    # in search hits the page's example does not show the resource type: context, not drift
    found = diff("case2_search", "search", lambda page: [title_as_string(hit) for hit in page["hits"]["hits"]])
    assert summary(found) == {("type", "hits.hits.*.metadata.resource_type.title", False, ())}


def test_field_of_the_example_that_disappears():
    found = diff("case1_metadata", "get", lambda record: record["metadata"].pop("publication_date"))
    assert ("missing", "metadata.publication_date", True, ("case1_metadata/get/response",)) in summary(found)

    def rename(page: dict) -> None:
        for hit in page["hits"]["hits"]:
            hit["metadata"]["publicationDate"] = hit["metadata"].pop("publication_date")

    found = diff("case2_search", "search", rename)
    assert ("missing", "hits.hits.*.metadata.publication_date", True,
            ("case2_search/search/response",)) in summary(found)
    assert ("added", "hits.hits.*.metadata.publicationDate", False, ()) in summary(found)  # where it went


def test_changed_status_code():
    found = diff("case2_search", "search", status=400)
    assert [(f.kind, f.recorded, f.live) for f in found] == [("status", "200", "400")]
    assert set(found[0].blocks) == {"case2_search/search/python", "case2_search/search/response",
                                    "case2_search/search/status"}


def test_response_header_the_page_shows():
    headers = recorded("case5_download", "download").headers
    without = {k: v for k, v in headers.items() if k.lower() != "content-disposition"}
    found = diff("case5_download", "download", headers=without)
    assert [(f.kind, f.path, f.blocks) for f in found] == [
        ("header", "Content-Disposition", ("case5_download/download/headers",))]
    other_type = {k: ("text/html; charset=utf-8" if k.lower() == "content-type" else v) for k, v in headers.items()}
    assert [f.path for f in diff("case5_download", "download", headers=other_type)] == ["Content-Type"]
    volatile = {k: ("Sat, 01 Feb 2025 08:00:00 GMT" if k.lower() in ("date", "last-modified") else v)
                for k, v in headers.items()}
    assert diff("case5_download", "download", headers=volatile) == []


def test_normalising_ignores_only_volatile_values():
    record = recorded("case3_upload", "reserve-doi").json()
    assert stand_ins(record["links"]["self"]) == "<host>/api/records/<id>/draft"
    assert stand_ins(record["created"]) == "<timestamp>"
    assert stand_ins(record["pids"]["doi"]["identifier"]) == "<doi>"
    assert stand_ins(record["metadata"]["title"]) == record["metadata"]["title"]
    assert shape({"a": [{"b": 1}, {"b": None, "c": "x"}]}) == {"a": "array", "a.*": "object", "a.*.b": "number",
                                                              "a.*.c": "string"}


def test_what_a_recording_normalises_drift_ignores():
    """One set of volatile-value rules: a live answer carries real ids, DOIs, UUIDs, times and
    host where the cassette holds the aliases and fixed values it was saved with."""
    answer = recorded("case3_upload", "reserve-doi")
    live = answer.body.decode()
    for number in range(1, 10):
        live = live.replace(ALIASES["doi"].format(number), f"10.48436/k7m2p-9x4q{number}")
        live = live.replace(ALIASES["pid"].format(number), f"k7m2p-9x4q{number}")
        live = live.replace(ALIASES["uuid"].format(number), f"5f0e2c3a-81b4-4d6e-9a7f-0c1d2e3f4a5{number}")
    live = live.replace(FIXED_TIMESTAMP, "2025-06-01T08:15:42.123456+00:00").replace(CANONICAL_ORIGIN,
                                                                                    "https://researchdata.example.org")
    case = CASES["case3_upload"]
    before, after = leaves(answer.json()), leaves(json.loads(live))
    assert sum(before[path] != after[path] for path in before) >= 10  # the live answer differs in values,
    # none of them counts
    assert compare(case.name, case.step("reserve-doi"), answer, answer.status, answer.headers, live.encode()) == []


def test_the_oai_identifiers_host_is_the_instances_not_drift():
    """``pids.oai.identifier`` is ``oai:HOST:ID``: the recording says ``oai:invenio.invalid:…``,
    an instance its own host (with its port), which is no more a change than a URL's host."""
    answer = recorded("case1_metadata", "get")
    live = answer.body.decode().replace("oai:invenio.invalid:", "oai:127.0.0.1:5000:")
    assert json.loads(live)["pids"]["oai"]["identifier"].startswith("oai:127.0.0.1:5000:")
    case = CASES["case1_metadata"]
    assert compare(case.name, case.step("get"), answer, answer.status, answer.headers, live.encode()) == []
    assert stand_ins("oai:127.0.0.1:5000:abcde-12345") == stand_ins("oai:invenio.invalid:recid-00001")


# ------------------------------------------------------------ against the reference instance
@pytest.mark.live
def test_a_real_draft_with_missing_metadata_is_reported_as_required_fields(instance_env):
    """The instance's own validation errors, compared with the recorded create."""
    api, token = instance_env["DOCS_API_URL"], instance_env["DOCS_API_TOKEN"]
    headers = {"Authorization": f"Bearer {token}"}
    answer = requests.post(f"{api}/records",
                           json={"metadata": {"title": "apidocs drift test draft"}, "files": {"enabled": False}},
                           headers=headers, timeout=60)
    try:
        assert answer.status_code == 201, answer.text
        errors = {e["field"] for e in answer.json().get("errors", [])}
        assert "metadata.creators" in errors, answer.json()
        case = CASES["case3_upload"]
        found = compare(case.name, case.step("create"), recorded("case3_upload", "create"), answer.status_code,
                        dict(answer.headers), answer.content)
    finally:
        requests.delete(f"{api}/records/{answer.json()['id']}/draft", headers=headers, timeout=60)
    required = {f.path for f in found if f.kind == "required"}
    assert required == errors
    assert all(f.blocks == ("case3_upload/create/python",) for f in found if f.kind == "required")
    # the live draft's own id, DOI, timestamps and host are not findings
    assert not [f for f in found if f.kind == "value" and f.path in ("id", "created", "links.self")]


@pytest.mark.live
def test_reference_instance_with_renamed_sort_option_names_the_stale_blocks(instance_env, tmp_path):
    """The instance's own configuration changes: RDM_SORT_OPTIONS/RDM_SEARCH rename ``newest``.

    A second gunicorn of the reference instance's app (same database, search cluster and
    accounts) runs with the change applied to its Flask config at start-up
    (tests/instance_override.py); the live tier runs against it and must name the blocks.
    """
    from instance_override import OverriddenInstance

    with OverriddenInstance(ROOT, instance_env, "rename_sort_newest") as url:
        env = {"DOCS_INSTANCE_ENV": str(ROOT / ".instance" / "env"), "DOCS_API_URL": url,
               "DOCS_CASSETTES": str(CASSETTES)}
        done = run_cli("live", "case1_metadata", "case2_search", "--report", str(tmp_path), env=env, timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    text = (tmp_path / "report.md").read_text()
    assert not summary["ok"]
    assert {"case2_search/search/python", "case2_search/search/curl", "case2_search/search/response",
            "case2_search/search/status"} <= set(summary["stale_blocks"]), summary
    assert "status code changed: recorded 200, now 400" in text
    assert "Invalid sort option 'newest'" in text
    assert not any(f["step"].startswith("case1_metadata") for f in summary["failing"])  # the rest is clean


# ------------------------------------------ instances we did not seed: no false alarms
def test_upstream_answering_where_the_recording_had_none_is_not_drift():
    """Recorded here, DAMAP did not answer (the app's 500); on staging DAMAP answers 200."""
    answer = recorded("damap1_fetch_dmps", "list")
    assert answer.status == 500
    staging = {"hits": {"hits": [{"id": 7, "project": {"title": "A project"}}], "total": 1},
               "links": {"self": "https://test.researchdata.tuwien.ac.at/api/invenio_damap/damap/dmp"}}
    step = CASES["damap1_fetch_dmps"].step("list")
    found = compare("damap1_fetch_dmps", step, answer, 200, {"Content-Type": "application/json"},
                    json.dumps(staging).encode())
    assert [(f.kind, f.drift) for f in found] == [("upstream", False)]
    assert "DAMAP answered on one side only (recorded HTTP 500, now HTTP 200)" in found[0].sentence()
    # where DAMAP is absent on both sides there is nothing to say
    assert compare("damap1_fetch_dmps", step, answer, 500, answer.headers, answer.body) == []


def test_another_record_than_the_recorded_one_drifts_only_in_the_fields_the_page_promises():
    """Production read-only: the stand-in finds a real record, whose creators have no affiliations."""
    answer = recorded("case1_metadata", "get")
    step = CASES["case1_metadata"].step("get")
    other = copy.deepcopy(answer.json())
    for creator in other["metadata"]["creators"]:
        creator.pop("affiliations", None)
    body = json.dumps(other).encode()
    ours = compare("case1_metadata", step, answer, 200, answer.headers, body)
    assert any(f.drift and f.path.startswith("metadata.creators.*.affiliations") for f in ours)
    theirs = compare("case1_metadata", step, answer, 200, answer.headers, body, same_records=False)
    assert not [f for f in theirs if f.drift]

    other["metadata"]["title"] = ["a list now"]  # a field the page promises (expect.fields) still drifts
    found = compare("case1_metadata", step, answer, 200, answer.headers, json.dumps(other).encode(),
                    same_records=False)
    assert ("type", "metadata.title", True) in {(f.kind, f.path, f.drift) for f in found}
