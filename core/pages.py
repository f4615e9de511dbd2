"""The theme's pages that show API snippets: which cases are theirs, and our template of each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Page:
    """A page of invenio-theme-tuw that shows API snippets: its cases and our template of it."""

    name: str
    #: its case scripts are ``<prefix><n>_*.py`` in the cases folder, in page order
    prefix: str
    #: our template of the page, in ``page/``
    template: str

    @property
    def path(self) -> Path:
        return ROOT / "page" / self.template


#: Every page, in the order runs and renders go through them.
PAGES = {page.name: page for page in (
    Page("api", prefix="case", template="about_api.html"),
    Page("damap", prefix="damap", template="damap.html"),
)}
