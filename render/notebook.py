"""The Python snippets of the verified cases as a Jupyter notebook (nbformat v4).

The first cell sets ``API_URL`` and ``TOKEN`` (and ``CURATOR_TOKEN``, when a step needs a
curator's token); then each case has
a markdown cell (title, user story, endpoints, whether a token is needed) and its steps as
code cells. A snippet's code is the page's text with its placeholders turned into those
variables (``"{{ config.SITE_API_URL }}/records/abcde-12345"`` becomes
``f"{API_URL}/records/{record_id}"``); the runner's own set-up steps (find a record, a
curator accepting a request) become short cells marked as set-up, and an id a later step
needs is taken from the response, so the notebook runs from top to bottom.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path
from typing import Any

import nbformat
from nbformat import v4

from apidocs.core.files import write_atomically
from apidocs.core.model import API_URL, TOKEN, Action, Case, Snippet
from apidocs.render.errors import RenderError
from apidocs.runner.api import auth_headers

TOKEN_NAMES = {"depositor": "TOKEN", "curator": "CURATOR_TOKEN"}
_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


# ------------------------------------------------------------------ code rewriting (pure)
def with_variables(code: str, names: dict[str, str], where: str) -> str:
    """Turn every string literal holding a placeholder into an f-string using ``names``.

    ``names`` maps page text (``{your-access-token}``) → a Python variable (``TOKEN``).
    A placeholder outside a plain string literal is an error naming ``where``.
    """
    lines = code.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.STRING and any(p in token.string for p in names):
                start = offsets[token.start[0] - 1] + token.start[1]
                end = offsets[token.end[0] - 1] + token.end[1]
                edits.append((start, end, _fstring(token.string, names, where)))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise RenderError(f"{where}: the Python snippet does not tokenize: {exc}") from None
    for start, end, text in reversed(edits):
        code = code[:start] + text + code[end:]
    left = [p for p in names if p in _outside_strings(code)]
    if left:
        raise RenderError(f"{where}: placeholder {left[0]!r} outside a string literal cannot become a variable")
    return code


def _fstring(literal: str, names: dict[str, str], where: str) -> str:
    match = re.match(r"([A-Za-z]*)('''|\"\"\"|'|\")", literal)
    if match is None:
        raise RenderError(f"{where}: {literal[:20]!r} is not a string literal")
    prefix, quote = match.group(1), match.group(2)
    if set(prefix.lower()) & {"b", "f"}:
        raise RenderError(f"{where}: a placeholder inside a {prefix}-string literal is not supported")
    body = literal[len(prefix) + len(quote):-len(quote)]
    ordered = sorted(names, key=len, reverse=True)
    for index, page_text in enumerate(ordered):
        body = body.replace(page_text, f"\0{index}\0")
    body = body.replace("{", "{{").replace("}", "}}")
    for index, page_text in enumerate(ordered):
        body = body.replace(f"\0{index}\0", "{" + names[page_text] + "}")
    return "f" + prefix + quote + body + quote


def _outside_strings(code: str) -> str:
    kept = []
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type != tokenize.STRING:
            kept.append(token.string)
    return " ".join(kept)


def literal(value: Any, indent: int = 0) -> str:
    """``value`` as Python source; a string with ``{binding}`` fields becomes an f-string."""
    pad, inner = " " * indent, " " * (indent + 4)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{literal(k)}: {literal(v, indent + 4)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "\n".join(f"{inner}{literal(v, indent + 4)}," for v in value) + f"\n{pad}]"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return "f" + text if _FIELD.search(value) else text
    return repr(value)


def subscripts(path: str) -> str:
    """``hits.hits.0.id`` → ``["hits"]["hits"][0]["id"]``."""
    return "".join(f"[{part}]" if part.isdigit() else f"[{json.dumps(part)}]" for part in path.split("."))


def bind_code(bind: dict[str, str]) -> str:
    return "\n".join(f"{name} = response.json(){subscripts(path)}" for name, path in bind.items())


def action_code(action: Action) -> str:
    """A set-up request the runner sends itself, as a few lines of requests."""
    for name in _FIELD.findall(action.path):
        if not name.isidentifier():
            raise RenderError(f"action {action.name}: {{{name}}} is not a variable name")
    arguments = [f'f"{{API_URL}}{action.path}"']
    if action.params:
        arguments.append(f"params={literal(action.params)}")
    if action.json is not None:
        arguments.append(f"json={literal(action.json)}")
    # the headers the runner sends it with, the token as its variable (a field of the f-string)
    token = "{" + TOKEN_NAMES[action.role] + "}" if action.role else None
    arguments.append(f"headers={literal(auth_headers(token))}")
    lines = [
        "import requests",
        "",
        f"response = requests.{action.method.lower()}({', '.join(arguments)})",
        f"assert response.status_code == {action.expect.status}, response.text",
    ]
    if action.bind:
        lines.append(bind_code(action.bind))
    return "\n".join(lines)


def snippet_code(case: Case, snippet: Snippet) -> str:
    names = {API_URL: "API_URL", TOKEN: TOKEN_NAMES[snippet.role], **case.placeholders}
    for variable in names.values():
        if not variable.isidentifier():
            raise RenderError(f"{case.name}: placeholder binding {variable!r} is not a Python name")
    return with_variables(snippet.texts["python"].rstrip(), names, f"{case.name}/{snippet.name}")


# ------------------------------------------------------------------ the notebook
def setup_cell(api_url: str, cases: list[Case]) -> str:
    """Where the API is and the tokens; the curator's only when a step needs it, saying which."""
    lines = [
        "# Where the API is, and your personal access token (create one in your account's Applications settings).",
        f"API_URL = {json.dumps(api_url)}",
        'TOKEN = "<your-access-token>"',
    ]
    curators = [f"case {number}'s {', '.join(names)}" for number, names in _curator_steps(cases)]
    if curators:
        lines += [f"# Only these steps need a curator's token: {'; '.join(curators)}.",
                  'CURATOR_TOKEN = "<a-curator-access-token>"']
    return "\n".join(lines)


