"""Against the reference instance: the seed's `title:` query runs, answers 200 — and finds
nothing, which only a check of the documented effect can notice."""

from __future__ import annotations

import pytest
from conftest import mutate, mutate_snippet, run_cli

pytestmark = pytest.mark.live


def test_query_on_missing_field_matches_nothing_live(cases_copy, instance_env):
    mutate(cases_copy / "case2_search.py", r'_parameter\("q", "q=metadata\.title:climate", \{"q": TITLE_QUERY\}',
           '_parameter("q", "q=title:climate", {"q": "title:climate"}')
    done = run_cli("live", "case2_search", "--cases-dir", str(cases_copy), env=instance_env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL case2_search › param-q" in done.stdout
    assert "the query found 0 records" in done.stdout


def test_seed_date_range_drops_records_live(cases_copy, instance_env):
    """`[2023 TO 2025]` on a keyword compares strings: 2025-xx-xx dates fall outside."""
    mutate_snippet(cases_copy, "case2_search", "search", r"\[2023-01-01 TO 2025-12-31\]", "[2023 TO 2025]")
    done = run_cli("live", "case2_search", "--cases-dir", str(cases_copy), env=instance_env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL case2_search › search" in done.stdout
