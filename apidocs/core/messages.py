"""How the tool's messages say things, one way everywhere they are said.

A misspelt name (a case on the command line, a block in a page's markers) is answered with
the name meant, by the same rule wherever a name is looked up.
"""

from __future__ import annotations

import difflib
from typing import Iterable


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'NAME'?)`` for the known name closest to ``name`` (a name that
    differs only in case, ``cURL`` for ``curl``, first), or ""."""
    known = list(known)
    close = [k for k in known if k.lower() == name.lower()] or difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}?)" if close else ""
