"""Pure functions: a case step (and its verified run) → the text of a page block.

Which blocks a step has is the catalogue's answer (:func:`apidocs.core.blocks.blocks_of`); this
module fills each. Kinds of block, named ``CASE/STEP/KIND``:

``endpoint``
    the step's method and Endpoint path, as the runner checks each request against them;
``token``
    "No", or "Yes" with the link to create a token, as template source the theme translates
    (:data:`TOKEN_ANSWERS`), from whether the step's snippets send a token;
``curl``, ``python``
    the snippet exactly as the case holds it (the case *is* the page's text);
``response``
    the recorded JSON response, trimmed to the step's ``example`` paths (in the order
    given; keys inside each shown value sorted), pretty-printed with a 2-space indent,
    with the page's placeholders put back; for a step whose answer comes from an
    upstream server that did not answer when it was recorded, what the endpoint
    returns, in words - never an invented example;
``headers``
    the recorded response headers named by the step's ``example_headers``;
``status``
    the recorded status line shown next to an example, e.g. ``HTTP 200 - OK`` (the
    documented one while the upstream server's answer is not recorded);
``inline``
    an action's inline example (the Common Query Parameters list);
``transcript``
    a notebook transcript's cells with what each printed and returned in the verified run
    (:mod:`apidocs.render.transcript`), placeholders back.

:func:`template_text` turns a block's text into template source: HTML-escaped, with
Jinja delimiters neutralised, except the page's ``{{ config.SITE_*_URL }}`` expressions.
"""

from __future__ import annotations

import html
import http
import json
import re
import textwrap
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, urlsplit

from apidocs.core import volatile
from apidocs.core.blocks import (
    ENDPOINT,
    HEADERS,
    INLINE,
    INLINE_KINDS,
    QUERY,
    RESPONSE,
    SOURCE_KINDS,
    STATUS,
    TOKEN_REQUIRED,
    TRANSCRIPT,
    blocks_of,
    kind_of,
)
from apidocs.core.jsonpath import select
from apidocs.core.model import API_URL, Action, Case, Snippet, Step, Transcript
from apidocs.core.transcript import cells
from apidocs.render.errors import RenderError
from apidocs.render.transcript import layout
from apidocs.runner.cassettes import CANONICAL_ORIGIN
from apidocs.runner.placeholders import generalise
from apidocs.runner.results import StepResult, StepRun

UI_URL = "{{ config.SITE_UI_URL }}"
#: The Jinja expressions a block may contain; everything else is literal text.
EXPRESSIONS = (API_URL, UI_URL)
_CANONICAL = re.compile(re.escape(CANONICAL_ORIGIN).replace("http", "https?", 1))
_DELIMITER = re.compile(r"\{[{%#]")


# ------------------------------------------------------------------ snippet blocks
def snippet_block(snippet: Snippet, language: str) -> str:
    return snippet.texts[language].rstrip()


def inline_block(action: Action) -> str:
    return action.inline or ""


def endpoint_line(snippet: Snippet) -> str:
    """The "Endpoint:" line: the method and the path (with its ``{fields}``) every request
    of the step is checked against."""
    return f"{snippet.method} {snippet.endpoint}"


#: The "Token Required:" answer, as template source: the messages the pages have always
#: had, so every catalogue keeps translating them; ``token_link`` is set by each page.
TOKEN_ANSWERS = {
    False: '{{ _("No") }}',
    True: ('{% trans trimmed token_link = token_link %}Yes — generate one <a href="{{ token_link }}">here</a>.'
           '{% endtrans %}'),
}


def token_answer(snippet: Snippet) -> str:
    """Whether the step needs a token: its snippets send ``{your-access-token}`` (the
    runner checks each request carries one, or none)."""
    return TOKEN_ANSWERS[snippet.needs_token]


#: How each block kind taken from the step itself (not its run) is filled, besides its languages'
#: (each builder takes the kind of step that has such a block).
DECLARED: dict[str, Callable[[Any], str]] = {
    INLINE: inline_block, ENDPOINT: endpoint_line, TOKEN_REQUIRED: token_answer}


