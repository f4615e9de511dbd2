"""Finding and loading the case scripts of each page (``cases/`` holds only the content).

Each case module defines ``CASE`` (a :class:`core.model.Case`) named like its file. A page
of the theme with API snippets has its cases under one file-name prefix
(:data:`core.pages.PAGES`): ``case<n>_*.py`` for the API page, ``damap<n>_*.py`` for DAMAP.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from core.errors import ApidocsError
from core.model import Case
from core.pages import PAGES, ROOT

#: The project's own cases.
HERE = ROOT / "cases"


def case_files(folder: Path = HERE, page: str | None = None) -> list[Path]:
    """The case scripts of ``page`` (default: of every page), in page order; none is an
    error, since a run of 0 cases checks nothing."""
    if not folder.is_dir():
        raise ApidocsError(f"{folder} is {'not a folder' if folder.exists() else 'missing'}: no cases to verify")
    pages = [PAGES[page]] if page else PAGES.values()
    found = [path for p in pages for path in sorted(folder.glob(f"{p.prefix}[0-9]*.py"))]
    if not found:
        patterns = ", ".join(f"{p.prefix}<n>_*.py" for p in pages)
        raise ApidocsError(f"no case scripts ({patterns}) in {folder}: there is nothing to verify")
    return found


def load_case(path: Path) -> Case:
    """Import a case module from a file (also from a copy of this folder, in tests)."""
    spec = importlib.util.spec_from_file_location(f"_apidocs_case_{path.stem}_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a broken case script is bad input: name it, no traceback
        line = getattr(exc, "lineno", None) or _line_in(exc, path)
        raise ApidocsError(f"cannot load {path}{f' (line {line})' if line else ''}: {type(exc).__name__}: {exc}") from None
    case = getattr(module, "CASE", None)
    if not isinstance(case, Case):
        raise ApidocsError(f"{path} defines no CASE")
    if not case.steps:
        raise ApidocsError(f"{path}: {case.name} has no steps, so there is nothing to verify")
    return case


def _line_in(exc: BaseException, path: Path) -> int | None:
    """The line of ``path`` where ``exc`` was raised, from its traceback."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(path):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def load_cases(names: list[str] | None = None, folder: Path = HERE, page: str | None = None) -> list[Case]:
    """The cases of ``page`` (default: every page) in page order, or just ``names``.

    An unknown name is an error."""
    cases = [load_case(path) for path in case_files(folder, page)]
    if not names:
        return cases
    by_name = {c.name: c for c in cases}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ApidocsError(f"unknown case {', '.join(unknown)}: known are {', '.join(by_name)}")
    return [by_name[n] for n in names]
