"""Each mistake of the seed page, put back into a copy of the cases, makes verify fail
with a message naming the case and the step (offline, against the committed cassettes)."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from conftest import mutate, run_cli


class Mistake(NamedTuple):
    file: str  # in the cases folder
    pattern: str  # what the mistake replaces (a regex) ...
    replacement: str  # ... with what
    step: str  # "case › step" that must fail
    says: tuple[str, ...]  # what the failure must say


MISTAKES = {
    "python search uses = where cURL uses :": Mistake(
        "snippets/case2_search/search.py", r'("q": "climate AND metadata\.publication_date):', r"\1=",
        "case2_search › search",
        ("Python and cURL sent different requests — query parameter 'q'", "metadata.publication_date=[2023-01-01"),
    ),
    "cURL file init body wrapped in files": Mistake(
        "snippets/case4_attach_file/init.sh", r"""-d '\[\{"key": "example_dataset.csv"\}\]""",
        """-d '{"files": [{"key": "example_dataset.csv"}]}""",
        "case4_attach_file › init", ('body: Python sent [{"key": "example_dataset.csv"}], cURL sent {"files"',),
    ),
    "publish sent with a body": Mistake(
        "snippets/case4_attach_file/publish.py", r"requests\.post\(url, headers=headers\)",
        'requests.post(url, json={"metadata": {"title": "New Dataset Title"}}, headers=headers)',
        "case4_attach_file › publish", ("sent a body", "to an endpoint that takes none"),
    ),
    "snippet missing its Authorization header": Mistake(
        "snippets/case3_upload/create.sh",
        r'(curl -X POST "\{\{ config\.SITE_API_URL \}\}/records" \\\n)'
        r'\s*-H "Authorization: Bearer \{your-access-token\}" \\\n',
        r"\1", "case3_upload › create", ("no Authorization header, but this endpoint needs a token",),
    ),
    "query on a field that does not exist": Mistake(
        "case2_search.py", r'_parameter\("q", "q=metadata\.title:climate", \{"q": TITLE_QUERY\}',
        '_parameter("q", "q=title:climate", {"q": "title:climate"}',
        "case2_search › param-q", ("request not in the cassette: GET /api/records?q=title%3Aclimate&sort=oldest",),
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES.values(), ids=MISTAKES.keys())
def test_a_seed_mistake_fails_verify_naming_the_step(cases_copy, mistake: Mistake):
    mutate(cases_copy / mistake.file, mistake.pattern, mistake.replacement)
    case = mistake.step.split(" › ")[0]
    done = run_cli("verify", case, "--cases-dir", str(cases_copy))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert f"FAIL {mistake.step}" in done.stdout
    for words in mistake.says:
        assert words in done.stdout, done.stdout


def test_the_steps_after_a_failure_name_where_their_chain_stopped(cases_copy):
    mistake = MISTAKES["cURL file init body wrapped in files"]
    mutate(cases_copy / mistake.file, mistake.pattern, mistake.replacement)
    done = run_cli("verify", "case4_attach_file", "--cases-dir", str(cases_copy))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "skip case4_attach_file › upload" in done.stdout
    assert "not run in cURL (its chain stopped at init)" in done.stdout
