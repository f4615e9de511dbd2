"""The page-block catalogue (apidocs.core.blocks) on the real cases: which blocks a step has, and
which of them a problem makes stale, decided by the problem's kind, never by its words."""

from __future__ import annotations

from apidocs.core.blocks import blocks_of, stale_blocks
from apidocs.core.content import pages
from apidocs.core.problems import Kind, Problem, data_missing
from apidocs.entry.loader import load_cases
from apidocs.render import markers

#: the docs project's pages (cases/project.toml)
PAGES = pages()

CASES = {case.name: case for case in load_cases()}


def names(case: str, step: str) -> list[str]:
    return [block.name for block in blocks_of(case, CASES[case].step(step))]


def stale(case: str, step: str, problem: Problem, language: str = "python") -> list[str]:
    return stale_blocks(case, CASES[case].step(step), problem, language)


def test_every_page_has_a_marker_for_each_block_of_its_cases_and_no_other():
    for page in PAGES.values():
        catalogue = {block.name for case in load_cases(page=page.name) for step in case.steps
                     for block in blocks_of(case.name, step)}
        assert set(markers.find(page.path.read_text(encoding="utf-8"))) == catalogue, page.name


def test_a_step_has_its_claims_its_languages_its_example_and_the_status_shown_with_it():
    assert names("case1_metadata", "get") == ["case1_metadata/get/endpoint", "case1_metadata/get/token",
                                             "case1_metadata/get/python", "case1_metadata/get/curl",
                                             "case1_metadata/get/response", "case1_metadata/get/status"]
    assert names("case5_download", "download") == ["case5_download/download/endpoint", "case5_download/download/token",
                                                   "case5_download/download/python", "case5_download/download/curl",
                                                   "case5_download/download/headers", "case5_download/download/status"]
    assert names("case3_upload", "create") == ["case3_upload/create/endpoint", "case3_upload/create/token",
                                              "case3_upload/create/python", "case3_upload/create/curl"]
    assert names("case2_search", "param-size") == ["case2_search/param-size/inline"]
    assert names("case1_metadata", "find-record") == []  # plumbing the page does not show


def test_the_kind_decides_which_blocks_go_stale_whatever_the_message_says():
    # a request problem that mentions a header concerns the snippet, not the example headers
    body = Problem(Kind.REQUEST, "sent a body (Authorization header) to an endpoint that takes none")
    assert stale("case5_download", "download", body, "curl") == ["case5_download/download/curl"]
    # a request against the claim lines: the snippet, or its Endpoint and Token Required lines
    token = Problem(Kind.CLAIM, "no Authorization header, but this endpoint needs a token")
    assert stale("case5_download", "download", token, "curl") == [
        "case5_download/download/endpoint", "case5_download/download/token", "case5_download/download/curl"]
    # the same words under another kind: the answer the page shows is stale with it
    assert stale("case5_download", "download", Problem(Kind.STATUS, token.message)) == [
        "case5_download/download/python", "case5_download/download/headers", "case5_download/download/status"]
    assert stale("case1_metadata", "get", Problem(Kind.FIELD, "reworded: 'metadata' is gone")) == [
        "case1_metadata/get/python", "case1_metadata/get/response"]
    # words that used to mark blocks stale mark none when the data is missing
    assert stale("case2_search", "search", data_missing("expected HTTP 200: documented field 'hits' missing")) == []
    mismatch = Problem(Kind.MISMATCH, "Python and cURL sent different requests", languages=("python", "curl"))
    assert stale("case3_upload", "create", mismatch, "") == ["case3_upload/create/python", "case3_upload/create/curl"]
    # an action shows at most its inline example
    assert stale("case2_search", "param-size", Problem(Kind.EFFECT, "size=50: 10 hits")) == [
        "case2_search/param-size/inline"]
    assert stale("case1_metadata", "find-record", Problem(Kind.TRANSPORT, "request not in the cassette")) == []


def test_a_data_problem_is_a_failure_where_the_data_is_there():
    problem = data_missing("the query found 0 records; the example needs at least 1")
    failure = problem.as_failure()
    assert failure.kind is Kind.EFFECT and str(failure) == problem.message
    assert stale("case2_search", "search", failure) == ["case2_search/search/python"]
