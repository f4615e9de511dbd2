"""Placeholders: the page text and the executed text are one snippet, up to declared values."""

from __future__ import annotations

from apidocs.core.model import API_URL, TOKEN
from apidocs.entry.loader import load_cases
from apidocs.runner.placeholders import generalise, materialise, substitutions


def test_every_snippet_round_trips_through_its_placeholders():
    for case in load_cases():
        bound = {name: f"value-of-{name}" for name in case.placeholders.values()}
        for snippet in case.snippets:
            table = substitutions(case, "http://127.0.0.1:9/api", "tok-1", bound)
            for text in snippet.texts.values():
                executed = materialise(text, table)
                assert API_URL not in executed and TOKEN not in executed
                assert not any(page in executed for page in case.placeholders)
                assert generalise(executed, table) == text


def test_unbound_placeholder_stays_visible():
    case = load_cases(["case1_metadata"])[0]
    table = substitutions(case, "http://x/api", None, {})
    assert materialise(case.step("get").texts["python"], table).count("abcde-12345") == 1


def test_snippets_needing_a_token_are_exactly_the_writing_ones():
    """The API page: "creating records or attaching files require an access token ... Other operations are public"."""
    cases = load_cases(page="api")
    needs = {(c.name, s.name) for c in cases for s in c.snippets if s.needs_token}
    writes = {(c.name, s.name) for c in cases for s in c.snippets if c.writes}
    assert needs == writes


def test_every_damap_snippet_needs_a_token():
    """The DAMAP page: "Token Required: Yes" for both endpoints."""
    assert all(s.needs_token for c in load_cases(page="damap") for s in c.snippets)
