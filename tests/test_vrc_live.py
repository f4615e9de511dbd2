"""Against the reference instance: the VRC page's transcript, run live, and the bad input a
reader may give it (a record with one file, a record with no files, a host the package does
not know). Each ends in one failure naming the step, well within the run's timeout."""

from __future__ import annotations

import copy
import time
import uuid

import pytest
import requests
from conftest import mutate, run_cli

from apidocs.core.fixtures import marker_query
from apidocs.runner.actions import DRAFT_GONE, delete_draft, direct
from apidocs.runner.api import Api
from apidocs.runner.provision import perform
from cases import flows
from cases.common import PUBLISHABLE_METADATA, RUN_MARKER

pytestmark = pytest.mark.live

CASE = "vrc1_download.py"
#: Seconds to wait for one answer: the cells' timeout is twice that and 10 s more.
TIMEOUT = 10
CELLS_TIMEOUT = TIMEOUT * 2 + 10


def live_failure(cases, env: dict[str, str]) -> str:
    """``apidocs live vrc1_download`` on the case copy ``cases``: it fails at the transcript, in
    time, with one problem; that problem's line."""
    started = time.monotonic()
    done = run_cli("live", "vrc1_download", "--cases-dir", str(cases), env={**env, "DOCS_TIMEOUT": str(TIMEOUT)})
    assert time.monotonic() - started < CELLS_TIMEOUT, "the run waited for something"
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "ok   vrc1_download › find-record" in done.stdout, done.stdout
    assert "FAIL vrc1_download › download (transcript" in done.stdout, done.stdout
    problems = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("- ")]
    assert len(problems) == 1, done.stdout
    return problems[0]


def test_the_transcript_runs_live(instance_env):
    done = run_cli("live", "vrc1_download", env=instance_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok   vrc1_download › download (transcript" in done.stdout


def test_a_read_only_run_with_no_account_runs_it(instance_env):
    """As the production job runs it: no token, only reads (the package's HEAD and GETs)."""
    done = run_cli("live", "--read-only", "vrc1_download", env={"DOCS_API_URL": instance_env["DOCS_API_URL"]})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok   vrc1_download › download (transcript" in done.stdout


def test_a_record_with_one_file_shows_no_menu(cases_copy, instance_env):
    mutate(cases_copy / CASE, r"if len\(f\.files\) > 1\)", 'if f.name == "temperature-2024")')
    mutate(cases_copy / CASE, r"files\[1\]\[0\]", "files[0][0]")  # the one file, which a menu would offer
    assert live_failure(cases_copy, instance_env) == (
        "- the case answers 1 prompt(s), the cells asked 0 (the record has 1 file): no menu to choose from")


def test_a_host_the_package_does_not_know(cases_copy, instance_env):
    """The DOI leads to the record at a host the package does not know (a stand-in not in its table)."""
    mutate(cases_copy / CASE, r'Bridge\(host="test\.researchdata\.tuwien\.ac\.at"',
           'Bridge(host="repository.example.org"')
    assert live_failure(cases_copy, instance_env) == (
        "- cell [3] returned None without a word: the package knows no repository at repository.example.org (its"
        " KNOWN_INSTANCES), where the DOI led it")


@pytest.fixture
def record_without_files(instance_env):
    """A published record with a DOI and no files (metadata only), through TU Wien's flow
    (curation included); the admin removes it afterwards. Its marker subject: the run's and its own."""
    marker = f"{RUN_MARKER}/vrc-no-files-{uuid.uuid4().hex[:8]}"
    metadata = copy.deepcopy(PUBLISHABLE_METADATA)
    metadata["metadata"]["subjects"].append({"subject": marker})
    metadata["files"] = {"enabled": False}
    actions = flows.publish(metadata, files=())
    tokens = {"depositor": instance_env["DOCS_API_TOKEN"], "curator": instance_env["DOCS_CURATOR_TOKEN"]}
    api, bound = Api(instance_env["DOCS_API_URL"]), {}
    try:
        perform(api, actions, tokens, bound)
        deadline = time.monotonic() + 30
        while not api.search("/records", marker_query(marker), size=1):
            assert time.monotonic() < deadline, "the published record never showed in search"
            time.sleep(0.5)
        yield marker
    finally:
        if "record_id" in bound:
            _remove(instance_env, bound["record_id"], api, tokens["depositor"])


def _remove(env: dict[str, str], record_id: str, api: Api, token: str) -> None:
    """The published record removed by the admin (a tombstone, out of search), or its draft deleted."""
    answer = requests.delete(f"{env['DOCS_API_URL']}/records/{record_id}/delete", json={"note": "test"},
                             headers={"Authorization": f"Bearer {env['DOCS_ADMIN_TOKEN']}"}, timeout=30)
    if answer.status_code != 204:
        why = delete_draft(record_id, token, "", direct(api, DRAFT_GONE))
        assert not why, f"record {record_id} left behind: {answer.status_code}, {why}"


def test_a_record_with_no_files(cases_copy, instance_env, record_without_files):
    mutate(cases_copy / CASE, r"marker_query\(RECORD_WITH_FILES\.marker\)", f"marker_query({record_without_files!r})")
    assert live_failure(cases_copy, instance_env) == (
        "- cell [3] failed: KeyError: 'entries' (the record has no files: a metadata-only record, its files not"
        " enabled)")