# ------------------------------------------------------------------ recorded blocks
def page_terms(text: str, case: Case, run: StepRun) -> str:
    """Put the page's placeholders back into recorded text.

    The run's table maps page text → what ran (the proxy URL, the bound ids); only the
    case's own placeholders and the API URL are turned back. Recorded URLs carry the
    canonical origin: its API base becomes ``{{ config.SITE_API_URL }}``, any other URL
    of the instance ``{{ config.SITE_UI_URL }}``.
    """
    table = {page: value for page, value in run.table.items() if page == API_URL or page in case.placeholders}
    text = generalise(text, table)
    text = _CANONICAL.sub(lambda m: "\0", text)
    text = text.replace("\0/api", API_URL).replace("\0", UI_URL)
    return _readable_ids(text)


#: Ids a reader can tell apart, for the recorded aliases no placeholder stands for.
EXAMPLE_IDS = ("abcde-12345", "fghij-67890", "klmno-24680", "pqrst-13579", "uvwxy-11223")


def _readable_ids(text: str) -> str:
    """Recorded aliases (``recid-00003``) → page-style ids, in order of appearance."""
    free = [i for i in EXAMPLE_IDS if i not in text]
    names: dict[str, str] = {}
    for alias in volatile.PID_ALIAS.findall(text):
        if alias not in names and free:
            names[alias] = free.pop(0)
    return volatile.PID_ALIAS.sub(lambda m: names.get(m.group(0), m.group(0)), text)


def example_json(case: Case, step: Snippet, run: StepRun) -> str:
    """The step's example response: recorded JSON, trimmed, ordered, placeholders back."""
    exchange = _response(case, step, run)
    try:
        document = exchange.json()
    except ValueError:
        raise RenderError(f"{case.name}/{step.name}: the recorded response is not JSON,"
                          " but the step has an example") from None
    for path in step.example or ():
        if not _present(document, path.split(".")):
            raise RenderError(f"{case.name}/{step.name}: example path {path!r} is not in the recorded response"
                              " (remove it from the case's example, or record data that has it)")
    trimmed = select(_sorted(document), tuple(step.example or ()))
    return page_terms(json.dumps(trimmed, indent=2, ensure_ascii=False), case, run)


def example_headers(case: Case, step: Snippet, run: StepRun) -> str:
    exchange = _response(case, step, run)
    lines = []
    for name in step.example_headers:
        value = exchange.response_header(name, default=None)
        if value is None and name.lower() == "content-length":
            # the capture proxy drops hop-by-hop headers (it re-frames the body itself); the
            # body it keeps is the one the server sent (identity encoding), so its length is it
            value = str(len(exchange.response_body))
        if value is None:
            raise RenderError(f"{case.name}/{step.name}: example header {name!r} is not in the recorded response")
        lines.append(f"{name}: {value}")
    return page_terms("\n".join(lines), case, run)


def unrecorded_example(step: Snippet) -> str:
    """In place of an example: no real answer of the upstream server was recorded."""
    upstream = step.upstream
    if upstream is None:
        raise RenderError(f"{step.name}: no upstream server is declared, so an example must be recorded")
    lines = [f"No recorded example: no {upstream.name} server answered when this case was recorded.",
             *textwrap.wrap(f"The endpoint returns {upstream.returns}", 88)]
    return "\n".join(lines)


def status_line(case: Case, step: Snippet, run: StepRun) -> str:
    return _status_text(_response(case, step, run).status)


def _status_text(status: int) -> str:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    return f"HTTP {status} - {phrase}"


def _response(case: Case, step: Snippet, run: StepRun):
    if run.response is None or not run.response.status:
        raise RenderError(f"{case.name}/{step.name}: no recorded response to show")
    return run.response


def _present(node: Any, parts: list[str]) -> bool:
    if not parts:
        return True
    head, rest = parts[0], parts[1:]
    if head == "*":
        return isinstance(node, list) and bool(node) and all(_present(item, rest) for item in node)
    return isinstance(node, dict) and head in node and _present(node[head], rest)


