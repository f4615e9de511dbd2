"""A notebook transcript's cells: how its file is split into cells, and what a cell is.

The cells file (``cases/snippets/<case>/<step>.ipy``) uses the percent format that
Jupytext and editors know: ``# %%`` starts a code cell, ``# %% [markdown]`` a comment
cell whose lines are ``# text``. IPython runs the file as it is (``pip install`` is its
magic), so a reader can run the cells without the page. Pure functions.

A cell that installs a package is IPython's, not Python: ``pip install …`` (automagic),
``%pip install …`` (the magic) or ``!pip install …`` (a shell command). The kernel runs it
as pip, the page elides its log, and the linter sees it as the magic it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from apidocs.core.errors import ApidocsError

_HEADER = re.compile(r"^# %%(?P<markdown>\s*\[markdown\])?\s*$")
#: A code cell that is a pip command in IPython (automagic, magic or shell), not Python.
_SHELL = re.compile(r"^(?P<escape>[%!]?)pip install\s+\S")

CODE = "code"
MARKDOWN = "markdown"
#: The suffix of a transcript's cells file (IPython runs it as it is).
CELLS_SUFFIX = ".ipy"


@dataclass(frozen=True)
class Cell:
    kind: str  # CODE or MARKDOWN
    source: str  # a markdown cell's text without its ``# ``
    #: the line of the cells file its source starts on (findings about it are named there)
    line: int = field(default=0, compare=False)

    @property
    def is_shell(self) -> bool:
        """A ``pip install`` cell: IPython runs it as a command, the page elides its log."""
        return self.kind == CODE and bool(_SHELL.match(self.source))

    @property
    def as_ipython(self) -> str:
        """The source as a notebook holds it: a ``pip install`` cell as the escape IPython
        turns it into (automagic's ``pip`` is the ``%pip`` magic), any other as it is."""
        shell = _SHELL.match(self.source) if self.kind == CODE else None
        return "%" + self.source if shell and not shell["escape"] else self.source


def cells(text: str, where: str = "the cells file") -> tuple[Cell, ...]:
    """The cells of ``text``; text before the first ``# %%`` or an empty cell is an error
    naming ``where`` and the line."""
    found: list[tuple[str, list[str], int]] = []
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            found.append((MARKDOWN if header["markdown"] else CODE, [], number))
        elif not found:
            raise ApidocsError(f"{where}, line {number}: text before the first '# %%' cell marker")
        else:
            found[-1][1].append(line)
    result = []
    for kind, lines, number in found:
        leading = next((n for n, line in enumerate(lines) if line), 0)  # the empty lines strip("\n") drops
        body = "\n".join(lines).strip("\n")
        if kind == MARKDOWN:
            body = "\n".join(line.removeprefix("#").removeprefix(" ") for line in body.splitlines())
        if not body.strip():
            raise ApidocsError(f"{where}, line {number}: an empty cell")
        result.append(Cell(kind, body, number + 1 + leading))
    if not any(cell.kind == CODE for cell in result):
        raise ApidocsError(f"{where}: no code cell ('# %%')")
    return tuple(result)
