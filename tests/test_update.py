"""A maintainer's change: a snippet edited after its case was recorded is named with the one
command that records it again (`apidocs update`), and a case without a usable cassette
fails alone while the others are still verified."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, assert_one_line, mutate_snippet, run_cli, shown

from apidocs.entry.loader import load_cases
from render import markers

#: Case 2's query, as a maintainer might change it: it still finds the same records.
OLD_QUERY, NEW_QUERY = "climate AND metadata", "metadata.title:climate AND metadata"


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but Python's bytecode caches (loading the cases writes them)."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts}


def test_a_case_without_a_usable_cassette_fails_alone(project_copy):
    """One cassette missing, another broken: each fails its own case, named, and the other
    cases are still verified."""
    missing = project_copy / "cassettes" / "case3_upload.yaml"
    missing.unlink()
    broken = project_copy / "cassettes" / "case5_download.yaml"
    broken.write_text("interactions: [unclosed\n")
    done = run_cli("verify", "--check-pages", "--project", str(project_copy))
    assert_one_line(done, "2 case(s) could not run", "case3_upload", str(missing), "case5_download", str(broken))
    others = ("case1_metadata › get", "case2_search › search", "case4_attach_file › publish",
              "case6_curation › create-request", "damap2_link_record › link")
    for step in others:
        assert f"ok   {step}" in done.stdout, done.stdout
    verified = sum(len(case.steps) for case in load_cases() if case.name not in ("case3_upload", "case5_download"))
    assert f"{verified} passed, 0 failed, 0 drifted, 0 skipped" in done.stdout
    assert "damap.html is up to date" in done.stdout  # a page whose cases all ran is still checked
    assert "api.html not checked: 2 of its 6 cases did not run" in done.stdout


def test_verify_names_the_command_and_the_case_when_a_snippet_changed(project_copy):
    mutate_snippet(project_copy / "cases", "case2_search", "search", OLD_QUERY, NEW_QUERY)
    done = run_cli("verify", "case2_search", "--project", str(project_copy))
    assert done.returncode == 1, done.stdout + done.stderr
    # the difference in full: the one parameter that changed, sent and recorded
    assert (f"differs in query: q sent '{NEW_QUERY}.publication_date:[2023-01-01 TO 2025-12-31]',"
            f" recorded '{OLD_QUERY}.publication_date:[2023-01-01 TO 2025-12-31]'") in done.stdout
    assert "Run `apidocs update case2_search` against an instance" in done.stdout


def test_update_without_an_instance_names_the_cases_and_changes_nothing(project_copy):
    mutate_snippet(project_copy / "cases", "case2_search", "search", OLD_QUERY, NEW_QUERY)
    (project_copy / "cassettes" / "case5_download.yaml").unlink()
    before = files(project_copy)
    done = run_cli("update", "--project", str(project_copy))
    assert_one_line(done, "needs recording: case2_search case5_download; cannot record: DOCS_API_URL is not set")
    assert files(project_copy) == before


@pytest.mark.live
def test_update_records_the_changed_case_and_renders_only_its_blocks(project_copy, instance_env):
    mutate_snippet(project_copy / "cases", "case2_search", "search", OLD_QUERY, NEW_QUERY)
    done = run_cli("update", "case2_search", "--project", str(project_copy), env=instance_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"changed: {shown(project_copy / 'cassettes' / 'case2_search.yaml')}" in done.stdout
    assert f'+  --data-urlencode "q={NEW_QUERY}' in done.stdout  # the block's short diff
    cassettes = files(project_copy / "cassettes")
    assert [name for name, data in files(ROOT / "cassettes").items() if cassettes[name] != data] == [
        "case2_search.yaml"]
    for page in ("api.html", "damap.html"):
        ours = markers.contents((ROOT / "page" / page).read_text(encoding="utf-8"))
        theirs = markers.contents((project_copy / "page" / page).read_text(encoding="utf-8"))
        changed = {name for name in ours if ours[name] != theirs[name]}
        assert changed <= {f"case2_search/search/{kind}" for kind in ("curl", "python", "response")}, changed
        assert {"case2_search/search/curl", "case2_search/search/python"} <= changed or page == "damap.html"
    assert run_cli("verify", "--check-pages", "--project", str(project_copy)).returncode == 0
