"""render end to end: the committed cassettes (``make record`` from the reference instance) →
replay → page, --check, --into, notebook. Nothing here pins recorded content: what the page
must show is what the verified replay produced, in the terms the cases declare."""

from __future__ import annotations

import html
import http
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, assert_one_line, mutate, run_cli

from apidocs.core import content
from apidocs.core.blocks import INLINE_KINDS
from apidocs.entry.loader import load_cases
from apidocs.render import blocks, markers, preview, template
from apidocs.runner import cassettes
from apidocs.runner.capture import CaptureProxy

CASES = load_cases(page="api")  # the API page's (page/api.html)

TEMPLATE = template("api")


@pytest.fixture(scope="module")
def recorded(committed_cassettes) -> Path:
    return committed_cassettes


@pytest.fixture(scope="module")
def results(replayed) -> dict[str, list]:
    """The api page's cases of the session's replay, case by case, as :func:`apidocs.render.verified.replay`
    gives them to render (every step passed: nothing cut short)."""
    return {case.name: [r for r in replayed if r.case == case.name] for case in CASES}


def python_run(results, case: str, step: str):
    """The verified Python run of ``case``/``step`` (what the page's blocks come from)."""
    return next(r for r in results[case] if r.step.name == step).runs["python"]


def render_cli(*args: str, cassettes_dir: Path) -> subprocess.CompletedProcess:
    return run_cli("render", *args, "--cassettes", str(cassettes_dir))


def pre_texts(page_html: str) -> list[str]:
    """What each code block shows: the <pre> text without its copy button."""
    found = re.findall(r'<pre class="ui segment code-block">\n?(.*?)<button', page_html, re.S)
    return [html.unescape(text) for text in found]


# ------------------------------------------------------------------ results → blocks
def test_replay_gives_every_block_in_page_terms(results):
    rendered = blocks.page_blocks(CASES, results)
    assert set(rendered) == set(markers.find(TEMPLATE.read_text(encoding="utf-8")))
    for text in rendered.values():  # no trace of the recording: its host, the replay proxy, the id aliases
        assert "invenio.invalid" not in text and "127.0.0.1" not in text and not re.search(r"recid-\d{5}", text)

    # the example response: the recorded document, in the case's placeholders
    get = python_run(results, "case1_metadata", "get")
    shown, recorded = json.loads(rendered["case1_metadata/get/response"]), get.response.json()
    assert get.table["abcde-12345"] != "abcde-12345"  # a real record ran; the page shows the case's id
    assert shown["id"] == "abcde-12345"
    assert shown["links"]["self"] == "{{ config.SITE_API_URL }}/records/abcde-12345"
    assert shown["metadata"]["title"] == recorded["metadata"]["title"]
    assert shown["metadata"]["resource_type"]["title"]["en"] == recorded["metadata"]["resource_type"]["title"]["en"]

    # the example headers: the ones the case names, as recorded; Content-Length of the recorded body
    step = next(s for s in load_cases(["case5_download"])[0].snippets if s.name == "download")
    download = python_run(results, "case5_download", "download").response
    lines = rendered["case5_download/download/headers"].splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == list(step.example_headers)
    for line in lines:
        name, value = line.split(": ", 1)
        expected = str(len(download.response_body)) if name == "Content-Length" else download.response_header(name)
        assert value == expected, name

    # every status line is the status the case expects
    for name, text in rendered.items():
        if name.endswith("/status"):
            case, step_name, _ = name.split("/")
            status = next(s for s in load_cases([case])[0].steps if s.name == step_name).expect.status
            assert text == f"HTTP {status} - {http.HTTPStatus(status).phrase}", name


def test_a_step_failing_in_replay_is_refused_naming_case_and_step(recorded, tmp_path):
    folder = tmp_path / "cases"
    shutil.copytree(ROOT / "cases", folder)
    mutate(folder / "snippets/case1_metadata/get.py", r'url = "\{\{ config\.SITE_API_URL \}\}/records/abcde-12345"',
           'url = "{{ config.SITE_API_URL }}/records/abcde-12345/versions"')
    page = tmp_path / "about_api.html"
    shutil.copy(TEMPLATE, page)
    done = render_cli("--into", str(page), "--cases-dir", str(folder), cassettes_dir=recorded)
    assert_one_line(done, "case1_metadata/get fails in replay")
    assert page.read_bytes() == TEMPLATE.read_bytes()


def test_missing_cassette_is_one_line(tmp_path):
    done = render_cli("--check", cassettes_dir=tmp_path)
    assert_one_line(done, "missing cassette", "case1_metadata.yaml")


# ------------------------------------------------------------------ page, --check
def strip_blocks(text: str) -> str:
    """The page without the contents of its blocks (what render must never change)."""
    return re.sub(r"(apidocs:begin \S+ #\}).*?(\{#- apidocs:end)", r"\1\2", text, flags=re.S)


