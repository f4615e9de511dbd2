"""A page that shows API snippets: which cases are its, our template of it, and where the app has it.

The docs project declares its pages (``cases/project.toml``, read by
:mod:`apidocs.core.content`); the engine names none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from apidocs.core import project


@dataclass(frozen=True)
class Page:
    """A page of the theme that shows API snippets: its cases, our template of it, the theme's."""

    name: str
    #: our template of the page, in the project's ``page/``
    template: str
    #: its case scripts are ``<case_prefix><n>_*.py`` in the cases folder, in page order
    case_prefix: str
    #: the theme's template we stand in for, as the app looks it up (relative to a templates folder)
    theme_template: str
    #: where the app serves it
    served_at: str

    @property
    def path(self) -> Path:
        return project.root() / "page" / self.template

    @property
    def case_glob(self) -> str:
        """The file names of its case scripts: ``<case_prefix><n>_*.py``."""
        return f"{self.case_prefix}[0-9]*.py"

    @property
    def case_pattern(self) -> str:
        """:attr:`case_glob` as a reader writes it: ``<case_prefix><n>_*.py``."""
        return f"{self.case_prefix}<n>_*.py"
