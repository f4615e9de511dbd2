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
    :data:`CANONICAL_ORIGIN`; user agents lose their version numbers.
    """
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
