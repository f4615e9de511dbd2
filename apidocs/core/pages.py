"""The theme's pages that show API snippets: which cases are theirs, and our template of each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from apidocs.core import project


@dataclass(frozen=True)
class Page:
    """A page of invenio-theme-tuw that shows API snippets: its cases and our template of it."""

    name: str
    #: its case scripts are ``<prefix><n>_*.py`` in the cases folder, in page order
    prefix: str

    @property
    def template(self) -> str:
        """Our template of the page, in ``page/``: named as the theme names its file."""
        return f"{self.name}.html"

    @property
    def path(self) -> Path:
        return project.root() / "page" / self.template

    @property
    def theme_template(self) -> str:
        """The theme's template we stand in for, as the app looks it up: InvenioRDM's
        ``APP_THEME = ["semantic-ui"]`` makes invenio-app try ``semantic-ui/<name>`` first in
        every folder (the instance's ``templates/`` before the packages'), then ``<name>``;
        the theme ships its page under the prefix, so ours must be there too."""
        return f"semantic-ui/invenio_theme_tuw/about/{self.name}.html"

    @property
    def served_at(self) -> str:
        """Where the app serves it (invenio-theme-tuw's view)."""
        return f"/tuw/about/{self.name}"

    @property
    def case_glob(self) -> str:
        """The file names of its case scripts: ``<prefix><n>_*.py``."""
        return f"{self.prefix}[0-9]*.py"

    @property
    def case_pattern(self) -> str:
        """:attr:`case_glob` as a reader writes it: ``<prefix><n>_*.py``."""
        return f"{self.prefix}<n>_*.py"


#: Every page, in the order runs and renders go through them.
PAGES = {page.name: page for page in (
    Page("api", prefix="case"),
    Page("damap", prefix="damap"),
    Page("vrc", prefix="vrc"),
)}


def is_case_script(path: Path) -> bool:
    """A case script of some page, in a folder named ``cases`` (what pytest collects)."""
    return path.parent.name == "cases" and any(path.match(page.case_glob) for page in PAGES.values())
