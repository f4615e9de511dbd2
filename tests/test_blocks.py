"""The page-block catalogue (core.blocks) on the real cases: which blocks a step has."""

from __future__ import annotations

from apidocs.loader import load_cases
from core.blocks import blocks_of
from core.pages import PAGES
from render import markers

CASES = {case.name: case for case in load_cases()}


def names(case: str, step: str) -> list[str]:
    return [block.name for block in blocks_of(case, CASES[case].step(step))]


def test_every_page_has_a_marker_for_each_block_of_its_cases_and_no_other():
    for page in PAGES.values():
        catalogue = {block.name for case in load_cases(page=page.name) for step in case.steps
                     for block in blocks_of(case.name, step)}
        assert set(markers.find(page.path.read_text(encoding="utf-8"))) == catalogue, page.name


def test_a_step_has_its_languages_its_example_and_the_status_shown_with_it():
    assert names("case1_metadata", "get") == ["case1_metadata/get/python", "case1_metadata/get/curl",
                                             "case1_metadata/get/response", "case1_metadata/get/status"]
    assert names("case5_download", "download") == ["case5_download/download/python", "case5_download/download/curl",
                                                   "case5_download/download/headers", "case5_download/download/status"]
    assert names("case3_upload", "create") == ["case3_upload/create/python", "case3_upload/create/curl"]
    assert names("case2_search", "param-size") == ["case2_search/param-size/inline"]
    assert names("case1_metadata", "find-record") == []  # plumbing the page does not show
