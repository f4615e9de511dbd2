"""Pure block builders: snippet texts, recorded responses in page terms, escaping."""

from __future__ import annotations

import json

import jinja2
import pytest

from apidocs.core.model import API_URL, Action, Case, Expect, Snippet
from apidocs.render import blocks
from apidocs.render.errors import RenderError
from apidocs.runner.capture import Exchange
from apidocs.runner.results import StepResult, StepRun

PROXY = "http://127.0.0.1:40000/api"
STEP = Snippet(
    name="get", title="Get", method="GET", endpoint="/api/records/{record_id}",
    texts={"python": 'import requests\nprint(requests.get("{{ config.SITE_API_URL }}/records/abcde-12345").json())\n',
           "curl": 'curl "{{ config.SITE_API_URL }}/records/abcde-12345"'},
    expect=Expect(200), example=("id", "metadata.title", "metadata.resource_type", "hits.*.id", "links.self"),
)
CASE = Case(name="c1", title="T", story="S", steps=(STEP,), placeholders={"abcde-12345": "record_id"})
RECORDED = {
    "links": {"self": "http://invenio.invalid/api/records/recid-00003",
              "html": "https://invenio.invalid/records/recid-00003"},
    "metadata": {"resource_type": {"title": {"en": "Dataset"}, "id": "dataset"},
                 "title": "A <b> & {{ x }}", "extra": 1},
    "hits": [{"id": "recid-00007", "x": 1}, {"id": "recid-00003"}],
    "id": "recid-00003",
}


def run(document=RECORDED, headers=None, status=200, body=None) -> StepRun:
    exchange = Exchange("GET", "/api/records/recid-00003", {}, b"", status=status,
                        response_headers=headers or {"Content-Type": "application/json"},
                        response_body=body if body is not None else json.dumps(document).encode())
    return StepRun("python", exchanges=[exchange], table={API_URL: PROXY, "abcde-12345": "recid-00003"})


def test_snippet_blocks_are_the_case_text():
    assert blocks.snippet_block(STEP, "curl") == STEP.texts["curl"]
    assert blocks.snippet_block(STEP, "python") == STEP.texts["python"].rstrip()
    assert blocks.inline_block(Action("p", "GET", "/records", Expect(200), inline="size=50")) == "size=50"


def test_example_is_trimmed_ordered_indented_and_in_page_terms():
    text = blocks.example_json(CASE, STEP, run())
    assert text == """{
  "id": "abcde-12345",
  "metadata": {
    "title": "A <b> & {{ x }}",
    "resource_type": {
      "id": "dataset",
      "title": {
        "en": "Dataset"
      }
    }
  },
  "hits": [
    {
      "id": "fghij-67890"
    },
    {
      "id": "abcde-12345"
    }
  ],
  "links": {
    "self": "{{ config.SITE_API_URL }}/records/abcde-12345"
  }
}"""


def test_other_instance_urls_become_the_ui_url():
    assert blocks.page_terms('"https://invenio.invalid/records/recid-00003"', CASE, run()) == \
        '"{{ config.SITE_UI_URL }}/records/abcde-12345"'


def test_a_missing_example_path_is_refused():
    document = {k: v for k, v in RECORDED.items() if k != "links"}
    with pytest.raises(RenderError, match="c1/get: example path 'links.self' is not in the recorded response"):
        blocks.example_json(CASE, STEP, run(document))


def test_headers_status_and_content_length_from_the_body():
    step = Snippet(**{**STEP.__dict__, "example": None, "example_headers": ("Content-Type", "Content-Length", "ETag")})
    recorded = run(headers={"content-type": "text/csv", "ETag": '"abc"'}, body=b"a,b\n1,2\n")
    assert blocks.example_headers(CASE, step, recorded) == 'Content-Type: text/csv\nContent-Length: 8\nETag: "abc"'
    assert blocks.status_line(CASE, step, run(status=202)) == "HTTP 202 - Accepted"
    step = Snippet(**{**STEP.__dict__, "example": None, "example_headers": ("Date",)})
    with pytest.raises(RenderError, match="example header 'Date'"):
        blocks.example_headers(CASE, step, recorded)


def test_step_blocks_need_a_verified_run_for_an_example():
    with pytest.raises(RenderError, match="c1/get: no verified run"):
        blocks.step_blocks(CASE, None, STEP)
    result = StepResult("c1", STEP, {"python": run(), "curl": run()})
    assert set(blocks.step_blocks(CASE, result, STEP)) == {"c1/get/endpoint", "c1/get/token", "c1/get/curl",
                                                           "c1/get/python", "c1/get/response", "c1/get/status"}


def test_template_text_renders_back_to_the_exact_text():
    text = 'x = "{{ config.SITE_API_URL }}/a?b=1&c=<2>"  # {{ not jinja }} {% nor this %} {# nor #}'
    source = blocks.template_text("c/s/python", text)
    assert source.startswith("\n") and source.endswith("\n") and "&lt;2&gt;" in source
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    html = env.from_string(source).render(config={"SITE_API_URL": "https://h/api"})
    import html as html_module
    assert html_module.unescape(html) == "\n" + text.replace("{{ config.SITE_API_URL }}", "https://h/api") + "\n"
    assert blocks.template_text("c/s/status", "HTTP 200 - OK") == "HTTP 200 - OK"
