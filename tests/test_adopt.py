"""Adopting TU Wien's own template files (render --into / --from), from the theme's real wheels.

The files are the releases' own: 2026.1.9's ``about/api.html`` and ``about/damap.html`` (the
release the reference instance pins) and 2025.1.13's ``about_api.html``. Nothing here
names a block: the blocks are the catalogue's, the prose is the theme's.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jinja2
import pytest
from conftest import ROOT, assert_one_line, downloaded_theme_file, installed_theme_file, run_cli

from apidocs.core.content import pages
from apidocs.render import adopt, findings, markers, template
from apidocs.render.preview import render_html

#: the docs project's pages (cases/project.toml)
PAGES = pages()

#: (release, the page's file in it, our page)
THEME_FILES = [("2026.1.9", "about/api.html", "api"), ("2026.1.9", "about/damap.html", "damap"),
               ("2025.1.13", "about_api.html", "api")]
PIN = re.search(r"^invenio-theme-tuw(?:\[[^\]]*\])?==(\S+)", (ROOT / "instance" / "requirements.txt").read_text(),
                re.M | re.I)[1]


def theme_file(version: str, relative: str, folder: Path) -> Path:
    found = downloaded_theme_file(version, relative, folder)
    if found is None:
        pytest.skip(f"invenio-theme-tuw {version} cannot be downloaded")
    return found


def our_blocks(page: str, leaving_out: tuple[str, ...] = ()) -> set[str]:
    return {name for name in markers.find(template(page).read_text(encoding="utf-8"))
            if name.split("/")[0] not in leaving_out}


def new_cases(page: str, release: str) -> tuple[str, ...]:
    """The cases our page shows and the release does not yet (none, until a case is added)."""
    return adopt.new_cases(release, markers.contents(template(page).read_text(encoding="utf-8")))


def released_cases(page: str, release: str, folder: Path) -> list[str]:
    """``--cases-dir`` for the cases the release shows: a copy of the cases without the new ones."""
    new = new_cases(page, release)
    if not new:
        return []
    shutil.copytree(ROOT / "cases", folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in new:
        (folder / f"{name}.py").unlink()
    return ["--cases-dir", str(folder)]


@pytest.mark.parametrize(("version", "relative", "page"), THEME_FILES)
def test_adopting_a_theme_file_changes_nothing_outside_the_blocks(version, relative, page, tmp_path):
    original = theme_file(version, relative, tmp_path / "wheel").read_text(encoding="utf-8")
    copy = tmp_path / Path(relative).name
    copy.write_text(original, encoding="utf-8")

    cases = released_cases(page, original, tmp_path / "cases")
    done = run_cli("render", "--page", page, "--into", str(copy), *cases)
    assert done.returncode == 0 and "adopted and updated" in done.stdout, done.stdout + done.stderr
    adopted = copy.read_text(encoding="utf-8")
    assert set(markers.find(adopted)) == our_blocks(page, new_cases(page, original))
    # TU's prose, comments, css and javascript blocks, byte for byte
    assert adopt.compare_prose(adopted, original) == adopt.ProseComparison(adopt.Prose.SAME)
    jinja2.Environment(extensions=["jinja2.ext.i18n"]).parse(adopted)

    assert run_cli("render", "--page", page, "--into", str(copy), *cases).returncode == 0
    assert copy.read_text(encoding="utf-8") == adopted  # again on its own output: nothing changes
    assert run_cli("render", "--page", page, "--into", str(copy), "--check", *cases).returncode == 0


@pytest.mark.parametrize(("version", "relative", "page"), THEME_FILES)
def test_the_markers_alone_keep_the_html_and_the_text(version, relative, page, tmp_path):
    """Marked but not yet rendered, the page reads as TU's does (each marker strips only
    the whitespace the block's own first tag stripped), and unmarked it is TU's file."""
    original = theme_file(version, relative, tmp_path / "wheel")
    text = original.read_text(encoding="utf-8")
    new = new_cases(page, text)
    ours = markers.contents(template(page).read_text(encoding="utf-8"))
    marked = adopt.adopt(text, {name: body for name, body in ours.items() if name.split("/")[0] not in new})
    assert markers.without(marked) == text
    (tmp_path / "marked").mkdir()
    (tmp_path / "marked" / original.name).write_text(marked, encoding="utf-8")
    assert render_html(tmp_path / "marked" / original.name) == render_html(original)


def test_a_block_the_page_lacks_is_named_and_nothing_is_written(tmp_path):
    original = theme_file("2026.1.9", "about/api.html", tmp_path / "wheel").read_text(encoding="utf-8")
    in_order = list(markers.find(template("api").read_text(encoding="utf-8")))
    query = next(name for name in in_order if name.endswith("/query"))
    answer = next(name for name in in_order if name.endswith("/response"))  # the first Example Response's
    cut = re.sub(r'<p><strong>\{\{ _\("Query Parameters:"\) \}\} </strong>.*?</p>', "", original, count=1)
    cut = re.sub(r'<p><strong>\{\{ _\("Example Response"\) \}\} \(HTTP.*?PREFORMATTED AREA TEXT END', "", cut,
                 count=1, flags=re.S)
    page = tmp_path / "api.html"
    page.write_text(cut, encoding="utf-8")

    done = run_cli("render", "--page", "api", "--into", str(page))
    assert_one_line(done, "cannot place", query, "Query Parameters:", answer)
    assert page.read_text(encoding="utf-8") == cut


@pytest.mark.parametrize("page", list(PAGES))
def test_our_pages_are_the_pinned_releases_pages(page, tmp_path):
    """page/ differs from the theme release instance/requirements.txt pins only inside its blocks."""
    relative = f"about/{page}.html"
    theirs = installed_theme_file(relative, tmp_path)
    if theirs is None:
        pytest.skip(f"invenio-theme-tuw {PIN} is not at hand")
    ours = template(page).read_text(encoding="utf-8")
    compared = adopt.compare_prose(ours, theirs.read_text(encoding="utf-8"))
    assert compared.prose is not adopt.Prose.CHANGED, (
        f"page/{page}.html differs from invenio-theme-tuw {PIN}'s {relative} outside its blocks: take the new"
        f" prose in with `.venv/bin/apidocs render --page {page} --from {theirs}`")
    if compared.added:  # a new case's section, not released yet: the nightly job's patch carries it to the theme
        print(f"page/{page}.html is ahead of invenio-theme-tuw {PIN}: {', '.join(compared.new_cases)}")


def test_a_theme_move_takes_the_new_prose_in_and_keeps_the_blocks(tmp_path):
    old = theme_file("2025.1.13", "about_api.html", tmp_path / "old")
    new = theme_file("2026.1.9", "about/api.html", tmp_path / "new")
    page = tmp_path / "api.html"
    shutil.copy(old, page)
    cases = released_cases("api", old.read_text(encoding="utf-8"), tmp_path / "cases")
    assert run_cli("render", "--page", "api", "--into", str(page), *cases).returncode == 0
    before = page.read_text(encoding="utf-8")
    # the pin moved: the test above fails
    assert adopt.compare_prose(before, new.read_text(encoding="utf-8")).prose is adopt.Prose.CHANGED

    done = run_cli("render", "--page", "api", "--into", str(page), "--from", str(new), *cases)
    assert done.returncode == 0, done.stderr
    after = page.read_text(encoding="utf-8")
    assert adopt.compare_prose(after, new.read_text(encoding="utf-8")).prose is adopt.Prose.SAME
    assert "SPDX-License-Identifier: MIT" in after and "{{ webpack['invenio-theme-tuw-about.css'] }}" in after
    assert markers.contents(after) == markers.contents(before)


def test_a_section_our_page_adds_is_ahead_and_a_changed_word_is_not(tmp_path):
    """A new case's section in our page (the README skeleton's shape) is an addition to the
    release; a word of TU's prose changed is a change, wherever it is."""
    theirs = theme_file("2026.1.9", "about/api.html", tmp_path / "wheel").read_text(encoding="utf-8")
    ours = template("api").read_text(encoding="utf-8")
    end = ours.rindex("\n", 0, ours.index("<h3", ours.index('<h3 id="case1"') + 1)) + 1  # the 2nd case's heading
    section = ('    <h3 id="case1b">{{ _("A new case") }}</h3>\n    <p><strong>{{ _("Endpoint:") }} </strong><code>'
               + markers.begin("case1b_new/get/endpoint") + "GET /api/x" + markers.END + "</code></p>\n")
    compared = adopt.compare_prose(ours[:end] + section + ours[end:], theirs)
    assert compared.prose is adopt.Prose.AHEAD and "case1b_new" in compared.new_cases
    assert markers.without(section).replace("GET /api/x", "") in "".join(compared.added)
    word = re.search(r"User Story:", ours)
    changed = ours[:word.start()] + "User story:" + ours[word.end():]
    assert adopt.compare_prose(changed, theirs).prose is adopt.Prose.CHANGED


# ------------------------------------------------------------------ the theme's own faults, reported
def test_the_theme_files_faults_are_found_outside_the_blocks_only(tmp_path):
    theirs = theme_file("2026.1.9", "about/damap.html", tmp_path / "wheel").read_text(encoding="utf-8")
    literal = [number for number, line in enumerate(theirs.splitlines(), start=1) if 'data-tooltip="Copy' in line]
    assert literal, "the release's DAMAP page has no untranslatable tooltip any more: drop this finding"
    assert [f.line for f in findings.theme_findings(theirs, "damap.html")
            if "tooltip" in f.problem] == literal
    inside = markers.begin("x/y/curl") + '<button data-tooltip="Copy">' + markers.END
    assert findings.theme_findings(inside, "page.html") == []


def test_lint_reports_the_theme_findings_and_passes():
    done = run_cli("lint")
    assert done.returncode == 0, done.stdout + done.stderr
    expected = findings.summary(findings.theme_findings(template("damap").read_text(encoding="utf-8"),
                                                        "page/damap.html"))
    assert expected and all(line in done.stdout for line in expected)
