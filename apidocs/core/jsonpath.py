"""Dotted paths into decoded JSON (``hits.hits.0.id``): the one way cases name a field."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def lookup(document: Any, path: str, default: Any = _MISSING) -> Any:
    """Return the value at ``path``; raise KeyError naming the path when it is absent."""
    node = document
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        elif default is not _MISSING:
            return default
        else:
            raise KeyError(path)
    return node


def select(document: Any, paths: tuple[str, ...]) -> dict:
    """Build a trimmed copy of ``document`` holding only ``paths``, in the order given.

    ``*`` maps over a list: ``hits.hits.*.metadata.title`` keeps every hit's title.
    """
    result: dict = {}
    for path in paths:
        _copy_path(document, path.split("."), result)
    return result


def _copy_path(source: Any, parts: list[str], target: dict) -> None:
    head, rest = parts[0], parts[1:]
    if not isinstance(source, dict) or head not in source:
        return
    value = source[head]
    if not rest:
        target[head] = value
    elif rest[0] == "*" and isinstance(value, list):
        items = target.setdefault(head, [{} for _ in value])
        for item_source, item_target in zip(value, items, strict=True):
            if rest[1:]:
                _copy_path(item_source, rest[1:], item_target)
            else:
                item_target.update(item_source)
    elif isinstance(value, dict):
        _copy_path(value, rest, target.setdefault(head, {}))
