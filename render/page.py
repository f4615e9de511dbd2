"""Write the blocks into a page template (ours, or an external copy with ``--into``)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from runner.files import write_atomically

from . import markers
from .blocks import template_blocks
from .errors import RenderError


@dataclass(frozen=True)
class Outcome:
    path: Path
    changed: bool
    diff: str
    blocks: int


def rendered(text: str, blocks: dict[str, str], where: str) -> str:
    """``text`` with every block replaced; nothing outside the markers changes."""
    return markers.replace(text, template_blocks(blocks), where)


def unified_diff(old: str, new: str, path: Path) -> str:
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"{path} (on disk)", tofile=f"{path} (rendered from the verified cases)",
    ))


def update(path: Path, blocks: dict[str, str], check: bool = False) -> Outcome:
    """Render ``blocks`` into ``path``: write it (atomically) or, with ``check``, only compare."""
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RenderError(f"no page template at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RenderError(f"cannot read {path}: {exc}") from None
    new = rendered(old, blocks, str(path))
    changed = new != old
    if changed and not check:
        write_atomically(path, new)
    return Outcome(path, changed, unified_diff(old, new, path) if changed else "", len(blocks))
