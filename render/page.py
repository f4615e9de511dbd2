"""Write the blocks into a page template (ours, or an external copy with ``--into``).

It takes the blocks as template source (:func:`render.blocks.template_blocks`), so that a
check answered from the cache (:mod:`render.cache`) imports nothing of the replay.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from apidocs.core.files import write_atomically
from render import markers
from render.errors import RenderError

_BARE_LF = re.compile(r"(?<!\r)\n")


@dataclass(frozen=True)
class Outcome:
    path: Path
    changed: bool
    diff: str
    blocks: int
    #: the blocks whose text on disk is not what the verified cases produce
    stale: tuple[str, ...] = ()


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


def update(path: Path, contents: dict[str, str], check: bool = False) -> Outcome:
    """Put the blocks' template source (``contents``) into ``path``: write it (atomically)
    or, with ``check``, only compare."""
    try:
        with open(path, encoding="utf-8", newline="") as page:  # newline="": line endings as they are
            old = page.read()
    except FileNotFoundError:
        raise RenderError(f"no page template at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RenderError(f"cannot read {path}: {exc}") from None
    new = rendered(old, contents, str(path))
    changed = new != old
    if changed and not check:
        write_atomically(path, new)
    stale: tuple[str, ...] = ()
    if changed:  # which blocks differ (an unchanged page has none to name)
        before, after = markers.contents(old, str(path)), markers.contents(new, str(path))
        stale = tuple(name for name in after if before.get(name) != after[name])
    return Outcome(path, changed, unified_diff(old, new, path) if changed else "", len(contents), stale)
