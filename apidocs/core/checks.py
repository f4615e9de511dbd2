"""Documented effects, as checks on a response (see :class:`apidocs.core.model.Expect`).

Each factory returns a function ``(document, sent) -> problem or None`` (``sent``: what the
request actually sent, :class:`apidocs.core.model.Sent`): a problem is a sentence saying what the
response got wrong, in terms of that request, or :func:`apidocs.core.problems.data_missing` when
the instance may lack the data the check relies on.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Callable

from apidocs.core.jsonpath import lookup
from apidocs.core.model import Check, Sent
from apidocs.core.problems import Problem, data_missing


def _hits(document: Any) -> list[dict]:
    return lookup(document, "hits.hits", default=[])


def finds_at_least(count: int) -> Check:
    """A query the page shows must find records, not silently nothing.

    Too few hits means the instance lacks the data (``apidocs provision`` creates it), not
    that the page is wrong: an answer without ``hits.total`` is a real failure.
    """

    def check(document: Any, _: Sent) -> str | Problem | None:
        total = lookup(document, "hits.total", default=None)
        if not isinstance(total, int):
            return "the answer has no hits.total: not a search result"
        if total < count:
            return data_missing(f"the query found {total} records; the example needs at least {count}")
        return None

    return check


def every_hit(path: str, predicate: Callable[[Any], bool], description: str) -> Check:
    def check(document: Any, _: Sent) -> str | None:
        for hit in _hits(document):
            value = lookup(hit, path, default=None)
            if not predicate(value):
                return f"hit {hit.get('id')} has {path} = {value!r}, not {description}"
        return None

    return check


def searchable_text(text: str) -> str:
    """``text`` as InvenioRDM's ``accent_analyzer`` indexes a title: punctuation and symbols
    dropped, lower case, accents folded (``Clímate-Data`` → ``climatedata``). A title the
    search matched holds the query's word in this form, whatever real records it has."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c)[0] not in "PS")
    return "".join(kept).lower()


def title_contains(word: str) -> Check:
    return every_hit("metadata.title", lambda t: isinstance(t, str) and word in searchable_text(t),
                     f"a title with {word!r}")


def published_between(first: str, last: str) -> Check:
    return every_hit(
        "metadata.publication_date",
        lambda d: isinstance(d, str) and first <= d[: len(first)] and d[: len(last)] <= last,
        f"within {first}..{last}",
    )


def as_sent(sent: Sent, name: str, documented: str) -> str:
    """How a message names query parameter ``name``: ``name=documented`` when the request sent
    that, else what it actually sent (a changed snippet may send another value, or none)."""
    asked = sent.query.get(name)
    if asked == documented:
        return f"{name}={documented}"
    what = f"{name}={asked}" if asked is not None else f"no {name}"
    return f"{what} (sent in place of {name}={documented})"


def sorted_newest_first() -> Check:
    """The hits come most recently created first, as ``sort=newest`` returns them."""

    def check(document: Any, sent: Sent) -> str | None:
        created = [hit.get("created", "") for hit in _hits(document)]
        if created != sorted(created, reverse=True):
            return f"{as_sent(sent, 'sort', 'newest')} did not return the most recently created records first"
        return None

    return check


def page_size(size: int) -> Check:
    def check(document: Any, sent: Sent) -> str | None:
        total, shown = lookup(document, "hits.total", default=0), len(_hits(document))
        if shown != min(total, size):
            return (f"{as_sent(sent, 'size', str(size))}: {shown} hits on the page of {total},"
                    f" expected {min(total, size)}")
        return None

    return check


def has_next_page(size: int) -> Check:
    def check(document: Any, _: Sent) -> str | Problem | None:
        if lookup(document, "hits.total", default=0) <= size:
            return data_missing(f"the query found too few records for a second page at size={size}")
        if "next" not in lookup(document, "links", default={}):
            return "page=1 of a result larger than one page has no links.next"
        return None

    return check


def equals(path: str, expected: Any) -> Check:
    def check(document: Any, _: Sent) -> str | None:
        value = lookup(document, path, default=None)
        if value != expected:
            return f"{path} is {value!r}, expected {expected!r}"
        return None

    return check


def starts_with(path: str, prefix: str) -> Check:
    def check(document: Any, _: Sent) -> str | None:
        value = lookup(document, path, default="")
        if not str(value).startswith(prefix):
            return f"{path} is {value!r}, expected it to start with {prefix!r}"
        return None

    return check
