"""A maintainer's day, in a copy of this checkout: after each documented workflow, the whole
`make test` passes there (CI runs it: a change that follows README must not turn it red).

- a snippet changed (README's own example: ``size=5`` added to the search) and
  `apidocs update` against the reference instance;
- a case added following README's "Adding a case" (the skeleton pasted from README); the
  nightly job's patch then carries its section into the theme's file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, installed_theme_file, run_cli

from apidocs.core.content import pages
from apidocs.entry.loader import load_cases
from apidocs.render import theme

pytestmark = pytest.mark.live


def checkout_copy(folder: Path) -> Path:
    """A clone of this checkout with its uncommitted changes, sharing the tool's .venv."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(folder)], check=True)
    changed = subprocess.run(["git", "ls-files", "-m", "-o", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, changed):
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    return folder


def make_test(copy: Path) -> subprocess.CompletedProcess:
    """README's test command, in the copy (its .venv is up to date: not made again)."""
    env = {"PATH": f"{ROOT / '.venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(Path.home())}
    return subprocess.run(["make", "-o", ".venv/.installed", "test"], cwd=copy, env=env, capture_output=True,
                          text=True, timeout=1200)


def assert_green(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 0, (done.stdout + done.stderr)[-8000:]
    assert re.search(r"\d+ passed", done.stdout), done.stdout[-2000:]


def test_a_snippet_change_and_its_update_keep_make_test_green(tmp_path, instance_env):
    copy = checkout_copy(tmp_path / "checkout")
    case = next(c for c in load_cases(folder=copy / "cases") if any(s.shows_query for s in c.snippets))
    step = next(s for s in case.snippets if s.shows_query)
    folder = copy / "cases" / "snippets" / case.name
    python, curl = folder / f"{step.name}.py", folder / f"{step.name}.sh"
    python.write_text(re.sub(r"(params = \{\n)", r'\1    "size": 5,\n', python.read_text(), count=1))
    curl.write_text(re.sub(r"(\n  --data-urlencode )", r'\1"size=5" \\\1', curl.read_text(), count=1))
    assert '"size": 5' in python.read_text() and '"size=5"' in curl.read_text()

    done = run_cli("update", case.name, "--project", str(copy), env=instance_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{case.name}/{step.name}/query" in done.stdout  # the Query Parameters line follows the request
    assert_green(make_test(copy))


NEW_CASE = '''\
"""List a record's versions (added following README's "Adding a case")."""

from apidocs.core.model import Case, Expect, Snippet
from cases.common import FIND_RECORD

CASE = Case(
    name="{name}",
    title="List a record's versions",
    story="As a researcher, I want to see every version of a dataset so that I can cite the one I used.",
    placeholders={{"abcde-12345": "record_id"}},
    steps=(
        FIND_RECORD,
        Snippet(
            name="get",
            title="List the versions",
            method="GET",
            endpoint="/api/records/{{record_id}}/versions",
            expect=Expect(200, fields={{"hits.total": int, "hits.hits": list}}),
            example=("hits.total", "hits.hits.*.id", "hits.hits.*.metadata.title"),
        ),
    ),
)
'''
SNIPPETS = {
    "py": 'import requests\n\nurl = "{{ config.SITE_API_URL }}/records/abcde-12345/versions"\n'
          "response = requests.get(url)\nprint(response.json())\n",
    "sh": 'curl "{{ config.SITE_API_URL }}/records/abcde-12345/versions"\n',
}


def readme_skeleton(readme: str) -> tuple[str, str]:
    """README's skeleton for a new snippet step, and the case/step name it is written for."""
    start = re.search(r"A skeleton for a new snippet\s+step", readme).end()
    skeleton = re.search(r"```[a-z]*\n(.*?)```", readme[start:], re.S)[1]
    return skeleton, re.search(r"apidocs:begin (\w+/[\w-]+)/", skeleton)[1]


def test_a_case_added_following_readme_keeps_make_test_green(tmp_path, instance_env):
    copy = checkout_copy(tmp_path / "checkout")
    skeleton, step = readme_skeleton((copy / "README.md").read_text(encoding="utf-8"))
    name = step.split("/")[0]
    assert int(re.match(r"case(\d+)_", name)[1]) == len(load_cases(page="api", folder=copy / "cases")) + 1
    (copy / "cases" / f"{name}.py").write_text(NEW_CASE.format(name=name))
    (copy / "cases" / "snippets" / name).mkdir()
    for suffix, text in SNIPPETS.items():
        (copy / "cases" / "snippets" / name / f"{step.split('/')[1]}.{suffix}").write_text(text)
    # the skeleton goes after the last numbered case, before the next <h2>; its title
    # joins the list of cases at the top, and K is its place there
    page = copy / "page" / "api.html"
    text = page.read_text(encoding="utf-8")
    listed = re.search(r"set api_cases_text = \[\n(.*?)\n(\s*)\]", text, re.S)
    number = listed[1].count("\n") + 2
    case = load_cases(folder=copy / "cases", names=[name])[0]
    section = (skeleton.replace("TITLE", case.title).replace("STORY", case.story)
               .replace('"caseK"', f'"case{number}"').replace("Case K", f"Case {number}"))
    text = text[:listed.end(1)] + f'\n{listed[2]}  "{case.title}",' + text[listed.end(1):]
    last_case = list(re.finditer(r'<h3 id="case\d+"', text))[-1]
    heading = text.rindex("\n", 0, text.index("<h2", last_case.end())) + 1
    page.write_text(text[:heading] + section + "\n" + text[heading:], encoding="utf-8")

    done = run_cli("update", name, "--project", str(copy), env=instance_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert_green(make_test(copy))
    # the nightly job in the theme repository: TU's released file lacks the new case; the
    # patch carries its section there, and the file is then the verified page
    repo = tmp_path / "theme"
    theirs = installed_theme_file("about/api.html", tmp_path / "wheel")
    if theirs is None:
        pytest.skip("the pinned invenio-theme-tuw release is not at hand")
    target = repo / theme.theme_file(pages()["api"])
    target.parent.mkdir(parents=True)
    shutil.copy(theirs, target)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    patch = tmp_path / "theme.patch"
    checked = run_cli("render", "--check", "--theme-repo", str(repo), "--patch", str(patch), "--page", "api",
                      "--project", str(copy))
    assert checked.returncode == 1 and f"lacks what our page adds for {name}" in checked.stderr, checked.stderr
    subprocess.run(["git", "apply", str(patch)], cwd=repo, check=True)
    assert target.read_text(encoding="utf-8") == page.read_text(encoding="utf-8")
