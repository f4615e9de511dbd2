"""What replay reads of a recorded interaction, checked field by field.

vcrpy would raise assorted exceptions (with tracebacks) on a cassette of the wrong
shape; naming the first field that is wrong lets the runner say it in one line.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from apidocs.core.messages import clip


def _mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else "a mapping"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "a string"


def _body(value: Any) -> str | None:
    return None if value is None or isinstance(value, (str, bytes)) else "a string, binary or null"


def _http_url(value: Any) -> str | None:
    ok = isinstance(value, str) and urlsplit(value).scheme in ("http", "https") and urlsplit(value).netloc
    return None if ok else "an http(s) URL"


def _status_code(value: Any) -> str | None:
    ok = type(value) is int and 100 <= value <= 599
    return None if ok else "an HTTP status: a number from 100 to 599"


def _headers(value: Any) -> str | None:
    ok = isinstance(value, dict) and all(
        isinstance(name, str) and isinstance(values, list) and all(isinstance(v, str) for v in values)
        for name, values in value.items()
    )
    return None if ok else "a mapping of header names to lists of strings"


#: What replay reads of an interaction, field by field (parents before their fields).
INTERACTION_FIELDS = (
    ("request", _mapping), ("request.method", _text), ("request.uri", _http_url),
    ("request.body", _body), ("request.headers", _headers),
    ("response", _mapping), ("response.status", _mapping), ("response.status.code", _status_code),
    ("response.status.message", _text), ("response.headers", _headers),
    ("response.body", _mapping), ("response.body.string", _body),
)


def interaction_problem(interaction: Any) -> str | None:
    """The first field of a recorded interaction that replay cannot use, named, or None."""
    if not isinstance(interaction, dict):
        return "not a mapping of request and response"
    for path, check in INTERACTION_FIELDS:
        node: Any = interaction
        for key in path.split("."):
            if key not in node:
                return f"lacks {path}"
            node = node[key]
        if (expected := check(node)) is not None:
            return f"{path} must be {expected}, got {clip(repr(node), 60)}"
    return None
