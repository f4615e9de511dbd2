'''A third language is a registry entry and its snippet files, nothing else: Node.js's
built-in fetch, added in a copy of the cases folder, is run by `apidocs verify` and must
send the same request as Python and cURL (against the committed cassettes).'''

from __future__ import annotations

import shutil

import pytest
from conftest import mutate, run_cli

REGISTRY_ENTRY = '''\
from apidocs.core.languages import Language, register

register(Language("node", "Node.js", ".mjs", ("node",), needs="node"))
'''

NODE_SNIPPETS = {
    ("case1_metadata", "get"): '''\
const url = "{{ config.SITE_API_URL }}/records/abcde-12345";
const response = await fetch(url);
console.log(await response.json());
''',
    ("case2_search", "search"): '''\
const params = new URLSearchParams({
  q: "climate AND metadata.publication_date:[2023-01-01 TO 2025-12-31]",
  sort: "newest",
  page: "1",
});
const response = await fetch(`{{ config.SITE_API_URL }}/records?${params}`);
console.log(await response.json());
''',
    ("case3_upload", "create"): '''\
const response = await fetch("{{ config.SITE_API_URL }}/records", {
  method: "POST",
  headers: {
    "Authorization": "Bearer {your-access-token}",
    "Content-Type": "application/json",
  },
  body: JSON.stringify({
    metadata: {
      creators: [{person_or_org: {family_name: "Doe", given_name: "Jane", type: "personal"}}],
      publication_date: "2025-01-09",
      publisher: "TU Wien",
      resource_type: {id: "dataset"},
      title: "New Dataset Title",
    },
    files: {enabled: true},
  }),
});
console.log(await response.json());
''',
    ("case3_upload", "reserve-doi"): '''\
const url = "{{ config.SITE_API_URL }}/records/abcde-12345/draft/pids/doi";
const response = await fetch(url, {
  method: "POST",
  headers: {"Authorization": "Bearer {your-access-token}"},
});
console.log(await response.json());
''',
}
CASES = sorted({case for case, _ in NODE_SNIPPETS})


@pytest.fixture
def with_node(cases_copy):
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    (cases_copy / "languages.py").write_text(REGISTRY_ENTRY)
    for (case, step), text in NODE_SNIPPETS.items():
        (cases_copy / "snippets" / case / f"{step}.mjs").write_text(text)
    return cases_copy


def test_node_snippets_run_and_send_what_python_and_curl_send(with_node, tmp_path):
    done = run_cli("verify", *CASES, "--cases-dir", str(with_node), "--report", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    steps = sum(1 for line in done.stdout.splitlines() if line.startswith("["))
    assert f"{steps} passed, 0 failed, 0 drifted, 0 skipped" in done.stdout
    report = (tmp_path / "report.md").read_text()
    assert "| case | step | kind | Python | cURL | Node.js | outcome |" in report
    assert "Python, cURL, Node.js ran as shown" in report


def test_a_node_snippet_that_sends_another_request_fails_naming_node(with_node):
    mutate(with_node / "snippets/case2_search/search.mjs", r'sort: "newest"', 'sort: "oldest"')
    done = run_cli("verify", "case2_search", "--cases-dir", str(with_node))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL case2_search › search" in done.stdout
    assert "Python and Node.js sent different requests — query parameter 'sort'" in done.stdout
