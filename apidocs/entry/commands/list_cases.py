"""``apidocs list``: each case's steps, each with its snippet files and the page blocks it
fills: where to edit a snippet, and which markers its page needs."""

from __future__ import annotations

from pathlib import Path

from apidocs.core import project
from apidocs.core.blocks import blocks_of
from apidocs.core.exits import ExitCode
from apidocs.core.languages import language, snippet_folder, snippet_path
from apidocs.core.messages import shown
from apidocs.core.model import Case, Snippet
from apidocs.entry.console import Console
from apidocs.entry.loader import load_cases
from apidocs.entry.options import NoOptions


def main(options: NoOptions, console: Console) -> int:
    for case in load_cases():
        console.say(*case_lines(case))
    return ExitCode.PASSED


def case_lines(case: Case) -> list[str]:
    lines = [f"{case.name}: {case.title}"]
    folder = Path(shown(snippet_folder(project.cases(), case.name)))
    for step in case.steps:
        lines.append(f"  {step.name}{'' if isinstance(step, Snippet) else '  (runner action)'}")
        if isinstance(step, Snippet):
            files = [str(snippet_path(folder, step.name, language(name))) for name in step.languages]
            lines.append(f"    snippets: {', '.join(files)}")
        if blocks := blocks_of(case.name, step):
            lines.append(f"    blocks:   {', '.join(block.name for block in blocks)}")
    return lines
