"""The save-time normaliser: what changes from one recording to the next becomes stable.

It runs once, when a recording is saved (:mod:`apidocs.runner.cassettes.persister`), so
that a re-record's diff shows real changes only and replay chains still line up.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from apidocs.core import volatile

#: The origin every recorded URL is rewritten to, whatever instance it came from.
CANONICAL_ORIGIN = "http://invenio.invalid"
FIXED_TIMESTAMP = "2025-01-09T12:00:00.000000+00:00"
FIXED_HTTP_DATE = "Thu, 09 Jan 2025 12:00:00 GMT"


def normalise(cassette: dict, upstream_origin: str) -> dict:
    """Rewrite what changes from one recording to the next into stable values.

    Ids (record pids, UUIDs, DOIs) become aliases numbered in order of appearance and
    are replaced consistently everywhere (URLs, bodies, headers), so replay chains still
    line up; timestamps and HTTP dates become fixed; the instance's origin becomes
    :data:`CANONICAL_ORIGIN`; user agents lose their version numbers. A record's files
    come in key order (:func:`_files_in_key_order`) before ids are numbered.
    """
    for interaction in cassette["interactions"]:
        _files_in_key_order(interaction["response"])
    aliases = _collect_aliases(cassette["interactions"])
    host = urlsplit(upstream_origin).netloc
    for interaction in cassette["interactions"]:
        request, response = interaction["request"], interaction["response"]
        request["uri"] = _rewrite(request["uri"].replace(upstream_origin, CANONICAL_ORIGIN), aliases)
        request["body"] = _rewrite_body(request["body"], aliases, host)
        _normalise_agent(request["headers"])
        body = response["body"]
        body["string"] = _stable_json(_rewrite_body(body.get("string"), aliases, host))
        _normalise_headers(response["headers"], aliases, host, body["string"])
    return cassette


def _files_in_key_order(response: dict) -> None:
    """A record's files in the order of their keys: an instance lists them in the order its
    database returns the rows, which changes with each provisioning and even between
    instances (the files' ``entries`` of a JSON body, the ``rel="item"`` links of a
    ``Link`` header). Bodies where the order already is the keys' stay byte for byte."""
    body = response["body"]
    text = _as_text(body.get("string"))
    try:
        document = json.loads(text) if text else None
    except ValueError:
        document = None
    if isinstance(document, (dict, list)):
        ordered = _entries_sorted(document)
        if json.dumps(ordered) != json.dumps(document):  # dict order counts here, as it does for the ids
            stable = json.dumps(ordered)
            body["string"] = stable.encode("utf-8") if isinstance(body["string"], bytes) else stable
    for key in [k for k in response["headers"] if k.lower() == "link"]:
        response["headers"][key] = [_items_sorted(value) for value in response["headers"][key]]


def _entries_sorted(node: Any) -> Any:
    """``node`` with every ``entries`` of files (a list of objects with a ``key``, or an object
    keyed by file name) in key order."""
    if isinstance(node, list):
        return [_entries_sorted(item) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {key: _entries_sorted(value) for key, value in node.items()}
    entries = copy.get("entries")
    if isinstance(entries, dict):
        copy["entries"] = dict(sorted(entries.items()))
    elif isinstance(entries, list) and all(isinstance(e, dict) and isinstance(e.get("key"), str) for e in entries):
        copy["entries"] = sorted(entries, key=lambda entry: entry["key"])
    return copy


#: The separator before a ``Link`` header's next link (`` , <``), kept as the server wrote it.
_NEXT_LINK = re.compile(r"(\s*,\s*)(?=<)")


def _items_sorted(header: str) -> str:
    """A ``Link`` header with its ``rel="item"`` links (a record's files) in URL order, in the
    places they held; every other link stays where it was."""
    parts = _NEXT_LINK.split(header)  # link, separator, link, …
    items = [i for i in range(0, len(parts), 2) if 'rel="item"' in parts[i]]
    for place, link in zip(items, sorted(parts[i] for i in items), strict=True):
        parts[place] = link
    return "".join(parts)


def _collect_aliases(interactions: list[dict]) -> dict[str, str]:
    found: dict[str, str] = {}
    counts = dict.fromkeys(volatile.ALIASES, 0)

    def note(value: str, kind: str) -> None:
        if value not in found:
            counts[kind] += 1
            found[value] = volatile.ALIASES[kind].format(counts[kind])

    for interaction in interactions:
        for match in volatile.PID_IN_PATH.finditer(interaction["request"]["uri"]):
            note(match.group(1), "pid")
        for text in (_as_text(interaction["request"]["body"]), _as_text(interaction["response"]["body"].get("string"))):
            if text is None:
                continue
            for doi in volatile.DOI.findall(text):
                note(doi, "doi")
            for value in _json_ids(text):
                note(value, "pid")
            for uuid in volatile.UUID.findall(text):
                note(uuid, "uuid")
    return found


def _json_ids(text: str) -> list[str]:
    """Record pids named as ``id``/``record`` values in a JSON body (not every a-b word)."""
    try:
        document = json.loads(text)
    except ValueError:
        return []
    ids: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            record_like = any(key in node for key in volatile.RECORD_KEYS)
            for key, value in node.items():
                is_pid = isinstance(value, str) and volatile.PID.fullmatch(value)
                if is_pid and (key == "record" or (key == "id" and record_like)):
                    ids.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)
    return ids


def _as_text(body: Any) -> str | None:
    if isinstance(body, bytes):
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return body


def _rewrite(text: str, aliases: dict[str, str]) -> str:
    for value in sorted(aliases, key=len, reverse=True):
        text = text.replace(value, aliases[value])
    return volatile.REQUEST_NUMBER.sub('"number": "1"', volatile.TIMESTAMP.sub(FIXED_TIMESTAMP, text))


def _rewrite_body(body: Any, aliases: dict[str, str], host: str) -> Any:
    text = _as_text(body)
    if text is None:
        return body
    canonical = urlsplit(CANONICAL_ORIGIN).netloc
    text = text.replace(f"//{host}", f"//{canonical}").replace(f"oai:{host}:", f"oai:{canonical}:")
    rewritten = _rewrite(text, aliases)
    return rewritten.encode("utf-8") if isinstance(body, bytes) else rewritten


def _stable_json(body: Any) -> Any:
    """A JSON response with its keys sorted: the server's dict order varies between runs."""
    text = _as_text(body)
    try:
        document = json.loads(text) if text else None
    except ValueError:
        return body
    if not isinstance(document, (dict, list)):
        return body
    stable = json.dumps(document, sort_keys=True)
    return stable.encode("utf-8") if isinstance(body, bytes) else stable


def _normalise_headers(headers: dict, aliases: dict[str, str], host: str, body: Any) -> None:
    for key in list(headers):
        lower = key.lower()
        if lower in volatile.HTTP_DATE_HEADERS:
            headers[key] = [FIXED_HTTP_DATE]
        elif lower in volatile.VOLATILE_HEADERS:
            headers[key] = ["<volatile>"]
        elif lower == "content-length" and body is not None:
            headers[key] = [str(len(body if isinstance(body, bytes) else body.encode("utf-8")))]
        else:
            canonical = f"//{urlsplit(CANONICAL_ORIGIN).netloc}"
            headers[key] = [_rewrite(v.replace(f"//{host}", canonical), aliases) for v in headers[key]]


def _normalise_agent(headers: dict) -> None:
    for key in [k for k in headers if k.lower() == "user-agent"]:
        headers[key] = [re.sub(r"/[\w.]+", "", v) for v in headers[key]]
