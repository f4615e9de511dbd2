"""A transcript block: the cells of a notebook and what each printed and returned, in the
layout of the page that shows it.

The page's layout, kept: a markdown cell is a ``# comment`` line; a code cell is its
source after ``[n]: ``, further lines indented under the first; its output follows after
``[n]: `` again, further lines indented by two; a blank line ends each code cell. The
value a cell returns shows as its repr, after what it printed. A ``pip install`` cell's
log (local paths, versions) shows as ``...``, as the page has it. Pure functions.
"""

from __future__ import annotations

from apidocs.core import volatile
from apidocs.core.transcript import CODE, Cell
from apidocs.runner.results import CellRun

#: What stands for a ``pip install`` cell's log.
ELIDED = "..."


def cell_output(cell: Cell, run: CellRun) -> list[str]:
    """The lines a code cell shows as its output (none: the cell shows none)."""
    if cell.is_shell:
        return [ELIDED] if run.output.strip() else []
    lines = run.output.rstrip("\n").splitlines() if run.output.strip() else []
    return lines + ([run.value] if run.value is not None else [])


def prompted(number: int, lines: list[str], indent: str) -> list[str]:
    """``lines`` after a ``[n]: `` prompt, the lines after the first indented by ``indent``."""
    return [f"[{number}]: {lines[0]}", *(indent + line for line in lines[1:])]


def layout(cells: tuple[Cell, ...], runs: list[CellRun]) -> str:
    """The transcript's text: ``cells`` (the page's text) with ``runs`` (one per code cell)."""
    lines: list[str] = []
    code = iter(enumerate(runs, 1))
    for cell in cells:
        if cell.kind != CODE:
            lines += [f"# {line}" for line in cell.source.splitlines()]
            continue
        number, run = next(code)
        lines += prompted(number, cell.source.splitlines(), " " * len(f"[{number}]: "))
        output = cell_output(cell, run)
        if output:
            lines += prompted(number, output, "  ")
        lines.append("")
    return volatile.TEMP_DIR.sub(volatile.TEMP_DIR_STAND_IN, "\n".join(lines).rstrip("\n"))
