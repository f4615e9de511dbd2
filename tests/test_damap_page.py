"""The DAMAP page: its cases, our template of it, and the three mistakes of the theme's page.

The theme's page (invenio_theme_tuw/about/damap.html, as the reference instance installs it)
has three mistakes; each, put back into a copy of the cases or of the page, fails
verification and names the step (offline, against the committed cassettes).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import jinja2
import pytest
from conftest import installed_theme_file, mutate, mutate_snippet, run_cli

from apidocs.entry.loader import load_cases
from apidocs.render import adopt, markers, template

PAGE = template("damap")
CASES = load_cases(page="damap")
BLOCKS = ("damap1_fetch_dmps/list/endpoint", "damap1_fetch_dmps/list/token", "damap1_fetch_dmps/list/curl",
          "damap1_fetch_dmps/list/python", "damap1_fetch_dmps/list/status", "damap1_fetch_dmps/list/response",
          "damap2_link_record/link/endpoint", "damap2_link_record/link/token", "damap2_link_record/link/curl",
          "damap2_link_record/link/python", "damap2_link_record/link/status", "damap2_link_record/link/response")
#: Every message of the theme's DAMAP page (invenio-theme-tuw 2026.1.9), as jinja2's i18n extraction sees it.
THEME_MESSAGES = {
    "To parent page", "About DAMAP", "Fetch your maDMPs:", "Endpoint:", "Token Required:",
    'Yes — generate one <a href="%(token_link)s">here</a>.', "Copy to clipboard", "Example Response",
    "Link your selected InvenioRDM record to the target maDMP:",
}


def messages(text: str) -> set:
    extractor = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    return {message for _, _, message in extractor.extract_translations(text)}


def render_cli(*args: str) -> subprocess.CompletedProcess:
    return run_cli("render", "--page", "damap", *args, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})


def verify(cases: Path, case: str) -> str:
    done = run_cli("verify", case, "--cases-dir", str(cases))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def strip_blocks(text: str) -> str:
    return re.sub(r"(apidocs:begin \S+ #\}).*?(\{#- apidocs:end)", r"\1\2", text, flags=re.S)


@pytest.fixture(scope="module")
def theme_damap(tmp_path_factory) -> Path:
    found = installed_theme_file("about/damap.html", tmp_path_factory.mktemp("theme"))
    if found is None:
        pytest.skip("invenio-theme-tuw is not at hand (no .instance/venv, and pip download failed)")
    return found


def mark(text: str) -> str:
    """The theme's page with our markers around its blocks, as `render --into` adopts it."""
    return adopt.adopt(text, markers.contents(PAGE.read_text(encoding="utf-8")))


# ------------------------------------------------------------------ our template
def test_our_page_keeps_the_theme_pages_strings_and_has_every_block():
    text = PAGE.read_text(encoding="utf-8")
    jinja2.Environment(extensions=["jinja2.ext.i18n"]).parse(text)
    assert messages(text) == THEME_MESSAGES
    assert tuple(markers.find(text)) == BLOCKS


def test_snapshot_of_strings_matches_the_theme_package(theme_damap):
    assert messages(theme_damap.read_text(encoding="utf-8")) == THEME_MESSAGES


def test_example_blocks_say_what_waits_for_damap_and_invent_nothing():
    """No DAMAP server answered the recording: each example block says so and what the
    endpoint returns, with none of the package page's hand-typed values."""
    blocks = markers.contents(PAGE.read_text(encoding="utf-8"))
    for name in ("damap1_fetch_dmps/list/response", "damap2_link_record/link/response"):
        assert blocks[name].startswith("\nNo recorded example: no DAMAP server answered"), name
        assert not re.search(r"\d{4}-\d\d-\d\d|Doe|4002|\{\s*\"", blocks[name]), name
    assert blocks["damap1_fetch_dmps/list/status"] == "HTTP 200 - OK"
    assert blocks["damap2_link_record/link/status"] == "HTTP 201 - Created"


# ------------------------------------------------------------------ the theme page's three mistakes
def test_python_fetch_sends_post(cases_copy):
    mutate(cases_copy / "snippets/damap1_fetch_dmps/list.py", r"requests\.get\(url, headers=headers\)",
           "requests.post(url, headers=headers)")
    out = verify(cases_copy, "damap1_fetch_dmps")
    assert "FAIL damap1_fetch_dmps › list" in out
    assert "sent POST, the page documents GET" in out
    assert "Python and cURL sent different requests — method: Python sent POST, cURL sent GET" in out


def test_link_path_without_damap(cases_copy):
    mutate_snippet(cases_copy, "damap2_link_record", "link",
                   r"(SITE_API_URL \}\}/invenio_damap/)damap/(dmp/1337)", r"\1\2")
    out = verify(cases_copy, "damap2_link_record")
    assert "FAIL damap2_link_record › link" in out
    assert ("sent POST /api/invenio_damap/dmp/1337/dataset/abcde-12345, which is not the Endpoint line's"
            " POST /api/invenio_damap/damap/dmp/{dmp_id}/dataset/{record_id}") in out


def test_hand_typed_link_example_in_a_copy_of_the_page(theme_damap, tmp_path):
    """The package's hand-typed record (case 3's, with the wrong creators shape) as our example."""
    theirs = markers.contents(mark(theme_damap.read_text(encoding="utf-8")))["damap2_link_record/link/response"]
    assert '"creators": [{"name": "Doe, Jane"}]' in theirs
    page = tmp_path / "damap.html"
    ours = PAGE.read_text(encoding="utf-8")
    page.write_text(markers.replace(ours, {**markers.contents(ours), "damap2_link_record/link/response": theirs}))
    done = render_cli("--into", str(page), "--check")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "in 1 block(s) (damap2_link_record/link/response)" in done.stderr
    removed = [line for line in done.stdout.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert any('"creators": [{"name": "Doe, Jane"}]' in line for line in removed)


def test_into_the_theme_page(theme_damap, tmp_path):
    page = tmp_path / "damap.html"
    shutil.copy(theme_damap, page)
    original = page.read_text(encoding="utf-8")
    marked = mark(original)
    page.write_text(marked, encoding="utf-8")
    done = render_cli("--into", str(page), "--check")
    assert done.returncode == 1
    stale = re.search(r"block\(s\) \(([^)]*)\)", done.stderr)[1].split(", ")
    assert stale == ["damap1_fetch_dmps/list/token",  # the same message, laid out on one line
                     "damap1_fetch_dmps/list/python", "damap1_fetch_dmps/list/response",  # POST; invented maDMPs
                     "damap2_link_record/link/token",
                     "damap2_link_record/link/curl", "damap2_link_record/link/python",  # no /damap
                     "damap2_link_record/link/status", "damap2_link_record/link/response"]  # hand-typed record

    assert render_cli("--into", str(page)).returncode == 0
    updated = page.read_text(encoding="utf-8")
    assert strip_blocks(updated) == strip_blocks(marked) and messages(updated) == messages(original)
    jinja2.Environment(extensions=["jinja2.ext.i18n"]).parse(updated)
    assert "requests.get(url, headers=headers)" in updated and "requests.post(url, headers=headers)" in updated
    assert "/invenio_damap/dmp/" not in updated and "Doe, Jane" not in updated
    assert render_cli("--into", str(page), "--check").returncode == 0
