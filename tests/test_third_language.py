'''A third language is a registry entry and its snippet files, nothing else: Node.js's
built-in fetch, added in a copy of the cases folder, is run by `apidocs verify` and must
send the same request as Python and cURL (against the committed cassettes).

The Node.js snippets are written from the requests the cases' verified runs sent (in page
terms: placeholders back in), never copied from the page: a snippet changed and
re-recorded changes them too.'''

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import mutate, run_cli

from apidocs.core.model import API_PREFIX, API_URL, TOKEN
from apidocs.runner.compare import RequestView

REGISTRY_ENTRY = '''\
from apidocs.core.languages import Language, register

register(Language("node", "Node.js", ".mjs", ("node",), needs="node"))
'''


def node_snippet(request: RequestView) -> str:
    """What a reader would write with fetch to send ``request`` (a JSON body or none)."""
    url = API_URL + request.path.removeprefix(API_PREFIX)
    lines = []
    if request.query:
        lines.append(f"const params = new URLSearchParams({json.dumps([list(pair) for pair in request.query])});")
        url += "?${params}"
    headers = {**({"Authorization": f"Bearer {TOKEN}"} if request.auth else {}),
               **({"Content-Type": request.content_type} if request.body is not None else {})}
    options = {"method": request.method, "headers": headers}
    body = f", body: JSON.stringify({json.dumps(request.body)})" if request.body is not None else ""
    lines += [f"const response = await fetch(`{url}`, {{...{json.dumps(options)}{body}}});",
              "console.log(await response.text());"]
    return "\n".join(lines) + "\n"


def writable(results: list) -> dict[str, dict[str, str]]:
    """Case → step → its Node.js snippet, for each case whose every snippet step sent no body
    or a JSON one and saves no file (an upload or a download is another matter in every language)."""
    snippets: dict[str, dict[str, str]] = {}
    for result in results:
        run = result.runs.get("python")
        if run is None or run.request is None:
            continue
        if result.step.saves or run.request.body is not None and not isinstance(run.request.body, (dict, list)):
            snippets[result.case] = {}  # the whole case runs as one chain: leave it out
        elif snippets.get(result.case, ...) != {}:
            snippets.setdefault(result.case, {})[result.step.name] = node_snippet(run.request)
    return {case: steps for case, steps in snippets.items() if steps}


@pytest.fixture
def with_node(cases_copy, replayed):
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    (cases_copy / "languages.py").write_text(REGISTRY_ENTRY)
    snippets = writable(replayed)
    for case, steps in snippets.items():
        for step, text in steps.items():
            (cases_copy / "snippets" / case / f"{step}.mjs").write_text(text)
    return cases_copy, snippets


def test_node_snippets_run_and_send_what_python_and_curl_send(with_node, tmp_path):
    folder, snippets = with_node
    assert snippets
    done = run_cli("verify", *snippets, "--cases-dir", str(folder), "--report", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    steps = sum(1 for line in done.stdout.splitlines() if line.startswith("["))
    assert f"{steps} passed, 0 failed, 0 drifted, 0 skipped" in done.stdout
    report = (tmp_path / "report.md").read_text()
    assert "| case | step | kind | Python | cURL | Node.js | outcome |" in report
    assert "Python, cURL, Node.js ran as shown" in report


def test_a_node_snippet_that_sends_another_request_fails_naming_node(with_node, replayed):
    folder, snippets = with_node
    result = next(r for r in replayed if r.case in snippets and r.step.name in snippets[r.case]
                  and r.runs["python"].request.query)
    name, value = result.runs["python"].request.query[0]
    mutate(folder / "snippets" / result.case / f"{result.step.name}.mjs", re.escape(json.dumps([name, value])),
           json.dumps([name, value + "-changed"]))
    done = run_cli("verify", result.case, "--cases-dir", str(folder))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"FAIL {result.case} › {result.step.name}" in done.stdout
    assert f"Python and Node.js sent different requests — query parameter {name!r}" in done.stdout