def _sorted(node: Any) -> Any:
    """Keys sorted at every level, so a shown value does not depend on the server's order."""
    if isinstance(node, dict):
        return {key: _sorted(node[key]) for key in sorted(node)}
    if isinstance(node, list):
        return [_sorted(item) for item in node]
    return node


# ------------------------------------------------------------------ the page's blocks
def step_blocks(case: Case, result: StepResult | None, step: Step) -> dict[str, str]:
    """``{name: text}`` for every block one step contributes to the page (its catalogue's)."""
    return {block.name: block_text(case, result, step, block.kind) for block in blocks_of(case.name, step)}


def query_line(case: Case, step: Snippet, run: StepRun) -> str:
    """The "Query Parameters:" line, as markup: the names of the query parameters the
    verified request sent, in the order sent (``q``, ``sort``, and ``page``)."""
    query = urlsplit(_response(case, step, run).path).query
    names = list(dict.fromkeys(name for name, _ in parse_qsl(query, keep_blank_values=True)))
    codes = [f"<code>{html.escape(name)}</code>" for name in names]
    if len(codes) < 3:
        return " and ".join(codes)
    return ", ".join(codes[:-1]) + ", and " + codes[-1]


def transcript_block(case: Case, step: Transcript, run: StepRun) -> str:
    """The transcript as the page shows it: the page's cells, the run's outputs in page terms."""
    return page_terms(layout(cells(step.text), run.cells), case, run)


#: How each block kind taken from the verified run is filled (by the kind of step that has it).
RECORDED: dict[str, Callable[[Case, Any, StepRun], str]] = {
    RESPONSE: example_json, HEADERS: example_headers, STATUS: status_line, QUERY: query_line,
    TRANSCRIPT: transcript_block}


def block_text(case: Case, result: StepResult | None, step: Step, kind: str) -> str:
    """The text of ``step``'s block of ``kind``: what the step declares (its Endpoint and
    Token Required lines, its inline example), its snippet, or what the first language's
    verified run got (while an upstream server did not answer, what waits)."""
    if kind in DECLARED:
        return DECLARED[kind](step)
    if isinstance(step, Snippet) and kind in step.languages:
        return snippet_block(step, kind)
    runs = result.runs if result else {}
    run = runs.get(step.languages[0]) if isinstance(step, Snippet) else next(iter(runs.values()), None)
    if run is None:
        raise RenderError(f"{case.name}/{step.name}: no verified run to take the example from")
    if run.waiting and isinstance(step, Snippet):  # the upstream server did not answer: nothing real to show
        return _status_text(step.expect.status) if kind == STATUS else unrecorded_example(step)
    return RECORDED[kind](case, step, run)


def page_blocks(cases: Iterable[Case], results: dict[str, list[StepResult]]) -> dict[str, str]:
    """Every block of the page, as plain text, in page order."""
    blocks: dict[str, str] = {}
    for case in cases:
        by_step = {r.step.name: r for r in results.get(case.name, [])}
        for step in case.steps:
            blocks.update(step_blocks(case, by_step.get(step.name), step))
    return blocks


# ------------------------------------------------------------------ template source
def escape(text: str) -> str:
    """Literal text as template source: HTML-escaped, Jinja delimiters printed as strings."""
    text = html.escape(text, quote=False)
    return _DELIMITER.sub(lambda m: "{{ " + repr(m.group(0)) + " }}", text)


def template_text(name: str, text: str) -> str:
    """A block's content as it sits between its markers (a source kind's text already is)."""
    kind = kind_of(name)
    if kind in SOURCE_KINDS:
        return text
    pattern = "(" + "|".join(re.escape(e) for e in EXPRESSIONS) + ")"
    source = "".join(part if part in EXPRESSIONS else escape(part) for part in re.split(pattern, text))
    if kind in INLINE_KINDS:
        return source
    return "\n" + source + "\n"


def template_blocks(blocks: dict[str, str]) -> dict[str, str]:
    return {name: template_text(name, text) for name, text in blocks.items()}
