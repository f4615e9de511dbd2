"""A page's rendered blocks, kept between runs while everything they come from is byte for
byte the same, so that ``render --check`` need not replay every case to say "up to date".

What a page's blocks come from, and so the cache key (one SHA-256 over all of it):

- the case scripts and snippet files: every file of the cases folder (``--cases-dir``);
- the cassettes they replay: every file of the cassette folder (``--cassettes``);
- the tool: every file of its installed packages (``apidocs/`` and ``render/``; the cases
  folder is an input of its own), the Python version, and the installed
  versions of the packages a replay goes through (:data:`PACKAGES`);
- the page's name.

Files are compared by their bytes, never by a modification time; ``__pycache__`` folders
are left out (Python writes them). The page template is not an input: it is what is
checked against the blocks. Not seen: the programs snippets run with (``curl``, ``bash``,
``node``); ``make verify`` runs every snippet anyway, so a new ``curl`` is found there.

The cache is a convenience, never a source of errors: an entry that cannot be read, is
not valid, or has another key is ignored (the page is rendered from a replay), and an
entry that cannot be written is skipped. Entries are written atomically, one file per
page (``<DOCS_CACHE>/<page>.json``), so a reader sees a whole entry or none.

This module imports nothing that a replay needs (no vcrpy, no yaml, no requests), so a
check that hits the cache starts fast.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import Iterable

import apidocs
from apidocs.core.errors import OutputError
from apidocs.core.files import write_atomically

#: The tool's own package, where it is installed (``apidocs.render`` included: in a checkout
#: a link to ``render/``, followed): a change in any file of it may change what a page shows.
SOURCE = (Path(apidocs.__file__).parent,)
#: Installed distributions a replay goes through (cassette parsing, matching, forwarding).
PACKAGES = ("vcrpy", "PyYAML", "requests", "urllib3")
#: Bumped when the entry's layout changes.
FORMAT = 1
_SKIPPED = "__pycache__"


def _add_folder(digest, folder: Path) -> None:
    """Every file under ``folder`` (its relative path, its length, its bytes), in a fixed
    order; where the folder is does not count, so a moved checkout keeps its cache."""
    digest.update(b"\0folder\0")  # no path starts with NUL: a folder's start is never a file's
    if not folder.is_dir():
        digest.update(b"\0missing\0")
        return
    for here, folders, files in os.walk(folder, followlinks=True):
        folders[:] = sorted(f for f in folders if f != _SKIPPED)
        for name in sorted(files):
            path = Path(here, name)
            data = path.read_bytes()
            digest.update(os.fsencode(path.relative_to(folder)) + f"\0{len(data)}\0".encode())
            digest.update(data)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


@functools.cache
def tool_version() -> str:
    """The tool's fingerprint: its source files, Python's version, the packages' versions."""
    digest = hashlib.sha256(f"format {FORMAT}\0{sys.version}\0".encode())
    for package in PACKAGES:
        digest.update(f"{package}=={_version(package)}\0".encode())
    for folder in SOURCE:
        _add_folder(digest, folder)
    return digest.hexdigest()


def keys(pages: Iterable[str], cases: Path, cassettes: Path) -> dict[str, str | None]:
    """The key of each page's blocks rendered from ``cases`` and ``cassettes`` (the folders
    are read once for all of them); None when an input cannot be read (the replay then
    says what is wrong with it)."""
    try:
        digest = hashlib.sha256(tool_version().encode())
        for folder in (cases, cassettes):
            _add_folder(digest, folder)
    except OSError:
        return dict.fromkeys(pages)
    inputs = digest.hexdigest()
    return {page: hashlib.sha256(f"{inputs}\0page {page}".encode()).hexdigest() for page in pages}


def key(page: str, cases: Path, cassettes: Path) -> str | None:
    """:func:`keys` of one page."""
    return keys([page], cases, cassettes)[page]


def _entry(folder: Path, page: str) -> Path:
    return folder / f"{page}.json"


def load(folder: Path, page: str, wanted: str | None) -> dict[str, str] | None:
    """``page``'s cached blocks if the entry's key is ``wanted``; None otherwise, also for an
    entry that is missing, unreadable or not what :func:`store` writes."""
    if wanted is None:
        return None
    try:
        entry = json.loads(_entry(folder, page).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable, not UTF-8, not JSON
        return None
    if not isinstance(entry, dict) or entry.get("key") != wanted:
        return None
    blocks = entry.get("blocks")
    if not isinstance(blocks, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in blocks.items()):
        return None
    return blocks


def store(folder: Path, page: str, key_: str | None, blocks: dict[str, str]) -> None:
    """Keep ``blocks`` under ``key_`` (atomically); a cache that cannot be written is skipped."""
    if key_ is None:
        return
    entry = {"format": FORMAT, "page": page, "key": key_, "blocks": blocks}
    try:
        write_atomically(_entry(folder, page), json.dumps(entry, ensure_ascii=False, indent=0) + "\n")
    except OutputError:
        pass  # a read-only checkout: the next check replays again, nothing is wrong with the page
