"""What the docs project documents, as it declares it: ``cases/project.toml``.

The engine carries no content (:mod:`apidocs.core.project`): which pages there are, which
cases each shows and where the app serves it, the app settings the pages are rendered
with, the theme they belong to, and which endpoints take no body are the docs project's,
declared next to its cases as data, read here once per cases folder. A declaration that
is missing or malformed is one line naming the file. How a record is published is code,
declared beside it (``cases/flows.py``, loaded by :func:`apidocs.entry.loader.load_publish`).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from apidocs.core import project
from apidocs.core.errors import ApidocsError
from apidocs.core.messages import did_you_mean
from apidocs.core.model import Action
from apidocs.core.pages import Page

#: The file of a cases folder that declares the project's content.
FILE = "project.toml"
#: The docs project's publish flow (``cases/flows.py``'s ``publish``): a draft's metadata and
#: its files ((key, content), in order) → every request from nothing to the published
#: record; the first binds the draft's id as ``record_id``.
Publish = Callable[[dict[str, Any], tuple[tuple[str, bytes], ...]], tuple[Action, ...]]
#: The app setting that is the API a reader's snippets call (``{{ config.SITE_API_URL }}``).
API_URL_SETTING = "SITE_API_URL"


@dataclass(frozen=True)
class Theme:
    """The theme that ships the pages: findings outside our blocks are its."""

    name: str
    #: where its repository keeps its templates, relative to the repository's root (POSIX)
    templates: str


@dataclass(frozen=True)
class PackageLink:
    """A link of a page to a package's code, which must be the one the package's own
    metadata names (its ``Project-URL``s)."""

    pattern: re.Pattern[str]  # its first group is the URL
    package: str  # the distribution whose metadata names the URL
    requirements: str  # the requirements file (cases folder) of the venv that has it installed


@dataclass(frozen=True)
class Content:
    """Everything the docs project declares for the engine."""

    #: name → page, in the order runs and renders go through them
    pages: dict[str, Page]
    #: the app's settings the pages are rendered with (``{{ config.NAME }}``)
    config: dict[str, str]
    theme: Theme
    #: the endings of the paths of the endpoints that take no body, besides every GET and DELETE
    no_body: tuple[str, ...] = ()
    package_links: tuple[PackageLink, ...] = ()

    @property
    def api_url(self) -> str:
        """The API a reader's snippets call: what ``{{ config.SITE_API_URL }}`` is on the site."""
        return self.config[API_URL_SETTING]


@functools.cache
def declared(cases: Path) -> Content:
    """The content the cases folder ``cases`` declares (:data:`FILE`)."""
    path = cases / FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ApidocsError(f"{path}: cannot read the docs project's declarations: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ApidocsError(f"{path}: not TOML: {exc}") from None
    try:
        return _content(data)
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise ApidocsError(f"{path}: not the declarations apidocs reads ({type(exc).__name__}: {exc})") from None


#: The tables :data:`FILE` may hold (a misspelt one is an error, not a silent default).
TABLES = ("config", "theme", "requests", "page", "package_link")


def _content(data: dict[str, Any]) -> Content:
    unknown = sorted(set(data) - set(TABLES))
    if unknown:
        raise ValueError(f"unknown table {', '.join(unknown)} (known are {', '.join(TABLES)})")
    pages = [Page(**entry) for entry in data["page"]]
    if not pages:
        raise ValueError("no [[page]] declared")
    config = dict(data["config"])
    if not isinstance(config.get(API_URL_SETTING), str):
        raise ValueError(f"[config] has no {API_URL_SETTING}")
    return Content(
        pages={page.name: page for page in pages},
        config=config,
        theme=Theme(**data["theme"]),
        no_body=tuple(data.get("requests", {}).get("no_body", ())),
        package_links=tuple(PackageLink(**{**entry, "pattern": re.compile(entry["pattern"])})
                            for entry in data.get("package_link", ())),
    )


def of_project() -> Content:
    """What the docs project the command runs in declares."""
    return declared(project.cases())


def pages() -> dict[str, Page]:
    """The docs project's pages, by name, in the order runs and renders go through them."""
    return of_project().pages


def page(name: str) -> Page:
    """The docs project's page ``name``; an unknown name is one line naming the pages there are."""
    declared = pages()
    if name not in declared:
        raise ApidocsError(f"unknown page {name!r}{did_you_mean(name, declared)}: known are {', '.join(declared)}")
    return declared[name]


def is_case_script(path: Path) -> bool:
    """A case script of a page its folder declares, in a folder named ``cases`` (what pytest
    collects); a folder that declares nothing holds none."""
    folder = path.parent
    if folder.name != "cases" or not (folder / FILE).is_file():
        return False
    return any(path.match(page.case_glob) for page in declared(folder).pages.values())