def _curator_steps(cases: list[Case]) -> list[tuple[int, list[str]]]:
    """The notebook's number of each case with steps sent as a curator, and those steps' names."""
    found = [(number, [step.name for step in case.steps if _role(step) == "curator"])
             for number, case in enumerate(cases, start=1)]
    return [(number, names) for number, names in found if names]


def _role(step: object) -> str | None:
    """Whose token a step of the notebook sends (a transcript is not one of its steps)."""
    return step.role if isinstance(step, (Action, Snippet)) else None


def case_markdown(number: int, case: Case) -> str:
    endpoints = "\n".join(f"- `{s.method} {s.endpoint}`" for s in case.snippets)
    token = "yes" if any(s.needs_token for s in case.snippets) else "no"
    return (f"## Case {number} - {case.title}\n\n**User story:** *{case.story}*\n\n"
            f"**Endpoint{'s' if len(case.snippets) > 1 else ''}:**\n\n{endpoints}\n\n**Token required:** {token}")


def build(cases: list[Case], api_url: str) -> nbformat.NotebookNode:
    """The notebook of ``cases``, calling the API at ``api_url``."""
    notebook = v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    cells = [v4.new_code_cell(setup_cell(api_url, cases), metadata={"apidocs": {"role": "setup"}})]
    for number, case in enumerate(cases, start=1):
        cells.append(v4.new_markdown_cell(case_markdown(number, case), metadata={"apidocs": {"case": case.name}}))
        for step in case.steps:
            meta = {"apidocs": {"case": case.name, "step": step.name}}
            if isinstance(step, Action):
                if step.inline:  # a parameter example: shown inline on the page, not a step to run here
                    continue
                source = f"# Set-up (not on the page): {step.name}\n" + action_code(step)
                cells.append(v4.new_code_cell(source, metadata={"apidocs": {**meta["apidocs"], "role": "action"}}))
                continue
            if not isinstance(step, Snippet):  # a transcript is its own notebook already
                continue
            cells.append(v4.new_markdown_cell(f"### {step.title}", metadata=meta))
            for name, content in step.files.items():
                source = (f"# The file the next step uploads\nwith open({json.dumps(name)}, \"wb\") as f:\n"
                          f"    f.write({content!r})")
                cells.append(v4.new_code_cell(source, metadata={"apidocs": {**meta["apidocs"], "role": "file"}}))
            source = snippet_code(case, step)
            if step.bind:
                source += "\n\n# The next step needs this id\n" + bind_code(step.bind)
            cells.append(v4.new_code_cell(source, metadata={"apidocs": {**meta["apidocs"], "role": "snippet"}}))
    notebook.cells = cells
    validate(notebook)
    return notebook


def validate(notebook: nbformat.NotebookNode) -> None:
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as exc:
        raise RenderError(f"the notebook is not valid nbformat v4: {exc.message}") from None


def write(path: Path, notebook: nbformat.NotebookNode) -> None:
    write_atomically(path, nbformat.writes(notebook, version=4) + "\n")
