"""The API page's hand-kept list of its cases agrees with the cases (README, "Adding a case",
"Numbering"): the introduction's list (``api_cases_text``), each headed case's anchor
(``id="case<n>"``), its heading's number and title, and the cases' order on the page.

Everything expected is derived from ``load_cases(page="api")``, except which cases have a
heading, which no case script says: it is read from the page (a case has one when the
nearest heading above its first Endpoint line carries an ``id="case<n>"``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jinja2.nodes
import pytest

from apidocs.core.blocks import blocks_of
from apidocs.core.content import pages
from apidocs.core.model import Case
from apidocs.entry.loader import load_cases
from apidocs.render import markers, template
from apidocs.render.preview import environment

#: the docs project's pages (cases/project.toml)
PAGES = pages()

PAGE = PAGES["api"]
HEADING = re.compile(r"<h[1-6]\b(?P<attributes>[^>]*)>(?P<text>.*?)</h[1-6]>", re.S)
ANCHOR = re.compile(r'\bid="(case\d+)"')


@dataclass(frozen=True)
class Heading:
    position: int
    anchor: str | None
    text: str


def headings(text: str) -> list[Heading]:
    """Every heading of the page, in page order, with its ``id="case<n>"`` if it has one."""
    return [Heading(m.start(), a.group(1) if (a := ANCHOR.search(m["attributes"])) else None, m["text"])
            for m in HEADING.finditer(text)]


def first_endpoint(case: Case, text: str) -> int:
    """Where the case's first snippet step's first block (its Endpoint line) sits."""
    spans = markers.find(text)
    return spans[blocks_of(case.name, case.snippets[0])[0].name].start


def heading_above(position: int, text: str) -> Heading | None:
    above = [h for h in headings(text) if h.position < position]
    return above[-1] if above else None


def number(case: Case) -> int:
    """``<n>`` of ``<prefix><n>_…``."""
    return int(re.match(rf"{re.escape(PAGE.case_prefix)}(\d+)_", case.name).group(1))


def cases_text(text: str) -> list[str]:
    """The list the page sets as ``api_cases_text``, read from the template's syntax tree."""
    tree = environment(template(PAGE.name)).parse(text)
    values = [a.node.as_const() for a in tree.find_all(jinja2.nodes.Assign)
              if isinstance(a.target, jinja2.nodes.Name) and a.target.name == "api_cases_text"]
    assert len(values) == 1, "page/api.html sets api_cases_text once"
    return values[0]


@pytest.fixture(scope="module")
def page() -> tuple[str, list[Case], list[tuple[Case, Heading]]]:
    """The template's text, its cases, and each headed case with its heading, in page order."""
    text = template(PAGE.name).read_text(encoding="utf-8")
    cases = load_cases(page=PAGE.name)
    headed = [(case, heading) for case in cases
              if (heading := heading_above(first_endpoint(case, text), text)) and heading.anchor]
    return text, cases, headed


def test_the_headed_cases_sit_on_the_page_in_the_order_of_their_numbers(page):
    text, _, headed = page
    positions = [first_endpoint(case, text) for case, _ in headed]
    assert positions == sorted(positions), [case.name for case, _ in headed]
    assert [number(case) for case, _ in headed] == sorted(number(case) for case, _ in headed)


def test_each_anchor_is_one_headed_case_numbered_in_page_order(page):
    text, _, headed = page
    anchors = [h.anchor for h in headings(text) if h.anchor]
    assert headed, "no case under an id=\"case<n>\" heading"
    assert [heading.anchor for _, heading in headed] == anchors  # one case each, no anchor without a case
    assert anchors == [f"case{n}" for n in range(1, len(anchors) + 1)]  # the page numbers the cases it heads


def test_each_heading_says_its_number_on_the_page_and_its_title(page):
    _, _, headed = page
    for shown, (case, heading) in enumerate(headed, start=1):
        assert f"Case {shown} - {case.title}" in heading.text, case.name


def test_the_introductions_list_is_the_headed_cases_titles(page):
    text, _, headed = page
    assert cases_text(text) == [case.title for case, _ in headed]