def test_render_check_edit_and_case_change(recorded, tmp_path):
    count = len(markers.find(TEMPLATE.read_text(encoding="utf-8")))
    page = tmp_path / "about_api.html"
    shutil.copy(TEMPLATE, page)
    page.chmod(0o664)
    # the committed page is what the committed cassettes give
    assert render_cli("--into", str(page), "--check", cassettes_dir=recorded).returncode == 0
    done = render_cli("--into", str(page), cassettes_dir=recorded)
    assert done.returncode == 0 and f"unchanged ({count} blocks)" in done.stdout, done.stdout + done.stderr
    rendered = page.read_text()

    # a block edited by hand
    page.write_text(rendered.replace('print(response.json())', 'print(response.text)', 1))
    done = render_cli("--into", str(page), "--check", cassettes_dir=recorded)
    assert done.returncode == 1 and "-print(response.text)" in done.stdout and "+print(response.json())" in done.stdout
    assert "differs from what the verified cases produce" in done.stderr
    done = render_cli("--into", str(page), cassettes_dir=recorded)
    assert done.returncode == 0 and f"updated ({count} blocks)" in done.stdout, done.stdout + done.stderr
    assert page.read_text() == rendered
    assert page.stat().st_mode & 0o777 == 0o664  # the atomic rename kept the file's mode
    assert not list(tmp_path.glob(".about_api.html.*"))  # no temp file left behind

    # a case changed, the page not re-rendered
    folder = tmp_path / "cases"
    shutil.copytree(ROOT / "cases", folder)
    mutate(folder / "snippets/case1_metadata/get.sh", r'^curl "', 'curl --fail "')
    done = render_cli("--into", str(page), "--check", "--cases-dir", str(folder), cassettes_dir=recorded)
    assert done.returncode == 1 and '+curl --fail "{{ config.SITE_API_URL }}/records/abcde-12345"' in done.stdout
    assert render_cli("--into", str(page), "--cases-dir", str(folder), cassettes_dir=recorded).returncode == 0
    assert render_cli("--into", str(page), "--check", "--cases-dir", str(folder),
                      cassettes_dir=recorded).returncode == 0
    changed = page.read_text()
    # outside the markers: same
    assert changed != rendered and strip_blocks(changed) == strip_blocks(TEMPLATE.read_text())


def test_rendered_page_shows_exactly_the_verified_texts(recorded, results, tmp_path):
    page = tmp_path / "about_api.html"
    shutil.copy(TEMPLATE, page)
    assert render_cli("--into", str(page), cassettes_dir=recorded).returncode == 0
    shown = pre_texts(preview.render_html(page))
    texts = blocks.page_blocks(CASES, results)
    in_page_order = sorted(markers.find(page.read_text()).values(), key=lambda b: b.start)
    expected = [texts[b.name] for b in in_page_order if b.kind not in INLINE_KINDS]
    api = content.of_project().api_url
    assert shown == [text.replace("{{ config.SITE_API_URL }}", api) for text in expected]
    assert "&" in "".join(expected)  # recorded text that HTML escapes (query strings) is shown as recorded


# ------------------------------------------------------------------ notebook
def test_notebook_validates_and_runs_against_the_replay(recorded, results, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    out = tmp_path / "api.ipynb"
    with CaptureProxy(cassettes.CANONICAL_ORIGIN + "/api") as proxy:
        done = render_cli("--notebook", str(out), "--api-url", proxy.base_url, cassettes_dir=recorded)
        assert done.returncode == 0, done.stderr
        notebook = nbformat.read(out, as_version=4)
        nbformat.validate(notebook)
        first = notebook.cells[0]
        assert (first.cell_type == "code" and f'API_URL = "{proxy.base_url}"' in first.source
                and "TOKEN = " in first.source)
        headings = [c.source.splitlines()[0] for c in notebook.cells
                    if c.cell_type == "markdown" and c.source.startswith("## ")]
        assert headings == [f"## Case {i} - {c.title}" for i, c in enumerate(CASES, start=1)]

        steps = {(c.name, s.name): s for c in CASES for s in c.steps}
        client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}})
        seen = []
        with client.setup_kernel():
            current, stack = None, None
            for index, cell in enumerate(notebook.cells):
                meta = cell.metadata.get("apidocs", {})
                if meta.get("case") and meta["case"] != current:
                    if stack:
                        stack.__exit__(None, None, None)
                    current = meta["case"]
                    stack = cassettes.replay(recorded / f"{current}.yaml")
                    stack.__enter__()
                before = len(proxy.exchanges)
                client.execute_cell(cell, index)
                sent = proxy.exchanges[before:]
                if meta.get("role") in ("snippet", "action"):
                    step = steps[(meta["case"], meta["step"])]
                    assert [(e.error, e.status) for e in sent] == [(None, step.expect.status)], (meta, sent)
                    seen.append(meta["step"])
                else:
                    assert not sent
            stack.__exit__(None, None, None)
    assert seen == [s.name for c in CASES for s in c.steps if not getattr(s, "inline", None)]
    # the download cell saved the recorded file under its key (the notebook runs on the real ids)
    download = python_run(results, "case5_download", "download")
    saved = tmp_path / download.table["example_dataset.csv"]
    assert saved.read_bytes() == download.response.response_body


def test_notebook_refuses_to_mix_with_check(recorded, tmp_path):
    assert_one_line(render_cli("--notebook", str(tmp_path / "x.ipynb"), "--check", cassettes_dir=recorded),
                   "--notebook writes only the notebook")
