"""Whether a page is the verified page: the one check behind ``apidocs render --check`` and
``apidocs verify --check-pages``.

A page's blocks come from the cache while every input is byte for byte the same
(:mod:`apidocs.render.cache`), else from verified results (a replay of its cases, or the
run that just happened), and are then kept in the cache. This module imports nothing of
the replay, so a check the cache answers starts fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from apidocs.core.settings import Settings
from apidocs.render import cache, page, template
from apidocs.render.page import PageUpdate


@dataclass(frozen=True)
class PageNotChecked:
    """A page a run could not check: its cases did not all run and pass."""

    path: Path
    why: str


#: What checking a page found: how it differs from the verified page (or that it does not), or why it was not checked.
PageCheck = PageUpdate | PageNotChecked
Tell = Callable[[PageCheck], None]


def page_blocks(name: str, key: str | None, settings: Settings,
                verified: Callable[[], dict[str, str]]) -> dict[str, str]:
    """The template source of page ``name``'s blocks: cached under ``key`` (None: not cached),
    else ``verified()`` (and then cached)."""
    blocks = cache.load(settings.cache, name, key)
    if blocks is None:
        blocks = verified()
        cache.store(settings.cache, name, key, blocks)
    return blocks


def check_page(name: str, blocks: dict[str, str], target: Path | None = None, source: Path | None = None) -> PageUpdate:
    """Whether page ``name``'s template (or ``target``, an external copy; its prose from
    ``source``) holds ``blocks``; nothing is written."""
    return page.update(target or template(name), blocks, check=True, source=source)


def stale(checks: list[PageCheck]) -> int:
    """How many of the pages checked differ from the verified page."""
    return sum(1 for check in checks if isinstance(check, PageUpdate) and check.changed)
