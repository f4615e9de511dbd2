"""The theme repository's own template files, checked against the verified pages.

Run in a checkout of the theme's repository, the nightly job checks the files the theme
ships (in its templates folder, each at the page's theme template: ``cases/project.toml``),
not only our copies in ``page/``. A file that is not the verified page, or
was never adopted, gets a hunk in one patch that ``git apply`` takes at the repository's
root and that makes each file the verified page (:func:`git_diff`).
"""

from __future__ import annotations

import difflib
from pathlib import Path, PurePosixPath

from apidocs.core import content
from apidocs.core.pages import Page


def theme_file(page: Page) -> PurePosixPath:
    """The theme's file of ``page``, relative to the repository's root (POSIX, as git names it):
    the page's theme template in the folder where the theme's package keeps its templates."""
    return PurePosixPath(content.of_project().theme.templates) / page.theme_template


def found(repository: Path, pages: list[Page]) -> dict[str, PurePosixPath]:
    """The theme files ``repository`` holds: page name → path relative to its root."""
    return {page.name: theme_file(page) for page in pages if (repository / theme_file(page)).is_file()}


def git_diff(old: str, new: str, path: PurePosixPath) -> str:
    """A ``git apply``-able diff turning ``old`` into ``new`` for the file at ``path``
    (relative to the repository's root): git's header, ``a/``/``b/`` prefixes, and the
    "No newline at end of file" mark where a side lacks one."""
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    body = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return f"diff --git a/{path} b/{path}\n{body}" if body else ""
