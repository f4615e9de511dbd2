"""Against the reference instance (invenio-damap set up as TU Wien runs it): every block of
the rendered DAMAP page that can run is routed by the app - no 404, no 405 - and the Python
and the cURL block send the same request. The theme's own blocks are not: POST on the list
route answers 405, the link path without ``/damap`` 404."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, installed_theme_file, run_cli

from apidocs.core.fixtures import marker_query
from apidocs.core.model import API_URL, TOKEN
from apidocs.render import markers, template
from apidocs.runner.capture import CaptureProxy
from apidocs.runner.compare import request_differences, view
from apidocs.runner.execute import run_snippet
from apidocs.runner.placeholders import materialise
from cases.common import RECORD_WITH_CSV

pytestmark = pytest.mark.live

SNIPPETS = {"damap1_fetch_dmps/list": "GET /api/invenio_damap/damap/dmp",
            "damap2_link_record/link": "POST /api/invenio_damap/damap/dmp/1337/dataset/abcde-12345"}


def provisioned_record(api_url: str) -> str:
    """The id of the provisioned record the link case uses (found by its marker, as the case does)."""
    query = urllib.parse.urlencode({"q": marker_query(RECORD_WITH_CSV.marker), "size": "1"})
    with urllib.request.urlopen(f"{api_url}/records?{query}", timeout=30) as response:
        hits = json.load(response)["hits"]["hits"]
    assert hits, "no provisioned record: run `apidocs provision` (or `make instance`)"
    return hits[0]["id"]


def run_blocks(page_text: str, instance_env: dict, tmp_path: Path) -> dict[str, dict]:
    """Run each DAMAP block of ``page_text`` (Python and cURL) against the instance, as a reader would."""
    record = provisioned_record(instance_env["DOCS_API_URL"])
    blocks = markers.contents(page_text)
    sent: dict[str, dict] = {}
    with CaptureProxy(instance_env["DOCS_API_URL"]) as proxy:
        table = {API_URL: proxy.base_url, TOKEN: instance_env["DOCS_API_TOKEN"], "abcde-12345": record}
        for step in SNIPPETS:
            for language in ("python", "curl"):
                first = len(proxy.exchanges)
                run_snippet(language, materialise(blocks[f"{step}/{language}"].strip(), table),
                            tmp_path / step.replace("/", "_") / language, {}, timeout=60)
                exchanges = proxy.exchanges[first:]
                assert len(exchanges) == 1, (step, language, exchanges)
                sent.setdefault(step, {})[language] = (exchanges[0], view(exchanges[0], table))
    return sent


def test_rendered_damap_blocks_are_routed_with_the_same_request(instance_env, tmp_path):
    gunicorn_log = ROOT / ".instance" / "logs" / "gunicorn.log"
    before = gunicorn_log.stat().st_size
    sent = run_blocks(template("damap").read_text(encoding="utf-8"), instance_env, tmp_path)
    for step, runs in sent.items():
        (python, python_view), (curl, curl_view) = runs["python"], runs["curl"]
        assert request_differences(python_view, curl_view) == [], step
        assert python_view.line() == SNIPPETS[step] and python_view.auth
        for exchange in (python, curl):
            assert exchange.status not in (404, 405), (step, exchange.status, exchange.response_body[:200])
            # routed, past TU's TISS-user policy and the record read; then DAMAP does not answer
            assert exchange.status == 500, (step, exchange.status, exchange.response_body[:200])
    # ... and the 500s are invenio-damap's calls to DAMAP failing, nothing else
    log = gunicorn_log.read_bytes()[before:].decode("utf-8", "replace")
    failed_calls = [line for line in log.splitlines()
                    if line.startswith("requests.exceptions.ConnectionError") and "url: /api/madmps" in line]
    assert len(failed_calls) == 4, log[-2000:]  # one for each block


def test_the_theme_pages_blocks_are_not_routed(instance_env, tmp_path):
    """The package's page, marked as ours: its Python list block POSTs (405), its link blocks lack /damap (404)."""
    from test_damap_page import mark

    theme = installed_theme_file("about/damap.html", tmp_path / "theme")
    if theme is None:
        pytest.skip("invenio-theme-tuw is not at hand")
    sent = run_blocks(mark(theme.read_text(encoding="utf-8")), instance_env, tmp_path)
    statuses = {(step, language): exchange.status
                for step, runs in sent.items() for language, (exchange, _) in runs.items()}
    assert statuses == {("damap1_fetch_dmps/list", "python"): 405, ("damap1_fetch_dmps/list", "curl"): 500,
                        ("damap2_link_record/link", "python"): 404, ("damap2_link_record/link", "curl"): 404}


def test_damap_cases_pass_live(instance_env):
    done = run_cli("live", "damap1_fetch_dmps", "damap2_link_record", env=instance_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("verified up to the call to DAMAP") == 2
    assert "13 passed, 0 failed, 0 drifted, 0 skipped" in done.stdout
