"""Each mistake of the seed page, put back into a copy of the cases, makes verify fail
with a message naming the case and the step (offline, against the committed cassettes)."""

from __future__ import annotations

from pathlib import Path

from conftest import mutate, run_cli


def verify(cases: Path, case: str):
    done = run_cli("verify", case, "--cases-dir", str(cases))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def test_python_search_uses_equals_where_curl_uses_colon(cases_copy):
    mutate(cases_copy / "snippets/case2_search/search.py", r'("q": "climate AND metadata\.publication_date):', r"\1=")
    out = verify(cases_copy, "case2_search")
    assert "FAIL case2_search › search" in out
    assert "Python and cURL sent different requests — query parameter 'q'" in out
    assert "metadata.publication_date=[2023-01-01" in out


def test_curl_file_init_body_wrapped_in_files(cases_copy):
    mutate(cases_copy / "snippets/case4_attach_file/init.sh", r"""-d '\[\{"key": "example_dataset.csv"\}\]""",
           """-d '{"files": [{"key": "example_dataset.csv"}]}""")
    out = verify(cases_copy, "case4_attach_file")
    assert "FAIL case4_attach_file › init" in out
    assert 'body: Python sent [{"key": "example_dataset.csv"}], cURL sent {"files"' in out


def test_publish_sent_with_a_body(cases_copy):
    mutate(cases_copy / "snippets/case4_attach_file/publish.py", r"requests\.post\(url, headers=headers\)",
           'requests.post(url, json={"metadata": {"title": "New Dataset Title"}}, headers=headers)')
    out = verify(cases_copy, "case4_attach_file")
    assert "FAIL case4_attach_file › publish" in out
    assert "sent a body" in out and "to an endpoint that takes none" in out


def test_snippet_missing_its_authorization_header(cases_copy):
    mutate(cases_copy / "snippets/case3_upload/create.sh", r'(curl -X POST "\{\{ config\.SITE_API_URL \}\}/records" \\\n)\s*-H "Authorization: Bearer \{your-access-token\}" \\\n', r"\1")
    out = verify(cases_copy, "case3_upload")
    assert "FAIL case3_upload › create" in out
    assert "no Authorization header, but this endpoint needs a token" in out


def test_query_on_a_field_that_does_not_exist(cases_copy):
    mutate(cases_copy / "case2_search.py", r'_parameter\("q", "q=metadata\.title:climate", \{"q": TITLE_QUERY\}',
           '_parameter("q", "q=title:climate", {"q": "title:climate"}')
    out = verify(cases_copy, "case2_search")
    assert "FAIL case2_search › param-q" in out
    assert "request not in the cassette: GET /api/records?q=title%3Aclimate" in out
