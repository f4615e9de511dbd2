"""The links of our pages, without a request: which ``url_for`` endpoints a template uses,
which links a served page has, which of them our template made (and which link each
``url_for`` made), and where each leads: into the app (internal) or to another site.

``apidocs links`` (:mod:`apidocs.entry.links`) fetches the pages and the links' targets;
everything here works on text, so the offline tests run it on the real templates.

Which links a template made is found by rendering it through the stand-in base
(:mod:`apidocs.render.preview`) with every value only the app knows (``url_for``'s result, the
app's ``config``) marked, then finding that run of ``<a>`` links, text and literal hrefs
alike, among the served page's: what stands at a marked place is what the app made there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Sequence
from urllib.parse import urldefrag, urljoin, urlsplit

import jinja2
from jinja2 import nodes

from apidocs.render import preview
from apidocs.render.errors import RenderError

#: The attribute that holds each element's link: what a reader follows or the browser loads.
LINK_ATTRIBUTES = {"a": "href", "area": "href", "link": "href", "script": "src", "img": "src", "iframe": "src",
                   "source": "src", "video": "src", "audio": "src"}
#: The attributes a ``#fragment`` can name, by element (any element's ``id``; an ``<a name>`` too).
ID_ATTRIBUTES = {"a": ("id", "name")}
#: Only these lead to something an HTTP request can check (not mailto:, tel:, javascript:, data:).
CHECKED_SCHEMES = {"http": 80, "https": 443}
#: A link still rate limited after the retries is not known to be broken: a note, not a break
#: (the reference instance allows ten logins a minute, and every page links its login).
RATE_LIMITED = 429
RATE_LIMITED_NOTE = "HTTP 429: rate limited, also after the retries DOCS_RETRIES allows (not known to be broken)"
#: Marks what only the app knows in the stand-in's rendering: ``<MADE><kind>:<name>``.
MADE = "apidocs-made-by-the-app:"
WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Found:
    """A link as a page's HTML has it: the element, its link attribute's value and (``<a>``) its text."""

    tag: str
    value: str
    text: str = ""

    def html(self) -> str:
        """The link as a reader finds it in the page's source."""
        return f'<{self.tag} {LINK_ATTRIBUTES[self.tag]}="{self.value}">'


@dataclass(frozen=True)
class Document:
    """What a page offers links: its own links, in page order, and the ids a ``#fragment`` can name."""

    links: tuple[Found, ...]
    ids: frozenset[str]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, list[str]]] = []
        self.ids: set[str] = set()
        self.open_anchor: list[str] | None = None  # the text parts of the <a> being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.ids.update(values[name] for name in ID_ATTRIBUTES.get(tag, ("id",)) if values.get(name))
        if (attribute := LINK_ATTRIBUTES.get(tag)) and attribute in values:
            self.links.append((tag, values[attribute].strip(), []))
            if tag == "a":
                self.open_anchor = self.links[-1][2]

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.open_anchor = None

    def handle_data(self, data: str) -> None:
        if self.open_anchor is not None:
            self.open_anchor.append(data)


