"""The engine carries no content: a docs project of its own, with nothing of TU Wien's, passes
``update``, ``render`` and ``verify`` against a tiny API this test serves.

The project is made here: one page (``page/guide.html``, its markers empty), one case of it
(``howto1_status``) with its Python and cURL snippets, and ``cases/project.toml`` declaring
the page, its cases' prefix, where an app would serve it, its theme and its site's API URL.
``update`` records the case from the API, renders the page and verifies it; with the API
gone, ``verify --check-pages`` and ``render`` replay from the new cassette. And the other way
round: the engine's code names nothing the real docs project declares.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, LoopbackServer, run_cli, shown

from apidocs.core import content
from apidocs.entry.loader import load_cases

PROJECT_TOML = """
[config]
SITE_API_URL = "https://api.example.org/api"

[theme]
name = "example-theme"
templates = "example_theme/templates"

[[page]]
name = "guide"
template = "guide.html"
case_prefix = "howto"
theme_template = "example_theme/guide.html"
served_at = "/guide"
"""

CASE = '''
from apidocs.core.model import Case, Expect, Snippet

CASE = Case(
    name="howto1_status",
    title="Ask the service how it is",
    story="As an operator, I want to know that the service runs.",
    steps=(
        Snippet(name="status", title="Its status", method="GET", endpoint="/api/status",
                expect=Expect(200, fields={"status": str}), example=("status", "version")),
    ),
)
'''

SNIPPETS = {
    "status.py": ('import requests\n\nresponse = requests.get("{{ config.SITE_API_URL }}/status")\n'
                  "print(response.json())\n"),
    "status.sh": 'curl "{{ config.SITE_API_URL }}/status"\n',
}

KINDS = ("endpoint", "token", "python", "curl", "response", "status")
PAGE = "<h1>Guide</h1>\n" + "".join(
    f"<pre>{{#- apidocs:begin howto1_status/status/{kind} #}}{{#- apidocs:end #}}</pre>\n" for kind in KINDS)

#: The tiny API: its status, and the search the engine's preflight asks before it records.
ANSWERS = {
    "/api/status": {"status": "ok", "version": "1.0"},
    "/api/records": {"hits": {"hits": [], "total": 0}},
}


def answer(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
    found = ANSWERS.get(urlsplit(path).path)
    if method != "GET" or found is None:
        return 404, {"Content-Type": "application/json"}, b'{"message": "not found"}'
    return 200, {"Content-Type": "application/json"}, json.dumps(found).encode()


def write_project(folder: Path) -> None:
    files = {
        "cases/project.toml": PROJECT_TOML,
        "cases/fixtures.toml": "fixture = []\n",
        "cases/howto1_status.py": CASE,
        **{f"cases/snippets/howto1_status/{name}": text for name, text in SNIPPETS.items()},
        "page/guide.html": PAGE,
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "cassettes").mkdir()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "synthetic"
    write_project(folder)
    return folder


def test_a_docs_project_of_its_own_is_updated_rendered_and_verified(project, tmp_path):
    env = {"DOCS_PROJECT": str(project), "DOCS_CACHE": str(tmp_path / "cache")}
    server = LoopbackServer(answer)
    try:
        updated = run_cli("update", env={**env, "DOCS_API_URL": server.url})
    finally:
        server.close()
    output = updated.stdout + updated.stderr
    assert updated.returncode == 0, output
    assert "apidocs update: recording howto1_status" in output
    assert f"changed: {shown(project / 'cassettes' / 'howto1_status.yaml')}" in output
    page = (project / "page" / "guide.html").read_text(encoding="utf-8")
    assert 'curl "{{ config.SITE_API_URL }}/status"' in page and '"version": "1.0"' in page, page
    assert "GET /api/status" in page and "HTTP 200" in page, page

    verified = run_cli("verify", "--check-pages", env=env)  # offline: the API is gone
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "guide.html is up to date (6 blocks)" in verified.stdout
    assert "1 passed, 0 failed, 0 drifted, 0 skipped" in verified.stdout
    rendered = run_cli("render", "--no-cache", env=env)
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    assert "guide.html unchanged (6 blocks)" in rendered.stdout


def test_its_declarations_name_its_page_and_a_misspelt_one_is_one_line(project):
    done = run_cli("render", "--check", "--page", "gide", env={"DOCS_PROJECT": str(project)})
    assert done.returncode == 2, done.stdout + done.stderr
    assert "unknown page 'gide' (did you mean 'guide'?): known are guide" in done.stderr
    (project / "cases" / "project.toml").write_text(PROJECT_TOML + "\n[pages]\n", encoding="utf-8")
    done = run_cli("verify", env={"DOCS_PROJECT": str(project)})
    assert done.returncode == 2, done.stdout + done.stderr
    assert "project.toml: not the declarations apidocs reads" in done.stderr and "unknown table pages" in done.stderr


def test_the_engine_names_nothing_the_docs_project_declares():
    """No case, page template, served path, theme or site host of ``cases/`` in the engine's
    code, docstrings and comments included: what the project declares stays there."""
    declared = content.of_project()
    hosts = {urlsplit(value).hostname for value in declared.config.values() if "://" in value}
    names = {case.name for case in load_cases()} | hosts | {declared.theme.name, declared.theme.templates}
    names |= {word for page in declared.pages.values() for word in (page.template, page.served_at)}
    engine = [path for folder in ("apidocs", "render") for path in sorted((ROOT / folder).rglob("*.py"))]
    found = [f"{path.relative_to(ROOT)}: {name}" for path in engine for name in sorted(names - {None})
             if name in path.read_text(encoding="utf-8")]
    assert not found
