"""The docs project a command runs in: the folder that holds the content.

The installed engine carries no content. The case scripts and their snippets
(``cases/``), the page templates (``page/``) and the recorded answers (``cassettes/``)
belong to the docs project, a checkout of this repository: the nightly job clones it,
a maintainer works in it. A command finds it from ``--project`` (which sets
``DOCS_PROJECT``), else ``DOCS_PROJECT``, else the nearest folder at or above the working
directory that holds ``cases/`` and ``page/`` — as git finds its repository.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from apidocs.core.errors import ApidocsError, SettingError

#: The variable naming the project folder (``--project`` sets it for the command's run).
VARIABLE = "DOCS_PROJECT"
#: The folders a docs project holds, which tell it from any other folder.
CONTENT = ("cases", "page")


def is_project(folder: Path) -> bool:
    return all((folder / name).is_dir() for name in CONTENT)


def root(environ: dict[str, str] | None = None) -> Path:
    """The docs project's folder; none found is one line saying where it was looked for."""
    env = os.environ if environ is None else environ
    given = env.get(VARIABLE, "").strip()
    if given:
        return checked(given, f"{VARIABLE}={given!r}")
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    raise ApidocsError(f"no docs project at or above {here}: run apidocs in a clone of the verified API docs"
                       f" (a folder with {_content()}), or name it with --project"
                       f" or {VARIABLE}")


def checked(given: str, named: str) -> Path:
    """The folder ``given`` names, if it is a docs project; ``named`` is how the refusal names
    the setting that gave it, as the user wrote it (``--project 'x'`` or ``DOCS_PROJECT='x'``)."""
    folder = Path(given).expanduser().resolve()
    if not is_project(folder):
        raise SettingError(f"{named}: not a docs project (it needs {_content()})")
    return folder


def _content() -> str:
    return " and ".join(f"{name}/" for name in CONTENT)


def own_install(folder: Path) -> bool:
    """The running tool is ``folder``'s own: ``make`` installed it (``pip install -e``) from
    ``folder``'s sources into ``folder/.venv``, where README's ``.venv/bin/apidocs`` and
    ``make verify`` lead; not a tool installed with pip, from a wheel or into another venv."""
    return (Path(sys.prefix).resolve() == (folder / ".venv").resolve()
            and Path(__file__).resolve().is_relative_to(folder / "apidocs"))


def cases() -> Path:
    """The project's case scripts and snippets."""
    return root() / "cases"