def parse(html: str) -> Document:
    """The links (with each ``<a>``'s text, whitespace collapsed) and the ids of ``html``."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    links = tuple(Found(tag, value, WHITESPACE.sub(" ", "".join(text)).strip()) for tag, value, text in collector.links)
    return Document(links, frozenset(collector.ids))


def url_for_endpoints(source: str, name: str = "the template") -> list[str]:
    """The endpoints ``source`` builds links to with ``url_for("endpoint", …)``, in page order,
    each once: read from the parsed template, so a comment or a snippet's text never counts.
    (An endpoint computed at serving time cannot be named here, and none of our pages has one.)"""
    try:
        tree = jinja2.Environment(extensions=["jinja2.ext.i18n"]).parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{name}:{exc.lineno}: not valid Jinja: {exc.message}") from None
    return list(dict.fromkeys(
        call.args[0].value for call in tree.find_all(nodes.Call)
        if isinstance(call.node, nodes.Name) and call.node.name == "url_for"
        and call.args and isinstance(call.args[0], nodes.Const) and isinstance(call.args[0].value, str)))


@dataclass(frozen=True)
class Expected:
    """An ``<a>`` link of our template as the stand-in renders it: its text, and its href
    as written, or what makes it when the app serves the page (``url_for("…")``, ``config.…``)."""

    href: str
    text: str

    @property
    def made_by(self) -> str | None:
        """``url_for("endpoint")`` or ``config.NAME`` when the app makes this href, else None."""
        if not self.href.startswith(MADE):
            return None
        kind, _, name = self.href.removeprefix(MADE).partition(":")
        return f'url_for("{name}")' if kind == "url_for" else f"{kind}.{name}"

    @property
    def endpoint(self) -> str | None:
        return self.href.removeprefix(MADE + "url_for:") if self.href.startswith(MADE + "url_for:") else None

    def matches(self, found: Found) -> bool:
        return found.tag == "a" and found.text == self.text and (self.made_by is not None or found.value == self.href)


class _AppConfig(dict):
    """The app's ``config`` for the stand-in: every value is the app's (marked), but the base template."""

    def __getattr__(self, name: str) -> str:
        return preview.BASE_TEMPLATE if name == "BASE_TEMPLATE" else f"{MADE}config:{name}"


def _marked_url_for(endpoint: str, **_values) -> str:
    return f"{MADE}url_for:{endpoint}"


def template_anchors(template: Path) -> list[Expected]:
    """Our template's ``<a>`` links, in page order, with what the app makes marked."""
    html = preview.render_html(template, url_for=_marked_url_for, config=_AppConfig())
    return [Expected(found.value, found.text) for found in parse(html).links if found.tag == "a"]


def placed(expected: Sequence[Expected], served: Document) -> list[int] | None:
    """Which of the served page's links our template made: the positions (in ``served.links``)
    of the first run of ``<a>`` links that matches the template's, link by link; None when no
    run does (the app serves another version of the page)."""
    anchors = [index for index, found in enumerate(served.links) if found.tag == "a"]
    runs = (anchors[start:start + len(expected)] for start in range(len(anchors) - len(expected) + 1))
    return next((run for run in runs if all(wanted.matches(served.links[index])
                                             for wanted, index in zip(expected, run, strict=True))), None)


def made_links(expected: Sequence[Expected], served: Document, positions: Sequence[int]) -> dict[str, tuple[str, ...]]:
    """Each ``url_for`` endpoint of the template → the hrefs it made on the served page (each once)."""
    made: dict[str, dict[str, None]] = {}
    for wanted, position in zip(expected, positions, strict=True):
        if wanted.endpoint:
            made.setdefault(wanted.endpoint, {})[served.links[position].value] = None
    return {endpoint: tuple(hrefs) for endpoint, hrefs in made.items()}


@dataclass(frozen=True)
class Target:
    """Where a link leads: the absolute URL (without its fragment), the fragment, and whether
    it is the app's own (same origin as the app) or another site's."""

    url: str
    fragment: str
    internal: bool


def origin_of(url: str) -> str:
    """``scheme://host:port`` (the port written out), what "the same site" compares."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return f"{scheme}://{(parts.hostname or '').lower()}:{parts.port or CHECKED_SCHEMES.get(scheme, 0)}"


def target_of(value: str, page_url: str, app: str) -> Target | None:
    """Where the link ``value`` on the page at ``page_url`` leads, or None when it leads to
    nothing a request can check: ``#`` (a script's handle), ``mailto:``, ``javascript:``…"""
    url, fragment = urldefrag(urljoin(page_url, value))
    if value in ("", "#") or urlsplit(url).scheme.lower() not in CHECKED_SCHEMES:
        return None
    return Target(url, fragment, origin_of(url) == origin_of(app))


@dataclass(frozen=True)
class Answer:
    """What a link's URL answered: its status and, for an HTML page of the app, its document;
    or, without a status, why there is none."""

    status: int | None = None
    error: str = ""
    document: Document | None = None
    #: where it redirects
    moved_to: str = ""
    #: what is worth knowing but breaks nothing (where its redirects end, when that fails)
    note: str = ""

    def problem(self, fragment: str = "") -> str | None:
        """Why a link to this answer (and ``fragment`` on it) is broken, or None."""
        if self.error:
            return self.error
        if self.status is not None and self.status >= 400 and self.status != RATE_LIMITED:
            return f"HTTP {self.status}"
        if fragment and self.document is not None and fragment not in self.document.ids:
            return f"no element with id {fragment!r} on that page"
        return None
