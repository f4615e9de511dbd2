"""Live runs leave no drafts behind, also when a step fails half-way."""

from __future__ import annotations

import pytest
import requests
from conftest import mutate_snippet, run_cli

pytestmark = pytest.mark.live


def open_drafts(env: dict[str, str]) -> int:
    """The depositor's unpublished drafts on the instance."""
    answer = requests.get(f"{env['DOCS_API_URL']}/user/records", params={"q": "is_published:false", "size": 1},
                          headers={"Authorization": f"Bearer {env['DOCS_API_TOKEN']}"}, timeout=30)
    answer.raise_for_status()
    return answer.json()["hits"]["total"]


def test_drafts_are_deleted_when_a_later_step_fails(cases_copy, instance_env):
    before = open_drafts(instance_env)
    mutate_snippet(cases_copy, "case3_upload", "reserve-doi", r"/draft/pids/doi\"", '/draft/pids/doi-typo"')
    done = run_cli("live", "case3_upload", "--cases-dir", str(cases_copy), env=instance_env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL case3_upload › reserve-doi" in done.stdout
    assert "warning" not in done.stdout  # both drafts deleted without trouble
    after = open_drafts(instance_env)  # a plain int: a failing assert must not print the env's tokens
    assert after == before
