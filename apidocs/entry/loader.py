"""Finding and loading the case scripts of each page (``cases/`` holds only the content).

Each case module defines ``CASE`` (a :class:`apidocs.core.model.Case`) named like its file. A page
of the theme with API snippets has its cases under one file-name prefix, ``<prefix><n>_*.py``,
as the docs project declares its pages (:mod:`apidocs.core.content`).
"""

from __future__ import annotations

import functools
import importlib.util
import sys
import types
from dataclasses import replace
from pathlib import Path

from apidocs.core import content, languages, project
from apidocs.core.errors import ApidocsError
from apidocs.core.languages import snippet_folder, snippet_path
from apidocs.core.messages import did_you_mean
from apidocs.core.model import Case, Snippet, Transcript
from apidocs.core.transcript import CELLS_SUFFIX, cells


def page_files(folder: Path | None = None, page: str | None = None) -> dict[str, list[Path]]:
    """The case scripts of ``page`` (default: of every page) in ``folder`` (default: the docs
    project's ``cases/``), page by page, in page order; none at all is an error, since a run
    of 0 cases checks nothing."""
    folder = folder or project.cases()
    if not folder.is_dir():
        raise ApidocsError(f"{folder} is {'not a folder' if folder.exists() else 'missing'}: no cases to verify")
    pages = [content.page(page)] if page else content.pages().values()
    found = {p.name: sorted(folder.glob(p.case_glob)) for p in pages}
    if not any(found.values()):
        patterns = ", ".join(p.case_pattern for p in pages)
        raise ApidocsError(f"no case scripts ({patterns}) in {folder}: there is nothing to verify")
    return found


#: The package name a cases folder is imported under, so that its case scripts can share
#: declarations (``from cases.common import FIND_RECORD``) without the folder being installed.
PACKAGE = "cases"


def bind_package(folder: Path) -> None:
    """Make ``folder`` the package :data:`PACKAGE`; a folder bound before (the project's,
    when a test loads a copy of it) is forgotten with every module imported from it."""
    bound = sys.modules.get(PACKAGE)
    if bound is not None and list(getattr(bound, "__path__", [])) == [str(folder)]:
        return
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    package = types.ModuleType(PACKAGE, f"the case scripts of {folder}")
    package.__path__ = [str(folder)]
    sys.modules[PACKAGE] = package


def _import(path: Path):
    """Run a module of the cases folder from its file (also a copy of the folder, in tests)."""
    bind_package(path.parent)
    spec = importlib.util.spec_from_file_location(f"_apidocs_case_{path.stem}_{abs(hash(path))}", path)
    if spec is None or spec.loader is None:  # a file name Python cannot import from
        raise ApidocsError(f"{path}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a broken case script is bad input: name it, no traceback
        line = getattr(exc, "lineno", None) or _line_in(exc, path)
        raise ApidocsError(f"cannot load {path}{f' (line {line})' if line else ''}: "
                           f"{type(exc).__name__}: {exc}") from None
    return module


#: The module of a cases folder that declares how a record is published: its ``publish``.
FLOWS = "flows.py"


def load_publish(folder: Path) -> content.Publish:
    """The cases folder's publish flow (``flows.py``'s ``publish``), which ``apidocs provision``
    sends to create a fixture: code, not data, since the cases build their own steps from it."""
    path = folder / FLOWS
    if not path.is_file():
        raise ApidocsError(f"{path} is missing: it declares how a record is published (publish), which"
                           " provisioning the fixtures needs")
    publish = getattr(_import(path), "publish", None)
    if not callable(publish):
        raise ApidocsError(f"{path} declares no publish(metadata, files)")
    return publish


@functools.cache
def load_languages(folder: Path) -> None:
    """A cases folder may add languages: its ``languages.py`` calls :func:`apidocs.core.languages.register`."""
    if (folder / "languages.py").is_file():
        _import(folder / "languages.py")


def snippet_texts(folder: Path, step: Snippet) -> dict[str, str]:
    """``<step>.<suffix>`` of every registered language found in ``folder``, in registry order."""
    texts = {}
    for language in languages.REGISTRY.values():
        path = snippet_path(folder, step.name, language)
        if path.is_file():
            texts[language.name] = path.read_text(encoding="utf-8").rstrip("\n")
    return texts


def transcript_text(folder: Path, case: str, step: Transcript) -> str:
    """``<step>.ipy`` in ``folder``: the transcript's cells (checked here, so a bad file is
    one line before any run)."""
    path = folder / f"{step.name}{CELLS_SUFFIX}"
    try:
        text = path.read_text(encoding="utf-8").rstrip("\n")
    except OSError as exc:
        raise ApidocsError(f"{case}/{step.name}: cannot read its cells file {path}: {exc.strerror}") from None
    cells(text, str(path))
    return text


def with_texts(case: Case, folder: Path) -> Case:
    """The case with each snippet's texts read from ``folder``; every snippet must have
    the same languages, since each language runs the whole case as its own chain."""
    steps, seen = [], None
    for step in case.steps:
        if isinstance(step, Snippet):
            texts = snippet_texts(folder, step)
            if not texts:
                raise ApidocsError(f"{case.name}/{step.name}: no snippet file in {folder}"
                                   f" ({', '.join(step.name + lang.suffix for lang in languages.REGISTRY.values())})")
            if seen is not None and set(texts) != seen:
                raise ApidocsError(f"{case.name}/{step.name}: snippets in {', '.join(texts)}, but the case's other"
                                   f" snippets are in {', '.join(sorted(seen))}")
            seen = set(texts)
            step = replace(step, texts=texts)
        elif isinstance(step, Transcript):
            step = replace(step, text=transcript_text(folder, case.name, step))
        steps.append(step)
    return replace(case, steps=tuple(steps))


def load_case(path: Path) -> Case:
    """A case script's ``CASE``, with its snippets' texts from ``snippets/<case>/``."""
    load_languages(path.parent)
    module = _import(path)
    case = getattr(module, "CASE", None)
    if not isinstance(case, Case):
        raise ApidocsError(f"{path} defines no CASE")
    if not case.steps:
        raise ApidocsError(f"{path}: {case.name} has no steps, so there is nothing to verify")
    return with_texts(case, snippet_folder(path.parent, case.name))


def _line_in(exc: BaseException, path: Path) -> int | None:
    """The line of ``path`` where ``exc`` was raised, from its traceback."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(path):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def load_pages(folder: Path | None = None, page: str | None = None) -> dict[str, list[Case]]:
    """The cases of each page (default: every page; a page without case scripts in
    ``folder`` has none), page by page, in page order."""
    return {name: [load_case(path) for path in paths] for name, paths in page_files(folder, page).items()}


def load_cases(names: list[str] | None = None, folder: Path | None = None, page: str | None = None) -> list[Case]:
    """The cases of ``page`` (default: every page) in page order, or just ``names``.

    An unknown name is an error."""
    return pick([case for cases in load_pages(folder, page).values() for case in cases], names)


def pick(cases: list[Case], names: list[str] | None) -> list[Case]:
    """``names`` of ``cases``, in the order given (all of them when no name is given);
    an unknown name is an error, with the name meant when it is misspelt."""
    if not names:
        return cases
    by_name = {c.name: c for c in cases}
    unknown = [n + did_you_mean(n, by_name) for n in names if n not in by_name]
    if unknown:
        raise ApidocsError(f"unknown case {', '.join(unknown)}: known are {', '.join(by_name)}")
    return [by_name[n] for n in names]
