"""The runner's own requests: an Action sent and a draft deleted, each built in one place.

The engine sends them through the capture proxy (recorded and replayed: a case's set-up
steps and its clean-up), provisioning straight to the instance (housekeeping, never
recorded). Both are a :data:`Send`, a function that fills in an exchange's answer, so
what goes out, and what a draft's DELETE may answer, is written once, here.
"""

from __future__ import annotations

import json
from typing import Callable, Mapping
from urllib.parse import quote

from apidocs.core.model import Action
from apidocs.runner.api import Api, ApiError, auth_headers
from apidocs.runner.capture import Exchange
from apidocs.runner.placeholders import fill

#: How an exchange goes out and gets its answer: the capture proxy's ``send``, or :func:`direct`.
Send = Callable[[Exchange], None]

#: What a draft's DELETE answers once the draft is gone: deleted now (204), or gone
#: already (404, 410: discarded, or published meanwhile).
DRAFT_GONE = (204, 404, 410)


def send_action(action: Action, tokens: Mapping[str, str], bound: dict[str, str], api_path: str,
                send: Send) -> Exchange:
    """Send ``action`` with its role's token and the values bound so far in its fields.

    ``api_path`` is what the API's paths start with on the far side of ``send``: the
    proxy's (``/api``), or "" for :func:`direct`, which sends relative to the API's URL.
    """
    headers = auth_headers(tokens.get(action.role) if action.role else None)
    body, content_type = action_body(action, bound)
    if content_type:
        headers["Content-Type"] = content_type
    query = "&".join(f"{k}={quote(fill(v, bound), safe='')}" for k, v in action.params.items())
    path = api_path + fill(action.path, bound) + (f"?{query}" if query else "")
    exchange = Exchange(action.method, path, headers, body)
    send(exchange)
    return exchange


def action_body(action: Action, bound: dict[str, str]) -> tuple[bytes, str]:
    """What an action sends, and its content type: its JSON with the ids bound so far in
    its fields, or its bytes (a file's content), or nothing ("" : no content type)."""
    if action.json is not None:
        return fill(json.dumps(action.json), bound).encode(), "application/json"
    if action.data is not None:
        return action.data, "application/octet-stream"
    return b"", ""


def delete_draft(record_id: str, token: str, api_path: str, send: Send) -> str:
    """Delete the draft ``record_id``: "" when it is gone, else why it is not. It says so
    rather than raising: a clean-up must not hide the error that brought it about."""
    exchange = Exchange("DELETE", f"{api_path}/records/{record_id}/draft", auth_headers(token), b"")
    try:
        send(exchange)
    except ApiError as exc:  # :func:`direct` names the request and the server's answer itself
        return str(exc)
    if exchange.error or exchange.status not in DRAFT_GONE:
        return exchange.error or str(exchange.status)
    return ""


def direct(api: Api, expect: tuple[int, ...]) -> Send:
    """A :data:`Send` straight to ``api`` (housekeeping: no proxy, no cassette); an answer
    outside ``expect``, or none, is an :class:`ApiError`."""

    def send(exchange: Exchange) -> None:
        answer = api.call(exchange.method, exchange.path, expect=expect, headers=exchange.headers,
                          data=exchange.body or None)
        exchange.status, exchange.response_body = answer.status_code, answer.content
        exchange.response_headers = dict(answer.headers)

    return send
