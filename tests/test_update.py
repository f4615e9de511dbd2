"""A maintainer's change: a snippet edited after its case was recorded is named with the one
command that records it again (`apidocs update`), and a case without a usable cassette
fails alone while the others are still verified."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from conftest import ROOT, assert_one_line, mutate_snippet, run_cli, shown
from test_any_instance import remove, wait_for_search

from apidocs.core.content import pages
from apidocs.core.fixtures import MARKER, declared, foreign_records
from apidocs.entry.loader import load_cases
from apidocs.render import markers
from apidocs.runner import cassettes, provision
from apidocs.runner.api import Api
from cases import flows

#: the docs project's pages (cases/project.toml)
PAGES = pages()

#: The search step (the one that lists its query parameters) and its case.
SEARCH_CASE = next(case for case in load_cases() if any(step.shows_query for step in case.snippets))
SEARCH = next(step for step in SEARCH_CASE.snippets if step.shows_query)
#: Its query, and that query as a maintainer might narrow it: it still finds the same records.
OLD_QUERY = re.search(r'"q": "([^"]+)"', SEARCH.texts["python"])[1]
NEW_QUERY = f"metadata.title:{OLD_QUERY}"


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but Python's bytecode caches (loading the cases writes them)."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts}


def test_a_case_without_a_usable_cassette_fails_alone(project_copy):
    """One cassette missing, another broken: each fails its own case, named, and the other
    cases are still verified."""
    api = load_cases(page="api")
    lost, spoilt = api[0], api[-1]
    missing = project_copy / "cassettes" / f"{lost.name}.yaml"
    missing.unlink()
    broken = project_copy / "cassettes" / f"{spoilt.name}.yaml"
    broken.write_text("interactions: [unclosed\n")
    done = run_cli("verify", "--check-pages", "--project", str(project_copy))
    assert_one_line(done, "2 case(s) could not run", lost.name, str(missing), spoilt.name, str(broken))
    others = [case for case in load_cases() if case.name not in (lost.name, spoilt.name)]
    for case in others:
        assert f"ok   {case.name} › {case.steps[-1].name}" in done.stdout, done.stdout
    verified = sum(len(case.steps) for case in others)
    assert f"{verified} passed, 0 failed, 0 drifted, 0 skipped" in done.stdout
    assert "damap.html is up to date" in done.stdout  # a page whose cases all ran is still checked
    assert f"api.html not checked: 2 of its {len(api)} cases did not run" in done.stdout


def test_verify_names_the_command_and_the_case_when_a_snippet_changed(project_copy):
    mutate_snippet(project_copy / "cases", SEARCH_CASE.name, SEARCH.name, re.escape(OLD_QUERY), NEW_QUERY)
    done = run_cli("verify", SEARCH_CASE.name, "--project", str(project_copy))
    assert done.returncode == 1, done.stdout + done.stderr
    # the difference in full: the one parameter that changed, sent and recorded
    assert f"differs in query: q sent '{NEW_QUERY}', recorded '{OLD_QUERY}'" in done.stdout
    assert f"Run `apidocs update {SEARCH_CASE.name}` against an instance" in done.stdout


def test_update_without_an_instance_names_the_cases_and_changes_nothing(project_copy):
    mutate_snippet(project_copy / "cases", SEARCH_CASE.name, SEARCH.name, re.escape(OLD_QUERY), NEW_QUERY)
    other = next(case for case in load_cases() if case.name != SEARCH_CASE.name)
    (project_copy / "cassettes" / f"{other.name}.yaml").unlink()
    before = files(project_copy)
    done = run_cli("update", "--project", str(project_copy))
    names = " ".join(case.name for case in load_cases() if case.name in (SEARCH_CASE.name, other.name))
    assert_one_line(done, f"needs recording: {names}; cannot record: DOCS_API_URL is not set")
    assert files(project_copy) == before


@pytest.mark.live
def test_update_records_the_changed_case_and_renders_only_its_blocks(project_copy, instance_env):
    mutate_snippet(project_copy / "cases", SEARCH_CASE.name, SEARCH.name, re.escape(OLD_QUERY), NEW_QUERY)
    done = run_cli("update", SEARCH_CASE.name, "--project", str(project_copy), env=instance_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"changed: {shown(project_copy / 'cassettes' / f'{SEARCH_CASE.name}.yaml')}" in done.stdout
    assert f'+  --data-urlencode "q={NEW_QUERY}' in done.stdout  # the block's short diff
    cassettes = files(project_copy / "cassettes")
    assert [name for name, data in files(ROOT / "cassettes").items() if cassettes[name] != data] == [
        f"{SEARCH_CASE.name}.yaml"]
    step = f"{SEARCH_CASE.name}/{SEARCH.name}"
    for page in PAGES.values():
        ours = markers.contents(page.path.read_text(encoding="utf-8"))
        theirs = markers.contents((project_copy / "page" / page.template).read_text(encoding="utf-8"))
        changed = {name for name in ours if ours[name] != theirs[name]}
        assert changed <= {f"{step}/{kind}" for kind in ("curl", "python", "response")}, changed
        assert {f"{step}/curl", f"{step}/python"} <= changed or not any(n.startswith(step) for n in ours)
    assert run_cli("verify", "--check-pages", "--project", str(project_copy)).returncode == 0


@pytest.mark.live
def test_update_refuses_an_example_showing_records_that_are_not_ours(project_copy, instance_env):
    """Someone else's published record matches the search example: `apidocs update` must not
    put it on the page; it says why, and the cassette and the page stay as they were."""
    cases = project_copy / "cases"
    search = next(case for case in load_cases(folder=cases) if any(s.example and s.shows_query for s in case.snippets))
    fixture = next(f for f in declared(cases) if "climate" in f.keywords)  # what the search example finds
    metadata = fixture.metadata()
    metadata["metadata"]["subjects"] = [{"subject": keyword} for keyword in fixture.keywords]  # no marker
    metadata["metadata"]["title"] = f"{fixture.title} (someone else's)"
    api = Api(instance_env["DOCS_API_URL"])
    tokens = {"depositor": instance_env["DOCS_API_TOKEN"], "curator": instance_env["DOCS_CURATOR_TOKEN"]}
    bound: dict[str, str] = {}
    provision.perform(api, flows.publish(metadata, fixture.files[:1]), tokens, bound)
    try:
        wait_for_search(instance_env, f'id:"{bound["record_id"]}"', 1)
        before = files(project_copy / "cassettes") | files(project_copy / "page")
        done = run_cli("update", search.name, "--project", str(project_copy), env=instance_env)
        output = done.stdout + done.stderr
        assert done.returncode == 1, output
        assert "not fixtures of the verified API docs" in output and bound["record_id"] in output, output
        assert "NOT recorded" in output
        assert files(project_copy / "cassettes") | files(project_copy / "page") == before
    finally:
        remove(instance_env, bound["record_id"])
        wait_for_search(instance_env, f'id:"{bound["record_id"]}"', 0)


def test_only_fixtures_are_in_the_committed_examples_and_a_stranger_is_named():
    """Every record a committed cassette shows in a search is a fixture; one without the
    marker subject is named (``id 'title'``) as the recording guard names it."""
    answers = [recorded.json() for path in sorted((ROOT / "cassettes").glob("*.yaml"))
               for recorded in cassettes.load_interactions(path)
               if recorded.status == 200 and recorded.body.startswith(b"{")]
    searches = [body for body in answers if isinstance(body.get("hits"), dict)]
    assert searches and all(foreign_records(body) == [] for body in searches)
    body = copy.deepcopy(next(body for body in searches if body["hits"]["hits"]))
    stranger = body["hits"]["hits"][-1]
    stranger["metadata"]["subjects"] = [s for s in stranger["metadata"]["subjects"] if MARKER not in s["subject"]]
    assert foreign_records(body) == [f"{stranger['id']} {stranger['metadata']['title']!r}"]
