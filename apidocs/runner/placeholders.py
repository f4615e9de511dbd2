"""Placeholders: the page's text ↔ the text that is executed.

Pure functions. ``materialise`` turns a page snippet into a runnable one; ``generalise``
turns a captured request back into page terms, so that the Python and the cURL run of
a step (each in its own chain, with its own draft ids) can be compared.
"""

from __future__ import annotations

from typing import Any, Iterator

from apidocs.core.jsonpath import lookup
from apidocs.core.model import API_URL, TOKEN, Case


def substitutions(case: Case, api_url: str, token: str | None, bound: dict[str, str]) -> dict[str, str]:
    """Page text → executed text, for one snippet run: the API URL, the token (None: the
    snippet sends none) and the values earlier steps bound (ids)."""
    table = {API_URL: api_url}
    if token is not None:
        table[TOKEN] = token
    for page_text, name in case.placeholders.items():
        if name in bound:
            table[page_text] = bound[name]
    return table


def materialise(text: str, table: dict[str, str]) -> str:
    """Replace every placeholder of ``table`` in ``text`` (longest first, so none nests)."""
    for page_text in sorted(table, key=len, reverse=True):
        text = text.replace(page_text, table[page_text])
    return text


def generalise(text: str, table: dict[str, str]) -> str:
    """The inverse of :func:`materialise` for the values that are not empty."""
    inverse = {value: page_text for page_text, value in table.items() if value}
    return materialise(text, inverse)


def fill(text: str, bound: dict[str, str]) -> str:
    """An action's ``{name}`` fields (path, query, JSON text) with the values bound so far."""
    for name, value in bound.items():
        text = text.replace("{" + name + "}", value)
    return text


def bound_values(bind: dict[str, str], document: Any) -> Iterator[tuple[str, str]]:
    """(name, value) for each binding of ``bind`` (``{"record_id": "id"}``), from the decoded
    answer ``document``, in order. A missing field raises KeyError (naming it) when its turn
    comes: the caller decides whether the values before it are kept."""
    for name, path in bind.items():
        yield name, str(lookup(document, path))
