"""README's skeleton for a new snippet step ("The page template"), pasted as README says:
its markers are accepted for a step with every block a snippet step can have, every
preformatted area has its copy button when rendered, and each area is laid out as one of
the pages' own (the marker pair on the line of the PREFORMATTED AREA comments, the button
as the theme writes it)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from conftest import ROOT

from apidocs.core.blocks import INLINE_KINDS, blocks_of, kind_of
from apidocs.core.content import pages
from apidocs.core.model import Expect, Snippet
from apidocs.entry.loader import load_cases
from apidocs.render import markers, preview

#: the docs project's pages (cases/project.toml)
PAGES = pages()

SECTION = "## The page template"
#: the case/step README's skeleton is written for, read from its Endpoint marker
SKELETON_STEP = re.compile(r"apidocs:begin (\S+)/endpoint #\}")
CONTAINER = re.compile(r'<div class="ui code-container">.*?</div>', re.S)
SYNTHETIC_CASE = "case99_synthetic"


def skeleton() -> str:
    """The code block of README's "The page template" that holds an Endpoint marker."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(SECTION):].split("\n## ", 1)[0]
    found = [block for block in re.findall(r"^```\n(.*?)^```$", section, re.S | re.M) if SKELETON_STEP.search(block)]
    assert len(found) == 1, "README's page template section has one skeleton"
    return found[0]


def synthetic_step() -> Snippet:
    """A snippet step with the blocks README's skeleton has: every language the API page's
    snippets are in, and an example response (README says how to add a query line or headers)."""
    languages = {language for case in load_cases(page="api") for language in case.languages}
    return Snippet(name="fetch", title="Fetch", method="GET", endpoint="/api/things", expect=Expect(200),
                   texts={language: "snippet" for language in sorted(languages)}, example=("id",))


def pasted() -> str:
    """The skeleton pasted for the synthetic step into a page of the theme's shape."""
    text = skeleton()
    named = text.replace(SKELETON_STEP.search(text).group(1), f"{SYNTHETIC_CASE}/fetch")
    return ("{%- extends config.BASE_TEMPLATE %}\n{%- block page_body %}\n" + named + "{%- endblock page_body %}\n")


def test_the_pasted_skeleton_has_a_marker_pair_for_every_block_of_a_snippet_step():
    expected = {block.name for block in blocks_of(SYNTHETIC_CASE, synthetic_step())}
    assert set(markers.find(pasted(), "README's skeleton")) == expected


class CodeBlocks(HTMLParser):
    """Each ``pre.code-block`` of a page: whether it holds a ``copy-btn`` button."""

    def __init__(self) -> None:
        super().__init__()
        self.buttons: list[bool] = []
        self.inside = False

    def handle_starttag(self, tag, attrs) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "pre" and "code-block" in classes:
            self.buttons.append(False)
            self.inside = True
        elif tag == "button" and "copy-btn" in classes and self.inside:
            self.buttons[-1] = True

    def handle_endtag(self, tag) -> None:
        if tag == "pre":
            self.inside = False


def test_every_preformatted_area_of_the_pasted_skeleton_has_its_copy_button(tmp_path):
    text = pasted()
    filled = markers.replace(text, {name: "x" for name in markers.find(text)})
    page = tmp_path / "skeleton.html"
    page.write_text(filled, encoding="utf-8")
    parser = CodeBlocks()
    parser.feed(preview.render_html(page))
    areas = [name for name in markers.find(text) if kind_of(name) not in INLINE_KINDS]
    assert parser.buttons == [True] * len(areas)


def layouts(text: str) -> set[str]:
    """Each preformatted area of ``text``, emptied, its marker named by its kind only, each
    line without its indentation: its layout."""
    emptied = markers.replace(text, {name: "" for name in markers.find(text)})
    by_kind = re.sub(r"apidocs:begin \S+/([a-z]+) #\}", r"apidocs:begin \1 #}", emptied)
    return {"\n".join(line.strip() for line in area.splitlines()) for area in CONTAINER.findall(by_kind)}


def test_each_area_of_the_skeleton_is_laid_out_as_the_pages_are():
    ours = set().union(*(layouts(page.path.read_text(encoding="utf-8")) for page in PAGES.values()))
    skeleton_areas = layouts(pasted())
    for block in blocks_of(SYNTHETIC_CASE, synthetic_step()):
        if block.kind not in INLINE_KINDS:
            area = [a for a in skeleton_areas if f"apidocs:begin {block.kind} #}}" in a]
            assert len(area) == 1 and area[0] in ours, (block.kind, area)
