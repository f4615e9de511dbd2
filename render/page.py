"""Write the blocks into a page template (ours, or an external copy with ``--into``).

It takes the blocks as template source (:func:`apidocs.render.blocks.template_blocks`), so that a
check answered from the cache (:mod:`apidocs.render.cache`) imports nothing of the replay.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from apidocs.core.files import write_atomically
from apidocs.render import adopt, markers
from apidocs.render.errors import RenderError

_BARE_LF = re.compile(r"(?<!\r)\n")


@dataclass(frozen=True)
class PageUpdate:
    """What :func:`update` did to a page template, or with ``check`` would do."""

    path: Path
    changed: bool
    diff: str
    blocks: int
    #: the blocks whose text on disk is not what the verified cases produce
    stale: tuple[str, ...] = ()
    #: the file had no markers: they were placed around the blocks it shows (:mod:`apidocs.render.adopt`)
    adopted: bool = False
    #: the page as rendered (what was written, or with ``check`` what would be)
    text: str = ""


def line_ending(text: str) -> str:
    """The page's line ending: CRLF if it uses CRLF, else LF."""
    return "\r\n" if "\r\n" in text else "\n"


def rendered(text: str, contents: dict[str, str], where: str) -> str:
    """``text`` with every block's template source replaced; nothing outside the markers changes.

    The blocks take the page's line ending, so a CRLF page stays CRLF throughout.
    """
    newline = line_ending(text)
    return markers.replace(text, {name: _BARE_LF.sub(newline, body) for name, body in contents.items()}, where)


def unified_diff(old: str, new: str, path: Path) -> str:
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"{path} (on disk)", tofile=f"{path} (rendered from the verified cases)",
    ))


def read(path: Path, what: str = "page template") -> str:
    """A template's text, line endings as they are."""
    try:
        with open(path, encoding="utf-8", newline="") as page:  # newline="": line endings as they are
            return page.read()
    except FileNotFoundError:
        raise RenderError(f"no {what} at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RenderError(f"cannot read {path}: {exc}") from None


def update(path: Path, contents: dict[str, str], check: bool = False, source: Path | None = None) -> PageUpdate:
    """Put the blocks' template source (``contents``) into ``path``: write it (atomically)
    or, with ``check``, only compare.

    A file without markers is adopted first (:func:`apidocs.render.adopt.adopt`); with ``source``
    (a theme release's template), its text outside the blocks replaces ``path``'s.
    """
    old = read(path)
    base = read(source, "theme template") if source else old
    marked = adopt.adopt(base, contents, str(source or path))
    new = rendered(marked, contents, str(source or path))
    changed = new != old
    if changed and not check:
        write_atomically(path, new)
    stale: tuple[str, ...] = ()
    if changed:  # which blocks differ (an unchanged page has none to name)
        before = markers.contents(old, str(path)) if markers.find(old, str(path)) else {}
        after = markers.contents(new, str(path))
        stale = tuple(name for name in after if before.get(name) != after[name])
    return PageUpdate(path, changed, unified_diff(old, new, path) if changed else "", len(contents), stale,
                      adopted=marked is not base, text=new)
