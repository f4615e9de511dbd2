"""How the tool's messages say things, one way everywhere they are said.

A misspelt name (a case on the command line, a block in a page's markers) is answered with
the name meant, by the same rule wherever a name is looked up; someone else's words (a
server's explanation) are shortened where a sentence ends, never in the middle of a word;
a value shown (a field's, a body's, a matcher's words) is clipped to a width, the cut
marked; a hint names the command to run the way that works where it is read.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from pathlib import Path
from typing import Iterable

from apidocs.core import project
from apidocs.core.errors import ApidocsError

#: Where one sentence ends and the next begins ("e.g. a bad password" is not such a place).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'NAME'?)`` for the known name closest to ``name`` (a name that
    differs only in case, ``cURL`` for ``curl``, first), or ""."""
    known = list(known)
    close = [k for k in known if k.lower() == name.lower()] or difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}?)" if close else ""


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters: its whole sentences that fit, else
    its whole words that fit and " …". A message cut in the middle of a word ("how to supply
    the c") reads as a fault of its own."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    ends = [found.start() for found in _SENTENCE_BREAK.finditer(text) if found.start() <= limit]
    return text[:ends[-1]] if ends else textwrap.shorten(text, limit, placeholder=" …")


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the cut marked with "…": a value a message shows,
    where what matters is its start (a body, a field's value), not whole sentences."""
    return text if len(text) <= width else text[:width - 1] + "…"


def apidocs_command(words: str) -> str:
    """A hint's command in backticks, one rule for every hint: ``.venv/bin/apidocs WORDS``, as
    README writes it, where that path leads to this very tool (the working directory is the
    root of the project in use, and the tool is that checkout's own, :func:`project.own_install`);
    anywhere else ``apidocs WORDS``, the command on PATH."""
    return f"`{'.venv/bin/apidocs' if _run_from_its_checkout() else 'apidocs'} {words}`"


def _run_from_its_checkout() -> bool:
    try:
        root = project.root()
    except ApidocsError:  # no project here (`apidocs report DIR` elsewhere): the tool on PATH
        return False
    return Path.cwd().resolve() == root and project.own_install(root)


def shown(path: Path) -> str:
    """``path`` as a user reads it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
