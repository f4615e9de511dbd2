"""Lint every snippet as a reader would paste it: placeholders filled, then the language's
linter (:attr:`apidocs.core.languages.Language.lint`: ruff for Python, shellcheck for cURL).

A snippet the page shows must be code a linter accepts: an unused import, a typo in a
variable, an unquoted expansion in a shell line is a mistake on the page even when the
request still works.

A notebook transcript's cells (the VRC page) are linted as the notebook they are: their
code cells written into an ``.ipynb``, which ruff reads as IPython (its ``%pip`` and
``!pip`` escapes are not Python, and automagic's bare ``pip install`` is the ``%pip``
magic), each finding named at its line of the cells file and its cell's ``[n]``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from apidocs.core import content, languages, project
from apidocs.core.errors import ApidocsError
from apidocs.core.model import API_URL, TOKEN, Case, Transcript
from apidocs.core.transcript import CELLS_SUFFIX, CODE, Cell, cells
from apidocs.runner.placeholders import materialise

#: What the token placeholder becomes for linting: a value a reader would paste (the API
#: URL becomes the site's, as the docs project declares it).
EXAMPLE_TOKEN = "0123456789abcdef"


@dataclass(frozen=True)
class LintFinding:
    """What the linter found in one snippet: one message a finding, each ``FILE:LINE:COL: ...``
    with the snippet's own file (its lines are the page's: filling placeholders adds none)."""

    case: str
    step: str
    language: str
    messages: tuple[str, ...]

    def line(self) -> str:
        return f"{self.case} › {self.step} ({languages.label(self.language)})"


def filled(text: str, api_url: str) -> str:
    """``text`` with the API URL (``api_url``) and the token filled in (the page's example
    ids are plausible as they are)."""
    table = {API_URL: api_url, TOKEN: EXAMPLE_TOKEN}
    return materialise(text, table)


def lint_cases(cases: Iterable[Case], snippets: Path) -> tuple[list[LintFinding], int]:
    """Every finding of every snippet, and how many snippet texts were linted; ``snippets``:
    the snippet folder as the findings name it (``cases/snippets``).

    Each linter first runs once over all its language's snippets (one process, not one a
    snippet); only when that finds something is each snippet linted alone, to name it.
    """
    findings: list[LintFinding] = []
    #: language → (case, step, the linted copy, how a finding about the copy names the case's file)
    scripts: dict[str, list[tuple[str, str, Path, Callable[[str], str]]]] = {}
    api_url = content.of_project().api_url
    with tempfile.TemporaryDirectory(prefix="apidocs-lint-") as tmp:
        for case in cases:
            for step in case.snippets:
                for name, text in step.texts.items():
                    language = languages.language(name)
                    if not language.lint:
                        continue
                    script = Path(tmp) / case.name / f"{step.name}{language.suffix}"
                    script.parent.mkdir(parents=True, exist_ok=True)
                    script.write_text(filled(text, api_url) + "\n", encoding="utf-8")
                    snippet = snippets / case.name / script.name
                    scripts.setdefault(name, []).append(
                        (case.name, step.name, script, partial(_in_snippet, script=script.name, snippet=snippet)))
            for transcript in (step for step in case.steps if isinstance(step, Transcript)):
                code = [cell for cell in cells(transcript.text) if cell.kind == CODE]
                script = Path(tmp) / case.name / f"{transcript.name}.ipynb"
                script.parent.mkdir(parents=True, exist_ok=True)
                script.write_text(notebook(code, api_url), encoding="utf-8")
                file = snippets / case.name / f"{transcript.name}{CELLS_SUFFIX}"
                scripts.setdefault(NOTEBOOK_LANGUAGE, []).append(
                    (case.name, transcript.name, script,
                     partial(_in_cells, script=script.name, file=file, code=tuple(code))))
        check_installed([languages.language(name) for name in scripts])
        for name, found in scripts.items():
            language = languages.language(name)
            if _run(language, [script for _, _, script, _ in found], Path(tmp)) is None:
                continue
            for case_name, step_name, script, named in found:
                output = _run(language, [script], script.parent)
                if output is not None:
                    findings.append(LintFinding(case_name, step_name, name, tuple(map(named, output))))
    return findings, sum(len(found) for found in scripts.values())


#: The language whose linter reads a transcript's cells (ruff reads notebooks as IPython).
NOTEBOOK_LANGUAGE = "python"


def notebook(code: list[Cell], api_url: str) -> str:
    """An ``.ipynb`` of the code cells ``code`` (placeholders filled, the API URL ``api_url``),
    in order: cell n of it is the page's ``[n]``. A ``pip install`` cell is the escape IPython
    makes of it."""
    def lines(text: str) -> list[str]:
        return text.splitlines(keepends=True)

    return json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                   "source": lines(filled(cell.as_ipython, api_url))} for cell in code],
        "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5,
    })


#: ruff's name for a place in a notebook: ``NAME.ipynb:cell N:LINE:COL: …``
_CELL_PLACE = re.compile(r"^(?P<script>[^:]+):cell (?P<cell>\d+):(?P<line>\d+):(?P<rest>.*)$")


def _in_cells(message: str, script: str, file: Path, code: tuple[Cell, ...]) -> str:
    """A finding about the notebook's cell N, line L, as one about the cells file's line and the
    page's cell ``[N]``."""
    place = _CELL_PLACE.match(message)
    if not place or place["script"] != script or not 0 < int(place["cell"]) <= len(code):
        return message
    number = int(place["cell"])
    line = code[number - 1].line + int(place["line"]) - 1
    return f"{file}:{line}:{place['rest']} (cell [{number}])"


def check_installed(linting: list[languages.Language]) -> None:
    """Every linter ``linting`` needs is there; those missing are named in one line, with how
    to install them that fits how the tool itself was installed: the checkout's own .venv is
    ``make``'s, any other environment pip's."""
    missing = [language for language in linting if shutil.which(language.lint[0]) is None]
    if not missing:
        return
    named = " and ".join(f"the {language.label} linter {language.lint[0]}" for language in missing)
    packages = " ".join(language.lint_package for language in missing if language.lint_package)
    plural = len(missing) > 1
    if not packages:
        how = ""
    elif project.own_install(project.root()):
        how = f" (`make verify` installs {'them' if plural else 'it'} into .venv)"
    else:
        how = f" (`pip install {packages}` into the environment apidocs runs in)"
    raise ApidocsError(f"{named} {'are' if plural else 'is'} not installed{how}")


def _in_snippet(message: str, script: str, snippet: Path) -> str:
    """A finding about the linted copy, as one about the snippet's file."""
    return f"{snippet}{message.removeprefix(script)}" if message.startswith(f"{script}:") else message


def _run(language: languages.Language, scripts: list[Path], folder: Path) -> list[str] | None:
    """The linter's findings about ``scripts`` (run in ``folder``), one a line, or None when they are clean."""
    done = subprocess.run([*language.lint, *map(str, scripts)], cwd=folder, capture_output=True, text=True,
                          timeout=120)
    if done.returncode == 0:
        return None
    text = (done.stdout + done.stderr).replace(str(folder) + "/", "")
    return [line.strip() for line in text.splitlines() if line.strip()]
