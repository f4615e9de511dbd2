"""Pure comparisons: did both languages send the same request, and is the response right?

Every function here takes captured data and returns a list of problems
(:class:`apidocs.core.problems.Problem`: a kind, and a sentence a maintainer can act on). An
empty list means "fine".
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from apidocs.core.jsonpath import lookup
from apidocs.core.model import API_PREFIX, Expect, Sent
from apidocs.core.problems import Kind, Problem, from_check
from apidocs.runner.api import server_message
from apidocs.runner.capture import Exchange
from apidocs.runner.placeholders import generalise


@dataclass(frozen=True)
class RequestView:
    """The parts of a request the page promises, in page terms (placeholders put back)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    content_type: str
    body: Any
    auth: bool

    def line(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query)
        return f"{self.method} {self.path}{'?' + query if query else ''}"


def view(exchange: Exchange, table: dict[str, str]) -> RequestView:
    """Describe ``exchange``'s request with ``table``'s values turned back into placeholders."""
    parts = urlsplit(exchange.path)
    query = tuple(sorted((k, generalise(v, table)) for k, v in parse_qsl(parts.query, keep_blank_values=True)))
    content_type = exchange.header("Content-Type").split(";")[0].strip().lower()
    return RequestView(
        method=exchange.method,
        path=generalise(unquote(parts.path), table),
        query=query,
        content_type=content_type if exchange.body else "",
        body=_body(exchange.body, content_type, table),
        auth=bool(exchange.header("Authorization")),
    )


def _body(body: bytes, content_type: str, table: dict[str, str]) -> Any:
    if not body:
        return None
    if "json" in content_type:
        try:
            return json.loads(generalise(body.decode("utf-8"), table))
        except (UnicodeDecodeError, ValueError):
            pass
    return f"<{len(body)} bytes, sha256 {hashlib.sha256(body).hexdigest()[:12]}>"


def request_differences(first: RequestView, other: RequestView, first_label: str = "Python",
                        other_label: str = "cURL") -> list[str]:
    """Where ``other``'s request differs from ``first``'s (two languages of one step)."""
    problems = []

    def differ(what: str, a: str, b: str) -> None:
        problems.append(f"{what}: {first_label} sent {a}, {other_label} sent {b}")

    for name in ("method", "path", "content_type", "auth"):
        a, b = getattr(first, name), getattr(other, name)
        if a != b:
            differ(name.replace("_", " "), _show(name, a), _show(name, b))
    query_a, query_b = dict(first.query), dict(other.query)
    for key in sorted(set(query_a) | set(query_b)):
        if query_a.get(key) != query_b.get(key):
            differ(f"query parameter {key!r}", _show("q", query_a.get(key)), _show("q", query_b.get(key)))
    if first.body != other.body:
        differ("body", _show("body", first.body), _show("body", other.body))
    return problems


def _show(name: str, value: Any) -> str:
    if value is None:
        return "nothing"
    if name == "auth":
        return "an Authorization header" if value else "no Authorization header"
    if name == "body" and not isinstance(value, str):
        return json.dumps(value, sort_keys=True)
    return repr(value) if name in ("q", "content_type") else str(value)


def request_problems(request: RequestView, needs_token: bool, method: str, no_body: tuple[str, ...]) -> list[Problem]:
    """What is wrong with a request on its own, whatever the other language did; ``no_body``:
    the path endings of the endpoints that take no body besides GET and DELETE (the docs
    project's, :attr:`apidocs.core.content.Content.no_body`)."""
    problems = []
    if needs_token and not request.auth:
        problems.append(Problem(Kind.CLAIM, "no Authorization header, but this endpoint needs a token"))
    if request.method != method:
        problems.append(Problem(Kind.CLAIM, f"sent {request.method}, the page documents {method}"))
    if method in ("GET", "DELETE") or request.path.endswith(no_body):
        if request.body is not None:
            problems.append(Problem(Kind.REQUEST, f"sent a body ({_show('body', request.body)[:120]})"
                                                  " to an endpoint that takes none"))
    return problems


#: How the Endpoint lines of the page name the API base.


def endpoint_problems(request: RequestView, method: str, endpoint: str, api_path: str) -> list[Problem]:
    """The request must go to the step's Endpoint line, its ``{fields}`` filled in.

    Both languages can agree on a path that the Endpoint line does not document (both
    snippets dropped a segment of it); this is where that shows. Paths are
    compared below the API base, so an instance serving its API elsewhere compares alike.
    """
    documented = endpoint.removeprefix(API_PREFIX)
    pattern = re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(documented))
    sent = request.path.removeprefix(api_path) if api_path else request.path
    if re.fullmatch(pattern, sent):
        return []
    sentence = f"sent {request.method} {API_PREFIX}{sent}, which is not the Endpoint line's {method} {endpoint}"
    return [Problem(Kind.CLAIM, sentence)]


def response_problems(exchange: Exchange, expect: Expect, bindings: dict[str, str]) -> list[Problem]:
    """Status, media type, documented fields and documented effect of a response."""
    if exchange.error:
        return [Problem(Kind.UNRECORDED if exchange.unrecorded else Kind.TRANSPORT, exchange.error)]
    problems = []
    content_type = exchange.response_header("Content-Type")
    document: Any = None
    if "json" in content_type:
        try:
            document = exchange.json()
        except ValueError:
            problems.append(Problem(Kind.FIELD,
                                    f"the response says JSON but does not parse: {exchange.response_body[:80]!r}"))
    if exchange.status != expect.status:
        got = f"{exchange.status}{server_message(document, exchange.response_header('Content-Type'))}"
        problems.append(Problem(Kind.STATUS, f"expected HTTP {expect.status}, got {got}"))
        if exchange.status in (401, 403) and exchange.header("Authorization"):
            problems.append(Problem(Kind.STATUS, "the token was refused: check DOCS_API_TOKEN / DOCS_CURATOR_TOKEN"
                                                 " and the account's roles"))
        return problems
    if expect.json and document is None:
        kind = "HTML" if "html" in content_type else repr(content_type or "no content type")
        problems.append(Problem(Kind.FIELD, f"expected JSON, got {kind}: {exchange.response_body[:80]!r}"))
        return problems
    for path, promised in expect.fields.items():
        value = lookup(document, path, default=None)
        if value is None:
            problems.append(Problem(Kind.FIELD, f"documented field {path!r} is missing from the response"))
        elif not isinstance(value, promised):
            problems.append(Problem(Kind.FIELD, f"documented field {path!r} is {type(value).__name__},"
                                                f" the page shows {promised.__name__}"))
    sent = sent_by(exchange, bindings)
    for check in expect.checks:
        found = check(document if expect.json else exchange, sent)
        if found:
            problems.append(from_check(found))
    return problems


def sent_by(exchange: Exchange, bindings: dict[str, str]) -> Sent:
    """What the checks learn of the request ``exchange`` actually sent: its query (of a repeated
    parameter, the last value) and the values earlier steps bound."""
    return Sent(dict(parse_qsl(urlsplit(exchange.path).query, keep_blank_values=True)), dict(bindings))
